"""When a difference is news: significant after correction *and* large enough.

A tiny but significant change in a big region is not news to a coalition, and ESPAD calls a
difference below 3 percentage points "no real difference"; so a change is flagged only when
the BH-adjusted p-value is below the false discovery rate and the difference is at least
3 points (means and scales: |Cohen's d| at least 0.2). Whether it is good or bad news follows
the indicator's direction: more weekend time with parents is better, more drunkenness worse.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike


class Flag(StrEnum):
    BETTER = "better"
    WORSE = "worse"


#: Codes used in result arrays: 0 no flag, 1 better, -1 worse.
FLAG_BY_CODE = {1: Flag.BETTER, -1: Flag.WORSE}


def flag_codes(
    difference: ArrayLike,
    p_adjusted: ArrayLike,
    effect_size: ArrayLike,
    min_effect: ArrayLike,
    risk: ArrayLike,
    false_discovery_rate: float,
) -> np.ndarray:
    """1 (better), -1 (worse) or 0 per comparison.

    ``effect_size`` is the difference in proportion points for proportions and Cohen's d for
    means; ``min_effect`` the matching threshold; ``risk`` is True where higher is worse.
    """
    d = np.asarray(difference, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        flagged = (np.asarray(p_adjusted) < false_discovery_rate) & (
            np.abs(np.asarray(effect_size)) >= np.asarray(min_effect)
        )
    sign = np.sign(d) * np.where(np.asarray(risk, dtype=bool), -1, 1)
    return np.where(flagged, sign, 0).astype(np.int8)
