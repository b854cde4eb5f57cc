"""Every reference value of STATISTICS.md, at the precision stated there."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from oko.indicators import (
    ALL,
    Area,
    AreaLevel,
    EngineConfig,
    IntervalMethod,
    SchoolDesign,
    WaveInput,
    compute_wave,
)
from oko.indicators.columns import NOT_ANSWERED
from oko.indicators.comparisons import newcombe_interval
from oko.indicators.intervals import clopper_pearson, korn_graubard, logit_t, wilson
from oko.indicators.multiplicity import benjamini_hochberg, benjamini_hochberg_by_family
from oko.indicators.reliability import cronbach_alpha
from oko.indicators.trend import cochran_armitage
from oko.indicators.variance import design_mean
from tests.indicators.indicator_data import REFERENCE_DATA, indicator

# Newcombe (1998), Table I; R binom / prop.test agree.
SINGLE_PROPORTIONS = [
    (81, 263, (0.2552885199, 0.3662095770), (0.2527367456, 0.3676219226), 1e-10),
    (15, 148, (0.0624, 0.1605), (0.0578, 0.1617), 5e-5),
    (0, 20, (0.0, 0.1611), (0.0, 0.1684), 5e-5),
    (1, 29, (0.0061, 0.1718), (0.0009, 0.1776), 5e-5),
]


@pytest.mark.parametrize(("x", "n", "wilson_ci", "exact_ci", "tolerance"), SINGLE_PROPORTIONS)
def test_single_proportion_intervals(x, n, wilson_ci, exact_ci, tolerance):
    assert np.allclose(wilson(x, n), wilson_ci, atol=tolerance, rtol=0)
    assert np.allclose(clopper_pearson(x, n), exact_ci, atol=tolerance, rtol=0)


@pytest.mark.parametrize(("x", "n", "wilson_ci", "exact_ci", "tolerance"), SINGLE_PROPORTIONS)
def test_single_proportion_intervals_agree_with_scipy(x, n, wilson_ci, exact_ci, tolerance):
    result = stats.binomtest(x, n)
    assert np.allclose(wilson(x, n), tuple(result.proportion_ci(method="wilson")), atol=1e-12)
    assert np.allclose(
        clopper_pearson(x, n), tuple(result.proportion_ci(method="exact")), atol=1e-12
    )


class TestTwoProportions:
    """56/70 against 48/80."""

    table = np.array([[56, 14], [48, 32]])

    def test_uncorrected_chi_square_is_the_two_group_trend_test(self):
        trend = cochran_armitage([56, 48], [70, 80], [0, 1])
        assert trend.statistic[0] == pytest.approx(7.0234114, abs=5e-8)
        assert trend.p_value[0] == pytest.approx(0.008045081, abs=5e-10)
        assert np.sqrt(trend.statistic[0]) == pytest.approx(2.6501719512585336, abs=1e-12)

    def test_scipy_pitfalls(self):
        chi2, p, _, _ = stats.chi2_contingency(self.table, correction=False)
        assert (chi2, p) == pytest.approx((7.0234114, 0.008045081), abs=5e-8)
        chi2, p, _, _ = stats.chi2_contingency(self.table)  # Yates by default on 2x2
        assert (chi2, p) == pytest.approx((6.1142704, 0.01340948), abs=5e-8)
        assert stats.fisher_exact(self.table).pvalue == pytest.approx(0.01252113, abs=5e-9)

    def test_newcombe_hybrid_score_interval(self):
        lower, upper = newcombe_interval(56, 70, 48, 80)
        assert (float(lower), float(upper)) == pytest.approx((0.0524, 0.3339), abs=5e-5)


def test_benjamini_hochberg():
    adjusted = benjamini_hochberg([0.01, 0.04, 0.03, 0.005, 0.20])
    assert adjusted == pytest.approx([0.025, 0.05, 0.05, 0.025, 0.20], abs=1e-12)


def test_benjamini_hochberg_sets_nan_aside():
    adjusted = benjamini_hochberg([0.01, np.nan, 0.04, 0.03, 0.005, 0.20, np.nan])
    assert np.isnan(adjusted[[1, 6]]).all()
    assert adjusted[[0, 2, 3, 4, 5]] == pytest.approx([0.025, 0.05, 0.05, 0.025, 0.20])


def test_cochran_armitage_prop_trend_test_example():
    trend = cochran_armitage([83, 90, 129, 70], [86, 93, 136, 82], [1, 2, 3, 4])
    assert trend.statistic[0] == pytest.approx(8.2249223, abs=5e-8)
    assert trend.p_value[0] == pytest.approx(0.004131897, abs=5e-10)


def test_cronbach_alpha_shrout_fleiss():
    ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    reliability = cronbach_alpha(ratings)
    assert reliability.alpha == pytest.approx(0.909316, abs=5e-7)
    assert reliability.acceptable


# -- YRBS 2015 qn8: the complex-survey fixture ------------------------------------------------

P = 0.8136225044
SE = 0.02008900645
LOGIT = (0.7696221083, 0.8508478028)
KORN_GRAUBARD = (0.7690750997, 0.8528310415)
ROWS = 15_624


@pytest.fixture(scope="module")
def yrbs():
    with open(REFERENCE_DATA / "yrbs2015_qn8.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == ROWS
    return {
        "weight": np.array([float(r["weight"]) for r in rows]),
        "stratum": np.array([int(r["stratum"]) for r in rows]),
        "psu": np.array([int(r["psu"]) for r in rows]),
        "qn8": np.array([int(float(r["qn8"])) if r["qn8"] else NOT_ANSWERED for r in rows]),
    }


def test_yrbs_design_mean(yrbs):
    result = design_mean(
        yrbs["qn8"] == 1, yrbs["qn8"] > 0, yrbs["weight"], yrbs["psu"], yrbs["stratum"]
    )
    assert result.value == pytest.approx(P, abs=1e-8)
    assert result.se == pytest.approx(SE, abs=1e-8)
    assert (result.df, result.n) == (41, 8757)


def test_yrbs_intervals(yrbs):
    assert np.allclose(logit_t(P, SE, 41), LOGIT, atol=1e-8, rtol=0)
    # R's svyciprop uses all rows of the design (15,624) for the t[n-1] of Korn-Graubard.
    assert np.allclose(korn_graubard(P, SE**2, ROWS, 41), KORN_GRAUBARD, atol=1e-8, rtol=0)


def test_yrbs_psu_totals_match_the_debug_file(yrbs):
    with open(REFERENCE_DATA / "yrbs2015_qn8_psu_totals.csv", newline="") as handle:
        totals = {int(r["psu"]): r for r in csv.DictReader(handle)}
    assert len(totals) == 54
    valid = yrbs["qn8"] > 0
    for psu, row in totals.items():
        rows = (yrbs["psu"] == psu) & valid
        assert yrbs["weight"][rows].sum() == pytest.approx(float(row["w_dom"]), abs=1e-4)
        assert int(rows.sum()) == int(row["n_dom"])
        assert int((rows & (yrbs["qn8"] == 1)).sum()) == int(row["n_yes"])


@pytest.mark.parametrize("method", [IntervalMethod.LOGIT, IntervalMethod.KORN_GRAUBARD])
def test_yrbs_through_the_engine(yrbs, make_columns, make_indicators, method):
    indicators = make_indicators(indicator("helmet", "qn8"))
    columns = make_columns(
        {"qn8": yrbs["qn8"]}, yrbs["psu"], weight=yrbs["weight"], stratum=yrbs["stratum"]
    )
    # YRBS samples schools: the sampled design, as R's svydesign(id=~psu, strata=~stratum).
    config = EngineConfig(interval=method, school_design=SchoolDesign.SAMPLED)
    results = compute_wave(WaveInput("2015", 2015, columns), (), indicators, config)
    estimate = results.estimate("helmet", Area(AreaLevel.MUNICIPALITY, 0), ALL)
    assert estimate.value == pytest.approx(P, abs=1e-8)
    assert estimate.se == pytest.approx(SE, abs=1e-8)
    assert (estimate.df, estimate.n) == (41, 8757)
    assert not estimate.suppressed
    if method is IntervalMethod.LOGIT:
        assert (estimate.lower, estimate.upper) == pytest.approx(LOGIT, abs=1e-8)
    else:
        assert (estimate.lower, estimate.upper) == pytest.approx(KORN_GRAUBARD, abs=1e-8)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 5),
            st.one_of(st.just(float("nan")), st.floats(0, 1, allow_subnormal=False)),
        ),
        min_size=1,
        max_size=80,
    )
)
@settings(max_examples=200, deadline=None)
def test_benjamini_hochberg_by_family_equals_scipy_per_family(pairs):
    family = np.array([f for f, _ in pairs])
    p = np.array([v for _, v in pairs])
    together = benjamini_hochberg_by_family(p, family)
    for f in np.unique(family):
        one = family == f
        assert np.allclose(together[one], benjamini_hochberg(p[one]), rtol=1e-12, equal_nan=True)
