"""Linear trend over three or more waves that respects the survey design.

The statistic is the Cochran–Armitage trend test with each wave's null variance inflated by
that wave's design effect (a first-order Rao–Scott correction; waves are independent
samples). With sample sizes ``n_t``, wave scores ``s_t`` (e.g. the year), estimates ``p_t``
and design effects ``deff_t``:

    T = Σ n_t (s_t - s̄) p_t,    s̄ = Σ n_t s_t / Σ n_t
    V = σ̄² Σ n_t (s_t - s̄)² deff_t,    χ² = T² / V

where ``σ̄²`` is the pooled variance under "no trend" (``p̄ (1 - p̄)`` for proportions). For
unweighted, unclustered data every design effect is 1 and this *is* Cochran–Armitage (R
``prop.trend.test``); the same formula serves means and scale scores. The p-value uses
t with the waves' summed degrees of freedom (normal when infinite).

The size of a trend is the n-weighted least-squares slope times the span of the scores:
the fitted change from the first to the last wave. Its interval uses the waves' design
variances (under the alternative), the p-value the null variance above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special


@dataclass(frozen=True)
class TrendTest:
    """Arrays over trends (one per row of the inputs)."""

    statistic: np.ndarray
    p_value: np.ndarray
    #: Fitted change from the first to the last wave used.
    change: np.ndarray
    change_se: np.ndarray
    #: Pooled variance of the outcome under "no trend" (to standardise ``change``).
    sigma2: np.ndarray
    waves: np.ndarray


def linear_trend(
    values: ArrayLike,
    n: ArrayLike,
    design_effect: ArrayLike,
    sigma2: ArrayLike,
    variance: ArrayLike,
    scores: ArrayLike,
    df: ArrayLike = np.inf,
) -> TrendTest:
    """Design-adjusted Cochran–Armitage test; rows are trends, columns waves.

    A wave with ``n == 0`` (no published estimate) is left out of its row. ``sigma2`` is
    each wave's population-style variance of the outcome, ``variance`` the design variance of
    its estimate.
    """
    p = np.atleast_2d(np.asarray(values, dtype=np.float64))
    size = np.atleast_2d(np.asarray(n, dtype=np.float64))
    use = size > 0
    size = np.where(use, size, 0.0)
    p = np.where(use, p, 0.0)
    deff = np.where(use, np.atleast_2d(np.asarray(design_effect, dtype=np.float64)), 0.0)
    s2 = np.where(use, np.atleast_2d(np.asarray(sigma2, dtype=np.float64)), 0.0)
    var = np.where(use, np.atleast_2d(np.asarray(variance, dtype=np.float64)), 0.0)
    s = np.broadcast_to(np.asarray(scores, dtype=np.float64), p.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        total = size.sum(axis=1, keepdims=True)
        centred = s - (size * s).sum(axis=1, keepdims=True) / total
        pooled = (size * p).sum(axis=1, keepdims=True) / total
        sigma2_pooled = (size * (s2 + (p - pooled) ** 2)).sum(axis=1) / total[:, 0]
        t_sum = (size * centred * p).sum(axis=1)
        v_null = sigma2_pooled * (size * centred**2 * deff).sum(axis=1)
        statistic = t_sum**2 / v_null
        sxx = (size * centred**2).sum(axis=1)
        slope = t_sum / sxx
        slope_var = (size**2 * centred**2 * var).sum(axis=1) / sxx**2
        span = np.where(use, s, -np.inf).max(axis=1) - np.where(use, s, np.inf).min(axis=1)
        p_value = 2 * special.stdtr(np.asarray(df, dtype=np.float64), -np.sqrt(statistic))
    flat = v_null == 0
    statistic = np.where(flat, 0.0, statistic)
    p_value = np.where(flat, 1.0, p_value)
    return TrendTest(
        statistic=statistic,
        p_value=p_value,
        change=slope * span,
        change_se=np.sqrt(slope_var) * span,
        sigma2=sigma2_pooled,
        waves=use.sum(axis=1),
    )


def cochran_armitage(events: ArrayLike, totals: ArrayLike, scores: ArrayLike) -> TrendTest:
    """Cochran–Armitage test for trend in proportions (R ``prop.trend.test``)."""
    x = np.asarray(events, dtype=np.float64)
    n = np.asarray(totals, dtype=np.float64)
    p = x / n
    return linear_trend(p, n, np.ones_like(p), p * (1 - p), p * (1 - p) / n, scores)
