"""Benjamini–Hochberg adjustment over the comparisons of one report.

A report makes dozens of comparisons (every indicator and group against last wave, the rest
of the region and a reference); testing each at 5% would flag several by chance. The false
discovery rate keeps that in check. Comparisons without a p-value (no data, suppressed) are
not part of the family: scipy raises on NaN, so they are set aside and stay NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import false_discovery_control


def benjamini_hochberg(p_values: ArrayLike) -> np.ndarray:
    """BH-adjusted p-values; NaN in, NaN out, and NaNs do not count as tests."""
    p = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(p.shape, np.nan)
    present = ~np.isnan(p)
    if present.any():
        adjusted[present] = false_discovery_control(p[present], method="bh")
    return adjusted


def benjamini_hochberg_by_family(p_values: ArrayLike, family: ArrayLike) -> np.ndarray:
    """BH-adjusted p-values within each family, all families at once.

    Gives what :func:`benjamini_hochberg` (scipy) gives family by family (tested), without a
    Python call per report: a country has thousands of areas. NaN-safe like it.
    """
    p = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(p.shape, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    if present.size == 0:
        return adjusted
    values, families = p[present], np.asarray(family)[present]
    order = np.lexsort((values, families))
    values, families = values[order], families[order]
    starts = np.flatnonzero(np.r_[True, families[1:] != families[:-1]])
    sizes = np.diff(np.r_[starts, values.size])
    row = np.repeat(np.arange(starts.size), sizes)
    rank = np.arange(values.size) - np.repeat(starts, sizes) + 1
    scaled = values * (np.repeat(sizes, sizes) / rank)
    # Step-up: the running minimum from the largest p-value down, within each family.
    matrix = np.full((starts.size, sizes.max()), np.inf)
    matrix[row, rank - 1] = scaled
    matrix = np.minimum.accumulate(matrix[:, ::-1], axis=1)[:, ::-1]
    adjusted[present[order]] = np.minimum(matrix[row, rank - 1], 1.0)
    return adjusted
