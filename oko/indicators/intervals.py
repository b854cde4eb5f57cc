"""Confidence intervals for proportions and means, vectorised over numpy arrays.

Every function takes arrays (or scalars) and returns ``(lower, upper)`` arrays; an undefined
interval (no observations) is NaN, never an exception. Proportions are in [0, 1].

Which interval, when (see STATISTICS.md): Korn–Graubard is the NCHS standard for complex
surveys and the default here; it is Clopper–Pearson on a design-effect-adjusted sample size and
stays defined at 0% and 100%. The logit-t interval is what SUDAAN and R ``svyciprop(method=
"logit")`` give for YRBS; it is undefined at 0% and 100%. Wilson is the interval for unweighted,
unclustered data.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

Interval = tuple[np.ndarray, np.ndarray]


def _alpha(confidence: float) -> float:
    return 1.0 - confidence


def t_quantile(df: ArrayLike, probability: float) -> np.ndarray:
    """Quantile of t(df) per element (normal for infinite df, NaN for df <= 0).

    Degrees of freedom repeat a lot across estimates, and the quantile is slow, so it is
    computed once per distinct value.
    """
    dof = np.asarray(df, dtype=np.float64)
    distinct, index = np.unique(dof, return_inverse=True)
    with np.errstate(invalid="ignore"):
        quantiles = special.stdtrit(distinct, probability)
    return quantiles[index].reshape(dof.shape)


def wilson(successes: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> Interval:
    """Wilson score interval; ``successes`` and ``n`` may be non-integer (effective counts)."""
    x = np.asarray(successes, dtype=np.float64)
    size = np.asarray(n, dtype=np.float64)
    z = stats.norm.ppf(1 - _alpha(confidence) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / size
        denominator = 1 + z * z / size
        centre = (p + z * z / (2 * size)) / denominator
        half = z * np.sqrt(p * (1 - p) / size + z * z / (4 * size * size)) / denominator
    lower = np.where(x <= 0, 0.0, np.clip(centre - half, 0, 1))
    upper = np.where(x >= size, 1.0, np.clip(centre + half, 0, 1))
    empty = ~(size > 0)
    return np.where(empty, np.nan, lower), np.where(empty, np.nan, upper)


def clopper_pearson(successes: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> Interval:
    """Exact (Clopper–Pearson) interval; non-integer counts allowed (Korn–Graubard uses them).

    ``beta.ppf`` is NaN at 0 events and at n events, so the edges are set explicitly: the
    lower limit is 0 with no events, the upper limit 1 with only events.
    """
    x = np.asarray(successes, dtype=np.float64)
    size = np.asarray(n, dtype=np.float64)
    alpha = _alpha(confidence)
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, special.betaincinv(x, size - x + 1, alpha / 2), 0.0)
        upper = np.where(x < size, special.betaincinv(x + 1, size - x, 1 - alpha / 2), 1.0)
    empty = ~(size > 0)
    return np.where(empty, np.nan, lower), np.where(empty, np.nan, upper)


def korn_graubard_size(
    p: ArrayLike,
    variance: ArrayLike,
    n: ArrayLike,
    df: ArrayLike,
    confidence: float = 0.95,
    rows: ArrayLike | None = None,
) -> np.ndarray:
    """The degrees-of-freedom-adjusted effective sample size of Korn & Graubard (1998).

    ``p(1 - p) / variance`` (the actual ``n`` when the variance is 0, as at 0% and 100%),
    capped at ``n`` (NCHS), times ``(t[rows-1] / t[df])**2``. ``rows`` is the number of
    respondents in the (sub)design, item non-response included, which is what R's
    ``svyciprop(method = "beta")`` uses (``nrow(design)``); it defaults to ``n``.
    """
    p = np.asarray(p, dtype=np.float64)
    variance = np.asarray(variance, dtype=np.float64)
    size = np.asarray(n, dtype=np.float64)
    design_rows = size if rows is None else np.asarray(rows, dtype=np.float64)
    dof = np.asarray(df, dtype=np.float64)
    alpha = _alpha(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = (variance > 0) & (p > 0) & (p < 1)
        effective = np.where(spread, p * (1 - p) / variance, size)
        effective = np.minimum(effective, size)
        t_rows = t_quantile(np.maximum(design_rows - 1, 1), alpha / 2)
        ratio = t_rows / t_quantile(dof, alpha / 2)
    ratio = np.where((design_rows >= 2) & np.isfinite(dof), ratio, 1.0)
    return np.where(dof > 0, effective * ratio * ratio, np.nan)


def korn_graubard(
    p: ArrayLike,
    variance: ArrayLike,
    n: ArrayLike,
    df: ArrayLike,
    confidence: float = 0.95,
    rows: ArrayLike | None = None,
) -> Interval:
    """Korn–Graubard interval: Clopper–Pearson at the adjusted effective sample size."""
    p = np.asarray(p, dtype=np.float64)
    size = korn_graubard_size(p, variance, n, df, confidence, rows)
    return clopper_pearson(p * size, size, confidence)


def logit_t(p: ArrayLike, se: ArrayLike, df: ArrayLike, confidence: float = 0.95) -> Interval:
    """Logit-transformed interval with t(df) quantiles (SUDAAN, R ``svyciprop`` "logit").

    The standard error on the logit scale is ``se / (p (1 - p))`` (delta method; exactly what
    an intercept-only survey logistic regression gives). NaN at 0% and 100%.
    """
    p = np.asarray(p, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    inside = (p > 0) & (p < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = t_quantile(df, 1 - _alpha(confidence) / 2)
        centre = special.logit(p)
        half = t * se / (p * (1 - p))
        lower, upper = special.expit(centre - half), special.expit(centre + half)
    return np.where(inside, lower, np.nan), np.where(inside, upper, np.nan)


def mean_t(value: ArrayLike, se: ArrayLike, df: ArrayLike, confidence: float = 0.95) -> Interval:
    """``value ± t(df) · se`` for means and scale scores."""
    value = np.asarray(value, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        t = t_quantile(df, 1 - _alpha(confidence) / 2)
        half = t * np.asarray(se, dtype=np.float64)
    return value - half, value + half
