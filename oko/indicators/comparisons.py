"""Differences between two estimates, or between an estimate and a fixed value.

Two independent design-based estimates (two waves; a municipality and the rest of its region)
differ by ``d = p1 - p2`` with ``SE = sqrt(SE1² + SE2²)``; the two-sided p-value and the
interval use t with the smaller of the two degrees of freedom (STATISTICS.md). A fixed
published reference value has no sampling error, so only the area's SE and df count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from oko.indicators.intervals import t_quantile, wilson


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
    # Without sampling error (e.g. 0% against 0%, unweighted) the difference is certain.
    exact = se == 0
    p_value = np.where(exact, np.where(difference == 0, 1.0, 0.0), p_value)
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
    a = np.asarray(x1, dtype=np.float64) / np.asarray(n1, dtype=np.float64)
    b = np.asarray(x2, dtype=np.float64) / np.asarray(n2, dtype=np.float64)
    low1, up1 = wilson(x1, n1, confidence)
    low2, up2 = wilson(x2, n2, confidence)
    difference = a - b
    lower = difference - np.sqrt((a - low1) ** 2 + (up2 - b) ** 2)
    upper = difference + np.sqrt((up1 - a) ** 2 + (b - low2) ** 2)
    return lower, upper


def cohens_d(difference: ArrayLike, sd1: ArrayLike, sd2: ArrayLike) -> np.ndarray:
    """Standardised difference with the pooled SD ``sqrt((sd1² + sd2²) / 2)``."""
    pooled = np.sqrt((np.asarray(sd1, dtype=np.float64) ** 2 + np.asarray(sd2) ** 2) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(difference, dtype=np.float64) / pooled
