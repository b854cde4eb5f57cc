"""Every threshold of the indicator engine, in one frozen place.

Defaults follow the practice the reports are judged against: NCHS presentation standards for
proportions (Korn–Graubard interval, minimum denominator 30, width 30 points / relative width
130%, caution below 8 degrees of freedom), CDC disclosure practice (count or complement 1–4 on
sensitive items), ESPAD's 3-point "no real difference" rule and Planet Youth's minimum of
20 respondents before a school gets results at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum


class IntervalMethod(StrEnum):
    """How the 95% interval of a proportion is computed.

    ``korn_graubard`` (NCHS) is the default and is also what suppression is judged on,
    whatever is displayed. ``logit`` is the SUDAAN/YRBS interval (undefined at 0% and 100%,
    where Korn–Graubard is used instead). ``wilson`` uses the design-effect-adjusted
    effective sample size and equals the textbook Wilson interval for unweighted,
    unclustered data. ``t`` (value ± t(df) SE) is what means and scale scores always get; it
    cannot be chosen for proportions.
    """

    KORN_GRAUBARD = "korn_graubard"
    LOGIT = "logit"
    WILSON = "wilson"
    T = "t"


class SchoolDesign(StrEnum):
    """How the students of an area came to be in the survey; decides the standard errors.

    ``classes`` (default; HBSC and ESPAD practice): every school of the area took part, so
    schools are strata, and students answered in whole classes, which are the primary sampling
    units (same teacher, same friends: their answers are correlated). df = classes - schools.
    Responses without a class session (imported ones) form a stratum of their own per school
    in which each student is a sampling unit, as in ``census``: nothing says which of them sat
    together, and a whole school as one cluster would throw its classes' information away.
    ``census``: schools are strata and students independent sampling units; df = respondents
    - schools. It ignores the clustering of classes and so understates the standard errors.
    ``sampled`` (YRBS): schools are a with-replacement sample of PSUs; between-school variation
    is sampling error and df = schools - strata. An area with few schools then has few degrees
    of freedom: with 2 schools (df 1) nearly every estimate fails the Korn–Graubard width rule.
    """

    CLASSES = "classes"
    CENSUS = "census"
    SAMPLED = "sampled"


@dataclass(frozen=True)
class EngineConfig:
    """Thresholds for intervals, suppression, comparisons and data-quality exclusion."""

    confidence: float = 0.95
    interval: IntervalMethod = IntervalMethod.KORN_GRAUBARD
    school_design: SchoolDesign = SchoolDesign.CLASSES

    #: Smallest unweighted denominator for which an estimate is published.
    min_denominator: int = 30
    #: A school with fewer respondents (after exclusions) gets no results at all.
    min_school_respondents: int = 20
    #: Korn–Graubard interval at least this wide (proportion points): not published.
    max_interval_width: float = 0.30
    #: Relative width (width / the smaller of p and 1 - p) above this: not published ...
    max_relative_width: float = 1.30
    #: ... unless the interval is at most this wide (NCHS: always fine), so 0% with a large
    #: denominator is published.
    relative_width_exempt_below: float = 0.05
    #: Wider than this (proportion points), or fewer degrees of freedom: "interpret with care".
    caution_interval_width: float = 0.20
    caution_min_df: int = 8
    #: Sensitive items: no value when the count of "yes" or of "no" is 1..this.
    sensitive_small_count: int = 4

    #: A difference is worth flagging from this many proportion points (ESPAD: 3) ...
    min_difference: float = 0.03
    #: ... or, for means and scales, from this absolute Cohen's d.
    min_cohens_d: float = 0.2
    #: False discovery rate for Benjamini–Hochberg over the comparisons of one report.
    false_discovery_rate: float = 0.05
    #: A trend needs at least this many waves with a published estimate.
    min_trend_waves: int = 3

    #: Data-quality flags that exclude a response (counted per reason); the names of
    #: :data:`oko.questionnaire.quality.FLAGS`.
    exclude_flags: tuple[str, ...] = (
        "fictitious_drug",
        "inconsistent",
        "too_fast",
        "straightlining",
        "too_many_missing",
    )
    #: Gender codes reported as groups. "Other / prefer not to say" (3) is left out on
    #: purpose: it is small nearly everywhere, so reporting it would force complementary
    #: suppression of boys or girls in almost every school; those students stay in "all".
    gender_groups: tuple[int, ...] = (1, 2)
    #: Publish "the rest of the parent area" only where the parent's value is published
    #: (see :func:`oko.indicators.suppression.rest_of_parent_shown`). Switching it off
    #: reopens a known leak; it exists so the disclosure audit can be shown to catch it.
    protect_rest_of_parent: bool = True
    #: Give values hidden as complements a protection interval of their own and hide more
    #: until they reach it (see :func:`oko.indicators.suppression.protection`). Switching it
    #: off lets a complement be pinned down; it exists so the disclosure audit can be shown
    #: to catch that.
    protect_complementary: bool = True

    def without_suppression(self) -> EngineConfig:
        """The same estimates with nothing hidden but empty groups: the true values that the
        disclosure audit centres protection intervals on. Never for anything published."""
        return replace(
            self,
            min_denominator=1,
            min_school_respondents=1,
            sensitive_small_count=0,
            max_interval_width=math.inf,
            max_relative_width=math.inf,
        )

    def __post_init__(self) -> None:
        if not 0 < self.confidence < 1:
            raise ValueError("confidence must lie strictly between 0 and 1")
        if not 0 < self.false_discovery_rate < 1:
            raise ValueError("false_discovery_rate must lie strictly between 0 and 1")
        if self.min_denominator < 1 or self.min_school_respondents < 1:
            raise ValueError("minimum sizes must be at least 1")
        if self.min_trend_waves < 3:
            raise ValueError("a linear trend needs at least 3 waves")
        object.__setattr__(self, "interval", IntervalMethod(self.interval))
        object.__setattr__(self, "school_design", SchoolDesign(self.school_design))
        if self.interval is IntervalMethod.T:
            raise ValueError("the t interval is for means; choose an interval for proportions")
