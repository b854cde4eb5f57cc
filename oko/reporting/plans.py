"""A coalition's goals and actions as a report reads them, and the rule that judges a goal.

Pure: the service (:mod:`oko.services.plans`) turns stored rows into these values and puts
them in :class:`~oko.reporting.data.ReportData`; the content model words them. The verdict
is decided here, once, from the engine's estimate and its interval, so the dashboard and the
PDF cannot judge a goal differently.

The rule (stated in the report's method text):

1. No estimate for the goal's group (hidden to protect privacy): *cannot be judged*.
2. No wave measured since the goal was set: *too early to tell*.
3. The whole interval lies on the goal's side of the target: *reached*.
4. The whole interval lies on the goal's side of the starting value: *on track*.
5. Otherwise, once the target wave (or year) has come, or when the whole interval lies on
   the wrong side of the starting value: *not on track*.
6. Otherwise (the interval still holds the starting value, and there is time): *too early
   to tell*.

A point estimate beyond the target with an interval that still crosses it is not "reached":
chance alone could put it there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from oko.indicators.groups import Group
from oko.indicators.results import Estimate


class Verdict(StrEnum):
    REACHED = "reached"
    ON_TRACK = "on_track"
    NOT_ON_TRACK = "not_on_track"
    TOO_EARLY = "too_early"
    NOT_JUDGED = "not_judged"


@dataclass(frozen=True)
class GoalPlan:
    indicator: str
    #: ``down`` or ``up``.
    direction: str
    #: In the estimate's unit (a share for proportions).
    target: float
    group: Group
    #: The engine's wave id (slug) of the starting point.
    baseline_wave: str
    #: The wave the goal is due at, if one was named, and the year it is due in.
    target_wave: str | None
    target_year: int
    priority: bool = False
    reason: str = ""


@dataclass(frozen=True)
class ActionPlan:
    """An action as the report reads it, and as a coalition enters it: the same fields."""

    what: str
    responsible: str
    starts_on: date
    indicator: str
    #: planned, running, done, stopped.
    status: str = "planned"


@dataclass(frozen=True)
class Plans:
    """What a municipality's coalition had planned when the report's wave was measured."""

    goals: tuple[GoalPlan, ...] = ()
    actions: tuple[ActionPlan, ...] = ()


def verdict(
    goal: GoalPlan,
    current: Estimate,
    baseline: Estimate | None,
    *,
    measured_since: bool,
    due: bool,
) -> Verdict:
    """Judge ``goal`` by ``current`` (this wave's estimate for the goal's group).

    ``measured_since``: the current wave is later than the goal's starting wave. ``due``: the
    current wave is the target wave, or in or after the target year. ``baseline``: the
    starting wave's estimate, None when that wave is not among the report's waves.
    """
    if current.suppressed or not math.isfinite(current.value):
        return Verdict.NOT_JUDGED
    if not measured_since:
        return Verdict.TOO_EARLY
    sign = -1.0 if goal.direction == "down" else 1.0
    # After multiplying by ``sign`` "better" is always "larger": the worst end of the
    # interval is then its smallest value.
    worst = min(sign * current.lower, sign * current.upper)
    best = max(sign * current.lower, sign * current.upper)
    if worst >= sign * goal.target:
        return Verdict.REACHED
    start = (
        baseline.value
        if baseline is not None and not baseline.suppressed and math.isfinite(baseline.value)
        else None
    )
    if start is not None and worst > sign * start:
        return Verdict.ON_TRACK
    if due or (start is not None and best < sign * start):
        return Verdict.NOT_ON_TRACK
    return Verdict.TOO_EARLY
