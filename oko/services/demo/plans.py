"""The demo coalition's plan: goals set after an earlier wave and the actions that followed.

Targets are derived from the demo's own results so that the latest report shows each kind of
verdict once: one goal reached, one not on track, one set after the latest wave (too early
to tell). The choice runs the report's own rule (:func:`oko.reporting.plans.verdict`), so
the story the demo tells is the one the dashboard and the report then show.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oko.indicators.definitions import Direction, Indicator
from oko.indicators.groups import ALL, Area, AreaLevel, Group, GroupKind
from oko.indicators.results import Estimate, WaveResults
from oko.models import Action, Goal, Municipality, PlanVersion, Wave
from oko.reporting.plans import GoalPlan, Verdict, verdict
from oko.services.plans.editing import plan_fields
from oko.services.results import dashboard
from oko.services.results.engine import Settings, wave_results

#: The actions the demo coalition recorded: what, who, weeks after the first wave, aim, status.
ACTIONS = (
    (
        "Ouderavonden over afspraken rond alcohol, met een gezamenlijk ouderconvenant",
        "Jeugdwerk Zilverhaven",
        6,
        "parents_know_where",
        "done",
    ),
    (
        "Gratis sport- en cultuurkaart voor alle leerlingen van klas 1 tot en met 4",
        "Afdeling Sport, gemeente",
        20,
        "organised_leisure_weekly",
        "running",
    ),
    (
        "Handhaving op alcoholverkoop aan minderjarigen bij supermarkten en sportkantines",
        "Team Handhaving",
        40,
        "drunk_30d",
        "planned",
    ),
)


def ensure_plans(session: Session, settings: Settings, slug: str) -> int:
    """Goals and actions for the municipality ``slug``, added once; how many goals it has."""
    town = session.execute(select(Municipality).where(Municipality.slug == slug)).scalar_one()
    stored = session.execute(
        select(func.count()).select_from(Goal).where(Goal.municipality_id == town.id)
    ).scalar_one()
    if stored:
        return int(stored)
    waves = list(reversed(dashboard.result_waves(session, town)))
    if len(waves) < 2:
        return 0
    first, latest = waves[0], waves[-1]
    now = wave_results(session, latest, settings).results
    then = wave_results(session, first, settings).results
    area = Area(AreaLevel.MUNICIPALITY, town.id)
    year = (latest.closes_at or latest.created_at).year
    chosen: set[str] = set()
    for wanted in (Verdict.REACHED, Verdict.NOT_ON_TRACK):
        for indicator, target in _candidates(now, then, area, wanted, year, first.slug):
            if indicator.id not in chosen:
                chosen.add(indicator.id)
                _goal(session, town, indicator, target, ALL, first, year)
                break
    girls = Group(GroupKind.GENDER, 2)
    for indicator in now.indicators:
        estimate = now.estimate(indicator.id, area, girls)
        if indicator.id not in chosen and indicator.is_proportion and _shown(estimate):
            target = _rounded(estimate.value + (-0.05 if _down(indicator) else 0.05))
            _goal(session, town, indicator, target, girls, latest, year + 2)
            break
    start = (first.closes_at or first.created_at).date()
    for what, who, weeks, aim, status in ACTIONS:
        if aim not in now.indicators.ids:
            continue
        action = Action(
            municipality=town,
            what=what,
            responsible=who,
            starts_on=start + timedelta(weeks=weeks),
            indicator=aim,
            status=status,
            version=1,
        )
        session.add(action)
        _version(session, "action", action)
    session.commit()
    return len(chosen) + 1


def _down(indicator: Indicator) -> bool:
    return indicator.direction is Direction.RISK


def _shown(estimate: Estimate) -> bool:
    return not estimate.suppressed and math.isfinite(estimate.value)


def _rounded(share: float) -> float:
    """A target a coalition would write down: whole percents, within 0–100%."""
    return min(1.0, max(0.0, round(share * 100) / 100))


def _candidates(
    now: WaveResults, then: WaveResults, area: Area, wanted: Verdict, year: int, baseline: str
) -> Iterator[tuple[Indicator, float]]:
    """Proportion indicators with a target under which the goal gets ``wanted``."""
    for indicator in now.indicators:
        current = now.estimate(indicator.id, area)
        start = then.estimate(indicator.id, area)
        if not (indicator.is_proportion and _shown(current) and _shown(start)):
            continue
        step = -1 if _down(indicator) else 1
        if wanted is Verdict.REACHED:
            edge = current.upper if step < 0 else current.lower
            target = _rounded(edge - step * 0.01)
        else:
            target = _rounded(start.value + step * 0.10)
        if not 0.03 <= target <= 0.97 or step * (target - start.value) <= 0:
            continue  # a goal nobody would set: no improvement, or all or nobody
        plan = GoalPlan(
            indicator.id, "down" if step < 0 else "up", target, ALL, baseline, None, year
        )
        if verdict(plan, current, start, measured_since=True, due=True) is wanted:
            yield indicator, target


def _goal(
    session: Session,
    town: Municipality,
    indicator: Indicator,
    target: float,
    group: Group,
    baseline: Wave,
    year: int,
) -> None:
    goal = Goal(
        municipality=town,
        indicator=indicator.id,
        direction="down" if _down(indicator) else "up",
        target=target,
        group=str(group),
        baseline_wave_id=baseline.id,
        target_year=year,
        priority=True,
        reason="",
        version=1,
    )
    session.add(goal)
    _version(session, "goal", goal)


def _version(session: Session, kind: str, row: Goal | Action) -> None:
    session.flush()
    session.add(
        PlanVersion(
            kind=kind,
            item_id=row.id,
            version=1,
            municipality_id=row.municipality_id,
            changed_by=None,
            fields=plan_fields(row),
        )
    )
