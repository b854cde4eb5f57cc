"""What the engine hands to reports, dashboards and exports.

:class:`WaveResults` keeps every number of a wave in columns (there are hundreds of thousands)
and builds the small frozen :class:`Estimate` and :class:`Comparison` values on request, so a
PDF report asks for one area, a dashboard for one indicator, and an export streams flat rows,
all from the same object. Suppressed estimates carry no value at all (NaN), so no layer above
can leak one by accident.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

import numpy as np

from oko.indicators.config import EngineConfig, IntervalMethod
from oko.indicators.definitions import IndicatorSet, Kind
from oko.indicators.flagging import FLAG_BY_CODE, Flag
from oko.indicators.groups import ALL, LEVELS, Area, AreaLevel, Group, result_key
from oko.indicators.quality import ExclusionCounts
from oko.indicators.reliability import Reliability
from oko.indicators.suppression import REASON_BY_CODE, Reason


class ComparisonKind(StrEnum):
    PREVIOUS_WAVE = "previous_wave"
    #: The parent area without this one: a municipality's region, a school's municipality.
    REST_OF_PARENT = "rest_of_parent"
    #: A fixed published value from the indicator definition.
    REFERENCE = "reference"
    #: Linear trend over this and earlier waves.
    TREND = "trend"
    #: Another group of the same area in this wave (girls against boys, grade 2 against
    #: grade 4), with the covariance of the classes both groups sit in.
    GROUP = "group"


COMPARISON_KINDS = tuple(ComparisonKind)


@dataclass(frozen=True, slots=True)
class Estimate:
    """One indicator for one area and group in one wave.

    For proportions ``value``, ``lower`` and ``upper`` are shares in [0, 1]; for means and
    scales they are on the answer scale. When ``suppressed``, they are NaN and ``reason``
    says why (``no_data`` for an empty group). ``n`` is the unweighted number of valid
    answers, ``n_effective`` the design-effect-adjusted one.
    """

    wave: str
    indicator: str
    area: Area
    group: Group
    kind: Kind
    value: float
    lower: float
    upper: float
    se: float
    n: int
    n_weighted: float
    n_effective: float
    df: int
    interval: IntervalMethod | None
    suppressed: bool
    reason: Reason | None
    caution: bool

    @property
    def no_data(self) -> bool:
        return self.reason is Reason.NO_DATA


@dataclass(frozen=True, slots=True)
class Comparison:
    """A difference ``this - other`` (for a trend: the fitted change over the waves).

    ``effect_size`` is the difference in proportion points for proportions and Cohen's d for
    means and scales. ``p_adjusted`` is Benjamini–Hochberg over all comparisons of the same
    area in this wave. ``flag`` is set only when the difference is significant after that
    correction *and* at least the configured size; it reads the indicator's direction.
    """

    wave: str
    indicator: str
    area: Area
    group: Group
    kind: ComparisonKind
    #: What is compared with: a wave label, "rest of region 7", a reference source, or for a
    #: trend the waves used ("2022, 2024, 2026").
    against: str
    against_area: Area | None
    other_value: float
    difference: float
    lower: float
    upper: float
    se: float
    df: float
    p_value: float
    p_adjusted: float
    effect_size: float
    significant: bool
    meaningful: bool
    flag: Flag | None


@dataclass(frozen=True)
class EstimateTable:
    """Columns over (indicator, area, group), in key order (see :func:`result_key`)."""

    key: np.ndarray
    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    se: np.ndarray
    n: np.ndarray
    n_weighted: np.ndarray
    n_effective: np.ndarray
    df: np.ndarray
    interval: np.ndarray  # index into IntervalMethod, -1 when suppressed
    reason: np.ndarray  # index into REASON_BY_CODE
    caution: np.ndarray


@dataclass(frozen=True)
class ComparisonTable:
    """Columns over available comparisons, sorted by (estimate, kind)."""

    estimate: np.ndarray  # row in the EstimateTable
    kind: np.ndarray  # index into COMPARISON_KINDS
    against: np.ndarray  # index into against_labels
    against_labels: tuple[str, ...]
    against_area: np.ndarray  # area index into WaveResults.areas, -1 if none
    other_value: np.ndarray
    difference: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    se: np.ndarray
    df: np.ndarray
    p_value: np.ndarray
    p_adjusted: np.ndarray
    effect_size: np.ndarray
    significant: np.ndarray
    meaningful: np.ndarray
    flag: np.ndarray


_INTERVALS = tuple(IntervalMethod)


@dataclass(frozen=True, eq=False)
class WaveResults:
    """Every estimate and comparison of one wave; look up, iterate or flatten.

    Iteration order is stable: indicators in definition order, areas by level (region,
    municipality, school) then code, groups as "all", genders, grades.
    """

    wave: str
    time: float
    previous_wave: str | None
    indicators: IndicatorSet
    config: EngineConfig
    areas: tuple[Area, ...]
    groups: tuple[Group, ...]
    exclusions_total: ExclusionCounts
    exclusions: Mapping[Area, ExclusionCounts]
    #: Cronbach's alpha of every scale indicator over all kept responses of the wave.
    reliability: Mapping[str, Reliability]
    table: EstimateTable
    comparison_table: ComparisonTable

    # -- lookup ---------------------------------------------------------------------------

    def estimate(self, indicator: str, area: Area, group: Group = ALL) -> Estimate:
        """The estimate; a "no data" estimate for an area or group without responses."""
        row = self._row(indicator, area, group)
        if row < 0:
            return self._no_data(indicator, area, group)
        return self._estimate_at(row)

    def comparisons(self, indicator: str, area: Area, group: Group = ALL) -> tuple[Comparison, ...]:
        """Available comparisons of one estimate, in :class:`ComparisonKind` order."""
        row = self._row(indicator, area, group)
        if row < 0:
            return ()
        start, stop = np.searchsorted(self.comparison_table.estimate, [row, row + 1])
        return tuple(self._comparison_at(i) for i in range(start, stop))

    def comparison(
        self, indicator: str, area: Area, group: Group, kind: ComparisonKind
    ) -> Comparison | None:
        for comparison in self.comparisons(indicator, area, group):
            if comparison.kind is kind:
                return comparison
        return None

    def areas_at(self, level: AreaLevel) -> tuple[Area, ...]:
        return tuple(area for area in self.areas if area.level is level)

    # -- iteration ------------------------------------------------------------------------

    def estimates(
        self, *, indicator: str | None = None, area: Area | None = None
    ) -> Iterator[Estimate]:
        """Estimates in stable order, optionally for one indicator and/or one area."""
        for row in self._rows(indicator, area):
            yield self._estimate_at(row)

    def flagged(self, area: Area) -> Iterator[Comparison]:
        """Flagged comparisons of one area (a report's "what improved / needs attention")."""
        table = self.comparison_table
        for row in self._rows(None, area):
            start, stop = np.searchsorted(table.estimate, [row, row + 1])
            for index in range(start, stop):
                if table.flag[index] != 0:
                    yield self._comparison_at(index)

    def to_rows(self) -> Iterator[dict[str, object]]:
        """One flat dict per estimate with its comparisons as ``<kind>_<field>`` columns.

        Keys are the same for every row (missing values are None, never NaN), so a CSV writer
        can take the first row's keys as the header. Built column by column from the arrays:
        a whole country streams in seconds.
        """
        t = self.table
        size = t.key.size
        per_indicator = len(self.areas) * len(self.groups)
        row = np.arange(size)
        area = (row % per_indicator) // len(self.groups)
        group = row % len(self.groups)
        indicators = self.indicators.indicators
        columns: dict[str, list[object]] = {
            "indicator": [indicators[i].id for i in (row // per_indicator).tolist()],
            "kind": [indicators[i].kind.value for i in (row // per_indicator).tolist()],
            "level": [self.areas[a].level.value for a in area.tolist()],
            "area": [self.areas[a].code for a in area.tolist()],
            "group": [self.groups[g].kind.value for g in group.tolist()],
            "group_code": [self.groups[g].code for g in group.tolist()],
            "value": _numbers(t.value),
            "lower": _numbers(t.lower),
            "upper": _numbers(t.upper),
            "se": _numbers(t.se),
            "n": t.n.tolist(),
            "n_weighted": t.n_weighted.tolist(),
            "n_effective": _numbers(t.n_effective),
            "df": t.df.tolist(),
            "interval": [_INTERVALS[i].value if i >= 0 else None for i in t.interval.tolist()],
            "suppressed": (t.reason > 0).tolist(),
            "reason": [r.value if r else None for r in (REASON_BY_CODE[c] for c in t.reason)],
            "caution": t.caution.tolist(),
        }
        c = self.comparison_table
        labels = [c.against_labels[i] for i in c.against.tolist()]
        for code, kind in enumerate(COMPARISON_KINDS):
            mine = c.kind == code
            at = np.full(size, -1)
            at[c.estimate[mine]] = np.flatnonzero(mine)
            has = at >= 0
            prefix = kind.value
            columns[f"{prefix}_against"] = [labels[i] if i >= 0 else None for i in at.tolist()]
            for name in ("other_value", "difference", "lower", "upper", "p_value", "p_adjusted"):
                values = getattr(c, name)
                columns[f"{prefix}_{name}"] = _numbers(
                    np.where(has, values[at.clip(0)] if values.size else np.nan, np.nan)
                )
            flags = np.where(has, c.flag[at.clip(0)] if c.flag.size else 0, 0).tolist()
            columns[f"{prefix}_flag"] = [FLAG_BY_CODE[f].value if f else None for f in flags]
        names = ["wave", *columns]
        for values in zip(*columns.values(), strict=True):
            yield dict(zip(names, (self.wave, *values), strict=True))

    # -- internals ------------------------------------------------------------------------

    @cached_property
    def _area_position(self) -> dict[Area, int]:
        return {area: position for position, area in enumerate(self.areas)}

    def _indicator_index(self, indicator: str) -> int:
        for index, candidate in enumerate(self.indicators):
            if candidate.id == indicator:
                return index
        raise KeyError(f"unknown indicator {indicator!r}")

    def _row(self, indicator: str, area: Area, group: Group) -> int:
        key = result_key(
            np.array([self._indicator_index(indicator)]),
            np.array([LEVELS.index(area.level)]),
            np.array([area.code]),
            np.array([group.key]),
        )[0]
        position = int(np.searchsorted(self.table.key, key))
        if position < self.table.key.size and self.table.key[position] == key:
            return position
        return -1

    def _rows(self, indicator: str | None, area: Area | None) -> Iterator[int]:
        per_indicator = len(self.areas) * len(self.groups)
        indicators = (
            range(len(self.indicators))
            if indicator is None
            else (self._indicator_index(indicator),)
        )
        for index in indicators:
            if area is None:
                yield from range(index * per_indicator, (index + 1) * per_indicator)
                continue
            position = self._area_position.get(area)
            if position is None:
                continue
            start = index * per_indicator + position * len(self.groups)
            yield from range(start, start + len(self.groups))

    def _decode(self, row: int) -> tuple[str, Area, Group]:
        per_indicator = len(self.areas) * len(self.groups)
        indicator, rest = divmod(row, per_indicator)
        area, group = divmod(rest, len(self.groups))
        return self.indicators.indicators[indicator].id, self.areas[area], self.groups[group]

    def _estimate_at(self, row: int) -> Estimate:
        t = self.table
        indicator, area, group = self._decode(row)
        reason = REASON_BY_CODE[int(t.reason[row])]
        interval = int(t.interval[row])
        return Estimate(
            wave=self.wave,
            indicator=indicator,
            area=area,
            group=group,
            kind=self.indicators[indicator].kind,
            value=float(t.value[row]),
            lower=float(t.lower[row]),
            upper=float(t.upper[row]),
            se=float(t.se[row]),
            n=int(t.n[row]),
            n_weighted=float(t.n_weighted[row]),
            n_effective=float(t.n_effective[row]),
            df=int(t.df[row]),
            interval=_INTERVALS[interval] if interval >= 0 else None,
            suppressed=reason is not None,
            reason=reason,
            caution=bool(t.caution[row]),
        )

    def _no_data(self, indicator: str, area: Area, group: Group) -> Estimate:
        nan = math.nan
        return Estimate(
            wave=self.wave,
            indicator=indicator,
            area=area,
            group=group,
            kind=self.indicators[indicator].kind,
            value=nan,
            lower=nan,
            upper=nan,
            se=nan,
            n=0,
            n_weighted=0.0,
            n_effective=0.0,
            df=0,
            interval=None,
            suppressed=True,
            reason=Reason.NO_DATA,
            caution=False,
        )

    def _comparison_at(self, index: int) -> Comparison:
        c = self.comparison_table
        indicator, area, group = self._decode(int(c.estimate[index]))
        against_area = int(c.against_area[index])
        return Comparison(
            wave=self.wave,
            indicator=indicator,
            area=area,
            group=group,
            kind=COMPARISON_KINDS[int(c.kind[index])],
            against=c.against_labels[int(c.against[index])],
            against_area=self.areas[against_area] if against_area >= 0 else None,
            other_value=float(c.other_value[index]),
            difference=float(c.difference[index]),
            lower=float(c.lower[index]),
            upper=float(c.upper[index]),
            se=float(c.se[index]),
            df=float(c.df[index]),
            p_value=float(c.p_value[index]),
            p_adjusted=float(c.p_adjusted[index]),
            effect_size=float(c.effect_size[index]),
            significant=bool(c.significant[index]),
            meaningful=bool(c.meaningful[index]),
            flag=FLAG_BY_CODE.get(int(c.flag[index])),
        )


def _numbers(values: np.ndarray) -> list[object]:
    """NaN becomes None in flat rows (an empty CSV cell, ``null`` in JSON)."""
    return [None if v != v else v for v in values.tolist()]
