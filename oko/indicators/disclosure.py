"""The disclosure audit's core: how far can published numbers pin down a hidden one?

Statistical offices audit a table before release (τ-ARGUS and sdcTable call it "audit"):
every published number is a linear equation on the cells of the table, the hidden cells are
the unknowns, and linear programming gives the smallest and largest value each hidden cell can
take while every equation holds. A hidden cell is protected only when that *feasible range*
covers its *protection interval*; when it does not, the published numbers say more about the
hidden value than the suppression meant to allow.

Here a cell is a group's value (a proportion, or a mean on its answer scale) with its size
(the weighted number of answers), and a relation is ``Σ coefficient × value = constant``:
"a total is the size-weighted sum of its parts" and "the rest of a parent is the parent
without this child" both have that form. Published values are constants; every other cell is
an unknown between its lowest and highest possible value. This module knows nothing about
indicators or areas: the engine's suppression (:func:`oko.indicators.suppression.audited`)
runs it on its own table before anything is published, and ``oko audit disclosure``
(:mod:`oko.research.published`) on everything a wave did publish.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

#: Published numbers are floats: an equation holds up to this share of its magnitude, and a
#: range covers an interval up to this much (on the value's own scale).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Cell:
    """One group's value in the linear system.

    ``published`` is the value readers see (None: hidden). ``protection`` is the interval a
    hidden value must be able to lie anywhere in (None: the cell needs no protection, e.g.
    the unpublished remainder of a breakdown, which only takes part in the equations).
    """

    key: Hashable
    lowest: float
    highest: float
    published: float | None = None
    protection: tuple[float, float] | None = None
    #: A range covers the protection interval when it comes this close to both its ends
    #: (weights make one student count for a little more or less than 1 / n).
    slack: float = 0.0


@dataclass(frozen=True)
class Relation:
    """``Σ coefficient × value(cell) = constant`` over cell indices; ``source`` names the
    published number it comes from (for the audit's report)."""

    terms: tuple[tuple[int, float], ...]
    constant: float
    source: str = ""


@dataclass(frozen=True)
class CellRange:
    """What the published numbers allow a hidden cell to be."""

    cell: Cell
    lowest: float
    highest: float

    @property
    def protected(self) -> bool:
        assert self.cell.protection is not None
        low, high = self.cell.protection
        margin = self.cell.slack + TOLERANCE
        return self.lowest <= low + margin and self.highest >= high - margin


def feasible_ranges(cells: Sequence[Cell], relations: Sequence[Relation]) -> list[CellRange]:
    """The feasible range of every cell that needs protection, in ``cells`` order.

    Published cells are substituted as constants; the unknowns fall apart into independent
    groups (cells linked by some equation), and each group is one small linear program,
    minimised and maximised for each of its protected cells. A protected cell's range is
    as far as found reachable towards its protection interval (its true extremes may lie
    further out); an unprotected cell's range is exact.
    """
    unknown = np.array([cell.published is None for cell in cells], dtype=bool)
    position = np.cumsum(unknown) - 1
    n_unknown = int(unknown.sum())
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    constants: list[float] = []
    scales: list[float] = []
    for relation in relations:
        constant = relation.constant
        row_terms = []
        scale = abs(relation.constant)
        for index, coefficient in relation.terms:
            cell = cells[index]
            scale += abs(coefficient) * max(abs(cell.lowest), abs(cell.highest), 1.0)
            if cell.published is None:
                row_terms.append((int(position[index]), coefficient))
            else:
                constant -= coefficient * cell.published
        if not row_terms:
            continue
        for column, coefficient in row_terms:
            rows.append(len(constants))
            columns.append(column)
            values.append(coefficient)
        constants.append(constant)
        scales.append(scale)
    matrix = coo_matrix(
        (values, (rows, columns)), shape=(len(constants), n_unknown), dtype=np.float64
    ).tocsr()
    constant_vector = np.asarray(constants, dtype=np.float64)
    slack = TOLERANCE * np.asarray(scales, dtype=np.float64)
    # Unknowns linked through an equation belong to one program.
    link = (matrix.T @ matrix).tocoo() if matrix.shape[0] else coo_matrix((n_unknown, n_unknown))
    _, component = connected_components(link, directed=False)
    row_component = component[matrix.indices[matrix.indptr[:-1]]] if matrix.shape[0] else []
    bounds_all = [(cell.lowest, cell.highest) for cell in cells if cell.published is None]
    ranges: dict[int, CellRange] = {}
    wanted = [
        i for i, cell in enumerate(cells) if cell.published is None and cell.protection is not None
    ]
    by_component: dict[int, list[int]] = {}
    for index in wanted:
        by_component.setdefault(int(component[position[index]]), []).append(index)
    for group, members in by_component.items():
        variables = np.flatnonzero(component == group)
        selected = np.flatnonzero(np.asarray(row_component) == group)
        program = _Program(
            matrix[selected][:, variables].toarray(),
            constant_vector[selected],
            slack[selected],
            [bounds_all[v] for v in variables],
        )
        local = [int(np.searchsorted(variables, position[index])) for index in members]
        low_ends = [cells[i].protection[0] + cells[i].slack for i in members]  # type: ignore[index]
        high_ends = [cells[i].protection[1] - cells[i].slack for i in members]  # type: ignore[index]
        lowest = program.reach(local, low_ends, minimise=True)
        highest = program.reach(local, high_ends, minimise=False)
        for index, low, high in zip(members, lowest, highest, strict=True):
            ranges[index] = CellRange(cells[index], low, high)
    return [ranges[index] for index in wanted]


class _Program:
    """One group of linked unknowns: ``|A x - b| <= slack``, bounds per unknown."""

    def __init__(
        self,
        matrix: np.ndarray,
        constants: np.ndarray,
        slack: np.ndarray,
        bounds: list[tuple[float, float]],
    ):
        self.a_ub = np.vstack([matrix, -matrix]) if matrix.size else None
        self.b_ub = np.concatenate([constants + slack, slack - constants]) if matrix.size else None
        self.bounds = bounds
        self.span = np.array([max(high - low, TOLERANCE) for low, high in bounds])

    def reach(self, targets: list[int], wanted: list[float], *, minimise: bool) -> list[float]:
        """How far each target unknown can go towards ``wanted`` (down or up).

        A target is settled as soon as some feasible point reaches its wanted value: one
        program pushing all unsettled targets at once usually settles most of them, and
        every solution is checked against all targets. The rest get a program of their own,
        whose optimum is their exact lowest (highest) value.
        """
        sign = 1.0 if minimise else -1.0
        best = [np.inf * sign] * len(targets)
        open_ = set(range(len(targets)))

        def settle(point: np.ndarray) -> bool:
            progress = False
            for t in list(open_):
                value = float(point[targets[t]])
                if sign * value < sign * best[t]:
                    best[t] = value
                if sign * (value - wanted[t]) <= TOLERANCE:
                    open_.discard(t)
                    progress = True
            return progress

        while open_:
            objective = np.zeros(self.span.size)
            for t in open_:
                objective[targets[t]] += sign / self.span[targets[t]]
            if settle(self._solve(objective)):
                continue
            for t in sorted(open_):
                if t not in open_:
                    continue
                objective = np.zeros(self.span.size)
                objective[targets[t]] = sign
                point = self._solve(objective)
                best[t] = float(point[targets[t]])
                settle(point)
                open_.discard(t)
        return best

    def _solve(self, objective: np.ndarray) -> np.ndarray:
        solved = linprog(
            objective, A_ub=self.a_ub, b_ub=self.b_ub, bounds=self.bounds, method="highs"
        )
        if solved.status != 0:
            raise InconsistentTable(f"the published numbers admit no solution ({solved.message})")
        return np.asarray(solved.x)


class InconsistentTable(ValueError):
    """The published numbers contradict each other (or the cells' bounds)."""
