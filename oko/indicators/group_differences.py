"""Differences between two groups of one wave that may share clusters.

Girls and boys of a municipality sit in the same classes, grade 2 and grade 4 in the same
schools (strata): their estimates are not independent, and ``SE = sqrt(SE1² + SE2²)`` would
be wrong. The variance of ``p1 - p2`` is ``V1 + V2 - 2 Cov``, and linearisation gives it in
one pass with *stacked domain scores* (STATISTICS.md; R ``svycontrast`` on ``svyby``): each
response's score for the difference is

    z_i = w_i d1_i (y_i - p1) / W1  -  w_i d2_i (y_i - p2) / W2

(``d`` the group-and-valid indicators, ``W`` the groups' weight totals). Summed per PSU, the
with-replacement variance of those totals within strata is the variance of the difference;
the covariance comes from the PSUs both groups have members in. Groups without a shared PSU (a
school and the rest of its municipality, whose classes are all elsewhere) get ``V1 + V2``.

PSUs and strata are the engine's (:func:`design_units`), with the same choices as
:mod:`oko.indicators.variance`: no finite population correction, a lonely PSU centred at 0,
df = PSUs with members minus their strata, and students as units when an area has one school
in the sampled design.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from oko.indicators.columns import ResponseColumns
from oko.indicators.comparisons import against_value
from oko.indicators.config import SchoolDesign


@dataclass(frozen=True)
class GroupDifference:
    """``value1 - value2`` of two groups of one wave, with a design-based test."""

    value1: float
    value2: float
    difference: float
    se: float
    #: The covariance of the two estimates (0 when they share no PSU).
    covariance: float
    df: int
    p_value: float
    lower: float
    upper: float


def design_units(
    columns: ResponseColumns, rows: np.ndarray, school_design: SchoolDesign
) -> tuple[np.ndarray, np.ndarray]:
    """PSU and stratum codes of the selected rows (an area), as the engine's cube uses them.

    ``classes``: class sessions within school strata; a response without a session is a unit
    of its own, in a stratum of its school's responses without one. ``census``: students
    within school strata. ``sampled``: schools within the given strata, or the students of
    the school when the area has only one.
    """
    school = columns.psu[rows]
    index = np.arange(school.size)
    if school_design is SchoolDesign.CLASSES:
        sessions = (
            np.full(school.size, -1)
            if columns.class_session is None
            else columns.class_session[rows]
        )
        classless = sessions < 0
        unit = np.where(classless, sessions.max(initial=0) + 1 + index, sessions)
        return unit, 2 * school + classless
    if school_design is SchoolDesign.CENSUS or np.unique(school).size == 1:
        return index, school
    stratum = np.zeros(school.size, np.int64) if columns.stratum is None else columns.stratum[rows]
    return school, stratum


def domain_difference(
    y: ArrayLike,
    valid: ArrayLike,
    weight: ArrayLike,
    member1: ArrayLike,
    member2: ArrayLike,
    psu: ArrayLike,
    stratum: ArrayLike,
    confidence: float = 0.95,
) -> GroupDifference:
    """Design-based difference of the weighted means of ``y`` in two domains of one design.

    All arrays are per row of the design (every row of the area, members or not, so that
    PSUs without members count with total 0). ``member1`` and ``member2`` may overlap.
    """
    values = np.asarray(y, dtype=np.float64)
    ok = np.asarray(valid, dtype=bool)
    w = np.asarray(weight, dtype=np.float64)
    scores, estimates, totals = [], [], []
    for member in (member1, member2):
        wd = np.where(ok & np.asarray(member, dtype=bool), w, 0.0)
        total = wd.sum()
        estimate = (wd * values).sum() / total if total > 0 else np.nan
        scores.append(np.where(wd > 0, wd * (values - estimate), 0.0) / max(total, 1e-300))
        estimates.append(estimate)
        totals.append(total)
    keys = np.stack([np.asarray(stratum), np.asarray(psu)])
    pairs, unit = np.unique(keys, axis=1, return_inverse=True)
    unit = unit.ravel()
    unit_stratum = np.unique(pairs[0], return_inverse=True)[1].ravel()
    n_strata = int(unit_stratum.max()) + 1 if unit_stratum.size else 0
    per_unit = [np.bincount(unit, weights=score, minlength=pairs.shape[1]) for score in scores]
    combined = per_unit[0] - per_unit[1]
    variance = _stratified_variance(combined, unit_stratum, n_strata)
    v1 = _stratified_variance(per_unit[0], unit_stratum, n_strata)
    v2 = _stratified_variance(per_unit[1], unit_stratum, n_strata)
    with_members = (
        np.bincount(
            unit,
            weights=(ok & (np.asarray(member1, bool) | np.asarray(member2, bool))).astype(float),
            minlength=pairs.shape[1],
        )
        > 0
    )
    df = max(int(with_members.sum()) - np.unique(unit_stratum[with_members]).size, 1)
    difference = estimates[0] - estimates[1]
    test = against_value(difference, np.sqrt(variance), df, 0.0, confidence)
    return GroupDifference(
        value1=float(estimates[0]),
        value2=float(estimates[1]),
        difference=float(difference),
        se=float(np.sqrt(variance)),
        covariance=float((v1 + v2 - variance) / 2),
        df=df,
        p_value=float(test.p_value),
        lower=float(test.lower),
        upper=float(test.upper),
    )


def _stratified_variance(totals: np.ndarray, unit_stratum: np.ndarray, n_strata: int) -> float:
    """``Σ_h m_h / (m_h - 1) Σ_j (t_hj - t̄_h)²``; a lonely PSU counts ``t²`` (centred at 0)."""
    m = np.bincount(unit_stratum, minlength=n_strata).astype(np.float64)
    mean = np.bincount(unit_stratum, weights=totals, minlength=n_strata) / np.maximum(m, 1)
    centre = np.where(m >= 2, mean, 0.0)[unit_stratum]
    factor = np.where(m >= 2, m / np.maximum(m - 1, 1), 1.0)[unit_stratum]
    return float(np.sum(factor * (totals - centre) ** 2))


@dataclass(frozen=True)
class AreaUnits:
    """The PSUs and strata of many areas at once, for differences in every area in one pass.

    ``rows`` lists the rows of every area (each area's rows together), ``area`` the area of
    each of those rows; ``unit`` numbers the (area, stratum, PSU) triples and ``stratum`` the
    (area, stratum) pairs, so no two areas share a PSU or a stratum even when codes coincide.
    """

    rows: np.ndarray
    area: np.ndarray
    unit: np.ndarray
    unit_area: np.ndarray
    unit_stratum: np.ndarray
    stratum_area: np.ndarray
    #: PSUs per stratum, and the with-replacement factor m / (m - 1) (1 for a lonely PSU).
    stratum_size: np.ndarray
    factor: np.ndarray
    n_areas: int

    @classmethod
    def of(
        cls,
        columns: ResponseColumns,
        area_rows: list[np.ndarray],
        school_design: SchoolDesign,
    ) -> AreaUnits:
        """``area_rows``: the rows of each area; PSUs and strata as :func:`design_units`."""
        n_areas = len(area_rows)
        rows = np.concatenate([np.zeros(0, np.int64), *area_rows])
        area = np.repeat(np.arange(n_areas), [r.size for r in area_rows])
        parts = [design_units(columns, r, school_design) for r in area_rows]
        psu = _dense(np.concatenate([np.zeros(0, np.int64), *(p for p, _ in parts)]))
        stratum = _dense(np.concatenate([np.zeros(0, np.int64), *(s for _, s in parts)]))
        pair = area * (int(stratum.max(initial=0)) + 1) + stratum
        pair_key, pair_of_row = np.unique(pair, return_inverse=True)
        unit_key, unit = np.unique(
            pair_of_row * (int(psu.max(initial=0)) + 1) + psu, return_inverse=True
        )
        unit_stratum = unit_key // (int(psu.max(initial=0)) + 1)
        size = np.bincount(unit_stratum, minlength=pair_key.size)
        factor = np.where(size >= 2, size / np.maximum(size - 1, 1), 1.0)
        return cls(
            rows=rows,
            area=area,
            unit=unit,
            unit_area=pair_key[unit_stratum] // (int(stratum.max(initial=0)) + 1),
            unit_stratum=unit_stratum,
            stratum_area=pair_key // (int(stratum.max(initial=0)) + 1),
            stratum_size=size,
            factor=factor,
            n_areas=n_areas,
        )


def _dense(codes: np.ndarray) -> np.ndarray:
    return np.unique(codes, return_inverse=True)[1].ravel()


@dataclass(frozen=True)
class AreaDifferences:
    """``value1 - value2`` in every area of an :class:`AreaUnits` (NaN where a group is
    empty), with the test of :func:`domain_difference`."""

    value1: np.ndarray
    value2: np.ndarray
    difference: np.ndarray
    se: np.ndarray
    df: np.ndarray
    p_value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def area_differences(
    units: AreaUnits,
    y: np.ndarray,
    valid: np.ndarray,
    weight: np.ndarray,
    member1: np.ndarray,
    member2: np.ndarray,
    confidence: float = 0.95,
) -> AreaDifferences:
    """:func:`domain_difference` in every area at once.

    ``y`` and ``valid`` are per row of the responses; ``weight``, ``member1`` and ``member2``
    per row of ``units.rows`` (the caller selects them once for many indicators). The same
    stacked scores, per-PSU totals and stratified variance, summed per area with
    ``bincount``: the engine compares girls with boys in thousands of areas per wave.
    """
    n, n_units = units.n_areas, units.unit_area.size
    values = y[units.rows]
    ok = valid[units.rows]
    # A PSU's total of a group's scores is (Σ w y - p Σ w) / W over its members, so four sums
    # per PSU carry everything; the rest is per PSU and per area.
    totals = np.zeros(n_units)
    estimates = []
    for member, sign in ((member1, 1.0), (member2, -1.0)):
        wd = np.where(ok & member, weight, 0.0)
        weighted = np.bincount(units.unit, weights=wd * values, minlength=n_units)
        weights = np.bincount(units.unit, weights=wd, minlength=n_units)
        total = np.bincount(units.unit_area, weights=weights, minlength=n)
        with np.errstate(divide="ignore", invalid="ignore"):
            estimate = np.bincount(units.unit_area, weights=weighted, minlength=n) / total
            part = (weighted - estimate[units.unit_area] * weights) / total[units.unit_area]
        totals += sign * np.where(weights > 0, part, 0.0)
        estimates.append(estimate)
    size = units.stratum_size
    mean = np.bincount(units.unit_stratum, weights=totals, minlength=size.size)
    centre = np.where(size >= 2, mean / np.maximum(size, 1), 0.0)[units.unit_stratum]
    squares = units.factor[units.unit_stratum] * (totals - centre) ** 2
    variance = np.bincount(units.unit_area, weights=squares, minlength=n)
    members = (ok & (member1 | member2)).astype(np.float64)
    with_members = np.bincount(units.unit, weights=members, minlength=n_units) > 0
    psus = np.bincount(units.unit_area[with_members], minlength=n)
    stratum_used = np.bincount(units.unit_stratum[with_members], minlength=size.size) > 0
    strata = np.bincount(units.stratum_area[stratum_used], minlength=n)
    df = np.maximum(psus - strata, 1)
    difference = estimates[0] - estimates[1]
    se = np.sqrt(variance)
    test = against_value(difference, se, df, np.zeros(n), confidence)
    return AreaDifferences(
        value1=estimates[0],
        value2=estimates[1],
        difference=difference,
        se=se,
        df=df,
        p_value=np.asarray(test.p_value, np.float64),
        lower=np.asarray(test.lower, np.float64),
        upper=np.asarray(test.upper, np.float64),
    )
