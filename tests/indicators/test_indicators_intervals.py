"""Intervals at the edges and as properties (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from oko.indicators.intervals import clopper_pearson, korn_graubard, logit_t, mean_t, wilson

counts = st.integers(min_value=1, max_value=2000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@given(counts)
@settings(max_examples=200, deadline=None)
def test_intervals_contain_the_estimate_and_lie_in_0_1(count):
    x, n = count
    p = x / n
    for lower, upper in (
        wilson(x, n),
        clopper_pearson(x, n),
        korn_graubard(p, p * (1 - p) / n, n, max(n - 1, 1)),
    ):
        assert 0 <= lower <= p <= upper <= 1


@given(counts)
@settings(max_examples=200, deadline=None)
def test_wilson_equals_scipy(count):
    x, n = count
    expected = stats.binomtest(x, n).proportion_ci(method="wilson")
    assert np.allclose(wilson(x, n), (expected.low, expected.high), atol=1e-12, rtol=0)


@given(
    st.floats(min_value=0.001, max_value=0.999),
    st.floats(min_value=1e-5, max_value=0.05),
    st.integers(min_value=1, max_value=200),
)
@settings(max_examples=200, deadline=None)
def test_logit_interval_contains_the_estimate(p, se, df):
    lower, upper = logit_t(p, se, df)
    assert 0 <= lower <= p <= upper <= 1


def test_korn_graubard_is_defined_at_0_and_100_percent():
    lower, upper = korn_graubard([0.0, 1.0], [0.0, 0.0], [50, 50], [10, 10])
    assert lower[0] == 0 and 0 < upper[0] < 0.1
    assert upper[1] == 1 and 0.9 < lower[1] < 1


def test_korn_graubard_without_design_effect_is_clopper_pearson():
    # Variance p(1-p)/n with df = n - 1: the effective size is n and the t-ratio is 1.
    p, n = 0.3, 200
    assert np.allclose(
        korn_graubard(p, p * (1 - p) / n, n, n - 1), clopper_pearson(p * n, n), atol=1e-12
    )


def test_logit_interval_is_undefined_at_the_edges():
    lower, upper = logit_t([0.0, 1.0], [0.0, 0.0], [10, 10])
    assert np.isnan(lower).all() and np.isnan(upper).all()


def test_empty_groups_give_nan_not_an_error():
    assert np.isnan(wilson(0, 0)).all()
    assert np.isnan(clopper_pearson(0, 0)).all()
    assert np.isnan(korn_graubard(np.nan, np.nan, 0, 0)).all()


def test_mean_interval_uses_t():
    lower, upper = mean_t(5.0, 0.5, 9)
    half = stats.t.ppf(0.975, 9) * 0.5
    assert (lower, upper) == pytest.approx((5 - half, 5 + half))
