"""The shipped core questionnaire: valid, and exactly the ids and codes the indicators expect."""

import re

import pytest

from oko import PROJECT_ROOT
from oko.questionnaire import Questionnaire, check_files, quality_flags

OCC = tuple(range(1, 8))  # ESPAD occasions: 0, 1-2, 3-5, 6-9, 10-19, 20-39, 40+
#: Item id -> option codes, from the shared contract (spec "Core questionnaire item ids").
SPEC_CODES = {
    "gender": (1, 2, 3),
    "grade": (1, 2, 3, 4, 5, 6),
    "school_type": (1, 2, 3, 4),
    "par_time_weekday": (1, 2, 3, 4, 5),
    "par_time_weekend": (1, 2, 3, 4, 5),
    "par_know_where": (1, 2, 3, 4),
    "par_know_with_whom": (1, 2, 3, 4),
    "par_know_friends": (1, 2, 3, 4),
    "par_know_friends_parents": (1, 2, 3, 4),
    "par_warmth": (1, 2, 3, 4),
    "par_react_drunk": (1, 2, 3, 4),
    "sport_club": (1, 2, 3, 4, 5),
    "other_org": (1, 2, 3, 4, 5),
    "out_after_22": (1, 2, 3, 4, 5, 6),
    "out_after_midnight": (1, 2, 3, 4, 5, 6),
    "likes_school": (1, 2, 3, 4),
    "sch_teachers_care": (1, 2, 3, 4, 5),
    "sch_safe": (1, 2, 3, 4, 5),
    "sch_belong": (1, 2, 3, 4, 5),
    "sch_teachers_fair": (1, 2, 3, 4, 5),
    "sch_rules_clear": (1, 2, 3, 4, 5),
    "school_pressure": (1, 2, 3, 4),
    "truancy_30d": (1, 2, 3, 4, 5, 6),
    "friends_drunk": (1, 2, 3, 4, 5),
    "friends_smoke": (1, 2, 3, 4, 5),
    "friends_vape": (1, 2, 3, 4, 5),
    "friends_cannabis": (1, 2, 3, 4, 5),
    "alc_lifetime": OCC,
    "alc_30d": OCC,
    "drunk_lifetime": OCC,
    "drunk_30d": OCC,
    "binge_4w": (1, 2, 3, 4, 5, 6),
    "drunk_age": (1, 2, 3, 4, 5, 6, 7),
    "cig_lifetime": OCC,
    "cig_30d": (1, 2, 3, 4, 5, 6, 7),
    "vape_lifetime": OCC,
    "vape_30d": (1, 2, 3, 4, 5, 6, 7),
    "cannabis_lifetime": OCC,
    "cannabis_30d": OCC,
    "relevin_lifetime": OCC,
    "life_satisfaction": tuple(range(11)),
}
#: Follow-up -> the item whose answer "more than never" opens it.
SPEC_SKIPS = {
    "alc_30d": "alc_lifetime",
    "drunk_lifetime": "alc_lifetime",
    "binge_4w": "alc_lifetime",
    "drunk_30d": "drunk_lifetime",
    "drunk_age": "drunk_lifetime",
    "cig_30d": "cig_lifetime",
    "vape_30d": "vape_lifetime",
    "cannabis_30d": "cannabis_lifetime",
}


def test_core_file_passes_the_check() -> None:
    assert check_files([PROJECT_ROOT / "questionnaires" / "oko-core.yaml"]) == []


def test_identity_and_languages(core: Questionnaire) -> None:
    assert (core.id, core.version, core.languages) == ("oko-core", "2026.1", ("nl", "en"))


@pytest.mark.parametrize(("item_id", "codes"), SPEC_CODES.items(), ids=list(SPEC_CODES))
def test_spec_items_and_codes(core: Questionnaire, item_id: str, codes: tuple[int, ...]) -> None:
    item = core.items[item_id]
    assert item.type == "single"
    assert item.codes == codes


def test_age_comments_and_demographics(core: Questionnaire) -> None:
    age, comments = core.items["age"], core.items["comments"]
    assert (age.type, age.min, age.max) == ("integer", 10, 20)
    assert comments.type == "text" and not comments.required
    assert dict(core.demographics) == {
        "gender": "gender", "grade": "grade", "age": "age", "school_type": "school_type",
    }  # fmt: skip


@pytest.mark.parametrize(("item_id", "opened_by"), SPEC_SKIPS.items(), ids=list(SPEC_SKIPS))
def test_substance_follow_ups_are_skipped_for_never(
    core: Questionnaire, item_id: str, opened_by: str
) -> None:
    condition = core.items[item_id].show_if
    assert condition is not None
    assert condition.to_json() == {">": [{"var": opened_by}, 1]}


def test_every_substance_follow_up_has_skip_logic(core: Questionnaire) -> None:
    substance_pages = ("alcohol", "smoking_vaping", "drugs")
    lifetime = re.compile(r"_lifetime$")
    for item in core.items.values():
        if item.page in substance_pages and not lifetime.search(item.id):
            assert item.show_if is not None, item.id


def test_size_fits_one_lesson(core: Questionnaire) -> None:
    assert 60 <= len(core.items) <= 90
    assert 10 <= len(core.pages) <= 14


def test_nobody_is_forced_to_answer(core: Questionnaire) -> None:
    assert not [item.id for item in core.items.values() if item.required]


def test_a_student_who_never_used_anything_skips_every_follow_up(core: Questionnaire) -> None:
    never = {item_id: 1 for item_id in ("alc_lifetime", "cig_lifetime", "vape_lifetime")}
    never |= {"cannabis_lifetime": 1, "adult_outside": 2, "bullied_school": 1}
    never |= {"bullied_online": 1}
    hidden = set(core.items) - core.visible_ids(never)
    assert hidden == set(SPEC_SKIPS) | {
        "alc_source", "vape_nicotine", "adult_outside_who", "bullied_told",
    }  # fmt: skip


def test_the_honesty_item_sits_among_real_drugs(core: Questionnaire) -> None:
    relevin = core.items["relevin_lifetime"]
    assert relevin.grid == "drugs_lifetime" and relevin.show_if is None
    assert core.quality.fictitious == ("relevin_lifetime",)


def test_intro_promises_anonymity_and_freedom_to_skip(core: Questionnaire) -> None:
    assert all(word in core.intro["nl"] for word in ("anoniem", "overslaan", "stoppen"))
    assert all(word in core.intro["en"] for word in ("anonymous", "skip", "stop"))


def test_closing_help_names_the_helplines(core: Questionnaire) -> None:
    for language in core.languages:
        text = core.help[language]
        for needle in ("0800-0432", "kindertelefoon.nl", "0800-0113", "113.nl", "112"):
            assert needle in text, (language, needle)


def test_scales_for_the_indicators(core: Questionnaire) -> None:
    scales = {scale.id: scale for scale in core.scales}
    monitoring, climate = scales["parental_monitoring"], scales["school_climate"]
    assert monitoring.items == monitoring.reverse == (
        "par_know_where", "par_know_with_whom", "par_know_friends", "par_know_friends_parents",
    )  # fmt: skip
    assert climate.reverse == () and all(i.startswith("sch_") for i in climate.items)


def test_a_plausible_response_has_no_quality_flags(core: Questionnaire) -> None:
    answers = {item_id: codes[0] for item_id, codes in SPEC_CODES.items()}
    answers |= {"alc_lifetime": 3, "alc_30d": 2, "drunk_lifetime": 2, "drunk_30d": 1}
    answers |= {"drunk_age": 5, "binge_4w": 1, "mood_cheerful": 4, "mood_sad": 2}
    answers = core.prune(answers)
    assert quality_flags(core, answers) == []
