"""Loading a municipality's plan: for its coalition pages, for a report of one wave, and for
researchers evaluating the approach.

A report of a wave shows the goals set at or before that wave (a goal set later did not
exist yet) and the actions started by the wave's close, so an old report reads the same
after new goals are set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from oko.models import Action, Goal, Municipality, PlanVersion, Response, School, User, Wave
from oko.models.responses import TEST
from oko.reporting.plans import ActionPlan, GoalPlan, Plans
from oko.services.plans.refusals import parse_group
from oko.services.staff import authz


def goals_of(session: Session, user: User | None, town: Municipality) -> list[Goal]:
    authz.require_municipality(user, town.id)
    query = select(Goal).where(Goal.municipality_id == town.id).order_by(Goal.id)
    return list(session.execute(query).scalars())


def actions_of(session: Session, user: User | None, town: Municipality) -> list[Action]:
    authz.require_municipality(user, town.id)
    query = select(Action).where(Action.municipality_id == town.id).order_by(Action.starts_on)
    return list(session.execute(query).scalars())


def goal(session: Session, user: User | None, town: Municipality, goal_id: int) -> Goal:
    """The goal, if it belongs to ``town`` and ``user`` may see it (LookupError, Forbidden)."""
    authz.require_municipality(user, town.id)
    row = session.get(Goal, goal_id)
    if row is None or row.municipality_id != town.id:
        raise LookupError(goal_id)
    return row


def action(session: Session, user: User | None, town: Municipality, action_id: int) -> Action:
    authz.require_municipality(user, town.id)
    row = session.get(Action, action_id)
    if row is None or row.municipality_id != town.id:
        raise LookupError(action_id)
    return row


@dataclass(frozen=True)
class Change:
    """One field of a saved version that differs from the version before it."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    """A saved version and what it changed (nothing for a first version: it created)."""

    version: PlanVersion
    changes: tuple[Change, ...]


#: Stored wave ids are shown as the wave's name, under the name the form uses.
_WAVE_FIELDS = {"baseline_wave_id": "baseline_wave", "target_wave_id": "target_wave"}


def history(session: Session, user: User | None, town: Municipality) -> list[HistoryEntry]:
    """Every saved version of the municipality's goals and actions, newest first, each with
    the fields it changed (old → new), waves by name."""
    authz.require_municipality(user, town.id)
    query = (
        select(PlanVersion).where(PlanVersion.municipality_id == town.id).order_by(PlanVersion.id)
    )
    names = {row.id: row.name for row in session.execute(select(Wave)).scalars()}
    before: dict[tuple[str, int], dict[str, Any]] = {}
    entries = []
    for version in session.execute(query).scalars():
        fields = {
            _WAVE_FIELDS.get(name, name): names.get(value) if name in _WAVE_FIELDS else value
            for name, value in version.fields.items()
        }
        previous = before.get((version.kind, version.item_id))
        # By field name: PostgreSQL's JSON keeps no key order, so the stored order varies.
        changes = tuple(
            Change(name, previous.get(name), value)
            for name, value in sorted(fields.items())
            if previous is not None and previous.get(name) != value
        )
        before[version.kind, version.item_id] = fields
        entries.append(HistoryEntry(version, changes))
    return entries[::-1]


def _moment(wave: Wave) -> datetime:
    return wave.closes_at or wave.opens_at or wave.created_at


def for_wave(session: Session, wave: Wave) -> Mapping[int, Plans]:
    """Each municipality's plan as a report of ``wave`` shows it, by municipality id."""
    moment = _moment(wave)
    waves = {row.id: row for row in session.execute(select(Wave)).scalars()}
    goals: dict[int, list[GoalPlan]] = defaultdict(list)
    for row in session.execute(select(Goal).order_by(Goal.id)).scalars():
        baseline = waves[row.baseline_wave_id]
        if _moment(baseline) > moment:
            continue
        target = waves.get(row.target_wave_id) if row.target_wave_id else None
        goals[row.municipality_id].append(
            GoalPlan(
                indicator=row.indicator,
                direction=row.direction,
                target=row.target,
                group=parse_group(row.group),
                baseline_wave=baseline.slug,
                target_wave=target.slug if target else None,
                target_year=row.target_year or _moment(target or wave).year,
                priority=row.priority,
                reason=row.reason,
            )
        )
    actions: dict[int, list[ActionPlan]] = defaultdict(list)
    until: date = moment.date()
    query = select(Action).where(Action.starts_on <= until).order_by(Action.starts_on, Action.id)
    for started in session.execute(query).scalars():
        actions[started.municipality_id].append(
            ActionPlan(
                started.what,
                started.responsible,
                started.starts_on,
                started.indicator,
                started.status,
            )
        )
    return {
        town: Plans(tuple(goals[town]), tuple(actions[town])) for town in set(goals) | set(actions)
    }


def for_research(
    session: Session, wave: Wave, municipality_id: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The current goals and actions of the municipalities that took part in ``wave``, for an
    account that may read the wave (checked by the caller with ``readable_wave``): part of
    the evaluation of the approach. ``municipality_id`` limits them to one municipality (a
    coalition member's own); a municipality outside the wave is never included."""
    took_part = (
        select(School.municipality_id)
        .join(Response, Response.school_id == School.id)
        .where(Response.wave_id == wave.id, Response.status != TEST)
        .distinct()
    )
    towns = {
        town.id: town.slug
        for town in session.execute(
            select(Municipality).where(Municipality.id.in_(took_part))
        ).scalars()
        if municipality_id is None or town.id == municipality_id
    }
    slugs = {row.id: row.slug for row in session.execute(select(Wave)).scalars()}
    goals = session.execute(
        select(Goal).where(Goal.municipality_id.in_(towns)).order_by(Goal.id)
    ).scalars()
    actions = session.execute(
        select(Action).where(Action.municipality_id.in_(towns)).order_by(Action.id)
    ).scalars()
    return {
        "goals": [
            {
                "id": row.id,
                "municipality": towns[row.municipality_id],
                "indicator": row.indicator,
                "direction": row.direction,
                "target": row.target,
                "group": row.group,
                "baseline_wave": slugs[row.baseline_wave_id],
                "target_wave": slugs[row.target_wave_id] if row.target_wave_id else None,
                "target_year": row.target_year,
                "priority": row.priority,
                "reason": row.reason,
                "version": row.version,
                "updated_at": row.updated_at.isoformat() + "Z",
            }
            for row in goals
        ],
        "actions": [
            {
                "id": row.id,
                "municipality": towns[row.municipality_id],
                "what": row.what,
                "responsible": row.responsible,
                "starts_on": row.starts_on.isoformat(),
                "indicator": row.indicator,
                "status": row.status,
                "version": row.version,
                "updated_at": row.updated_at.isoformat() + "Z",
            }
            for row in actions
        ],
    }
