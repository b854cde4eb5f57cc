"""One wave's estimates: exclusions, weights, the design cube, intervals and suppression.

The first half of the engine (:mod:`oko.indicators.engine`): everything that depends on one
wave only. :mod:`oko.indicators.wave_comparisons` then compares waves and areas.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from oko.indicators.breakdowns import wave_breakdowns
from oko.indicators.config import EngineConfig, IntervalMethod
from oko.indicators.cube import DomainEstimates, WaveDesign
from oko.indicators.definitions import IndicatorSet
from oko.indicators.groups import LEVELS, Area, AreaLevel, GroupKind, result_key
from oko.indicators.intervals import clopper_pearson, korn_graubard_size, logit_t, mean_t, wilson
from oko.indicators.outcomes import outcome, scale_items
from oko.indicators.quality import ExclusionCounts, excluded_rows, exclusion_counts
from oko.indicators.reliability import Reliability, cronbach_alpha
from oko.indicators.results import EstimateTable
from oko.indicators.suppression import (
    Lines,
    audited,
    caution,
    primary_reasons,
    rest_of_parent_shown,
)
from oko.indicators.variance import design_effect
from oko.indicators.weighting import weights_and_groups

if TYPE_CHECKING:
    from oko.indicators.columns import ResponseColumns
    from oko.indicators.engine import WaveInput

#: How the interval of each estimate was computed, as stored in the result table.
INTERVAL_CODE = {method: code for code, method in enumerate(IntervalMethod)}


@dataclass(frozen=True)
class RestEstimates:
    """Usable "rest of parent" estimates, aligned with the estimate rows they serve."""

    row: np.ndarray
    parent_area: np.ndarray
    value: np.ndarray
    se: np.ndarray
    df: np.ndarray
    sigma2: np.ndarray
    n_effective: np.ndarray


@dataclass(frozen=True)
class WaveEstimates:
    """One wave's estimates with what comparisons need beyond the published table."""

    wave: WaveInput
    #: The responses estimated from (excluded ones left out), for same-wave differences.
    columns: ResponseColumns
    areas: tuple[Area, ...]
    design: WaveDesign
    table: EstimateTable
    variance: np.ndarray
    sigma2: np.ndarray
    design_effect: np.ndarray
    #: Korn–Graubard effective sample size behind each published proportion's interval.
    kg_size: np.ndarray
    proportion: np.ndarray
    rest: RestEstimates
    exclusions_total: ExclusionCounts
    exclusions: dict[Area, ExclusionCounts]
    reliability: dict[str, Reliability]

    @property
    def published(self) -> np.ndarray:
        return self.table.reason == 0

    @classmethod
    def compute(
        cls, wave: WaveInput, indicators: IndicatorSet, config: EngineConfig
    ) -> WaveEstimates:
        reasons = excluded_rows(wave.columns, config.exclude_flags)
        total, by_area = exclusion_counts(wave.columns, reasons)
        columns = wave.columns
        if total.excluded:
            keep = np.ones(columns.n, dtype=bool)
            for flagged in reasons.values():
                keep &= ~flagged
            columns = columns.subset(keep)
        if wave.population:
            weight, groups = weights_and_groups(columns, wave.population)
        else:
            weight, groups = np.asarray(columns.weight), None
        breakdowns = wave_breakdowns(
            columns, np.asarray(weight), config.gender_groups, indicators.breakdowns
        )
        design = WaveDesign(columns, weight, breakdowns, config.school_design)
        own_parts, rest_parts = [], []
        reliability = {}
        for indicator in indicators:
            y, valid = outcome(indicator, columns)
            own, rest_part = design.aggregate(y, valid, binary=indicator.is_proportion)
            if groups is not None:
                own, rest_part = _poststratified(design, (own, rest_part), y, valid, weight, groups)
            own_parts.append(own)
            rest_parts.append(rest_part)
            items = scale_items(indicator, columns)
            if items is not None:
                reliability[indicator.id] = cronbach_alpha(items)
        areas = tuple(
            Area(LEVELS[level], int(code))
            for level, code in zip(design.area_level, design.area_code, strict=True)
        )
        estimates = _Estimated.of(own_parts, indicators, design, config)
        lines = _lines(design, len(indicators))
        sensitive = np.repeat(
            [ind.sensitive and ind.is_proportion for ind in indicators], design.n_domains
        )
        scale = np.array(
            [(0.0, 1.0) if ind.is_proportion else ind.valid for ind in indicators], np.float64
        )
        reason = audited(
            estimates.reason,
            lines,
            n=estimates.n,
            size=estimates.w,
            value=estimates.value,
            lowest=np.repeat(scale[:, 0], design.n_domains),
            highest=np.repeat(scale[:, 1], design.n_domains),
            block=np.repeat(np.arange(len(indicators)), design.n_domains),
            minimum=config.min_denominator,
            counts=np.where(sensitive, estimates.k, np.nan),
            small_count=config.sensitive_small_count,
            protect_complementary=config.protect_complementary,
        )
        table, internals = estimates.publish(reason, indicators, design, config)
        rest = _rest(rest_parts, indicators, design, config, shown=reason == 0)
        return cls(
            wave=wave,
            columns=columns,
            areas=areas,
            design=design,
            table=table,
            variance=internals["variance"],
            sigma2=internals["sigma2"],
            design_effect=internals["design_effect"],
            kg_size=internals["kg_size"],
            proportion=estimates.proportion,
            rest=rest,
            exclusions_total=total,
            exclusions=by_area,
            reliability=reliability,
        )


@dataclass(frozen=True)
class _Estimated:
    """All indicators' domain estimates stacked, before complementary suppression."""

    value: np.ndarray
    variance: np.ndarray
    sigma2: np.ndarray
    df: np.ndarray
    n: np.ndarray
    k: np.ndarray
    w: np.ndarray
    proportion: np.ndarray
    kg_lower: np.ndarray
    kg_upper: np.ndarray
    kg_size: np.ndarray
    reason: np.ndarray

    @classmethod
    def of(
        cls,
        parts: list[DomainEstimates],
        indicators: IndicatorSet,
        design: WaveDesign,
        config: EngineConfig,
    ) -> _Estimated:
        stacked = _stack(parts)
        per = design.n_domains
        # A domain not estimated (a school's affluence group) has no data to publish.
        estimated = np.tile(design.estimated, len(indicators))
        for name in ("n", "k", "w"):
            stacked[name] = np.where(estimated, stacked[name], 0.0)
        proportion = np.repeat([ind.is_proportion for ind in indicators], per)
        sensitive = np.repeat([ind.sensitive for ind in indicators], per)
        area_level = np.repeat(design.area_level, design.n_groups)
        small_school = (area_level == LEVELS.index(AreaLevel.SCHOOL)) & (
            design.own.area_respondents < config.min_school_respondents
        )
        kg_lower, kg_upper, kg_size = _korn_graubard(stacked, proportion, config)
        reason = primary_reasons(
            n=stacked["n"],
            df=stacked["df"],
            k=stacked["k"],
            value=stacked["value"],
            kg_lower=kg_lower,
            kg_upper=kg_upper,
            proportion=proportion,
            sensitive=sensitive,
            school_too_small=np.tile(small_school, len(indicators)),
            config=config,
        )
        return cls(
            value=stacked["value"],
            variance=stacked["variance"],
            sigma2=stacked["sigma2"],
            df=stacked["df"],
            n=stacked["n"],
            k=stacked["k"],
            w=stacked["w"],
            proportion=proportion,
            kg_lower=kg_lower,
            kg_upper=kg_upper,
            kg_size=kg_size,
            reason=reason,
        )

    def publish(
        self,
        reason: np.ndarray,
        indicators: IndicatorSet,
        design: WaveDesign,
        config: EngineConfig,
    ) -> tuple[EstimateTable, dict[str, np.ndarray]]:
        """Intervals for display, caution flags, and NaN for everything suppressed."""
        shown = reason == 0
        se = np.sqrt(self.variance)
        deff = design_effect(self.variance, self.sigma2, self.n)
        with np.errstate(divide="ignore", invalid="ignore"):
            n_effective = np.where(self.n > 0, np.minimum(self.n / deff, self.n), 0.0)
        lower, upper = self.kg_lower.copy(), self.kg_upper.copy()
        interval = np.full(self.n.shape, INTERVAL_CODE[IntervalMethod.KORN_GRAUBARD], np.int8)
        proportion = self.proportion
        if config.interval is IntervalMethod.LOGIT:
            logit_lower, logit_upper = logit_t(self.value, se, self.df, config.confidence)
            use = proportion & ~np.isnan(logit_lower)
            lower, upper = np.where(use, logit_lower, lower), np.where(use, logit_upper, upper)
            interval[use] = INTERVAL_CODE[IntervalMethod.LOGIT]
        elif config.interval is IntervalMethod.WILSON:
            w_lower, w_upper = wilson(self.value * n_effective, n_effective, config.confidence)
            lower = np.where(proportion, w_lower, lower)
            upper = np.where(proportion, w_upper, upper)
            interval[proportion] = INTERVAL_CODE[IntervalMethod.WILSON]
        t_lower, t_upper = mean_t(self.value, se, self.df, config.confidence)
        lower, upper = np.where(proportion, lower, t_lower), np.where(proportion, upper, t_upper)
        # A transformed interval (logit, then back) can put a rounding error on the wrong side
        # of a value whose standard error is tiny: the interval always holds its estimate.
        lower, upper = np.fmin(lower, self.value), np.fmax(upper, self.value)
        interval[~proportion] = INTERVAL_CODE[IntervalMethod.T]
        interval[~shown] = -1
        cautious = caution(
            reason=reason,
            df=self.df,
            kg_lower=self.kg_lower,
            kg_upper=self.kg_upper,
            proportion=proportion,
            config=config,
        )

        def shown_only(values: np.ndarray) -> np.ndarray:
            return np.where(shown, values, np.nan)

        table = EstimateTable(
            key=_keys(design, len(indicators)),
            value=shown_only(self.value),
            lower=shown_only(lower),
            upper=shown_only(upper),
            se=shown_only(se),
            n=self.n.astype(np.int64),
            n_weighted=self.w,
            n_effective=shown_only(n_effective),
            df=self.df,
            interval=interval,
            reason=reason,
            caution=cautious,
        )
        return table, {
            "variance": shown_only(self.variance),
            "sigma2": shown_only(self.sigma2),
            "design_effect": shown_only(deff),
            "kg_size": shown_only(self.kg_size),
        }


def _poststratified(
    design: WaveDesign,
    estimates: tuple[DomainEstimates, DomainEstimates],
    y: np.ndarray,
    valid: np.ndarray,
    weight: np.ndarray,
    groups: np.ndarray,
) -> tuple[DomainEstimates, DomainEstimates]:
    """Variances of post-stratified estimates: linearised around the adjustment groups'
    means (:func:`~oko.indicators.weighting.weights_and_groups`), estimates unchanged.

    For a domain made of whole post-strata (a municipality, its girls, its grade 2) this is
    exact: the residuals from the post-stratum means are the linearised scores. A domain
    within post-strata (a school) gets the residuals centred at its own mean, an
    approximation that leaves out how the weights of its post-strata vary.
    """
    wd = np.where(valid, weight, 0.0)
    totals = np.bincount(groups, weights=wd)
    means = np.bincount(groups, weights=wd * np.where(valid, y, 0.0)) / np.where(
        totals > 0, totals, 1.0
    )
    residual = np.where(valid, y - means[groups], 0.0)
    adjusted = design.aggregate(residual, valid, binary=False)

    def replaced(estimate: DomainEstimates, other: DomainEstimates) -> DomainEstimates:
        variance = np.where(estimate.sigma2 > 0, other.variance, estimate.variance)
        return dataclasses.replace(estimate, variance=variance)

    return replaced(estimates[0], adjusted[0]), replaced(estimates[1], adjusted[1])


def _stack(parts: list[DomainEstimates]) -> dict[str, np.ndarray]:
    return {
        "value": np.concatenate([p.value for p in parts]),
        "variance": np.concatenate([p.variance for p in parts]),
        "sigma2": np.concatenate([p.sigma2 for p in parts]),
        "df": np.concatenate([p.df for p in parts]),
        "n": np.round(np.concatenate([p.sums.n for p in parts])),
        "k": np.round(np.concatenate([p.sums.k for p in parts])),
        "w": np.concatenate([p.sums.w for p in parts]),
        "respondents": np.concatenate([p.respondents for p in parts]),
    }


def _korn_graubard(
    stacked: dict[str, np.ndarray], proportion: np.ndarray, config: EngineConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Korn–Graubard limits and effective sizes where suppression needs them (proportions,
    enough answers); tests against a fixed value invert the same interval."""
    lower = np.full(proportion.shape, np.nan)
    upper = np.full(proportion.shape, np.nan)
    size = np.full(proportion.shape, np.nan)
    need = proportion & (stacked["n"] >= config.min_denominator)
    size[need] = korn_graubard_size(
        stacked["value"][need],
        stacked["variance"][need],
        stacked["n"][need],
        stacked["df"][need],
        config.confidence,
        stacked["respondents"][need],
    )
    lower[need], upper[need] = clopper_pearson(
        stacked["value"][need] * size[need], size[need], config.confidence
    )
    return lower, upper, size


def _keys(design: WaveDesign, n_indicators: int) -> np.ndarray:
    per = design.n_domains
    domain = np.tile(np.arange(per), n_indicators)
    area = domain // design.n_groups
    return result_key(
        np.repeat(np.arange(n_indicators), per),
        design.area_level[area],
        design.area_code[area],
        design.group_keys[domain % design.n_groups],
    )


def _lines(design: WaveDesign, n_indicators: int) -> Lines:
    """Totals and parts for complementary suppression, for every indicator."""
    groups = design.n_groups
    kinds = [group.kind for group in design.groups]
    area = np.arange(design.n_areas)
    entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (line, member, is_total)
    next_line = 0
    # Groups within an area: all = each breakdown's groups + its remainder (no code given).
    for kind in dict.fromkeys(kind for kind in kinds if kind is not GroupKind.ALL):
        slots = [index for index, k in enumerate(kinds) if k is kind]
        line = next_line + area
        entries.append((line, area * groups, np.ones(area.size, bool)))
        for slot in slots:
            entries.append((line, area * groups + slot, np.zeros(area.size, bool)))
        next_line += design.n_areas
    # Areas within their parent, per group: parent = sum of its children.
    parents = np.unique(design.area_parent[design.area_parent >= 0])
    line_of_parent = np.full(design.n_areas, -1)
    line_of_parent[parents] = np.arange(parents.size)
    children = np.flatnonzero(design.area_parent >= 0)
    for group in range(groups):
        line = next_line + np.arange(parents.size)
        entries.append((line, parents * groups + group, np.ones(parents.size, bool)))
        entries.append(
            (
                next_line + line_of_parent[design.area_parent[children]],
                children * groups + group,
                np.zeros(children.size, bool),
            )
        )
        next_line += parents.size
    line = np.concatenate([e[0] for e in entries])
    member = np.concatenate([e[1] for e in entries])
    total = np.concatenate([e[2] for e in entries])
    # Domains not estimated are in no line, nor is a total left without parts.
    keep = design.estimated[member]
    keep &= np.isin(line, line[keep & ~total])
    line, member, total = line[keep], member[keep], total[keep]
    offsets = np.arange(n_indicators)
    return Lines(
        line=(line[None, :] + offsets[:, None] * next_line).ravel(),
        member=(member[None, :] + offsets[:, None] * design.n_domains).ravel(),
        total=np.tile(total, n_indicators),
    )


def _rest(
    parts: list[DomainEstimates],
    indicators: IndicatorSet,
    design: WaveDesign,
    config: EngineConfig,
    shown: np.ndarray,
) -> RestEstimates:
    """ "Rest of parent" estimates that pass primary suppression themselves, for the published
    estimates they are compared with (where the parent is published too)."""
    n_indicators = len(indicators)
    offset = np.arange(n_indicators)[:, None] * design.n_domains
    row = (offset + design.rest_child).ravel()
    parent_row = (offset + design.rest_parent).ravel()
    wanted = rest_of_parent_shown(shown, row, parent_row, protect=config.protect_rest_of_parent)
    stacked = {name: values[wanted] for name, values in _stack(parts).items()}
    per = design.rest_child.size
    proportion = np.repeat([ind.is_proportion for ind in indicators], per)[wanted]
    sensitive = np.repeat([ind.sensitive for ind in indicators], per)[wanted]
    kg_lower, kg_upper, _ = _korn_graubard(stacked, proportion, config)
    reason = primary_reasons(
        n=stacked["n"],
        df=stacked["df"],
        k=stacked["k"],
        value=stacked["value"],
        kg_lower=kg_lower,
        kg_upper=kg_upper,
        proportion=proportion,
        sensitive=sensitive,
        school_too_small=np.zeros(proportion.shape, bool),
        config=config,
    )
    usable = reason == 0
    deff = design_effect(stacked["variance"], stacked["sigma2"], stacked["n"])
    with np.errstate(divide="ignore", invalid="ignore"):
        n_effective = np.minimum(stacked["n"] / deff, stacked["n"])
    parent_area = np.tile(design.area_parent[design.rest_child // design.n_groups], n_indicators)
    return RestEstimates(
        row=row[wanted][usable],
        parent_area=parent_area[wanted][usable],
        value=stacked["value"][usable],
        se=np.sqrt(stacked["variance"][usable]),
        df=stacked["df"][usable],
        sigma2=stacked["sigma2"][usable],
        n_effective=n_effective[usable],
    )
