"""The pages "Our goals" and "What we did since last time": a coalition's plan, worded.

Each goal is judged by :func:`oko.reporting.plans.verdict` against this wave's estimate for
the goal's group; here the verdict and the figures behind it become sentences.
"""

from __future__ import annotations

import math

from oko.indicators.groups import Group, GroupKind
from oko.indicators.results import Estimate
from oko.reporting.content.model import ActionLine, ActionsContent, GoalLine, GoalsContent
from oko.reporting.content.words import Words
from oko.reporting.plans import ActionPlan, GoalPlan, Verdict, verdict


def group_label(words: Words, group: Group) -> str:
    """The group as a sentence names it, "girls", not as a chart's label does, "Girls"."""
    if group.kind is GroupKind.GENDER:
        return words(f"goals.group_gender_{group.code}")
    if group.kind is GroupKind.GRADE:
        return words("goals.group_grade", grade=group.code)
    return words("goals.group_all")


def goals_content(words: Words) -> GoalsContent:
    w = words
    return GoalsContent(
        title=w("goals.title"),
        intro=w("goals.intro", **w.area_values()),
        none=w("goals.none"),
        columns=(
            w("goals.col_baseline"),
            w("goals.col_target"),
            w("goals.col_current", wave=w.wave.short),
            w("goals.col_verdict"),
        ),
        goals=tuple(
            _goal(w, goal) for goal in w.data.plans.goals if goal.indicator in w.indicators.ids
        ),
        rule=w("method.goals"),
    )


def _published(estimate: Estimate | None) -> bool:
    return estimate is not None and not estimate.suppressed and math.isfinite(estimate.value)


def _goal(w: Words, goal: GoalPlan) -> GoalLine:
    data = w.data
    indicator = w.indicators[goal.indicator]
    current = data.current.estimate(goal.indicator, data.area, goal.group)
    baseline = None
    for info, results in zip(data.waves, data.results, strict=True):
        if info.id == goal.baseline_wave:
            baseline = results.estimate(goal.indicator, data.area, goal.group)
    now = data.wave
    year = now.year if now.year is not None else data.report_date.year
    measured_since = goal.baseline_wave != now.id
    due = goal.target_wave == now.id or year >= goal.target_year
    judged = verdict(goal, current, baseline, measured_since=measured_since, due=due)
    target = w.value(goal.target, indicator)
    due_text = (
        w.wave_label(goal.target_wave)
        if goal.target_wave in w.waves
        else w("goals.due_year", year=goal.target_year)
    )
    baseline_text = (
        w(
            "goals.value_in",
            value=w.value(baseline.value, indicator),
            wave=w.wave_label(goal.baseline_wave),
        )
        if baseline is not None and _published(baseline)
        else (w.reason(baseline) if baseline is not None else w("goals.not_measured"))
    )
    published = _published(current)
    interval = w.interval(current, indicator) if published else ""
    current_text = (
        w(
            "goals.current",
            value=w.value(current.value, indicator),
            interval=interval,
            wave=w.wave.short,
        )
        if published
        else w.reason(current)
    )
    if judged is Verdict.NOT_JUDGED:
        explanation = w("goals.explain_not_judged", reason=w.reason(current), wave=w.wave.short)
    elif judged is Verdict.TOO_EARLY and not measured_since:
        explanation = w("goals.explain_too_early_first", wave=w.wave_label(goal.baseline_wave))
    else:
        explanation = w(
            f"goals.explain_{judged.value}",
            interval=interval,
            baseline=baseline_text,
            target=target,
        )
    return GoalLine(
        indicator=indicator,
        title=w(
            f"goals.goal_{goal.direction}",
            indicator=indicator.label(w.t.language),
            group=group_label(w, goal.group),
            target=target,
            due=due_text,
        ),
        priority=w("goals.priority", reason=goal.reason) if goal.reason else "",
        baseline=baseline_text,
        target=target,
        current=current_text,
        verdict=judged,
        verdict_text=w(f"goals.verdict_{judged.value}"),
        explanation=explanation,
    )


def actions_content(words: Words) -> ActionsContent:
    w = words
    return ActionsContent(
        title=w("actions.title"),
        intro=w("actions.intro", **w.area_values()),
        none=w("actions.none"),
        columns=(
            w("actions.col_what"),
            w("actions.col_who"),
            w("actions.col_since"),
            w("actions.col_aim"),
            w("actions.col_status"),
        ),
        actions=tuple(_action(w, action) for action in w.data.plans.actions),
    )


def _action(w: Words, action: ActionPlan) -> ActionLine:
    indicator = w.indicators[action.indicator] if action.indicator in w.indicators.ids else None
    day = action.starts_on
    return ActionLine(
        what=action.what,
        responsible=action.responsible,
        since=w("date.format", day=day.day, month=w(f"date.month_{day.month}"), year=day.year),
        aim=indicator.label(w.t.language) if indicator else action.indicator,
        status=w(f"actions.status_{action.status}"),
    )
