"""Same-wave group differences with the covariance of shared clusters, checked against an
independent implementation written out here with plain loops over strata and clusters."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oko.indicators import (
    ALL,
    Area,
    AreaLevel,
    ComparisonKind,
    EngineConfig,
    Group,
    GroupKind,
    SchoolDesign,
    WaveInput,
    compute_wave,
)
from oko.indicators.columns import NOT_ANSWERED
from oko.indicators.group_differences import (
    AreaUnits,
    area_differences,
    design_units,
    domain_difference,
)

MUNICIPALITY = Area(AreaLevel.MUNICIPALITY, 0)
#: Everything published: the numbers are checked here, not suppression.
OPEN = {
    "min_denominator": 1,
    "min_school_respondents": 1,
    "max_interval_width": 2.0,
    "max_relative_width": math.inf,
}


def loop_difference(y, valid, weight, member1, member2, psu, stratum):
    """V1 + V2 - 2 Cov from per-cluster totals of each group's linearised scores, by loops."""
    estimates, totals = [], []
    for member in (member1, member2):
        numerator = denominator = 0.0
        for i in range(len(y)):
            if valid[i] and member[i]:
                numerator += weight[i] * y[i]
                denominator += weight[i]
        estimates.append(numerator / denominator)
        totals.append(denominator)
    clusters: dict[object, dict[object, list[float]]] = {}
    for i in range(len(y)):
        cluster = clusters.setdefault(stratum[i], {}).setdefault(psu[i], [0.0, 0.0])
        for g, member in enumerate((member1, member2)):
            if valid[i] and member[i]:
                cluster[g] += weight[i] * (y[i] - estimates[g]) / totals[g]
    v1 = v2 = cov = 0.0
    for by_psu in clusters.values():
        sums = list(by_psu.values())
        m = len(sums)
        mean1 = sum(s[0] for s in sums) / m if m > 1 else 0.0
        mean2 = sum(s[1] for s in sums) / m if m > 1 else 0.0
        factor = m / (m - 1) if m > 1 else 1.0
        for s1, s2 in sums:
            v1 += factor * (s1 - mean1) ** 2
            v2 += factor * (s2 - mean2) ** 2
            cov += factor * (s1 - mean1) * (s2 - mean2)
    return estimates[0] - estimates[1], v1, v2, cov


@st.composite
def classes_of_girls_and_boys(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    schools = draw(st.integers(1, 5))
    classes = draw(st.integers(schools, 4 * schools))
    n = draw(st.integers(2 * classes, 300))
    klass = rng.integers(0, classes, n)
    klass[:classes] = np.arange(classes)
    school = klass % schools
    class_effect = rng.normal(0, 1, classes)[klass]
    y = (rng.random(n) < 1 / (1 + np.exp(1 - class_effect))).astype(float)
    gender = rng.choice([1, 2, NOT_ANSWERED], n)
    valid = rng.random(n) > 0.1
    weight = rng.uniform(0.5, 2, n) if draw(st.booleans()) else np.ones(n)
    session = np.where(rng.random(n) < draw(st.sampled_from([0.0, 0.3])), NOT_ANSWERED, klass)
    return y, valid, weight, gender, school, session


@given(classes_of_girls_and_boys(), st.sampled_from(list(SchoolDesign)))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_girls_minus_boys_equals_the_loop_over_clusters(make_columns, data, design):
    y, valid, weight, gender, school, session = data
    girls, boys = gender == 2, gender == 1
    if not (valid & girls).any() or not (valid & boys).any():
        return
    columns = make_columns(
        {"q": np.where(valid, 2 - y, NOT_ANSWERED)}, school, gender=gender, class_session=session
    )
    rows = np.arange(y.size)
    psu, stratum = design_units(columns, rows, design)
    result = domain_difference(y, valid, weight, girls, boys, psu, stratum)
    difference, v1, v2, cov = loop_difference(
        y.tolist(), valid.tolist(), weight.tolist(), girls, boys, psu.tolist(), stratum.tolist()
    )
    assert result.difference == pytest.approx(difference, abs=1e-12)
    assert result.se**2 == pytest.approx(v1 + v2 - 2 * cov, abs=1e-10)
    assert result.covariance == pytest.approx(cov, abs=1e-10)


@given(classes_of_girls_and_boys(), st.sampled_from(list(SchoolDesign)))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_every_area_at_once_equals_one_area_at_a_time(make_columns, data, design):
    """The engine's vectorised pass gives each area what ``domain_difference`` gives it."""
    y, valid, weight, gender, school, session = data
    girls, boys = gender == 2, gender == 1
    columns = make_columns(
        {"q": np.where(valid, 2 - y, NOT_ANSWERED)}, school, gender=gender, class_session=session
    )
    areas = [np.arange(y.size), *(np.flatnonzero(school == s) for s in np.unique(school))]
    units = AreaUnits.of(columns, areas, design)
    rows = units.rows
    found = area_differences(units, y, valid, weight[rows], girls[rows], boys[rows])
    for index, rows in enumerate(areas):
        if not (valid & girls)[rows].any() or not (valid & boys)[rows].any():
            assert math.isnan(found.difference[index])
            continue
        psu, stratum = design_units(columns, rows, design)
        one = domain_difference(
            y[rows], valid[rows], weight[rows], girls[rows], boys[rows], psu, stratum
        )
        assert found.difference[index] == pytest.approx(one.difference, abs=1e-12)
        assert found.se[index] == pytest.approx(one.se, rel=1e-9, abs=1e-12)
        assert found.df[index] == one.df
        if one.se > 1e-9:  # below it both are rounding noise around "no spread at all"
            assert found.p_value[index] == pytest.approx(one.p_value, rel=1e-6, abs=1e-12)


def test_shared_classes_make_the_difference_more_precise(make_columns):
    """Classes that differ a lot but hold girls and boys alike: the class effect cancels in
    girls - boys, so the SE is well below the independent sqrt(V1 + V2)."""
    rng = np.random.default_rng(1)
    klass = np.repeat(np.arange(12), 25)
    y = (rng.random(300) < np.repeat(rng.uniform(0.05, 0.6, 12), 25)).astype(float)
    gender = np.tile([1, 2], 150)
    school = klass % 3
    columns = make_columns({"q": 2 - y.astype(int)}, school, gender=gender, class_session=klass)
    psu, stratum = design_units(columns, np.arange(300), SchoolDesign.CLASSES)
    ones = np.ones(300, bool)
    result = domain_difference(y, ones, np.ones(300), gender == 2, gender == 1, psu, stratum)
    assert result.covariance > 0
    assert result.se < 0.9 * math.sqrt(result.se**2 + 2 * result.covariance)
    assert result.df == 12 - 3


def test_a_school_and_the_rest_of_its_municipality_share_no_class(make_columns, make_indicators):
    """Disjoint clusters: no covariance, and each side's variance is the engine's."""
    rng = np.random.default_rng(2)
    klass = np.repeat(np.arange(9), 30)
    school = klass // 3
    y = (rng.random(270) < 0.3).astype(int)
    columns = make_columns({"q": 2 - y}, school, class_session=klass)
    psu, stratum = design_units(columns, np.arange(270), SchoolDesign.CLASSES)
    ones = np.ones(270, bool)
    result = domain_difference(y, ones, np.ones(270), school == 0, school != 0, psu, stratum)
    assert result.covariance == pytest.approx(0.0, abs=1e-15)
    config = EngineConfig(**OPEN)
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), config)
    own = results.estimate("yes", Area(AreaLevel.SCHOOL, 0))
    assert result.value1 == pytest.approx(own.value, abs=1e-12)
    rest_se = math.sqrt(result.se**2 - own.se**2)
    municipality_rest = results.comparison(
        "yes", Area(AreaLevel.SCHOOL, 0), ALL, ComparisonKind.REST_OF_PARENT
    )
    assert municipality_rest is not None
    assert municipality_rest.se == pytest.approx(math.hypot(own.se, rest_se), rel=1e-9)


def test_girls_standard_error_is_the_engines(make_columns, make_indicators):
    rng = np.random.default_rng(4)
    klass = np.repeat(np.arange(10), 28)
    school = klass // 2
    gender = rng.choice([1, 2], 280)
    y = (rng.random(280) < np.repeat(rng.uniform(0.1, 0.5, 10), 28)).astype(int)
    columns = make_columns({"q": 2 - y}, school, gender=gender, class_session=klass)
    config = EngineConfig(**OPEN)
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), config)
    psu, stratum = design_units(columns, np.arange(280), SchoolDesign.CLASSES)
    ones = np.ones(280, bool)
    result = domain_difference(y, ones, np.ones(280), gender == 2, gender == 1, psu, stratum)
    girls = results.estimate("yes", MUNICIPALITY, Group(GroupKind.GENDER, 2))
    boys = results.estimate("yes", MUNICIPALITY, Group(GroupKind.GENDER, 1))
    assert result.difference == pytest.approx(girls.value - boys.value, abs=1e-12)
    v1_plus_v2 = result.se**2 + 2 * result.covariance
    assert v1_plus_v2 == pytest.approx(girls.se**2 + boys.se**2, rel=1e-9)
    assert result.df == girls.df == 10 - 5


def test_rest_of_parent_on_a_synthetic_wave_is_the_stacked_domain_difference(core_indicators):
    """Under the class design a school and the rest of its municipality share no class (nor a
    stratum: each school is one), so the engine's sqrt(SE1² + SE2²) is exactly the covariance-
    aware standard error of their difference, for every school and indicator published."""
    from oko.indicators.outcomes import outcome
    from oko.indicators.quality import excluded_rows
    from oko.synthetic import demo_scenario, generate

    scenario = demo_scenario()
    sample = generate(scenario, seed=3)
    columns = sample.response_columns().subset(sample.wave == len(scenario.waves) - 1)
    config = EngineConfig()
    results = compute_wave(WaveInput("w", 1, columns), (), core_indicators, config)
    keep = np.ones(columns.n, bool)
    for flagged in excluded_rows(columns, config.exclude_flags).values():
        keep &= ~flagged
    columns = columns.subset(keep)
    weight = np.asarray(columns.weight, dtype=np.float64)
    checked = 0
    for school in results.areas_at(AreaLevel.SCHOOL):
        town = int(columns.municipality[columns.psu == school.code][0])
        rows = np.flatnonzero(columns.municipality == town)
        psu, stratum = design_units(columns, rows, SchoolDesign.CLASSES)
        own = columns.psu[rows] == school.code
        for indicator in core_indicators:
            compared = results.comparison(indicator.id, school, ALL, ComparisonKind.REST_OF_PARENT)
            if compared is None:
                continue
            y, valid = outcome(indicator, columns)
            result = domain_difference(y[rows], valid[rows], weight[rows], own, ~own, psu, stratum)
            assert result.covariance == pytest.approx(0.0, abs=1e-12)
            assert compared.se == pytest.approx(result.se, rel=1e-9), indicator.id
            assert compared.difference == pytest.approx(result.difference, abs=1e-12)
            checked += 1
    assert checked > 20


def test_the_engine_compares_girls_with_boys_and_grade_2_with_grade_4(
    make_columns, make_indicators
):
    """The engine's GROUP comparisons are the stacked domain differences, in every area."""
    rng = np.random.default_rng(5)
    klass = np.repeat(np.arange(12), 25)
    school = klass // 3
    gender = rng.choice([1, 2], 300)
    grade = np.where(klass % 3 == 0, 4, 2)
    y = rng.random(300) < np.repeat(rng.uniform(0.1, 0.5, 12), 25) + 0.15 * (gender == 2)
    columns = make_columns(
        {"q": 2 - y.astype(int)}, school, gender=gender, grade=grade, class_session=klass
    )
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), EngineConfig(**OPEN))
    psu, stratum = design_units(columns, np.arange(300), SchoolDesign.CLASSES)
    ones = np.ones(300, bool)
    pairs = [
        (Group(GroupKind.GENDER, 2), gender == 2, gender == 1, "gender=1"),
        (Group(GroupKind.GRADE, 2), grade == 2, grade == 4, "grade=4"),
    ]
    for group, first, second, against in pairs:
        expected = domain_difference(y, ones, np.ones(300), first, second, psu, stratum)
        found = results.comparison("yes", MUNICIPALITY, group, ComparisonKind.GROUP)
        assert found is not None and found.against == against
        assert found.other_value == pytest.approx(expected.value2, abs=1e-12)
        assert found.difference == pytest.approx(expected.difference, abs=1e-12)
        assert found.se == pytest.approx(expected.se, rel=1e-9)
        assert (found.df, found.p_value) == (expected.df, pytest.approx(expected.p_value))
        assert (found.lower, found.upper) == (
            pytest.approx(expected.lower),
            pytest.approx(expected.upper),
        )
    # Within a school of one grade there is no grade 4 to compare with.
    school_one = Area(AreaLevel.SCHOOL, 1)
    girls = results.comparison("yes", school_one, Group(GroupKind.GENDER, 2), ComparisonKind.GROUP)
    assert girls is not None and girls.se > 0
    grade_2 = Group(GroupKind.GRADE, 2)
    assert results.comparison("yes", school_one, grade_2, ComparisonKind.GROUP) is not None
    assert results.comparison("yes", school_one, ALL, ComparisonKind.GROUP) is None


def test_no_group_difference_when_one_of_the_groups_is_not_published(make_columns, make_indicators):
    klass = np.repeat(np.arange(6), 20)
    gender = np.where(np.arange(120) < 3, 1, 2)  # three boys: below the minimum group size
    y = np.arange(120) % 3 == 0
    columns = make_columns({"q": 2 - y.astype(int)}, klass // 2, gender=gender, class_session=klass)
    config = EngineConfig(**{**OPEN, "min_denominator": 10})
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), config)
    girls = Group(GroupKind.GENDER, 2)
    assert results.estimate("yes", MUNICIPALITY, Group(GroupKind.GENDER, 1)).suppressed
    assert results.comparison("yes", MUNICIPALITY, girls, ComparisonKind.GROUP) is None
