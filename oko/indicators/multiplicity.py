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
