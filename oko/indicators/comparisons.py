"""Differences between two estimates, or between an estimate and a fixed value.

Two independent design-based estimates (two waves; a municipality and the rest of its region)
differ by ``d = p1 - p2`` with ``SE = sqrt(SE1² + SE2²)``; for means the two-sided p-value and
the interval use t with the smaller of the two degrees of freedom (STATISTICS.md). A fixed
published reference value has no sampling error, so only the area's SE and df count.

Proportions need more care at the edges: at 0% or 100% the linearised SE is 0, and a Wald test
would call any difference certain (p = 0) even when the reference lies inside the interval
shown. So every test of a proportion is the inversion of an interval that stays valid there,
and a flag can never contradict that interval:

- against a fixed value, the test that inverts the estimate's own interval (exact binomial on
  the Korn–Graubard effective size, the logit-t test, or the Wilson score test);
- between two estimates, Newcombe's hybrid score interval (Wilson limits on each side's
  Korn–Graubard effective size, which carries the design effect and the degrees of freedom),
  with the p-value at which that interval just reaches 0 (:func:`newcombe_test`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from oko.indicators.intervals import t_quantile


@dataclass(frozen=True)
class DifferenceTest:
    """Arrays of differences, standard errors, df, p-values and interval limits."""

    difference: np.ndarray
    se: np.ndarray
    df: np.ndarray
    p_value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def difference_test(
    value1: ArrayLike,
    se1: ArrayLike,
    df1: ArrayLike,
    value2: ArrayLike,
    se2: ArrayLike,
    df2: ArrayLike,
    confidence: float = 0.95,
) -> DifferenceTest:
    """Wald-t test of ``value1 - value2`` for independent estimates."""
    difference = np.asarray(value1, dtype=np.float64) - np.asarray(value2, dtype=np.float64)
    se = np.hypot(np.asarray(se1, dtype=np.float64), np.asarray(se2, dtype=np.float64))
    df = np.minimum(np.asarray(df1, dtype=np.float64), np.asarray(df2, dtype=np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.abs(difference) / se
        p_value = 2 * special.stdtr(df, -statistic)
        half = t_quantile(df, 1 - (1 - confidence) / 2) * se
    # No sampling error could be estimated (no spread on either side): nothing to test, which
    # is not the same as a certain difference.
    exact = se == 0
    p_value = np.where(exact, 1.0, p_value)
    half = np.where(exact, 0.0, half)
    return DifferenceTest(difference, se, df, p_value, difference - half, difference + half)


def against_value(
    value: ArrayLike, se: ArrayLike, df: ArrayLike, reference: ArrayLike, confidence: float = 0.95
) -> DifferenceTest:
    """Test of ``value - reference`` for a fixed reference value without sampling error."""
    zeros = np.zeros_like(np.asarray(reference, dtype=np.float64))
    return difference_test(value, se, df, reference, zeros, np.inf + zeros, confidence)


def newcombe_interval(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for ``x1/n1 - x2/n2`` (method 10, 1998).

    Built from the two Wilson intervals; counts may be effective (non-integer) counts.
    """
    z = special.ndtri(1 - (1 - confidence) / 2)
    return _newcombe(x1, n1, x2, n2, np.asarray(z))


def _wilson_z(p: np.ndarray, size: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson limits for ``p`` at effective size ``size`` with normal quantile ``z`` (arrays)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = 1 + z * z / size
        centre = (p + z * z / (2 * size)) / denominator
        half = z * np.sqrt(p * (1 - p) / size + z * z / (4 * size * size)) / denominator
    return np.where(p <= 0, 0.0, centre - half), np.where(p >= 1, 1.0, centre + half)


def _newcombe(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, z: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    size1, size2 = np.asarray(n1, dtype=np.float64), np.asarray(n2, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.asarray(x1, dtype=np.float64) / size1
        b = np.asarray(x2, dtype=np.float64) / size2
    low1, up1 = _wilson_z(a, size1, z)
    low2, up2 = _wilson_z(b, size2, z)
    difference = a - b
    lower = difference - np.sqrt((a - low1) ** 2 + (up2 - b) ** 2)
    upper = difference + np.sqrt((up1 - a) ** 2 + (b - low2) ** 2)
    return lower, upper


def newcombe_test(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newcombe's interval for ``x1/n1 - x2/n2`` and the two-sided p-value that inverts it.

    The p-value is ``2 (1 - Φ(z*))`` with ``z*`` the normal quantile at which the interval's
    limit nearest 0 reaches 0 (found by bisection; the limits move monotonically with ``z``).
    So ``p < 1 - confidence`` exactly when the interval at ``confidence`` excludes 0, also at
    0% and 100%, where a Wald test has no standard error. Returns ``(lower, upper, p)``.
    """
    size1, size2 = np.asarray(n1, dtype=np.float64), np.asarray(n2, dtype=np.float64)
    x1, x2 = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
    lower, upper = newcombe_interval(x1, size1, x2, size2, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        difference = x1 / size1 - x2 / size2
    low_z = np.zeros(difference.shape)
    high_z = np.full(difference.shape, 40.0)
    for _ in range(_BISECTIONS):
        middle = (low_z + high_z) / 2
        below, above = _newcombe(x1, size1, x2, size2, middle)
        excludes = np.where(difference > 0, below > 0, above < 0)
        low_z, high_z = np.where(excludes, middle, low_z), np.where(excludes, high_z, middle)
    p_value = np.where(difference == 0, 1.0, 2 * special.ndtr(-(low_z + high_z) / 2))
    undefined = ~((size1 > 0) & (size2 > 0)) | np.isnan(difference)
    return lower, upper, np.where(undefined, np.nan, p_value)


#: Halvings of the z range [0, 40] in :func:`newcombe_test`: 40 / 2**50 is far below any
#: difference in p that matters.
_BISECTIONS = 50


def against_value_exact(p: ArrayLike, size: ArrayLike, reference: ArrayLike) -> np.ndarray:
    """Two-sided p-value of ``p`` against a fixed ``reference`` that inverts Clopper–Pearson.

    ``size`` is the (Korn–Graubard) effective sample size and ``p * size`` the effective
    count, both possibly non-integer. The p-value is twice the smaller binomial tail, written
    with the regularised incomplete beta function so non-integer counts work; it is below
    ``1 - confidence`` exactly when the reference lies outside the Clopper–Pearson interval at
    that size (both are built from the same beta quantiles). Defined at 0% and 100%.
    """
    size = np.asarray(size, dtype=np.float64)
    x = np.asarray(p, dtype=np.float64) * size
    ref = np.asarray(reference, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        # P(X >= x | ref) and P(X <= x | ref) for a binomial extended to real x.
        upper_tail = np.where(x > 0, special.betainc(x, size - x + 1, ref), 1.0)
        lower_tail = np.where(x < size, special.betainc(size - x, x + 1, 1 - ref), 1.0)
    p_value = np.minimum(1.0, 2 * np.minimum(upper_tail, lower_tail))
    return np.where(size > 0, p_value, np.nan)


def against_value_wilson(p: ArrayLike, size: ArrayLike, reference: ArrayLike) -> np.ndarray:
    """Score test of ``p`` against ``reference`` at effective size ``size``: the test whose
    acceptance region is the Wilson interval (defined at 0% and 100%)."""
    ref = np.asarray(reference, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.asarray(p, dtype=np.float64) - ref) / np.sqrt(
            ref * (1 - ref) / np.asarray(size, dtype=np.float64)
        )
    p_value = 2 * special.ndtr(-np.abs(z))
    return np.where(np.asarray(size) > 0, np.nan_to_num(p_value, nan=1.0), np.nan)


def against_value_logit(
    p: ArrayLike, se: ArrayLike, df: ArrayLike, reference: ArrayLike
) -> np.ndarray:
    """t test on the logit scale: the test that inverts the logit-t interval (0 < p < 1)."""
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = (special.logit(p) - special.logit(reference)) / (
            np.asarray(se, dtype=np.float64) / (p * (1 - p))
        )
        return 2 * special.stdtr(np.asarray(df, dtype=np.float64), -np.abs(statistic))


def cohens_d(difference: ArrayLike, sd1: ArrayLike, sd2: ArrayLike) -> np.ndarray:
    """Standardised difference with the pooled SD ``sqrt((sd1² + sd2²) / 2)``."""
    pooled = np.sqrt((np.asarray(sd1, dtype=np.float64) ** 2 + np.asarray(sd2) ** 2) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(difference, dtype=np.float64) / pooled
