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
from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack
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
    groups (cells linked by some equation), and each group is one linear program, minimised
    and maximised for each of its protected cells. A protected cell's range is
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
    wanted = [
        i for i, cell in enumerate(cells) if cell.published is None and cell.protection is not None
    ]
    if not wanted:
        return []
    # All groups at once (one sparse program: the groups are independent, so pushing every
    # target of all of them is pushing each group's); targets that pull against each other
    # settle in later rounds over the groups still open, once the others are free to give
    # way; what still does not reach its end gets a program of its own group.
    target_component = component[position[wanted]]
    row_component = np.asarray(row_component, np.intp)

    def program(groups: np.ndarray) -> tuple[_Program, np.ndarray]:
        variables = np.flatnonzero(np.isin(component, groups))
        selected = np.flatnonzero(np.isin(row_component, groups))
        made = _Program(
            matrix[selected][:, variables],
            constant_vector[selected],
            slack[selected],
            [bounds_all[v] for v in variables],
        )
        return made, variables

    ends = {
        True: [cells[i].protection[0] + cells[i].slack for i in wanted],  # type: ignore[index]
        False: [cells[i].protection[1] - cells[i].slack for i in wanted],  # type: ignore[index]
    }
    reached: dict[bool, list[float]] = {}
    for minimise, wanted_ends in ends.items():
        best = [0.0] * len(wanted)
        open_ = list(range(len(wanted)))
        alone = False
        while open_:
            made, variables = program(target_component[open_])
            values, left = made.reach(
                np.searchsorted(variables, position[[wanted[t] for t in open_]]).tolist(),
                [wanted_ends[t] for t in open_],
                minimise=minimise,
                alone=alone,
            )
            for t, value in zip(open_, values, strict=True):
                best[t] = value
            alone = len(left) == len(open_)
            open_ = [open_[t] for t in sorted(left)]
        reached[minimise] = best
    return [
        CellRange(cells[i], low, high)
        for i, low, high in zip(wanted, reached[True], reached[False], strict=True)
    ]


class _Program:
    """Linked unknowns: ``|A x - b| <= slack``, bounds per unknown."""

    def __init__(
        self,
        matrix: csr_matrix,
        constants: np.ndarray,
        slack: np.ndarray,
        bounds: list[tuple[float, float]],
    ):
        self.a_ub = vstack([matrix, -matrix], format="csr") if matrix.shape[0] else None
        self.b_ub = np.concatenate([constants + slack, slack - constants]) if matrix.size else None
        # An array, not a list of pairs: linprog checks a list pair by pair.
        self.bounds = np.asarray(bounds, dtype=np.float64).reshape(-1, 2)
        self.span = np.maximum(self.bounds[:, 1] - self.bounds[:, 0], TOLERANCE)

    def reach(
        self, targets: list[int], wanted: list[float], *, minimise: bool, alone: bool = True
    ) -> tuple[list[float], set[int]]:
        """How far each target unknown can go towards ``wanted`` (down or up), and the
        targets (positions in ``targets``) not known to go as far as can.

        A target is settled as soon as some feasible point reaches its wanted value: one
        program pushing all unsettled targets at once usually settles most of them, and
        every solution is checked against all targets. When ``alone``, the rest get a program
        of their own, whose optimum is their exact lowest (highest) value; otherwise they
        are returned unsettled.
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

        if not alone:
            settle(self._capped(targets, wanted, sign))
            return best, open_
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
        return best, open_

    def _capped(self, targets: list[int], wanted: list[float], sign: float) -> np.ndarray:
        """One point that takes the targets together as far towards their ends as it can,
        each counting only up to its end: an extra unknown per target, ``y <= x`` and
        ``y <= end`` when pushing up, carries the objective, so no target is pushed past
        its end at the cost of another that shares an equation with it."""
        size, count = self.span.size, len(targets)
        cap = coo_matrix(
            (
                np.r_[np.full(count, sign), np.full(count, -sign)],
                (
                    np.r_[np.arange(count), np.arange(count)],
                    np.r_[targets, size + np.arange(count)],
                ),
            ),
            shape=(count, size + count),
        )
        parts = (
            [cap]
            if self.a_ub is None
            else [hstack([self.a_ub, csr_matrix((self.a_ub.shape[0], count))]), cap]
        )
        constants = np.zeros(count) if self.b_ub is None else np.r_[self.b_ub, np.zeros(count)]
        ends = []
        for target, end in zip(targets, wanted, strict=True):
            low, high = self.bounds[target]
            ends.append((min(end, high), high) if sign > 0 else (low, max(end, low)))
        objective = np.r_[np.zeros(size), sign / self.span[targets]]
        return self._solve(
            objective,
            vstack(parts, format="csr"),
            constants,
            np.vstack([self.bounds, np.asarray(ends).reshape(-1, 2)]),
        )[:size]

    def _solve(
        self,
        objective: np.ndarray,
        a_ub: csr_matrix | None = None,
        b_ub: np.ndarray | None = None,
        bounds: np.ndarray | None = None,
    ) -> np.ndarray:
        if a_ub is None:
            a_ub, b_ub, bounds = self.a_ub, self.b_ub, self.bounds
        solved = linprog(objective, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        if solved.status != 0:
            raise InconsistentTable(f"the published numbers admit no solution ({solved.message})")
        return np.asarray(solved.x)


class InconsistentTable(ValueError):
    """The published numbers contradict each other (or the cells' bounds)."""
