"""Cronbach's alpha: do a scale's items measure one thing, in this wave?

Reported per scale and wave; below 0.70 the report warns that the scale score should be read
with care (the items do not hang together well enough in this sample).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

#: Conventional lower bound for an acceptable alpha.
ACCEPTABLE_ALPHA = 0.70


@dataclass(frozen=True)
class Reliability:
    alpha: float
    #: Respondents who answered every item (alpha uses complete cases).
    n: int
    items: int

    @property
    def acceptable(self) -> bool:
        return bool(self.alpha >= ACCEPTABLE_ALPHA)


def cronbach_alpha(scores: ArrayLike) -> Reliability:
    """Alpha of a respondents x items matrix; rows with a NaN are left out.

    ``k / (k - 1) · (1 - Σ item variances / variance of the sum)``; NaN when fewer than two
    complete rows or no variance.
    """
    matrix = np.asarray(scores, dtype=np.float64)
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    k = matrix.shape[1]
    if complete.shape[0] < 2 or k < 2:
        return Reliability(float("nan"), int(complete.shape[0]), k)
    item_variance = complete.var(axis=0, ddof=1).sum()
    total_variance = complete.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return Reliability(float("nan"), int(complete.shape[0]), k)
    alpha = k / (k - 1) * (1 - item_variance / total_variance)
    return Reliability(float(alpha), int(complete.shape[0]), k)
