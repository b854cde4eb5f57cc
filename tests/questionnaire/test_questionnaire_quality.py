"""Data-quality flags, one rule at a time (tests/data/questionnaires/quality.yaml)."""

from pathlib import Path

import pytest

from oko.questionnaire import FLAGS, Questionnaire, load, quality_flags, rounded_duration, too_fast

CLEAN = {
    "alc_lifetime": 2,
    "alc_30d": 1,
    "relevin": 1,
    "par_a": 1,
    "par_b": 3,
    "sch_a": 3,
    "sch_b": 1,
    "sch_c": 3,
}


@pytest.fixture
def quality(data_dir: Path) -> Questionnaire:
    return load(data_dir / "quality.yaml")


def flags(q: Questionnaire, **changes):
    return quality_flags(q, {**CLEAN, **changes})


def test_a_clean_response_has_no_flags(quality: Questionnaire) -> None:
    assert flags(quality) == []


def test_without_a_quality_section_only_the_default_speed_check_runs(data_dir: Path) -> None:
    minimal = load(data_dir / "minimal.yaml")
    assert quality_flags(minimal, {}) == []
    share = minimal.quality.too_fast_share_of_median
    assert (too_fast(600, 600, share), too_fast(100, 600, share)) == (False, True)


@pytest.mark.parametrize(("relevin", "expected"), [(1, []), (None, []), (2, ["fictitious_drug"])])
def test_fictitious_drug(quality: Questionnaire, relevin: int | None, expected: list[str]) -> None:
    assert flags(quality, relevin=relevin) == expected


def test_inconsistent(quality: Questionnaire) -> None:
    assert flags(quality, alc_lifetime=2, alc_30d=3) == ["inconsistent"]
    assert flags(quality, alc_lifetime=2, alc_30d=2) == []


def test_consistency_rules_see_not_asked_as_no_value(quality: Questionnaire) -> None:
    answers = {k: v for k, v in CLEAN.items() if k != "alc_30d"}
    assert quality_flags(quality, {**answers, "alc_lifetime": 1}) == []


@pytest.mark.parametrize(
    ("duration", "median", "expected"),
    [
        (100, 400, ["too_fast"]),
        (131, 400, ["too_fast"]),
        (133, 400, []),
        (600, 400, []),
        (100, None, []),
        (100, 0, []),
        (None, 400, []),
    ],
)
def test_too_fast(quality: Questionnaire, duration, median, expected: list[str]) -> None:
    share = quality.quality.too_fast_share_of_median
    assert too_fast(duration, median, share) == bool(expected)
    assert flags(quality) == [], "too_fast is never among the flags stored at submit"


@pytest.mark.parametrize(
    ("seconds", "stored"),
    [(0, 0), (-3, 0), (4.9, 0), (5, 10), (14, 10), (15, 20), (779.6, 780), (1234, 1230)],
)
def test_durations_are_stored_to_ten_seconds(seconds: float, stored: int) -> None:
    assert rounded_duration(seconds) == stored


def test_straightlining_needs_every_listed_grid_straight(quality: Questionnaire) -> None:
    straight = {"par_a": 2, "par_b": 2, "sch_a": 3, "sch_b": 3, "sch_c": 3}
    assert flags(quality, **straight) == ["straightlining"]
    assert flags(quality, **{**straight, "sch_b": 2}) == []
    assert flags(quality, **{**straight, "sch_b": None}) == []


def test_too_many_missing(quality: Questionnaire) -> None:
    # Two of four core items missing is half, not more than half.
    assert flags(quality, relevin=None, par_a=None) == []
    answers = {k: v for k, v in CLEAN.items() if k not in ("alc_lifetime", "alc_30d")}
    answers.update(relevin=None, par_b=None)
    assert quality_flags(quality, answers) == ["too_many_missing"]


def test_flags_come_in_a_fixed_order(quality: Questionnaire) -> None:
    answers = {"alc_lifetime": 2, "alc_30d": 3, "relevin": 3, "par_a": 1, "par_b": 1}
    answers |= {"sch_a": 2, "sch_b": 2, "sch_c": 2}
    assert quality_flags(quality, answers) == [
        "fictitious_drug", "inconsistent", "straightlining",
    ]  # fmt: skip
    assert FLAGS[-1] == "too_many_missing"
