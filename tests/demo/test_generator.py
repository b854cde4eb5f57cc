"""The synthetic data generator: reproducible, realistic, and faithful to the questionnaire."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from oko import PROJECT_ROOT
from oko.indicators import AreaLevel, ComparisonKind, Flag, compute_waves, load_indicators
from oko.indicators.columns import NOT_ANSWERED, NOT_ASKED, ResponseColumns
from oko.questionnaire import Questionnaire, load, quality_flags, too_fast, validate_answer
from oko.services.demo.instance import SEED as DEMO_SEED
from oko.synthetic import (
    CHOICES,
    GRADES,
    ITEM_CODES,
    PROFILES,
    ROUTES,
    SyntheticSample,
    benchmark_scenario,
    demo_scenario,
    generate,
)
from oko.synthetic.latent import SUBSTANCES, Streams, draw_students, planned
from oko.synthetic.modules import MODULE_ITEM_CODES, MODULE_ROUTES

SEED = 7


@cache
def basis() -> Questionnaire:
    """The demo's questionnaire: the core and the modules the generator answers."""
    return load(PROJECT_ROOT / "questionnaires" / "oko-basis.yaml")


@cache
def demo() -> SyntheticSample:
    return generate(demo_scenario(), seed=SEED)


def clean(sample: SyntheticSample) -> np.ndarray:
    """Rows the quality checks keep: nothing planted."""
    return ~np.any(np.stack(list(sample.planted.values())), axis=0)


def share(column: np.ndarray, codes: tuple[int, ...], rows: np.ndarray) -> float:
    """Share of ``rows`` answering one of ``codes`` (not asked counts as no, as indicators do)."""
    return float(np.isin(column[rows], codes).mean())


def test_same_seed_same_data_other_seed_other_data() -> None:
    again = generate(demo_scenario(), seed=SEED)
    other = generate(demo_scenario(), seed=SEED + 1)
    assert len(again) == len(demo())
    for item, column in demo().answers.items():
        assert np.array_equal(column, again.answers[item]), item
    assert np.array_equal(demo().duration_seconds, again.duration_seconds)
    assert any(
        len(other) != len(demo()) or not np.array_equal(column, other.answers[item])
        for item, column in demo().answers.items()
    )


def test_demo_size_and_small_schools() -> None:
    sample = demo()
    assert 5000 <= len(sample) <= 9000
    for wave in range(3):
        per_school = np.bincount(sample.school[sample.wave == wave], minlength=16)
        small = {demo_scenario().schools[i].slug for i in np.flatnonzero(per_school < 20)}
        assert small == {"praktijkschool-de-steiger", "eilandschool-wadhoek"}
        # Every municipality x grade x gender group is large enough to publish.
        for municipality in range(3):
            for grade in GRADES:
                for gender in (1, 2):
                    rows = (
                        (sample.wave == wave)
                        & (sample.municipality == municipality)
                        & (sample.grade == grade)
                        & (sample.answers["gender"] == gender)
                    )
                    assert rows.sum() >= 30


def test_benchmark_scenario_gives_exactly_the_rows_asked_for() -> None:
    scenario = benchmark_scenario(n_municipalities=25, n_rows=30_000)
    sample = generate(scenario, seed=1)
    assert len(sample) == 30_000
    assert len(set(scenario.regions)) == 3
    boys_and_girls = sample.population.sum(axis=-1)
    respondents = np.zeros_like(boys_and_girls)
    np.add.at(respondents, (sample.wave, sample.school, np.searchsorted(GRADES, sample.grade)), 1)
    assert (respondents <= boys_and_girls).all()


def test_engine_columns() -> None:
    columns = demo().response_columns()
    assert isinstance(columns, ResponseColumns)
    assert columns.n == len(demo())
    assert set(columns.flags) == set(demo().planted)
    assert set(np.unique(columns.region)) == {0}


def test_planned_prevalence_per_municipality_and_wave() -> None:
    sample = demo()
    keep = clean(sample)
    for m_index, municipality in enumerate(demo_scenario().municipalities):
        profile = PROFILES[municipality.profile]
        for wave in range(3):
            rows = keep & (sample.municipality == m_index) & (sample.wave == wave)
            planned = np.mean(
                [profile.planned("drunk_30d", int(g), wave) for g in sample.grade[rows]]
            )
            observed = share(sample.answers["drunk_30d"], (2, 3, 4, 5, 6, 7), rows)
            assert abs(observed - planned) < 0.05, (municipality.slug, wave, observed, planned)


def test_improving_municipality_improves_and_stagnant_one_does_not() -> None:
    sample = demo()
    keep = clean(sample)

    def trend(slug: str, item: str, codes: tuple[int, ...]) -> list[float]:
        index = [m.slug for m in demo_scenario().municipalities].index(slug)
        return [
            share(
                sample.answers[item],
                codes,
                keep & (sample.municipality == index) & (sample.wave == w),
            )
            for w in range(3)
        ]

    drunk = trend("zilverhaven", "drunk_30d", (2, 3, 4, 5, 6, 7))
    assert drunk[0] > drunk[1] > drunk[2] and drunk[0] - drunk[2] > 0.1
    weekends = trend("zilverhaven", "par_time_weekend", (4, 5))
    assert weekends[2] - weekends[0] > 0.1
    sport = trend("zilverhaven", "sport_club", (5,))
    assert sport[2] - sport[0] > 0.08
    flat = trend("duinrade", "drunk_30d", (2, 3, 4, 5, 6, 7))
    # Planned 18.5% -> 18.5% -> 19.5%: only sampling noise (about 1.5 points per wave) moves it.
    assert abs(flat[2] - flat[0]) < 0.05 and max(flat) - min(flat) < 0.06


def test_prevalences_stay_in_the_reference_range() -> None:
    """domain.md's Icelandic 10th-grade figures span drunk 42% -> 5%, daily smoking 23% -> 3%,
    cannabis lifetime 17% -> 7%; grade 4 is that age group, grade 2 lies below it."""
    sample = demo()
    keep = clean(sample)
    for wave in range(3):
        for grade, top in ((2, 0.15), (4, 0.42)):
            rows = keep & (sample.wave == wave) & (sample.grade == grade)
            assert share(sample.answers["drunk_30d"], (2, 3, 4, 5, 6, 7), rows) < top
            assert share(sample.answers["cig_30d"], (4, 5, 6, 7), rows) < 0.23 * top / 0.42
            assert share(sample.answers["cannabis_lifetime"], (2, 3, 4, 5, 6, 7), rows) < 0.17
            alcohol = share(sample.answers["alc_lifetime"], (2, 3, 4, 5, 6, 7), rows)
            assert 0.15 < alcohol < 0.85
        rows = keep & (sample.wave == wave)
        ladder = sample.answers["life_satisfaction"][rows]
        assert 6.8 < ladder[ladder >= 0].mean() < 8.0


def test_protective_factors_go_with_less_use_and_groups_differ() -> None:
    sample = demo()
    keep = clean(sample)
    drunk = np.isin(sample.answers["drunk_30d"], (2, 3, 4, 5, 6, 7))
    for item, protective in (("par_time_weekend", (4, 5)), ("sport_club", (4, 5))):
        high = keep & np.isin(sample.answers[item], protective)
        low = keep & np.isin(sample.answers[item], (1, 2))
        assert drunk[high].mean() < 0.7 * drunk[low].mean(), item
    assert drunk[keep & (sample.grade == 4)].mean() > 2 * drunk[keep & (sample.grade == 2)].mean()
    cannabis = np.isin(sample.answers["cannabis_lifetime"], (2, 3, 4, 5, 6, 7))
    boys = keep & (sample.answers["gender"] == 1)
    girls = keep & (sample.answers["gender"] == 2)
    assert cannabis[boys].mean() > cannabis[girls].mean()
    ladder = sample.answers["life_satisfaction"]
    assert ladder[boys & (ladder >= 0)].mean() > ladder[girls & (ladder >= 0)].mean()


def test_items_and_codes_match_the_demo_questionnaire() -> None:
    items = basis().items
    generated = {*ITEM_CODES, *MODULE_ITEM_CODES, *CHOICES, "comments"}
    assert generated == set(items)
    for item_id, (low, high) in {**ITEM_CODES, **MODULE_ITEM_CODES}.items():
        item = items[item_id]
        codes = (
            (item.min, item.max) if item.type == "integer" else (min(item.codes), max(item.codes))
        )
        assert codes == (low, high), item_id
    for item_id, shares in CHOICES.items():
        assert items[item_id].codes == tuple(range(1, len(shares) + 1)), item_id
    conditional = {item.id for item in items.values() if item.show_if is not None}
    assert conditional == {*ROUTES, *MODULE_ROUTES}


def test_skip_logic_not_asked_exactly_when_routed_past() -> None:
    sample = demo()
    for index, answers in enumerate(sample.iter_answers()):
        visible = basis().visible_ids(answers)
        assert set(answers) == {item for item in basis().items if item in visible}, index
    for item, asked in (*ROUTES.items(), *MODULE_ROUTES.items()):
        columns = {**sample.answers, **sample.choices}
        column = columns[item]
        assert np.array_equal(column == NOT_ASKED, ~asked(columns)), item


def test_every_answer_is_valid_for_the_questionnaire() -> None:
    questionnaire = basis()
    for answers in demo().iter_answers():
        assert questionnaire.prune(answers) == answers
        for item_id, value in answers.items():
            assert validate_answer(questionnaire.items[item_id], value, "nl") == value


def test_item_nonresponse_is_a_little() -> None:
    sample = demo()
    keep = clean(sample) & ~sample.planted["too_many_missing"]
    for item, column in sample.answers.items():
        blank = (column[keep] == NOT_ANSWERED).mean()
        assert blank < 0.04, item
    assert (sample.answers["alc_lifetime"] == NOT_ANSWERED).any()


@pytest.mark.parametrize(
    "flag", ["fictitious_drug", "inconsistent", "too_fast", "straightlining", "too_many_missing"]
)
def test_planted_problems_are_what_the_quality_checks_find(flag: str) -> None:
    sample = demo()
    median = float(np.median(sample.duration_seconds))
    share = basis().quality.too_fast_share_of_median
    planted = sample.planted[flag]
    assert 0.003 < planted.mean() < 0.03
    found = np.array(
        [
            flag in quality_flags(basis(), answers)
            or (flag == "too_fast" and too_fast(sample.duration_seconds[i], median, share))
            for i, answers in enumerate(sample.iter_answers())
        ]
    )
    assert found[planted].mean() > 0.9
    # Honest, careful students are not flagged (random clickers may trip any check).
    assert found[clean(sample)].mean() < 0.002


def test_the_engine_sees_the_story_the_demo_tells() -> None:
    """On the demo's own data: municipal figures are published, Zilverhaven's fall in
    drunkenness is flagged as good news, Duinrade's flat line is not flagged."""
    indicators = load_indicators(PROJECT_ROOT / "questionnaires" / "oko-core.indicators.yaml")
    sample = generate(demo_scenario(), seed=DEMO_SEED)
    latest = compute_waves(sample.wave_inputs(), indicators)[-1]
    municipalities = [a for a in latest.areas if a.level is AreaLevel.MUNICIPALITY]
    estimates = [latest.estimate(i.id, a) for i in indicators for a in municipalities]
    assert sum(not e.suppressed for e in estimates) / len(estimates) > 0.9
    zilverhaven, duinrade = municipalities[0], municipalities[1]
    trend = latest.comparison("drunk_30d", zilverhaven, latest.groups[0], ComparisonKind.TREND)
    assert trend is not None and trend.flag is Flag.BETTER
    flags = [c.flag for c in latest.comparisons("drunk_30d", duinrade)]
    assert Flag.BETTER not in flags


@pytest.mark.parametrize("indicator", sorted(SUBSTANCES))
def test_calibration_hits_every_planned_prevalence(indicator: str) -> None:
    """Before anything is spoiled, the share above 0 of a substance latent is the plan, cell by
    cell (municipality x wave x grade), up to sampling noise."""
    scenario = benchmark_scenario(n_municipalities=60, n_rows=200_000)
    students = draw_students(scenario, Streams(11))
    cells = (students.municipality.astype(np.int64) * len(scenario.waves) + students.wave) * len(
        GRADES
    ) + np.searchsorted(GRADES, students.grade)
    event = students.use[SUBSTANCES[indicator]] > 0
    target = planned(scenario, indicator)
    counts = np.bincount(cells, minlength=target.size)
    observed = np.bincount(cells, event, minlength=target.size) / np.maximum(counts, 1)
    assert abs(event.mean() - target[cells].mean()) < 0.003
    # Each cell within four binomial standard errors.
    se = np.sqrt(target * (1 - target) / np.maximum(counts, 1))
    assert (np.abs(observed - target)[counts > 0] < 4 * se[counts > 0] + 1e-9).mean() > 0.99
