"""The codebook: what every item asked, what every code means, how every indicator is defined.

Three tidy tables, so the codebook is itself data (CSV in the data package, sheets in the
workbook, objects in JSON) rather than a document to retype:

- ``items``: one row per answerable item, its text in every language, type, page, grid and
  show-if condition (the structured tree as JSON);
- ``codes``: one row per item and answer code, with the label in every language;
- ``indicators``: one row per indicator: label, domain, kind, direction, items and codes,
  and a one-line definition in words.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from oko.indicators.definitions import (
    REQUIRED_LANGUAGES,
    Indicator,
    IndicatorSet,
    Kind,
    NotAsked,
)
from oko.questionnaire import Item, Questionnaire
from oko.questionnaire.question_types import QUESTION_TYPES
from oko.research.tables import Field, Table, Value


def item_table(questionnaire: Questionnaire, languages: Sequence[str]) -> Table:
    return Table(
        name="items",
        title="Questionnaire items",
        description=(
            f"Every item of questionnaire {questionnaire.id} version {questionnaire.version}; "
            "item ids are stable across waves."
        ),
        fields=(
            Field("item", "string", "Stable item id (a column name in microdata)."),
            Field("type", "string", "Answer type.", tuple(sorted(QUESTION_TYPES))),
            Field("page", "string", "Page of the questionnaire."),
            Field("grid", "string", "The grid this item is a row of, if any."),
            *(Field(f"text_{lang}", "string", f"Question text ({lang}).") for lang in languages),
            Field("show_if", "string", "Asked only when this condition holds (JSON tree)."),
            Field("min", "integer", "Smallest valid number (integer items)."),
            Field("max", "integer", "Largest valid number (integer items)."),
            Field("questionnaire", "string", "Questionnaire id."),
            Field("version", "string", "Questionnaire version."),
        ),
        rows=tuple(_item_row(questionnaire, item, languages) for item in _items(questionnaire)),
        primary_key=("item",),
    )


def code_table(questionnaire: Questionnaire, languages: Sequence[str]) -> Table:
    return Table(
        name="codes",
        title="Answer codes",
        description=(
            "The label of every answer code. In indicator inputs -1 means shown but not "
            "answered and -2 not asked (routed past)."
        ),
        fields=(
            Field("item", "string", "Item id."),
            Field("code", "integer", "Stored answer code."),
            *(Field(f"label_{lang}", "string", f"Answer label ({lang}).") for lang in languages),
        ),
        rows=tuple(
            (item.id, option.code, *(option.label[lang] for lang in languages))
            for item in _items(questionnaire)
            for option in item.options
        ),
        primary_key=("item", "code"),
        foreign_keys=(("item", "items", "item"),),
    )


INDICATOR_FIELDS: tuple[Field, ...] = (
    Field("indicator", "string", "Stable indicator id."),
    *(Field(f"label_{lang}", "string", f"Label ({lang}).") for lang in REQUIRED_LANGUAGES),
    Field("domain", "string", "Domain of the Icelandic model."),
    Field("kind", "string", "proportion, mean or scale.", tuple(k.value for k in Kind)),
    Field(
        "direction",
        "string",
        "protective: higher is better; risk: higher is worse.",
        ("protective", "risk"),
    ),
    Field("sensitive", "boolean", "Small counts of yes or no are suppressed."),
    Field("items", "string", "Items read, space-separated."),
    Field("yes_codes", "string", "Proportion: codes that count as yes, space-separated."),
    Field("valid_min", "integer", "Smallest valid answer code."),
    Field("valid_max", "integer", "Largest valid answer code."),
    Field("not_asked", "string", "Proportion: a routed-past student counts as this."),
    Field("reverse", "string", "Scale: reverse-coded items, space-separated."),
    Field("min_answered", "number", "Scale: share of items needed for a score."),
    Field("reference_value", "number", "A fixed published value to compare with."),
    Field("reference_source", "string", "Where the reference value comes from."),
    Field("definition", "string", "The definition in words (English)."),
)


def indicator_table(indicators: IndicatorSet) -> Table:
    """Indicator labels exist in every required language (nl, en), whatever the questionnaire."""
    return Table(
        name="indicators",
        title="Indicators",
        description="How each indicator is computed from the items.",
        fields=INDICATOR_FIELDS,
        rows=tuple(_indicator_row(indicator) for indicator in indicators),
        primary_key=("indicator",),
    )


def codebook_tables(
    questionnaire: Questionnaire, indicators: IndicatorSet, languages: Sequence[str]
) -> tuple[Table, Table, Table]:
    return (
        item_table(questionnaire, languages),
        code_table(questionnaire, languages),
        indicator_table(indicators),
    )


def definition(indicator: Indicator) -> str:
    """One sentence a researcher can check the numbers against."""
    low, high = indicator.valid
    if indicator.kind is Kind.PROPORTION and len(indicator.items) > 1:
        items, share = ", ".join(indicator.items), f"{indicator.min_answered:.0%}"
        if indicator.cut is not None:
            reverse = sorted(indicator.reverse)
            flipped = f"; reversed ({low}+{high}−code): {', '.join(reverse)}" if reverse else ""
            return (
                f"Share of students whose mean of {items} is at least {indicator.cut:g}, among "
                f"students who answered at least {share} of them{flipped}."
            )
        codes = ", ".join(str(code) for code in sorted(indicator.yes_codes))
        return (
            f"Share of students answering {codes} to any of {items}, among students who "
            f"answered at least {share} of them ({low}..{high})."
        )
    if indicator.kind is Kind.PROPORTION:
        codes = ", ".join(str(code) for code in sorted(indicator.yes_codes))
        routed = (
            "students not asked count as no"
            if indicator.not_asked is NotAsked.NO
            else "students not asked are left out"
        )
        return (
            f"Share of students answering {codes} to {indicator.items[0]}, among valid answers "
            f"({low}..{high}); {routed}."
        )
    if indicator.kind is Kind.MEAN:
        return f"Mean of {indicator.items[0]} over valid answers ({low}..{high})."
    reverse = sorted(indicator.reverse)
    flipped = f"; reversed ({low}+{high}−code): {', '.join(reverse)}" if reverse else ""
    return (
        f"Mean over students of each student's mean of {', '.join(indicator.items)}, when at "
        f"least {indicator.min_answered:.0%} of them are answered{flipped}."
    )


def _items(questionnaire: Questionnaire) -> tuple[Item, ...]:
    return tuple(questionnaire.items.values())


def _item_row(
    questionnaire: Questionnaire, item: Item, languages: Sequence[str]
) -> tuple[Value, ...]:
    condition = item.show_if
    values: tuple[Value, ...] = (
        item.id,
        item.type,
        item.page,
        item.grid,
        *(item.text[lang] for lang in languages),
        json.dumps(condition.to_json(), separators=(",", ":")) if condition else None,
        item.min,
        item.max,
        questionnaire.id,
        questionnaire.version,
    )
    return values


def _indicator_row(indicator: Indicator) -> tuple[Value, ...]:
    proportion = indicator.kind is Kind.PROPORTION
    scale = indicator.kind is Kind.SCALE or len(indicator.items) > 1
    reference = indicator.reference
    return (
        indicator.id,
        *(indicator.label(lang) for lang in REQUIRED_LANGUAGES),
        indicator.domain.value,
        indicator.kind.value,
        indicator.direction.value,
        indicator.sensitive,
        " ".join(indicator.items),
        " ".join(str(c) for c in sorted(indicator.yes_codes)) if proportion else None,
        indicator.valid[0],
        indicator.valid[1],
        indicator.not_asked.value if proportion else None,
        " ".join(sorted(indicator.reverse)) if scale else None,
        indicator.min_answered if scale else None,
        reference.value if reference else None,
        reference.source if reference else None,
        definition(indicator),
    )
