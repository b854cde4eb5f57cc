"""Everything a wave publishes, as the linear system of the disclosure audit.

The published numbers are read from the tidy results table (:mod:`oko.research.aggregates`),
the one table behind the CSV, JSON and Excel downloads and the API; the dashboard and the PDF
reports print the same estimates and comparisons of the same engine results, rounded. So the
audit sees exactly what readers see, not a recomputation.

What becomes an equation (see :mod:`oko.indicators.disclosure`):

- each published estimate fixes its cell's value;
- a total is the size-weighted sum of its parts: a region of its municipalities, a
  municipality of *all* its schools (schools without results included), and within an area
  "all" of the genders plus the unpublished remainder (another or no gender), and of the
  grades plus theirs;
- a published "rest of the parent area" value ``r`` of an area ``A`` in ``P`` says
  ``size(P) value(P) - size(A) value(A) = r (size(P) - size(A))``.

The audit assumes the reader knows the size of every group, hidden or not (sizes are close
to public enrolment figures, and exclusion counts and response rates are published): that
makes it stricter, and turns every published number above into a linear equation. Intervals,
standard errors and p-values are shown only for published estimates and are not linear in
the hidden values; comparisons with earlier waves and references use only values published in
their own wave, so they add no equation on this wave's hidden cells.

Protection intervals (:func:`oko.indicators.suppression.protection`, with the engine's
small-count threshold):

- a value hidden because few students gave one answer (``small_count``): the count of that
  answer must be able to be anywhere from 0 to the threshold (so 0% to threshold / n, or
  100% - threshold / n to 100%);
- a value hidden because its group or school is small: anywhere within ± 10 points of its
  true value (± 10% of the answer scale for means), limited to the possible values;
- a value hidden as a complement: anywhere within one student's worth of its true value
  (± 1 / n of the answer scale), limited to the possible values; hidden but known exactly,
  it would be published in all but name;
- imprecise values need none of their own: they only take part in the equations.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from oko.indicators.definitions import Indicator
from oko.indicators.disclosure import Cell, CellRange, Relation, feasible_ranges
from oko.indicators.groups import Area, Group, GroupKind
from oko.indicators.results import WaveResults
from oko.indicators.suppression import REASON_BY_CODE, protection
from oko.research.tables import Value


@dataclass(frozen=True)
class CellKey:
    indicator: str
    area: str
    group: str
    #: The engine's reason for hiding it ("remainder" for the unpublished rest of a breakdown).
    reason: str


@dataclass(frozen=True)
class PublishedSystem:
    cells: tuple[Cell, ...]
    relations: tuple[Relation, ...]
    published_values: int
    published_rest_values: int


def build_system(
    results: WaveResults,
    truth: WaveResults,
    records: Iterable[Mapping[str, Value]],
    area_ids: Mapping[Area, str],
    parents: Mapping[Area, Area],
) -> PublishedSystem:
    """The linear system of what ``records`` publish about ``results``.

    ``truth`` is the same wave computed with nothing hidden (it gives the true values the
    protection intervals are centred on; nothing of it enters the equations). ``area_ids``
    gives each area's published id; ``parents`` each area's enclosing area.
    """
    if not np.array_equal(results.table.key, truth.table.key):
        raise ValueError("the unsuppressed results do not describe the same cells")
    published: dict[tuple[str, str, str], Mapping[str, Value]] = {
        (str(r["indicator"]), str(r["area"]), str(r["group"])): r for r in records
    }
    builder = _Builder(results, truth, published, area_ids)
    for position, indicator in enumerate(results.indicators):
        builder.indicator(position, indicator, parents)
    return PublishedSystem(
        tuple(builder.cells),
        tuple(builder.relations),
        builder.published_values,
        builder.published_rest_values,
    )


def audit_system(system: PublishedSystem) -> list[CellRange]:
    """The feasible range of every hidden cell that needs protection."""
    return feasible_ranges(system.cells, system.relations)


class _Builder:
    def __init__(
        self,
        results: WaveResults,
        truth: WaveResults,
        published: Mapping[tuple[str, str, str], Mapping[str, Value]],
        area_ids: Mapping[Area, str],
    ):
        self.results, self.truth, self.published = results, truth, published
        self.area_ids = area_ids
        self.small_count = results.config.sensitive_small_count
        self.cells: list[Cell] = []
        self.relations: list[Relation] = []
        self.published_values = 0
        self.published_rest_values = 0

    def indicator(self, position: int, indicator: Indicator, parents: Mapping[Area, Area]) -> None:
        results = self.results
        groups, areas = results.groups, results.areas
        start = position * len(areas) * len(groups)
        lowest, highest = (0.0, 1.0) if indicator.is_proportion else map(float, indicator.valid)
        size: dict[tuple[Area, Group], float] = {}
        index: dict[tuple[Area, Group], int] = {}
        for a, area in enumerate(areas):
            for g, group in enumerate(groups):
                row = start + a * len(groups) + g
                weight = float(results.table.n_weighted[row])
                if results.table.n[row] <= 0 or weight <= 0:
                    continue
                size[area, group] = weight
                index[area, group] = len(self.cells)
                self.cells.append(self._cell(indicator, area, group, row, lowest, highest))
        self._group_lines(indicator, size, index, lowest, highest)
        self._area_lines(indicator, size, index, parents)
        self._rest_values(indicator, size, index, parents)

    def _cell(
        self, indicator: Indicator, area: Area, group: Group, row: int, lowest: float, high: float
    ) -> Cell:
        reason = REASON_BY_CODE[int(self.results.table.reason[row])]
        area_id = self.area_ids.get(area, f"{area.level.value}:{area.code}")
        record = self.published.get((indicator.id, area_id, str(group)))
        value = record.get("estimate") if record and not record.get("suppressed") else None
        if value is not None:
            self.published_values += 1
        key = CellKey(indicator.id, area_id, str(group), reason.value if reason else "published")
        published = None if value is None else float(value)
        guard = protection(
            reason,
            float(self.truth.table.value[row]),
            float(self.truth.table.n[row]),
            lowest,
            high,
            self.small_count,
        )
        if guard is None:
            return Cell(key, lowest, high, published)
        return Cell(key, lowest, high, published, *guard)

    def _group_lines(
        self,
        indicator: Indicator,
        size: Mapping[tuple[Area, Group], float],
        index: Mapping[tuple[Area, Group], int],
        lowest: float,
        highest: float,
    ) -> None:
        """ "All" = each breakdown's groups + its unpublished remainder, in every area."""
        for area in self.results.areas:
            total = next((g for g in self.results.groups if g.kind is GroupKind.ALL), None)
            if total is None or (area, total) not in index:
                continue
            for kind in dict.fromkeys(g.kind for g in self.results.groups if g is not total):
                parts = [g for g in self.results.groups if g.kind is kind and (area, g) in index]
                rest = size[area, total] - sum(size[area, g] for g in parts)
                terms = [(index[area, total], size[area, total])]
                terms += [(index[area, g], -size[area, g]) for g in parts]
                if rest > 1e-9 * size[area, total]:
                    key: Hashable = CellKey(
                        indicator.id, self.area_ids.get(area, str(area)), kind.value, "remainder"
                    )
                    terms.append((len(self.cells), -rest))
                    self.cells.append(Cell(key, lowest, highest))
                self.relations.append(Relation(tuple(terms), 0.0, f"{kind.value} breakdown"))

    def _area_lines(
        self,
        indicator: Indicator,
        size: Mapping[tuple[Area, Group], float],
        index: Mapping[tuple[Area, Group], int],
        parents: Mapping[Area, Area],
    ) -> None:
        """A region is the sum of its municipalities, a municipality of its schools."""
        children: dict[Area, list[Area]] = {}
        for area in self.results.areas:
            parent = parents.get(area)
            if parent is not None:
                children.setdefault(parent, []).append(area)
        for parent, kids in children.items():
            for group in self.results.groups:
                if (parent, group) not in index:
                    continue
                terms = [(index[parent, group], size[parent, group])]
                terms += [(index[k, group], -size[k, group]) for k in kids if (k, group) in index]
                if len(terms) == 1:
                    continue  # a group not estimated below the parent (a school's affluence)
                self.relations.append(Relation(tuple(terms), 0.0, "areas within their parent"))

    def _rest_values(
        self,
        indicator: Indicator,
        size: Mapping[tuple[Area, Group], float],
        index: Mapping[tuple[Area, Group], int],
        parents: Mapping[Area, Area],
    ) -> None:
        """Published "rest of parent" values: parent minus child."""
        for area, group in index:
            parent = parents.get(area)
            if parent is None or (parent, group) not in index:
                continue
            record = self.published.get((indicator.id, self.area_ids.get(area, ""), str(group)))
            rest = record.get("rest_of_parent_other_value") if record else None
            if rest is None:
                continue
            self.published_rest_values += 1
            rest_size = size[parent, group] - size[area, group]
            terms = (
                (index[parent, group], size[parent, group]),
                (index[area, group], -size[area, group]),
            )
            self.relations.append(Relation(terms, float(rest) * rest_size, "rest of parent"))
