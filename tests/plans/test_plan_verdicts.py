"""The verdict rule: judged by the interval, not by the point estimate alone."""

from __future__ import annotations

import math

import pytest

from oko.indicators.definitions import Kind
from oko.indicators.groups import ALL, Area, AreaLevel
from oko.indicators.results import Estimate
from oko.indicators.suppression import Reason
from oko.reporting.plans import GoalPlan, Verdict, verdict

GOAL = GoalPlan("drunk_30d", "down", 0.10, ALL, "2022", None, 2026)


def estimate(value: float, lower: float, upper: float, *, suppressed: bool = False) -> Estimate:
    nan = math.nan
    return Estimate(
        wave="2026",
        indicator="drunk_30d",
        area=Area(AreaLevel.MUNICIPALITY, 1),
        group=ALL,
        kind=Kind.PROPORTION,
        value=nan if suppressed else value,
        lower=nan if suppressed else lower,
        upper=nan if suppressed else upper,
        se=0.01,
        n=400,
        n_weighted=400.0,
        n_effective=300.0,
        df=20,
        interval=None,
        suppressed=suppressed,
        reason=Reason.SMALL_COUNT if suppressed else None,
        caution=False,
    )


BASELINE = estimate(0.20, 0.17, 0.23)


@pytest.mark.parametrize(
    ("current", "due", "expected"),
    [
        (estimate(0.07, 0.05, 0.095), False, Verdict.REACHED),
        # The point is below the target but the interval crosses it: not reached.
        (estimate(0.09, 0.07, 0.12), False, Verdict.ON_TRACK),
        (estimate(0.09, 0.07, 0.12), True, Verdict.ON_TRACK),
        (estimate(0.18, 0.15, 0.21), False, Verdict.TOO_EARLY),
        (estimate(0.18, 0.15, 0.21), True, Verdict.NOT_ON_TRACK),
        (estimate(0.28, 0.25, 0.31), False, Verdict.NOT_ON_TRACK),
        (estimate(0.0, 0.0, 0.0, suppressed=True), True, Verdict.NOT_JUDGED),
    ],
)
def test_verdict_follows_the_interval(current: Estimate, due: bool, expected: Verdict) -> None:
    assert verdict(GOAL, current, BASELINE, measured_since=True, due=due) is expected


def test_no_measurement_since_the_goal_is_too_early_even_when_the_figure_looks_reached() -> None:
    current = estimate(0.05, 0.03, 0.07)
    assert verdict(GOAL, current, current, measured_since=False, due=True) is Verdict.TOO_EARLY


def test_a_goal_upwards_mirrors_the_rule() -> None:
    goal = GoalPlan("parents_know_where", "up", 0.80, ALL, "2022", None, 2026)
    start = estimate(0.60, 0.56, 0.64)
    reached = estimate(0.85, 0.81, 0.89)
    crossing = estimate(0.82, 0.78, 0.86)
    assert verdict(goal, reached, start, measured_since=True, due=True) is Verdict.REACHED
    assert verdict(goal, crossing, start, measured_since=True, due=True) is Verdict.ON_TRACK


def test_without_a_baseline_the_goal_is_too_early_until_due() -> None:
    current = estimate(0.18, 0.15, 0.21)
    assert verdict(GOAL, current, None, measured_since=True, due=False) is Verdict.TOO_EARLY
    assert verdict(GOAL, current, None, measured_since=True, due=True) is Verdict.NOT_ON_TRACK
