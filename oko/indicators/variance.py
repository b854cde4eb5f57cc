"""Taylor-linearised variance of a weighted ratio mean (a proportion or a mean score).

The estimate of a domain (an area, or a group within it) is ``p = Σ w d y / Σ w d`` with ``d``
the domain-and-valid indicator. Its linearised score is ``z = w d (y - p) / Σ w d``; with
schools as primary sampling units drawn with replacement within strata (no finite population
correction, as R ``survey`` and SUDAAN do for YRBS), the variance is

    Σ_h  m_h / (m_h - 1) · Σ_j (z_hj - z̄_h)²

over strata ``h`` with ``m_h`` PSUs and PSU totals ``z_hj``. PSUs of the area without a member
of the domain count with total 0: that is what makes domain (subgroup) estimation correct.

Everything here works on PSU-level sums, never on rows, so the engine can aggregate millions
of responses once and evaluate thousands of domains with a few vectorised operations. Because
the squared deviations are expanded into sums (Σ Y², Σ W Y, Σ W²), the moments of "the rest of
a region" are simply the region's minus the municipality's.

Choices, documented because they change numbers:

- A stratum with a single PSU in the area (a "lonely PSU") is centred at the mean of all PSU
  totals, which is 0 for a ratio's linearised scores, and counts with factor 1: R's
  ``options(survey.lonely.psu = "adjust")``, the conservative choice. It adds no degrees of
  freedom.
- An area with only one school (every school report; a municipality with one school) cannot
  use between-school variation. The school is then a certainty unit: a stratum whose
  respondents are the sampling units (:func:`within_school_variance`). The same formula serves
  every area when the configuration says all schools took part (``SchoolDesign.CENSUS``).
- Degrees of freedom: PSUs with at least one respondent in the group minus the strata they lie
  in (at least 1); with schools as strata, respondents in the group minus their schools. Item
  non-response does not lower them (as R, whose ``degf`` counts the design, not the item).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class StratumMoments:
    """PSU-level sums per (domain, stratum) cell; every field is an array over cells.

    ``psus`` is the number of PSUs the domain's *area* has in the stratum (members of the
    domain or not). With ``W_j = Σ w d`` and ``Y_j = Σ w d y`` per PSU: ``w = Σ W_j``,
    ``y = Σ Y_j``, ``ww = Σ W_j²``, ``wy = Σ W_j Y_j``, ``yy = Σ Y_j²``.
    """

    domain: np.ndarray
    psus: np.ndarray
    w: np.ndarray
    y: np.ndarray
    ww: np.ndarray
    wy: np.ndarray
    yy: np.ndarray


def clustered_variance(
    moments: StratumMoments, ratio: np.ndarray, total_weight: np.ndarray
) -> np.ndarray:
    """Variance of each domain's ratio from its strata's PSU moments (see module docstring).

    ``ratio`` and ``total_weight`` are per domain (``Σ w d y / Σ w d`` and ``Σ w d``).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        p = ratio[moments.domain]
        weight = total_weight[moments.domain]
        s1 = (moments.y - p * moments.w) / weight
        s2 = (moments.yy - 2 * p * moments.wy + p * p * moments.ww) / weight**2
        m = moments.psus.astype(np.float64)
        term = np.where(m >= 2, m / (m - 1) * (s2 - s1 * s1 / m), s2)
    term = np.where(np.isfinite(term), term, 0.0)
    variance = np.bincount(moments.domain, weights=term, minlength=ratio.shape[0])
    return np.maximum(variance, 0.0)


@dataclass(frozen=True)
class SchoolMoments:
    """Within-school sums per domain, for schools taken as strata of respondents.

    Per school ``j`` with ``n_j`` respondents, ``f_j = n_j / (n_j - 1)`` (1 when ``n_j`` is 1)
    and ``g_j = f_j / n_j`` (0 when ``n_j`` is 1); with ``W_j``, ``Y_j`` the school's sums in
    the domain: ``a0, a1, a2 = Σ_j f_j Σ_i w² d (1, y, y²)`` and
    ``b0, b1, b2 = Σ_j g_j (W_j², W_j Y_j, Y_j²)``.
    """

    a0: np.ndarray
    a1: np.ndarray
    a2: np.ndarray
    b0: np.ndarray
    b1: np.ndarray
    b2: np.ndarray


def within_school_variance(
    moments: SchoolMoments, ratio: np.ndarray, total_weight: np.ndarray
) -> np.ndarray:
    """Variance with each school a stratum and its respondents the sampling units.

    ``Σ_j f_j (Σ_i z_i² - (Σ_i z_i)² / n_j)`` over the schools of the domain's area: what a
    certainty PSU contributes (SUDAAN, R), so it is used for one-school areas, and for every
    area when all schools took part (:attr:`~oko.indicators.config.SchoolDesign.CENSUS`).
    """
    p = np.asarray(ratio, dtype=np.float64)
    m = moments
    with np.errstate(divide="ignore", invalid="ignore"):
        squares = m.a2 - 2 * p * m.a1 + p * p * m.a0
        centring = m.b2 - 2 * p * m.b1 + p * p * m.b0
        variance = (squares - centring) / np.asarray(total_weight, dtype=np.float64) ** 2
    return np.maximum(np.where(np.isfinite(variance), variance, 0.0), 0.0)


def design_effect(variance: ArrayLike, sigma2: ArrayLike, n: ArrayLike) -> np.ndarray:
    """Design variance over the simple-random-sampling variance ``sigma2 / (n - 1)``.

    ``sigma2`` is the weighted population-style variance of the outcome in the domain
    (``p (1 - p)`` for a proportion). The ``n - 1`` is R's ``svymean(deff = TRUE)``
    convention; it makes the design effect exactly 1 for unweighted, unclustered data. A
    domain without spread (0% or 100%) has design effect 1.
    """
    v = np.asarray(variance, dtype=np.float64)
    s2 = np.asarray(sigma2, dtype=np.float64)
    size = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = v * (size - 1) / s2
    return np.where((s2 > 0) & (v > 0) & (size > 1), deff, 1.0)


@dataclass(frozen=True)
class DesignMean:
    """A design-based weighted mean (or proportion) of one domain."""

    value: float
    se: float
    df: int
    n: int
    n_weighted: float


def design_mean(
    y: ArrayLike,
    valid: ArrayLike | None = None,
    weight: ArrayLike | None = None,
    psu: ArrayLike | None = None,
    stratum: ArrayLike | None = None,
) -> DesignMean:
    """Weighted mean of ``y`` over valid rows with a Taylor-linearised standard error.

    The rows are the whole design (all PSUs count, whether or not they have valid answers);
    ``psu=None`` makes every row its own PSU. For YRBS 2015 ``qn8`` this reproduces R
    ``svymean`` / SUDAAN (see tests/indicators/test_reference_values.py).
    """
    values = np.asarray(y, dtype=np.float64)
    rows = values.shape[0]
    ok = np.ones(rows, bool) if valid is None else np.asarray(valid, dtype=bool)
    w = np.ones(rows) if weight is None else np.asarray(weight, dtype=np.float64)
    units = np.arange(rows) if psu is None else np.asarray(psu)
    strata = np.zeros(rows, np.int64) if stratum is None else np.asarray(stratum)
    wd = np.where(ok, w, 0.0)
    wy = np.where(ok, w * values, 0.0)
    total_weight, total_y = wd.sum(), wy.sum()
    ratio = total_y / total_weight if total_weight > 0 else np.nan
    _, psu_index = np.unique(np.stack([strata, units]), axis=1, return_inverse=True)
    psu_index = psu_index.ravel()
    psu_stratum = np.zeros(psu_index.max() + 1, np.int64)
    _, stratum_index = np.unique(strata, return_inverse=True)
    psu_stratum[psu_index] = stratum_index.ravel()
    w_j = np.bincount(psu_index, weights=wd)
    y_j = np.bincount(psu_index, weights=wy)
    psus_per_stratum = np.bincount(psu_stratum)
    cells = np.arange(psus_per_stratum.shape[0])
    moments = StratumMoments(
        domain=np.zeros(cells.shape[0], np.intp),
        psus=psus_per_stratum,
        w=np.bincount(psu_stratum, weights=w_j),
        y=np.bincount(psu_stratum, weights=y_j),
        ww=np.bincount(psu_stratum, weights=w_j * w_j),
        wy=np.bincount(psu_stratum, weights=w_j * y_j),
        yy=np.bincount(psu_stratum, weights=y_j * y_j),
    )
    variance = clustered_variance(moments, np.array([ratio]), np.array([total_weight]))[0]
    return DesignMean(
        value=float(ratio),
        se=float(np.sqrt(variance)),
        df=max(int(psu_stratum.shape[0] - cells.shape[0]), 1),
        n=int(ok.sum()),
        n_weighted=float(total_weight),
    )
