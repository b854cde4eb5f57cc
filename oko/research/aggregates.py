"""The tidy aggregate table of a wave: one row per indicator × area × group.

Built from the engine's :class:`~oko.indicators.results.WaveResults` and nothing else, so the
numbers are the engine's and so is every suppression decision. What this module adds is
presentation: readable area and group ids and names, and the rule that a suppressed row
carries no numbers at all (estimate, interval, sizes and comparisons empty, reason filled).

Rows are left out where there is nothing to say: groups without any answer (``no_data``),
schools too small to get results (so their existence and size are not published either),
and areas outside the reader's scope.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from oko.indicators.config import IntervalMethod
from oko.indicators.definitions import Kind
from oko.indicators.groups import Area, AreaLevel, Group
from oko.indicators.results import COMPARISON_KINDS, Comparison, Estimate, WaveResults
from oko.indicators.suppression import HIDDEN, Reason, published_reason
from oko.research.codebook import INDICATOR_FIELDS
from oko.research.tables import Field, Table, Value

LEVEL_NAMES = tuple(level.value for level in AreaLevel)
#: Rows without any answer are left out, so every published reason is the neutral one.
REASONS = (HIDDEN,)


@dataclass(frozen=True)
class AreaInfo:
    """How an engine area is shown: a stable id such as ``municipality:zeewolde`` and a name."""

    id: str
    name: str
    #: The id of the enclosing area ("" for a region).
    parent: str = ""


AREA_FIELDS: tuple[Field, ...] = (
    Field("area", "string", "Area id: <level>:<slug>."),
    Field("area_level", "string", "region, municipality or school.", LEVEL_NAMES),
    Field("area_name", "string", "Name of the area."),
    Field("parent_area", "string", "Id of the area this one lies in."),
)

_COMPARISON_COLUMNS = (
    ("against", "string", "What is compared with."),
    ("other_value", "number", "The value compared with."),
    ("difference", "number", "This value minus the other (trend: change per wave)."),
    ("lower", "number", "Lower limit of the 95% interval of the difference."),
    ("upper", "number", "Upper limit of the 95% interval of the difference."),
    ("p_value", "number", "Two-sided p-value."),
    ("p_adjusted", "number", "p-value after Benjamini–Hochberg over the area's comparisons."),
    ("flag", "string", "better or worse: significant and large enough; empty otherwise."),
)

RESULT_FIELDS: tuple[Field, ...] = (
    Field("wave", "string", "Wave slug."),
    Field("indicator", "string", "Indicator id (see indicators)."),
    Field("kind", "string", "proportion (0..1), mean or scale.", tuple(k.value for k in Kind)),
    *AREA_FIELDS,
    Field("group", "string", "all, gender=<code> or grade=<code>."),
    Field("group_label", "string", "The group in words."),
    Field("estimate", "number", "Proportion (0..1) or mean; empty when suppressed."),
    Field("ci_lower", "number", "Lower limit of the 95% confidence interval."),
    Field("ci_upper", "number", "Upper limit of the 95% confidence interval."),
    Field("se", "number", "Design-based standard error (school = cluster)."),
    Field("n", "integer", "Unweighted number of valid answers."),
    Field("n_weighted", "number", "Weighted number of valid answers."),
    Field("n_effective", "number", "Effective sample size (n / design effect)."),
    Field("df", "integer", "Degrees of freedom (schools minus strata)."),
    Field("interval", "string", "Interval method.", tuple(m.value for m in IntervalMethod)),
    Field("caution", "boolean", "Interpret with caution (wide interval or few df)."),
    Field("suppressed", "boolean", "True when no numbers may be shown."),
    Field(
        "suppression_reason",
        "string",
        "hidden: to protect privacy or for too little precision (the same for every cause).",
        REASONS,
    ),
    *(
        Field(f"{kind.value}_{name}", kind_type, f"{kind.value}: {text}")  # type: ignore[arg-type]
        for kind in COMPARISON_KINDS
        for name, kind_type, text in _COMPARISON_COLUMNS
    ),
)

#: Columns that are always filled; every other column is empty in a suppressed row.
IDENTITY_COLUMNS = (
    "wave",
    "indicator",
    "kind",
    "area",
    "area_level",
    "area_name",
    "parent_area",
    "group",
    "group_label",
    "suppressed",
    "suppression_reason",
)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def result_row(
    estimate: Estimate,
    comparisons: Iterable[Comparison],
    area: AreaInfo,
    group_label: str,
) -> tuple[Value, ...]:
    """One row; for a suppressed estimate only the identity columns and the reason."""
    published = not estimate.suppressed
    row: dict[str, Value] = {
        "wave": estimate.wave,
        "indicator": estimate.indicator,
        "kind": estimate.kind.value,
        "area": area.id,
        "area_level": estimate.area.level.value,
        "area_name": area.name,
        "parent_area": area.parent or None,
        "group": str(estimate.group),
        "group_label": group_label,
        "suppressed": estimate.suppressed,
        "suppression_reason": published_reason(estimate.reason),
    }
    if published:
        row |= {
            "estimate": _number(estimate.value),
            "ci_lower": _number(estimate.lower),
            "ci_upper": _number(estimate.upper),
            "se": _number(estimate.se),
            "n": estimate.n,
            "n_weighted": _number(estimate.n_weighted),
            "n_effective": _number(estimate.n_effective),
            "df": estimate.df,
            "interval": estimate.interval.value if estimate.interval else None,
            "caution": estimate.caution,
        }
        for comparison in comparisons:
            prefix = comparison.kind.value
            row[f"{prefix}_against"] = comparison.against
            for name in ("other_value", "difference", "lower", "upper", "p_value", "p_adjusted"):
                row[f"{prefix}_{name}"] = _number(getattr(comparison, name))
            row[f"{prefix}_flag"] = comparison.flag.value if comparison.flag else None
    return tuple(row.get(spec.name) for spec in RESULT_FIELDS)


def result_table(
    results: WaveResults,
    areas: Mapping[Area, AreaInfo],
    group_label: Callable[[Group], str],
    *,
    include: Callable[[Area], bool] = lambda _area: True,
) -> Table:
    """The tidy table of ``results`` for the areas ``include`` accepts.

    ``areas`` names every engine area; an area missing from it is not published (it cannot
    be shown without a name, and must not be shown with a database id).
    """
    shown = [
        area
        for area in results.areas
        if area in areas and include(area) and not _school_withheld(results, area)
    ]
    rows = []
    for indicator in results.indicators:
        for area in shown:
            for estimate in results.estimates(indicator=indicator.id, area=area):
                if estimate.reason is Reason.NO_DATA:
                    continue
                comparisons = results.comparisons(indicator.id, area, estimate.group)
                rows.append(
                    result_row(estimate, comparisons, areas[area], group_label(estimate.group))
                )
    return Table(
        name="results",
        title=f"Indicator results, wave {results.wave}",
        description=(
            "One row per indicator, area and group. Suppressed rows have empty numbers and a "
            "suppression_reason; proportions are shares from 0 to 1."
        ),
        fields=RESULT_FIELDS,
        rows=tuple(rows),
        primary_key=("indicator", "area", "group"),
        foreign_keys=(("indicator", "indicators", "indicator"), ("area", "areas", "area")),
    )


def _school_withheld(results: WaveResults, area: Area) -> bool:
    """A school below the minimum size is left out entirely (Planet Youth practice)."""
    if area.level is not AreaLevel.SCHOOL:
        return False
    return any(
        results.estimate(indicator.id, area).reason is Reason.SCHOOL_TOO_SMALL
        for indicator in results.indicators
    )


def area_table(results_table: Table, areas: Iterable[AreaInfo]) -> Table:
    """The areas that have rows in ``results_table``, in its order."""
    by_id = {info.id: info for info in areas}
    used = dict.fromkeys(results_table.column("area"))
    levels = dict(
        zip(results_table.column("area"), results_table.column("area_level"), strict=True)
    )
    return Table(
        name="areas",
        title="Areas",
        description="Every area with results: region, municipalities and schools large enough.",
        fields=AREA_FIELDS,
        rows=tuple(
            (area_id, levels[area_id], by_id[area_id].name, by_id[area_id].parent or None)
            for area_id in used
            if isinstance(area_id, str)
        ),
        primary_key=("area",),
    )


__all__ = [
    "AREA_FIELDS",
    "INDICATOR_FIELDS",
    "RESULT_FIELDS",
    "AreaInfo",
    "area_table",
    "result_row",
    "result_table",
]
