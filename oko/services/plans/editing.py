"""Saving goals and actions: checked, versioned and audited in one transaction.

Only a municipality's coalition members and admins may change its plan (``authz``). Every
check runs before anything is changed, and a refused save rolls back, so a bad target
leaves the stored goal as it was. Each save adds a :class:`PlanVersion` with the fields as
saved, and an audit entry naming who saved what.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from oko.indicators.definitions import Indicator
from oko.indicators.groups import Area, AreaLevel, Group
from oko.models import (
    ACTION_STATUSES,
    GOAL_DIRECTIONS,
    Action,
    Goal,
    Municipality,
    PlanVersion,
    User,
    Wave,
    utcnow,
)
from oko.reporting.plans import ActionPlan
from oko.services import audit
from oko.services.plans.refusals import PlanError, parse_group
from oko.services.results import dashboard
from oko.services.results.engine import Settings, wave_results
from oko.services.staff import authz
from oko.services.transactions import commits

#: A goal further ahead than this is not a plan but a wish; the form says so.
MAX_YEARS_AHEAD = 10


@dataclass(frozen=True)
class GoalInput:
    """A goal as a coalition enters it. Not :class:`~oko.reporting.plans.GoalPlan`: the
    target is in the unit the coalition reads (percent), the group is still text to check,
    the due date a wave *or* a year, and the starting wave is not chosen but found here.
    An action needs no such type: :class:`~oko.reporting.plans.ActionPlan` serves."""

    indicator: str
    direction: str
    #: In the unit the coalition reads: percent for proportions, the answer scale otherwise.
    target: float
    group: str = "all"
    target_wave: str | None = None
    target_year: int | None = None
    priority: bool = False
    reason: str = ""


@dataclass(frozen=True)
class _Setting:
    """What a goal of the municipality is checked against: its latest closed wave's results."""

    baseline: Wave
    indicators: dict[str, Indicator]
    questionnaire: str


def _setting(session: Session, town: Municipality, settings: Settings) -> _Setting:
    waves = dashboard.result_waves(session, town)
    if not waves:
        raise PlanError("plan_no_results", municipality=town.name)
    baseline = waves[0]
    results = wave_results(session, baseline, settings).results
    return _Setting(baseline, {i.id: i for i in results.indicators}, baseline.questionnaire_id)


def _indicator(setting: _Setting, town: Municipality, indicator_id: str) -> Indicator:
    indicator = setting.indicators.get(indicator_id)
    if indicator is None:
        raise PlanError(
            "plan_unknown_indicator",
            municipality=town.name,
            questionnaire=setting.questionnaire,
            indicator=indicator_id[:64],
        )
    return indicator


def _target(indicator: Indicator, value: float) -> float:
    """The target in the estimate's unit; refused outside what the indicator can take."""
    low, high = (0.0, 100.0) if indicator.is_proportion else map(float, indicator.valid)
    if not math.isfinite(value) or not low <= value <= high:
        raise PlanError(
            "plan_target_range", indicator=indicator.id, low=f"{low:g}", high=f"{high:g}"
        )
    return value / 100 if indicator.is_proportion else value


def _when(session: Session, data: GoalInput, today: date) -> tuple[Wave | None, int]:
    if (data.target_wave is None) == (data.target_year is None):
        raise PlanError("plan_target_when")
    if data.target_wave is not None:
        wave = session.execute(
            select(Wave).where(Wave.slug == data.target_wave)
        ).scalar_one_or_none()
        if wave is None:
            raise PlanError("plan_unknown_wave")
        ends = wave.closes_at
        if wave.status == "closed" or (ends is not None and ends.date() < today):
            raise PlanError("plan_target_wave_past", wave=wave.slug)
        when = wave.closes_at or wave.opens_at or wave.created_at
        return wave, when.year
    assert data.target_year is not None
    last = today.year + MAX_YEARS_AHEAD
    if not today.year <= data.target_year <= last:
        raise PlanError("plan_target_year_past", year=data.target_year, first=today.year, last=last)
    return None, data.target_year


def _group(
    session: Session,
    town: Municipality,
    setting: _Setting,
    indicator: Indicator,
    text: str,
    settings: Settings,
) -> Group:
    """The goal's group, refused when the results have no such group or when it was too
    small to show in the latest wave (its goal could never get a verdict)."""
    group = parse_group(text)
    results = wave_results(session, setting.baseline, settings).results
    if group not in results.groups:
        raise PlanError("plan_unknown_group", group=text[:20])
    estimate = results.estimate(indicator.id, Area(AreaLevel.MUNICIPALITY, town.id), group)
    minimum = results.config.min_denominator
    if estimate.n < minimum:
        raise PlanError(
            "plan_group_too_small", n=estimate.n, wave=setting.baseline.name, minimum=minimum
        )
    return group


def plan_fields(row: Goal | Action) -> dict[str, Any]:
    """The saved fields of a goal or action, as the version history keeps them."""
    if isinstance(row, Goal):
        return {
            "indicator": row.indicator,
            "direction": row.direction,
            "target": row.target,
            "group": row.group,
            "baseline_wave_id": row.baseline_wave_id,
            "target_wave_id": row.target_wave_id,
            "target_year": row.target_year,
            "priority": row.priority,
            "reason": row.reason,
        }
    return {
        "what": row.what,
        "responsible": row.responsible,
        "starts_on": row.starts_on.isoformat(),
        "indicator": row.indicator,
        "status": row.status,
    }


def _keep_version(session: Session, kind: str, row: Goal | Action, user: User) -> None:
    session.flush()
    fields = plan_fields(row)
    session.add(
        PlanVersion(
            kind=kind,
            item_id=row.id,
            version=row.version,
            municipality_id=row.municipality_id,
            changed_by=user.id,
            fields=fields,
        )
    )
    audit.record(
        session,
        f"plan.{kind}." + ("create" if row.version == 1 else "edit"),
        user_id=user.id,
        target=f"municipality:{row.municipality.slug}",
        detail={"id": row.id, "version": row.version, **fields},
    )


def _owned(user: User | None, town: Municipality, row: Goal | Action | None) -> User:
    """The user, if they may change ``town``'s plan and ``row`` belongs to it."""
    user = authz.require_municipality(user, town.id)
    if row is not None and row.municipality_id != town.id:
        raise authz.Forbidden("another municipality's plan")
    return user


@commits
def save_goal(
    session: Session,
    user: User | None,
    town: Municipality,
    data: GoalInput,
    *,
    settings: Settings,
    today: date,
    goal: Goal | None = None,
) -> Goal:
    """Create a goal (``goal`` None) or save a new version of ``goal``."""
    user = _owned(user, town, goal)
    setting = _setting(session, town, settings)
    indicator = _indicator(setting, town, data.indicator)
    if data.direction not in GOAL_DIRECTIONS:
        raise PlanError("plan_bad_direction")
    target = _target(indicator, data.target)
    target_wave, target_year = _when(session, data, today)
    group = _group(session, town, setting, indicator, data.group, settings)
    if len(data.reason) > 2000:
        raise PlanError("plan_reason_too_long")
    if goal is None:
        goal = Goal(municipality=town, baseline_wave_id=setting.baseline.id, version=1)
        session.add(goal)
    else:
        goal.version += 1
        goal.updated_at = utcnow()
    goal.indicator = indicator.id
    goal.direction = data.direction
    goal.target = target
    goal.group = str(group)
    goal.target_wave_id = target_wave.id if target_wave else None
    goal.target_year = target_year
    goal.priority = data.priority
    goal.reason = data.reason.strip()
    _keep_version(session, "goal", goal, user)
    return goal


@commits
def save_action(
    session: Session,
    user: User | None,
    town: Municipality,
    data: ActionPlan,
    *,
    settings: Settings,
    action: Action | None = None,
) -> Action:
    """Create an action (``action`` None) or save a new version of ``action``."""
    user = _owned(user, town, action)
    what, responsible = data.what.strip(), data.responsible.strip()
    if not (0 < len(what) <= 2000 and 0 < len(responsible) <= 200):
        raise PlanError("plan_text_required")
    if data.status not in ACTION_STATUSES:
        raise PlanError("plan_bad_status", status=data.status[:20])
    setting = _setting(session, town, settings)
    indicator = _indicator(setting, town, data.indicator)
    if action is None:
        action = Action(municipality=town, version=1)
        session.add(action)
    else:
        action.version += 1
        action.updated_at = utcnow()
    action.what = what
    action.responsible = responsible
    action.starts_on = data.starts_on
    action.indicator = indicator.id
    action.status = data.status
    _keep_version(session, "action", action, user)
    return action


@dataclass(frozen=True)
class PlanOptions:
    """What the goal and action forms offer for a municipality: the indicators of its
    questionnaire, the groups its results are broken down by, the waves still to come."""

    indicators: tuple[Indicator, ...]
    groups: tuple[str, ...]
    waves: tuple[Wave, ...]


def options(
    session: Session, user: User | None, town: Municipality, *, settings: Settings
) -> PlanOptions:
    authz.require_municipality(user, town.id)
    setting = _setting(session, town, settings)
    results = wave_results(session, setting.baseline, settings).results
    waves = session.execute(
        select(Wave).where(Wave.status != "closed").order_by(Wave.opens_at, Wave.id)
    ).scalars()
    return PlanOptions(
        tuple(setting.indicators.values()),
        tuple(str(group) for group in results.groups),
        tuple(waves),
    )
