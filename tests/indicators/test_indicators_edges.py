"""Comparisons at 0% and 100%: a flag never contradicts the interval shown next to it.

At the edges the linearised standard error is 0, and a Wald test would call every difference
certain. Over a grid of small groups and extreme prevalences, through the whole engine: no
"better"/"worse" flag while the compared value lies inside the interval shown, and (with one
comparison per report, so Benjamini–Hochberg changes nothing) a flag whenever it lies outside
and the difference is at least 3 points.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from oko.indicators import (
    ALL,
    Area,
    AreaLevel,
    ComparisonKind,
    EngineConfig,
    IntervalMethod,
    SchoolDesign,
    WaveInput,
    compute_wave,
)
from oko.indicators.columns import NOT_ANSWERED
from oko.indicators.comparisons import (
    against_value_exact,
    against_value_wilson,
    newcombe_interval,
    newcombe_test,
)
from oko.indicators.intervals import clopper_pearson, wilson

MUNICIPALITY = Area(AreaLevel.MUNICIPALITY, 0)
SIZES = (30, 45, 80)
REFERENCES = (0.0, 0.01, 0.03, 0.06, 0.1, 0.9, 0.94, 0.97, 0.99, 1.0)
#: Everything published, so the edges themselves are tested rather than suppressed.
OPEN = {
    "min_denominator": 1,
    "min_school_respondents": 1,
    "max_interval_width": 2.0,
    "max_relative_width": math.inf,
}


def with_reference(value: float) -> dict[str, object]:
    """A risk proportion (code 1 of 1..2 on item ``q``) with a fixed reference value."""
    return {
        "id": "yes",
        "label": {"nl": "yes", "en": "yes"},
        "domain": "wellbeing",
        "kind": "proportion",
        "item": "q",
        "valid": [1, 2],
        "yes_codes": [1],
        "direction": "risk",
        "reference": {"value": value, "source": "national"},
    }


def extreme_counts(n: int) -> list[int]:
    return [0, 1, 2, 4, n - 4, n - 2, n - 1, n]


def wave(make_columns, yes: int, n: int, classes: int) -> WaveInput:
    """``yes`` of ``n`` students, in ``classes`` classes of one school (dealt in turn)."""
    answers = np.where(np.arange(n) < yes, 1, 2)
    columns = make_columns(
        {"q": answers},
        np.zeros(n, int),
        class_session=np.arange(n) % classes,
        gender=np.full(n, NOT_ANSWERED),
    )
    return WaveInput(f"w{yes}-{n}", float(n + yes), columns)


@pytest.mark.parametrize("method", [IntervalMethod.KORN_GRAUBARD, IntervalMethod.WILSON])
@pytest.mark.parametrize("classes", [1, 3])
def test_no_flag_against_a_reference_inside_the_interval_shown(
    make_columns, make_indicators, method, classes
):
    config = EngineConfig(interval=method, school_design=SchoolDesign.CLASSES, **OPEN)
    checked = outside = 0
    for n, reference in itertools.product(SIZES, REFERENCES):
        indicators = make_indicators(with_reference(reference))
        for yes in extreme_counts(n):
            results = compute_wave(wave(make_columns, yes, n, classes), (), indicators, config)
            estimate = results.estimate("yes", MUNICIPALITY)
            comparison = results.comparison("yes", MUNICIPALITY, ALL, ComparisonKind.REFERENCE)
            assert comparison is not None
            # The comparison's interval is the estimate's interval, shifted by the reference.
            assert comparison.lower == pytest.approx(estimate.lower - reference, abs=1e-12)
            assert comparison.upper == pytest.approx(estimate.upper - reference, abs=1e-12)
            if min(abs(reference - estimate.lower), abs(reference - estimate.upper)) < 1e-9:
                continue  # on the limit itself: either answer is right
            inside = estimate.lower < reference < estimate.upper
            large = abs(estimate.value - reference) >= config.min_difference
            assert (comparison.flag is not None) == (not inside and large), (
                n,
                yes,
                reference,
                estimate,
                comparison,
            )
            assert (comparison.p_value < 0.05) == (not inside)
            checked += 1
            outside += not inside
    assert checked > 200 and outside > 50


@pytest.mark.parametrize("classes", [1, 3])
def test_no_flag_against_the_previous_wave_inside_the_difference_interval(
    make_columns, make_indicators, classes
):
    config = EngineConfig(school_design=SchoolDesign.CLASSES, **OPEN)
    indicators = make_indicators()
    flagged = 0
    for n in SIZES:
        counts = extreme_counts(n)
        for before, now in itertools.product(counts, counts):
            previous = wave(make_columns, before, n, classes)
            current = wave(make_columns, now, n, classes)
            current = WaveInput(current.label + "b", previous.time + 1000, current.columns)
            results = compute_wave(current, (previous,), indicators, config)
            comparison = results.comparison("yes", MUNICIPALITY, ALL, ComparisonKind.PREVIOUS_WAVE)
            assert comparison is not None
            assert comparison.lower <= comparison.difference <= comparison.upper
            if min(abs(comparison.lower), abs(comparison.upper)) < 1e-9:
                continue
            excludes = comparison.lower > 0 or comparison.upper < 0
            large = abs(comparison.difference) >= config.min_difference
            assert (comparison.flag is not None) == (excludes and large), comparison
            assert (comparison.p_value < 0.05) == excludes
            flagged += comparison.flag is not None
    assert flagged > 20


def test_zero_against_zero_is_no_difference(make_columns, make_indicators):
    """Both waves at 0%: nothing happened, whatever the (zero) standard errors say."""
    config = EngineConfig(**OPEN)
    previous = wave(make_columns, 0, 40, 2)
    current = WaveInput("later", previous.time + 1, previous.columns)
    results = compute_wave(current, (previous,), make_indicators(), config)
    comparison = results.comparison("yes", MUNICIPALITY, ALL, ComparisonKind.PREVIOUS_WAVE)
    assert comparison is not None
    assert comparison.p_value == 1.0 and comparison.flag is None
    assert comparison.lower < 0 < comparison.upper


@pytest.mark.parametrize("size", [10.0, 29.5, 40.0, 113.7])
def test_exact_test_inverts_clopper_pearson(size):
    """p < alpha exactly when the reference lies outside the interval at that (effective,
    possibly non-integer) size, at every count including 0 and all."""
    grid = np.linspace(0, 1, 401)
    for count in (0.0, 0.5, 1.0, 3.0, size - 1, size):
        low, high = (float(v) for v in clopper_pearson(count, size))
        p_values = against_value_exact(np.full(grid.size, count / size), size, grid)
        away = (np.abs(grid - low) > 1e-6) & (np.abs(grid - high) > 1e-6)
        outside = (grid < low) | (grid > high)
        assert ((p_values < 0.05) == outside)[away].all()


@pytest.mark.parametrize("size", [12.0, 30.0, 61.3])
def test_score_test_inverts_wilson(size):
    grid = np.linspace(0.001, 0.999, 400)
    for count in (0.0, 1.0, size / 2, size):
        low, high = (float(v) for v in wilson(count, size))
        p_values = against_value_wilson(np.full(grid.size, count / size), size, grid)
        away = (np.abs(grid - low) > 1e-6) & (np.abs(grid - high) > 1e-6)
        outside = (grid < low) | (grid > high)
        assert ((p_values < 0.05) == outside)[away].all()


def test_newcombe_p_value_inverts_its_interval():
    """At the p-value as confidence level, the interval's nearer limit is exactly 0."""
    rng = np.random.default_rng(3)
    n1, n2 = rng.uniform(20, 200, 300), rng.uniform(20, 200, 300)
    x1 = np.minimum(np.round(rng.choice([0.0, 0.02, 0.5, 0.97, 1.0], 300) * n1), n1)
    x2 = np.minimum(np.round(rng.choice([0.0, 0.03, 0.4, 0.99, 1.0], 300) * n2), n2)
    lower, upper, p_value = newcombe_test(x1, n1, x2, n2)
    expected_lower, expected_upper = newcombe_interval(x1, n1, x2, n2)
    assert np.allclose(lower, expected_lower) and np.allclose(upper, expected_upper)
    assert ((p_value < 0.05) == ((lower > 0) | (upper < 0))).all()
    differs = (x1 / n1 != x2 / n2) & (p_value > 1e-12)
    for index in np.flatnonzero(differs)[:40]:
        at = newcombe_interval(x1[index], n1[index], x2[index], n2[index], 1 - p_value[index])
        nearer = at[0] if x1[index] / n1[index] > x2[index] / n2[index] else at[1]
        assert float(nearer) == pytest.approx(0.0, abs=1e-6)
    assert (p_value[x1 / n1 == x2 / n2] == 1.0).all()
