"""The goals and actions tables of an aggregate download: what coalitions planned.

Goals and actions are part of the evaluation of the approach: a researcher reads the results
of a wave next to what each municipality set out to change. The column names are the keys of
the API's ``/plans`` records, so a script reads either source the same way. Both tables are
in every download, empty when no municipality in the reader's scope has a plan, so the
schema does not depend on the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from oko.research.tables import Field, Table, Value

_SAVED = (
    Field("version", "integer", "How many times it was saved (1 = never edited)."),
    Field("updated_at", "string", "When it was last saved (UTC, ISO 8601)."),
)

GOAL_FIELDS: tuple[Field, ...] = (
    Field("id", "integer", "Goal number, stable across downloads."),
    Field("municipality", "string", "Slug of the municipality (area municipality:<slug>)."),
    Field("indicator", "string", "Indicator id the goal is about (see indicators)."),
    Field("direction", "string", "down or up: which way the indicator should move."),
    Field("target", "number", "Target in the unit of estimate (0 to 1 for proportions)."),
    Field("group", "string", "all, gender=<code> or grade=<code>: the students the goal is for."),
    Field("baseline_wave", "string", "Wave slug of the starting value."),
    Field("target_wave", "string", "Wave slug the goal is due at; empty when a year is named."),
    Field("target_year", "integer", "Year the goal is due in; empty when a wave is named."),
    Field("priority", "boolean", "True when the coalition chose it as a priority."),
    Field("reason", "string", "Why the coalition set the goal, in its own words."),
    *_SAVED,
)

ACTION_FIELDS: tuple[Field, ...] = (
    Field("id", "integer", "Action number, stable across downloads."),
    Field("municipality", "string", "Slug of the municipality (area municipality:<slug>)."),
    Field("what", "string", "What is done, in the coalition's words."),
    Field("responsible", "string", "Who is responsible (an organisation or role)."),
    Field("starts_on", "string", "Date it starts (ISO 8601)."),
    Field("indicator", "string", "Indicator id it aims at (see indicators)."),
    Field("status", "string", "planned, running, done or stopped."),
    *_SAVED,
)


def plan_tables(
    goals: Iterable[Mapping[str, Value]], actions: Iterable[Mapping[str, Value]]
) -> tuple[Table, Table]:
    """The goals and actions of the municipalities in scope, one row each, as now saved."""
    return (
        Table(
            name="goals",
            title="Goals",
            description="The goals the coalitions of the municipalities in this download set: "
            "indicator, direction, target and when it is due (current version of each).",
            fields=GOAL_FIELDS,
            rows=_rows(GOAL_FIELDS, goals),
            primary_key=("id",),
        ),
        Table(
            name="actions",
            title="Actions",
            description="What the coalitions of the municipalities in this download do to "
            "reach their goals: who, from when, aimed at which indicator, and its status.",
            fields=ACTION_FIELDS,
            rows=_rows(ACTION_FIELDS, actions),
            primary_key=("id",),
        ),
    )


def _rows(
    fields: tuple[Field, ...], records: Iterable[Mapping[str, Value]]
) -> tuple[tuple[Value, ...], ...]:
    return tuple(tuple(record.get(spec.name) for spec in fields) for record in records)
