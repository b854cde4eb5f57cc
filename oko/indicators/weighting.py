"""Weights that make respondents add up to the known pupil numbers.

Coalitions may enter pupil counts per municipality, wave, gender and grade. Within a
municipality with counts, each respondent's weight is post-stratified to its gender x grade
cell (weight = pupils in the cell / respondents in the cell). When a cell with pupils has no
respondent at all, post-stratification is impossible there, and the municipality is raked
(iterative proportional fitting) to its gender totals and grade totals instead.

Respondents outside the counted cells (gender "other / prefer not to say" or not answered, a
grade without counts) cannot be placed; they get the municipality's average factor, so they
neither vanish nor dominate. Municipalities without counts keep their weights (1 by default):
give counts for every municipality of a region or for none, or the region mixes weighted and
unweighted municipalities.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from oko.indicators.columns import ResponseColumns

#: (municipality code, gender code, grade code) -> number of pupils.
PopulationCounts = Mapping[tuple[int, int, int], float]


def rake(
    base: np.ndarray,
    margins: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    tolerance: float = 1e-10,
    max_iterations: int = 200,
) -> np.ndarray:
    """Iterative proportional fitting of ``base`` weights to margin totals.

    Each margin is ``(codes, targets)``: per row the index of its category in ``targets``
    (-1: the row is not in this margin and keeps its weight for it). Categories with targets
    but no rows are skipped. One margin is plain post-stratification.
    """
    weight = np.asarray(base, dtype=np.float64).copy()
    for _ in range(max_iterations):
        largest_change = 0.0
        for codes, targets in margins:
            inside = codes >= 0
            current = np.bincount(codes[inside], weights=weight[inside], minlength=len(targets))
            present = current > 0
            factor = np.ones(len(targets))
            factor[present] = targets[present] / current[present]
            weight[inside] *= factor[codes[inside]]
            if present.any():
                largest_change = max(largest_change, float(np.abs(factor[present] - 1).max()))
        if largest_change < tolerance:
            break
    return weight


def poststratify(base: np.ndarray, cells: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Weights scaled so each cell sums to its target (``cells`` as in :func:`rake`)."""
    return rake(base, [(cells, targets)], max_iterations=1)


def population_weights(columns: ResponseColumns, counts: PopulationCounts) -> np.ndarray:
    """Weights for ``columns`` from pupil counts (see the module docstring for the rules)."""
    return weights_and_groups(columns, counts)[0]


def weights_and_groups(
    columns: ResponseColumns, counts: PopulationCounts
) -> tuple[np.ndarray, np.ndarray]:
    """Weights (:func:`population_weights`) and each row's *adjustment group*.

    The group is the row's post-stratum (municipality x gender x grade) where its weight was
    post-stratified, and otherwise its municipality (numbered after the post-strata). The
    standard errors linearise around the group means: weights that make every post-stratum
    add up to its known pupil count remove the sampling variation of its share, so the
    differences between post-strata (grade 2 against grade 4) must not count as sampling
    error (R ``postStratify``).
    """
    base = np.asarray(columns.weight, dtype=np.float64)
    _, municipality = np.unique(columns.municipality, return_inverse=True)
    if not counts:
        return base.copy(), municipality.ravel()
    keys = np.array(list(counts), dtype=np.int64).reshape(-1, 3)
    pupils = np.array(list(counts.values()), dtype=np.float64)
    if (pupils < 0).any():
        raise ValueError("population counts must not be negative")
    count_key = _cell_key(keys[:, 0], keys[:, 1], keys[:, 2])
    order = np.argsort(count_key)
    count_key, keys, pupils = count_key[order], keys[order], pupils[order]

    row_key = _cell_key(columns.municipality, columns.gender, columns.grade)
    position = np.searchsorted(count_key, row_key).clip(max=count_key.size - 1)
    cell = np.where(count_key[position] == row_key, position, -1)
    counted_municipality = np.isin(columns.municipality, keys[:, 0])

    respondents = np.bincount(cell[cell >= 0], minlength=count_key.size)
    empty_cells = (respondents == 0) & (pupils > 0)
    raked_municipalities = np.unique(keys[empty_cells, 0])
    raked = np.isin(columns.municipality, raked_municipalities)

    weight = base.copy()
    post = (cell >= 0) & ~raked
    weight[post] = poststratify(base[post], cell[post], pupils)
    if raked.any():
        use = (cell >= 0) & raked
        weight[use] = rake(base[use], _margins(keys, pupils, cell[use]))

    placed = (cell >= 0) & counted_municipality
    unplaced = (cell < 0) & counted_municipality
    if unplaced.any():
        before = np.bincount(municipality[placed], weights=base[placed])
        after = np.bincount(municipality[placed], weights=weight[placed], minlength=before.size)
        factor = np.divide(after, before, out=np.ones_like(after), where=before > 0)
        weight[unplaced] = base[unplaced] * factor[municipality[unplaced]]
    group = np.where(post, cell, count_key.size + municipality)
    return weight, group


def _cell_key(municipality: np.ndarray, gender: np.ndarray, grade: np.ndarray) -> np.ndarray:
    m = np.asarray(municipality, dtype=np.int64)
    g = np.asarray(gender, dtype=np.int64)
    k = np.asarray(grade, dtype=np.int64)
    return (m << 16) | ((g & 0xFF) << 8) | (k & 0xFF)


def _margins(
    keys: np.ndarray, pupils: np.ndarray, cell: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Gender-within-municipality and grade-within-municipality margins of counted cells."""
    margins = []
    for column in (1, 2):
        pair = keys[:, 0] << 8 | keys[:, column]
        categories, index = np.unique(pair, return_inverse=True)
        targets = np.bincount(index, weights=pupils, minlength=categories.size)
        margins.append((index[cell], targets))
    return margins
