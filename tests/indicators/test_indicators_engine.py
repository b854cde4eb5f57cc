"""The engine end to end: reductions to textbook cases, properties, comparisons."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from oko.indicators import (
    ALL,
    Area,
    AreaLevel,
    ComparisonKind,
    EngineConfig,
    Flag,
    Group,
    GroupKind,
    IntervalMethod,
    Reason,
    SchoolDesign,
    WaveInput,
    compute_wave,
    compute_waves,
)
from oko.indicators.columns import NOT_ANSWERED, NOT_ASKED
from oko.indicators.intervals import clopper_pearson
from oko.indicators.multiplicity import benjamini_hochberg
from oko.indicators.trend import cochran_armitage
from oko.indicators.variance import design_mean
from tests.indicators.indicator_data import indicator

MUNICIPALITY = Area(AreaLevel.MUNICIPALITY, 0)
#: No suppression at all: for checking numbers, not disclosure; the PSUs given are the
#: sampling units (the sampled design), so textbook formulas apply directly.
PERMISSIVE = EngineConfig(
    school_design=SchoolDesign.SAMPLED,
    min_denominator=1,
    min_school_respondents=1,
    max_interval_width=2.0,
    max_relative_width=math.inf,
)
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def codes(yes: int, n: int) -> np.ndarray:
    """``yes`` answers of code 1 followed by code 2 answers."""
    return np.where(np.arange(n) < yes, 1, 2)


@given(st.integers(2, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
@HYPOTHESIS
def test_unweighted_unclustered_equals_scipy_wilson(make_columns, make_indicators, count):
    yes, n = count
    columns = make_columns({"q": codes(yes, n)}, np.arange(n))
    config = EngineConfig(**{**PERMISSIVE.__dict__, "interval": IntervalMethod.WILSON})
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), config)
    estimate = results.estimate("yes", MUNICIPALITY)
    expected = stats.binomtest(yes, n).proportion_ci(method="wilson")
    assert estimate.value == pytest.approx(yes / n, abs=1e-15)
    assert (estimate.lower, estimate.upper) == pytest.approx(
        (expected.low, expected.high), abs=1e-9
    )
    assert estimate.n_effective == pytest.approx(n)


@given(st.integers(2, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
@HYPOTHESIS
def test_weights_one_and_one_psu_per_student_is_simple_random_sampling(
    make_columns, make_indicators, count
):
    yes, n = count
    columns = make_columns({"q": codes(yes, n)}, np.arange(n), weight=np.ones(n))
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), PERMISSIVE)
    estimate = results.estimate("yes", MUNICIPALITY)
    p = yes / n
    assert estimate.se == pytest.approx(math.sqrt(p * (1 - p) / (n - 1)), abs=1e-12)
    assert estimate.df == n - 1
    # Korn-Graubard's effective size p(1-p)/var is n - 1 here (as in R), and n at 0% and 100%
    # (NCHS): Clopper-Pearson on that size.
    size = n - 1 if 0 < yes < n else n
    assert (estimate.lower, estimate.upper) == pytest.approx(
        tuple(float(v) for v in clopper_pearson(p * size, size)), abs=1e-9
    )


@st.composite
def clustered(draw):
    schools = draw(st.integers(2, 8))
    n = draw(st.integers(schools, 300))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    psu = np.sort(rng.integers(0, schools, n))
    prevalence = rng.uniform(0, 1, schools)[psu]
    answers = np.where(rng.random(n) < prevalence, 1, 2)
    answers[rng.random(n) < 0.1] = NOT_ANSWERED
    weight = rng.uniform(0.5, 3, n) if draw(st.booleans()) else None
    return psu, answers, weight


@given(clustered())
@HYPOTHESIS
def test_clustered_intervals_contain_the_estimate(make_columns, make_indicators, data):
    psu, answers, weight = data
    columns = make_columns({"q": answers}, psu, weight=weight)
    for method in (IntervalMethod.KORN_GRAUBARD, IntervalMethod.LOGIT, IntervalMethod.WILSON):
        config = EngineConfig(**{**PERMISSIVE.__dict__, "interval": method})
        results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), config)
        for estimate in results.estimates():
            if estimate.suppressed:
                continue
            assert 0 <= estimate.lower <= estimate.value <= estimate.upper <= 1


def test_empty_groups_and_no_valid_answers_give_no_data(make_columns, make_indicators):
    n = 60
    columns = make_columns(
        {"q": codes(20, n), "never": np.full(n, NOT_ANSWERED)},
        np.arange(n) % 3,
        gender=np.full(n, 1),
        grade=np.full(n, 2),
    )
    indicators = make_indicators(indicator(), indicator("empty", "never"))
    results = compute_wave(WaveInput("w", 1, columns), (), indicators, PERMISSIVE)
    girls = results.estimate("yes", MUNICIPALITY, Group(GroupKind.GENDER, 2))
    assert girls.no_data and girls.suppressed and math.isnan(girls.value) and girls.n == 0
    nowhere = results.estimate("yes", Area(AreaLevel.MUNICIPALITY, 99), ALL)
    assert nowhere.reason is Reason.NO_DATA
    grade_six = results.estimate("yes", MUNICIPALITY, Group(GroupKind.GRADE, 6))
    assert grade_six.no_data
    assert results.estimate("empty", MUNICIPALITY).no_data
    assert not results.estimate("yes", MUNICIPALITY).suppressed


def test_no_responses_at_all(make_columns, make_indicators):
    columns = make_columns({"q": np.zeros(0, int)}, np.zeros(0, int))
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), EngineConfig())
    assert list(results.estimates()) == []
    assert results.estimate("yes", MUNICIPALITY).no_data


def test_not_asked_counts_as_no_only_when_the_indicator_says_so(make_columns, make_indicators):
    answers = np.array([1, 2, NOT_ASKED, NOT_ASKED, NOT_ANSWERED] * 10)
    columns = make_columns({"q": answers}, np.arange(50) % 5)
    indicators = make_indicators(
        indicator("as_no", not_asked="no"), indicator("as_missing", not_asked="missing")
    )
    results = compute_wave(WaveInput("w", 1, columns), (), indicators, PERMISSIVE)
    as_no = results.estimate("as_no", MUNICIPALITY)
    as_missing = results.estimate("as_missing", MUNICIPALITY)
    assert (as_no.value, as_no.n) == (pytest.approx(1 / 4), 40)
    assert (as_missing.value, as_missing.n) == (pytest.approx(1 / 2), 20)


def test_lonely_psu_is_centred_at_zero_with_factor_one(make_columns, make_indicators):
    # Stratum 0 has PSUs 0 and 1, stratum 1 only PSU 2.
    psu = np.repeat([0, 1, 2], 10)
    stratum = np.repeat([0, 0, 1], 10)
    answers = np.concatenate([codes(3, 10), codes(6, 10), codes(8, 10)])
    columns = make_columns({"q": answers}, psu, stratum=stratum)
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), PERMISSIVE)
    estimate = results.estimate("yes", MUNICIPALITY)
    p = 17 / 30
    z = (np.array([3, 6, 8]) - p * 10) / 30
    expected = 2 * ((z[0] - z[:2].mean()) ** 2 + (z[1] - z[:2].mean()) ** 2) + z[2] ** 2
    assert estimate.se == pytest.approx(math.sqrt(expected), abs=1e-14)
    assert estimate.df == 1  # 3 PSUs - 2 strata


def test_school_report_uses_students_as_units(make_columns, make_indicators):
    columns = make_columns({"q": codes(12, 40)}, np.zeros(40, int))
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), PERMISSIVE)
    school = results.estimate("yes", Area(AreaLevel.SCHOOL, 0))
    p = 12 / 40
    assert school.se == pytest.approx(math.sqrt(p * (1 - p) / 39))
    assert school.df == 39


def _two_municipalities(make_columns, shift: float = 0.0, seed: int = 0, n: int = 4000):
    """Region 0 with municipalities 0 (schools 0-3) and 1 (schools 4-7)."""
    rng = np.random.default_rng(seed)
    psu = np.sort(rng.integers(0, 8, n))
    municipality = (psu >= 4).astype(int)
    risk = 0.2 + 0.1 * municipality + shift
    answers = np.where(rng.random(n) < risk, 1, 2)
    gender = rng.choice([1, 2, 3, NOT_ANSWERED], n, p=[0.48, 0.48, 0.03, 0.01])
    grade = rng.choice([2, 4], n)
    return make_columns({"q": answers}, psu, municipality=municipality, gender=gender, grade=grade)


def test_change_since_previous_wave(make_columns, make_indicators):
    before = _two_municipalities(make_columns, seed=1)
    after = _two_municipalities(make_columns, shift=0.15, seed=2)
    waves = [WaveInput("2022", 2022, before), WaveInput("2024", 2024, after)]
    first, second = compute_waves(waves, make_indicators())
    now, then = second.estimate("yes", MUNICIPALITY), first.estimate("yes", MUNICIPALITY)
    change = second.comparison("yes", MUNICIPALITY, ALL, ComparisonKind.PREVIOUS_WAVE)
    assert change is not None and change.against == "2022"
    assert change.difference == pytest.approx(now.value - then.value)
    assert change.se == pytest.approx(math.hypot(now.se, then.se))
    df = min(now.df, then.df)
    assert change.df == df
    assert change.p_value == pytest.approx(2 * stats.t.sf(abs(change.difference) / change.se, df))
    assert first.comparison("yes", MUNICIPALITY, ALL, ComparisonKind.PREVIOUS_WAVE) is None


def test_rest_of_region_is_the_other_municipality(make_columns, make_indicators):
    results = compute_wave(
        WaveInput("w", 1, _two_municipalities(make_columns)), (), make_indicators()
    )
    this, other = (
        results.estimate("yes", MUNICIPALITY),
        results.estimate("yes", Area(AreaLevel.MUNICIPALITY, 1)),
    )
    rest = results.comparison("yes", MUNICIPALITY, ALL, ComparisonKind.REST_OF_PARENT)
    assert rest is not None
    assert rest.against_area == Area(AreaLevel.REGION, 0)
    assert rest.other_value == pytest.approx(other.value)
    assert rest.se == pytest.approx(math.hypot(this.se, other.se))
    assert rest.df == min(this.df, other.df)


def test_reference_value_comparison(make_columns, make_indicators):
    entry = indicator(reference={"value": 0.1, "source": "Somewhere, 2020"})
    results = compute_wave(
        WaveInput("w", 1, _two_municipalities(make_columns)), (), make_indicators(entry)
    )
    estimate = results.estimate("yes", MUNICIPALITY)
    reference = results.comparison("yes", MUNICIPALITY, ALL, ComparisonKind.REFERENCE)
    assert reference is not None and reference.against == "Somewhere, 2020"
    assert reference.difference == pytest.approx(estimate.value - 0.1)
    assert reference.se == pytest.approx(estimate.se)
    girls = Group(GroupKind.GENDER, 2)
    assert results.comparison("yes", MUNICIPALITY, girls, ComparisonKind.REFERENCE) is None


@pytest.mark.parametrize(("direction", "flag"), [("risk", Flag.WORSE), ("protective", Flag.BETTER)])
def test_a_large_significant_rise_is_flagged_by_direction(
    make_columns, make_indicators, direction, flag
):
    waves = [
        WaveInput("2022", 2022, _two_municipalities(make_columns, seed=3, n=20_000)),
        WaveInput("2024", 2024, _two_municipalities(make_columns, 0.2, seed=4, n=20_000)),
    ]
    results = compute_waves(waves, make_indicators(indicator(direction=direction)))[-1]
    change = results.comparison("yes", MUNICIPALITY, ALL, ComparisonKind.PREVIOUS_WAVE)
    assert change is not None and change.significant and change.meaningful
    assert change.flag is flag
    assert change in list(results.flagged(MUNICIPALITY))


def test_a_small_difference_is_never_flagged(make_columns, make_indicators):
    waves = [
        WaveInput("2022", 2022, _two_municipalities(make_columns, seed=5, n=60_000)),
        WaveInput("2024", 2024, _two_municipalities(make_columns, 0.02, seed=6, n=60_000)),
    ]
    results = compute_waves(waves, make_indicators())[-1]
    change = results.comparison("yes", MUNICIPALITY, ALL, ComparisonKind.PREVIOUS_WAVE)
    assert change is not None and abs(change.difference) < 0.03
    assert change.flag is None


def test_benjamini_hochberg_runs_over_one_area(make_columns, make_indicators):
    waves = [
        WaveInput("2022", 2022, _two_municipalities(make_columns, seed=7)),
        WaveInput("2024", 2024, _two_municipalities(make_columns, 0.05, seed=8)),
    ]
    indicators = make_indicators(indicator(), indicator("other", reference=None))
    results = compute_waves(waves, indicators)[-1]
    found = [
        c
        for ident in ("yes", "other")
        for group in results.groups
        for c in results.comparisons(ident, MUNICIPALITY, group)
    ]
    assert len(found) > 4
    adjusted = benjamini_hochberg([c.p_value for c in found])
    assert [c.p_adjusted for c in found] == pytest.approx(list(adjusted))


def test_trend_reduces_to_cochran_armitage(make_columns, make_indicators):
    events, totals = (83, 90, 129, 70), (86, 93, 136, 82)
    waves = [
        WaveInput(str(year), year, make_columns({"q": codes(x, n)}, np.arange(n)))
        for year, x, n in zip((1, 2, 3, 4), events, totals, strict=True)
    ]
    results = compute_waves(waves, make_indicators(), PERMISSIVE)
    trend = results[-1].comparison("yes", MUNICIPALITY, ALL, ComparisonKind.TREND)
    assert results[1].comparison("yes", MUNICIPALITY, ALL, ComparisonKind.TREND) is None
    assert trend is not None and trend.against == "1, 2, 3, 4"
    chi2 = cochran_armitage(events, totals, (1, 2, 3, 4)).statistic[0]
    df = sum(n - 1 for n in totals)
    assert trend.p_value == pytest.approx(2 * stats.t.sf(math.sqrt(chi2), df), rel=1e-9)
    assert trend.difference < 0


def test_exclusions_are_applied_and_counted(make_columns, make_indicators):
    n = 100
    fictitious = np.arange(n) < 10
    fast = (np.arange(n) >= 5) & (np.arange(n) < 20)
    unknown = np.arange(n) >= 90
    columns = make_columns(
        {"q": np.where(fictitious, 1, 2)},
        np.arange(n) % 4,
        flags={"fictitious_drug": fictitious, "too_fast": fast, "not_configured": unknown},
    )
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), PERMISSIVE)
    assert results.exclusions_total.excluded == 20
    assert dict(results.exclusions_total.by_reason) == {"fictitious_drug": 10, "too_fast": 15}
    assert results.exclusions[MUNICIPALITY].kept == 80
    assert results.estimate("yes", MUNICIPALITY).value == 0


def test_post_stratification_weights(make_columns, make_indicators):
    # 30 boys (all "yes") and 10 girls (all "no") answered; the population is 50/50.
    gender = np.repeat([1, 2], [30, 10])
    columns = make_columns(
        {"q": np.repeat([1, 2], [30, 10])}, np.arange(40) % 4, gender=gender, grade=np.full(40, 2)
    )
    population = {(0, 1, 2): 100, (0, 2, 2): 100}
    results = compute_wave(
        WaveInput("w", 1, columns, population), (), make_indicators(), PERMISSIVE
    )
    estimate = results.estimate("yes", MUNICIPALITY)
    assert estimate.value == pytest.approx(0.5)
    assert estimate.n_weighted == pytest.approx(200)
    assert estimate.n == 40


def test_scale_scores_and_reliability(make_columns, make_indicators):
    rng = np.random.default_rng(0)
    trait = rng.normal(0, 1, 500)
    items = {
        f"i{k}": np.clip(np.round(3 + trait + rng.normal(0, 0.6, 500)), 1, 5) for k in range(4)
    }
    items["i3"] = 6 - items["i3"]  # a reverse-worded item
    items["i0"][:50] = NOT_ANSWERED  # one of four missing: still 75% answered
    items["i1"][:25] = NOT_ANSWERED  # two of four missing: no score
    scale = {
        "id": "scale",
        "label": {"nl": "s", "en": "s"},
        "domain": "school",
        "kind": "scale",
        "items": ["i0", "i1", "i2", "i3"],
        "reverse": ["i3"],
        "valid": [1, 5],
        "direction": "protective",
    }
    columns = make_columns(items, np.arange(500) % 10)
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(scale), PERMISSIVE)
    matrix = np.stack([items[f"i{k}"] for k in range(4)], axis=1).astype(float)
    matrix[:, 3] = 6 - matrix[:, 3]
    matrix[matrix < 0] = np.nan
    answered = (~np.isnan(matrix)).sum(axis=1)
    scores = np.nanmean(matrix, axis=1)[answered >= 3]
    estimate = results.estimate("scale", MUNICIPALITY)
    assert estimate.n == 475
    assert estimate.value == pytest.approx(scores.mean())
    assert estimate.interval is IntervalMethod.T
    assert results.reliability["scale"].alpha > 0.7
    assert results.reliability["scale"].n == 450


@st.composite
def designs(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    schools = draw(st.integers(2, 10))
    n = draw(st.integers(2 * schools, 400))
    psu = rng.integers(0, schools, n)
    psu[:schools] = np.arange(schools)
    school_stratum = rng.integers(0, draw(st.integers(1, 3)), schools)
    answers = np.where(rng.random(n) < rng.uniform(0, 1, schools)[psu], 1, 2)
    answers[rng.random(n) < 0.1] = NOT_ANSWERED
    gender = rng.choice([1, 2, NOT_ANSWERED], n)
    weight = rng.uniform(0.5, 2.0, n)
    # Up to 3 classes per school (session ids unique over schools); some without a session.
    session = psu * 3 + rng.integers(0, draw(st.integers(1, 3)), n)
    session[rng.random(n) < draw(st.sampled_from([0.0, 0.2, 1.0]))] = NOT_ANSWERED
    return psu, school_stratum[psu], answers, gender, weight, session


def class_design_units(psu: np.ndarray, session: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PSUs and strata of the class design written out row by row: a class is a PSU in its
    school's stratum; a response without a session is its own PSU, in a stratum of the
    school's responses without a session."""
    rows = np.arange(psu.size)
    classless = session < 0
    units = np.where(classless, psu.size + rows, session)
    strata = 2 * psu + classless
    return units, strata


def expected_units(
    design: SchoolDesign, psu: np.ndarray, stratum: np.ndarray, session: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(PSU, stratum) per row as the design says, for design_mean."""
    if design is SchoolDesign.CLASSES:
        return class_design_units(psu, session)
    if design is SchoolDesign.CENSUS:
        return np.arange(psu.size), psu
    return psu, stratum


@given(designs(), st.sampled_from(list(SchoolDesign)))
@HYPOTHESIS
def test_cube_equals_the_direct_design_formula(make_columns, make_indicators, data, design):
    """Every domain's SE from the vectorised cube equals design_mean on the rows themselves."""
    psu, stratum, answers, gender, weight, session = data
    columns = make_columns(
        {"q": answers}, psu, stratum=stratum, gender=gender, weight=weight, class_session=session
    )
    config = EngineConfig(**{**PERMISSIVE.__dict__, "school_design": design})
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), config)
    units, strata = expected_units(design, psu, stratum, session)
    for group in results.groups:
        member = np.ones(psu.size, bool) if group.code is None else gender == group.code
        valid = member & (answers > 0)
        if not valid.any():
            continue
        expected = design_mean(answers == 1, valid, weight, units, strata)
        estimate = results.estimate("yes", MUNICIPALITY, group)
        assert estimate.value == pytest.approx(expected.value, rel=1e-12)
        assert estimate.se == pytest.approx(expected.se, rel=1e-9, abs=1e-15)
    school = int(psu[0])
    rows = psu == school
    valid = rows & (answers > 0)
    if valid.any():
        if design is SchoolDesign.CLASSES:
            expected = design_mean(
                answers[rows] == 1, valid[rows], weight[rows], units[rows], strata[rows]
            )
        else:
            expected = design_mean(answers[rows] == 1, valid[rows], weight[rows])
        estimate = results.estimate("yes", Area(AreaLevel.SCHOOL, school))
        # design_mean's expanded sums leave ~1e-8 of rounding where the SE is exactly 0.
        assert estimate.se == pytest.approx(expected.se, rel=1e-9, abs=1e-7)


@given(designs(), st.sampled_from(list(SchoolDesign)))
@HYPOTHESIS
def test_rest_of_region_equals_the_direct_formula(make_columns, make_indicators, data, design):
    psu, stratum, answers, gender, weight, session = data
    municipality = psu % 2
    columns = make_columns(
        {"q": answers},
        psu,
        stratum=stratum,
        gender=gender,
        weight=weight,
        municipality=municipality,
        class_session=session,
    )
    config = EngineConfig(**{**PERMISSIVE.__dict__, "school_design": design})
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), config)
    rest = municipality == 1
    valid = rest & (answers > 0)
    own = results.estimate("yes", MUNICIPALITY)
    comparison = results.comparison("yes", MUNICIPALITY, ALL, ComparisonKind.REST_OF_PARENT)
    if own.suppressed or not valid.any():
        assert comparison is None
        return
    # One school left in the rest: a certainty unit, students as sampling units.
    within = design is SchoolDesign.CENSUS or np.unique(psu[rest]).size == 1
    units = np.arange(psu.size)[rest] if within else psu[rest]
    strata = psu[rest] if within else stratum[rest]
    if design is SchoolDesign.CLASSES:
        units, strata = (values[rest] for values in class_design_units(psu, session))
    expected = design_mean(answers[rest] == 1, valid[rest], weight[rest], units, strata)
    assert comparison is not None
    assert comparison.other_value == pytest.approx(expected.value, rel=1e-12)
    assert comparison.se == pytest.approx(math.hypot(own.se, expected.se), rel=1e-9, abs=1e-7)
