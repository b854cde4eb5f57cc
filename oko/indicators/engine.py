"""The entry points: responses of one or more waves in, :class:`WaveResults` out.

For each wave: exclude flagged responses (counted), weight to pupil counts when given, then
for every indicator estimate every area (regions, municipalities, schools) x group (all, each
reported gender, each grade) with a Taylor-linearised SE; intervals and suppression follow.
Each wave is then compared with the previous wave, with the rest of its parent area, with the
indicator's fixed reference value, and (from three waves) tested for a linear trend; the
p-values of one area's comparisons are adjusted together (Benjamini–Hochberg) and flagged.

Everything is vectorised over domains (see :mod:`oko.indicators.cube`); Python loops run over
indicators and areas only, never over responses or groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from oko.indicators.columns import ResponseColumns
from oko.indicators.comparisons import (
    DifferenceTest,
    against_value,
    cohens_d,
    difference_test,
    newcombe_interval,
)
from oko.indicators.config import EngineConfig, IntervalMethod, SchoolDesign
from oko.indicators.cube import DomainEstimates, WaveDesign
from oko.indicators.definitions import IndicatorSet
from oko.indicators.flagging import flag_codes
from oko.indicators.groups import LEVELS, Area, AreaLevel, result_key
from oko.indicators.intervals import korn_graubard, logit_t, mean_t, t_quantile, wilson
from oko.indicators.multiplicity import benjamini_hochberg_by_family
from oko.indicators.outcomes import outcome, scale_items
from oko.indicators.quality import ExclusionCounts, excluded_rows, exclusion_counts
from oko.indicators.reliability import Reliability, cronbach_alpha
from oko.indicators.results import (
    COMPARISON_KINDS,
    ComparisonKind,
    ComparisonTable,
    EstimateTable,
    WaveResults,
)
from oko.indicators.suppression import Lines, caution, complementary, primary_reasons
from oko.indicators.trend import linear_trend
from oko.indicators.variance import design_effect
from oko.indicators.weighting import PopulationCounts, population_weights

_INTERVAL_CODE = {method: code for code, method in enumerate(IntervalMethod)}


@dataclass(frozen=True)
class WaveInput:
    """One wave's responses. ``time`` orders waves and scores the trend (e.g. the year)."""

    label: str
    time: float
    columns: ResponseColumns
    #: Pupils per (municipality, gender, grade) for post-stratification; None: weights as
    #: given in the columns (1 by default).
    population: PopulationCounts | None = None


def compute_waves(
    waves: Sequence[WaveInput], indicators: IndicatorSet, config: EngineConfig | None = None
) -> tuple[WaveResults, ...]:
    """Results for every wave, each compared with the waves before it (in ``time`` order)."""
    config = config or EngineConfig()
    ordered = _chronological(waves)
    computed = [_WaveEstimates.compute(wave, indicators, config) for wave in ordered]
    return tuple(_results(computed[: i + 1], indicators, config) for i in range(len(computed)))


def compute_wave(
    current: WaveInput,
    previous: Sequence[WaveInput],
    indicators: IndicatorSet,
    config: EngineConfig | None = None,
) -> WaveResults:
    """Results for ``current``, compared with the earlier waves in ``previous``."""
    config = config or EngineConfig()
    ordered = _chronological([*previous, current])
    if ordered[-1] is not current:
        raise ValueError(f"wave {current.label!r} is not later than every previous wave")
    computed = [_WaveEstimates.compute(wave, indicators, config) for wave in ordered]
    return _results(computed, indicators, config)


def _chronological(waves: Sequence[WaveInput]) -> list[WaveInput]:
    ordered = sorted(waves, key=lambda wave: wave.time)
    labels = [wave.label for wave in ordered]
    if len(set(labels)) != len(labels):
        raise ValueError(f"wave labels must be unique, got {labels}")
    times = [wave.time for wave in ordered]
    if len(set(times)) != len(times):
        raise ValueError(f"wave times must differ, got {times}")
    return ordered


@dataclass(frozen=True)
class _Rest:
    """Usable "rest of parent" estimates, aligned with the estimate rows they serve."""

    row: np.ndarray
    parent_area: np.ndarray
    value: np.ndarray
    se: np.ndarray
    df: np.ndarray
    sigma2: np.ndarray
    n_effective: np.ndarray


@dataclass(frozen=True)
class _WaveEstimates:
    """One wave's estimates with what comparisons need beyond the published table."""

    wave: WaveInput
    areas: tuple[Area, ...]
    design: WaveDesign
    table: EstimateTable
    variance: np.ndarray
    sigma2: np.ndarray
    design_effect: np.ndarray
    proportion: np.ndarray
    rest: _Rest
    exclusions_total: ExclusionCounts
    exclusions: dict[Area, ExclusionCounts]
    reliability: dict[str, Reliability]

    @property
    def published(self) -> np.ndarray:
        return self.table.reason == 0

    @classmethod
    def compute(
        cls, wave: WaveInput, indicators: IndicatorSet, config: EngineConfig
    ) -> _WaveEstimates:
        reasons = excluded_rows(wave.columns, config.exclude_flags)
        total, by_area = exclusion_counts(wave.columns, reasons)
        columns = wave.columns
        if total.excluded:
            keep = np.ones(columns.n, dtype=bool)
            for flagged in reasons.values():
                keep &= ~flagged
            columns = columns.subset(keep)
        weight = (
            population_weights(columns, wave.population)
            if wave.population
            else np.asarray(columns.weight)
        )
        census = config.school_design is SchoolDesign.CENSUS
        design = WaveDesign(columns, weight, config.gender_groups, census)
        own_parts, rest_parts = [], []
        reliability = {}
        for indicator in indicators:
            y, valid = outcome(indicator, columns)
            own, rest = design.aggregate(y, valid, binary=indicator.is_proportion)
            own_parts.append(own)
            rest_parts.append(rest)
            items = scale_items(indicator, columns)
            if items is not None:
                reliability[indicator.id] = cronbach_alpha(items)
        areas = tuple(
            Area(LEVELS[level], int(code))
            for level, code in zip(design.area_level, design.area_code, strict=True)
        )
        estimates = _Estimated.of(own_parts, indicators, design, config)
        lines = _lines(design, len(indicators))
        reason = complementary(estimates.reason, estimates.n, lines, config.min_denominator)
        table, internals = estimates.publish(reason, indicators, design, config)
        rest = _rest(rest_parts, indicators, design, config, shown=reason == 0)
        return cls(
            wave=wave,
            areas=areas,
            design=design,
            table=table,
            variance=internals["variance"],
            sigma2=internals["sigma2"],
            design_effect=internals["design_effect"],
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
        proportion = np.repeat([ind.is_proportion for ind in indicators], per)
        sensitive = np.repeat([ind.sensitive for ind in indicators], per)
        area_level = np.repeat(design.area_level, design.n_groups)
        small_school = (area_level == LEVELS.index(AreaLevel.SCHOOL)) & (
            design.own.area_respondents < config.min_school_respondents
        )
        kg_lower, kg_upper = _korn_graubard(stacked, proportion, config)
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
        interval = np.full(self.n.shape, _INTERVAL_CODE[IntervalMethod.KORN_GRAUBARD], np.int8)
        proportion = self.proportion
        if config.interval is IntervalMethod.LOGIT:
            logit_lower, logit_upper = logit_t(self.value, se, self.df, config.confidence)
            use = proportion & ~np.isnan(logit_lower)
            lower, upper = np.where(use, logit_lower, lower), np.where(use, logit_upper, upper)
            interval[use] = _INTERVAL_CODE[IntervalMethod.LOGIT]
        elif config.interval is IntervalMethod.WILSON:
            w_lower, w_upper = wilson(self.value * n_effective, n_effective, config.confidence)
            lower = np.where(proportion, w_lower, lower)
            upper = np.where(proportion, w_upper, upper)
            interval[proportion] = _INTERVAL_CODE[IntervalMethod.WILSON]
        t_lower, t_upper = mean_t(self.value, se, self.df, config.confidence)
        lower, upper = np.where(proportion, lower, t_lower), np.where(proportion, upper, t_upper)
        interval[~proportion] = _INTERVAL_CODE[IntervalMethod.T]
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
        }


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
) -> tuple[np.ndarray, np.ndarray]:
    """Korn–Graubard limits where suppression needs them (proportions, enough answers)."""
    lower = np.full(proportion.shape, np.nan)
    upper = np.full(proportion.shape, np.nan)
    need = proportion & (stacked["n"] >= config.min_denominator)
    lower[need], upper[need] = korn_graubard(
        stacked["value"][need],
        stacked["variance"][need],
        stacked["n"][need],
        stacked["df"][need],
        config.confidence,
        stacked["respondents"][need],
    )
    return lower, upper


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
    # Groups within an area: all = reported genders + remainder; all = grades + remainder.
    for kind in ("gender", "grade"):
        slots = [index for index, k in enumerate(kinds) if k.value == kind]
        if not slots:
            continue
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
) -> _Rest:
    """ "Rest of parent" estimates that pass primary suppression themselves, for the published
    estimates they are compared with."""
    n_indicators = len(indicators)
    row = (np.arange(n_indicators)[:, None] * design.n_domains + design.rest_child).ravel()
    wanted = shown[row]
    stacked = {name: values[wanted] for name, values in _stack(parts).items()}
    per = design.rest_child.size
    proportion = np.repeat([ind.is_proportion for ind in indicators], per)[wanted]
    sensitive = np.repeat([ind.sensitive for ind in indicators], per)[wanted]
    kg_lower, kg_upper = _korn_graubard(stacked, proportion, config)
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
    return _Rest(
        row=row[wanted][usable],
        parent_area=parent_area[wanted][usable],
        value=stacked["value"][usable],
        se=np.sqrt(stacked["variance"][usable]),
        df=stacked["df"][usable],
        sigma2=stacked["sigma2"][usable],
        n_effective=n_effective[usable],
    )


# -- comparisons ------------------------------------------------------------------------------


@dataclass
class _Comparisons:
    """Comparison columns collected kind by kind, then adjusted and flagged together."""

    columns: dict[str, list[np.ndarray]]
    labels: dict[str, int]

    @classmethod
    def empty(cls) -> _Comparisons:
        names = (
            "estimate kind against against_area other_value difference lower upper se df "
            "p_value effect_size"
        )
        return cls({name: [] for name in names.split()}, {})

    def label(self, text: str) -> int:
        return self.labels.setdefault(text, len(self.labels))

    def add(self, kind: ComparisonKind, **values: np.ndarray) -> None:
        size = values["estimate"].size
        self.columns["kind"].append(np.full(size, COMPARISON_KINDS.index(kind), np.int8))
        for name, array in values.items():
            self.columns[name].append(np.broadcast_to(np.asarray(array), (size,)))

    def stacked(self, name: str, dtype: type) -> np.ndarray:
        parts = self.columns[name]
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)


def _results(
    computed: list[_WaveEstimates], indicators: IndicatorSet, config: EngineConfig
) -> WaveResults:
    current = computed[-1]
    design = current.design
    collected = _Comparisons.empty()
    effect_threshold = np.where(current.proportion, config.min_difference, config.min_cohens_d)
    table = current.table
    shown = current.published
    sd = np.sqrt(current.sigma2)

    if len(computed) >= 2:
        previous = computed[-2]
        position = np.searchsorted(previous.table.key, table.key).clip(
            max=max(previous.table.key.size - 1, 0)
        )
        matched = previous.table.key.size > 0
        if matched:
            same = previous.table.key[position] == table.key
            row = np.flatnonzero(shown & same & previous.published[position])
            other = position[row]
            test = difference_test(
                table.value[row],
                table.se[row],
                table.df[row],
                previous.table.value[other],
                previous.table.se[other],
                previous.table.df[other],
                config.confidence,
            )
            lower, upper = _difference_interval(
                test,
                current,
                row,
                previous.table.value[other],
                previous.table.n_effective[other],
                config,
            )
            collected.add(
                ComparisonKind.PREVIOUS_WAVE,
                estimate=row,
                against=np.full(row.size, collected.label(previous.wave.label)),
                against_area=np.full(row.size, -1),
                other_value=previous.table.value[other],
                difference=test.difference,
                lower=lower,
                upper=upper,
                se=test.se,
                df=test.df,
                p_value=test.p_value,
                effect_size=_effect(
                    test.difference,
                    current.proportion[row],
                    sd[row],
                    np.sqrt(previous.sigma2[other]),
                ),
            )

    rest = current.rest
    use = shown[rest.row]
    row = rest.row[use]
    if row.size:
        test = difference_test(
            table.value[row],
            table.se[row],
            table.df[row],
            rest.value[use],
            rest.se[use],
            rest.df[use],
            config.confidence,
        )
        lower, upper = _difference_interval(
            test, current, row, rest.value[use], rest.n_effective[use], config
        )
        parent = rest.parent_area[use]
        labels = np.full(len(current.areas), -1)
        for index in np.unique(parent).tolist():
            area = current.areas[index]
            labels[index] = collected.label(f"rest of {area.level.value} {area.code}")
        collected.add(
            ComparisonKind.REST_OF_PARENT,
            estimate=row,
            against=labels[parent],
            against_area=parent,
            other_value=rest.value[use],
            difference=test.difference,
            lower=lower,
            upper=upper,
            se=test.se,
            df=test.df,
            p_value=test.p_value,
            effect_size=_effect(
                test.difference, current.proportion[row], sd[row], np.sqrt(rest.sigma2[use])
            ),
        )

    per = design.n_domains
    all_group = np.arange(design.n_areas) * design.n_groups
    for index, indicator in enumerate(indicators):
        if indicator.reference is None:
            continue
        row = index * per + all_group
        row = row[shown[row]]
        reference = np.full(row.size, indicator.reference.value)
        test = against_value(
            table.value[row], table.se[row], table.df[row], reference, config.confidence
        )
        lower, upper = test.lower, test.upper
        if indicator.is_proportion and config.interval is IntervalMethod.WILSON:
            lower, upper = table.lower[row] - reference, table.upper[row] - reference
        collected.add(
            ComparisonKind.REFERENCE,
            estimate=row,
            against=np.full(row.size, collected.label(indicator.reference.source)),
            against_area=np.full(row.size, -1),
            other_value=reference,
            difference=test.difference,
            lower=lower,
            upper=upper,
            se=test.se,
            df=test.df,
            p_value=test.p_value,
            effect_size=_effect(test.difference, current.proportion[row], sd[row], sd[row]),
        )

    if len(computed) >= config.min_trend_waves:
        _add_trend(collected, computed, config)

    comparisons = _adjust_and_flag(collected, current, indicators, effect_threshold, config)
    return WaveResults(
        wave=current.wave.label,
        time=current.wave.time,
        previous_wave=computed[-2].wave.label if len(computed) >= 2 else None,
        indicators=indicators,
        config=config,
        areas=current.areas,
        groups=design.groups,
        exclusions_total=current.exclusions_total,
        exclusions=current.exclusions,
        reliability=current.reliability,
        table=table,
        comparison_table=comparisons,
    )


def _effect(
    difference: np.ndarray, proportion: np.ndarray, sd1: np.ndarray, sd2: np.ndarray
) -> np.ndarray:
    """Proportion points for proportions, Cohen's d for means and scales."""
    return np.where(proportion, difference, cohens_d(difference, sd1, sd2))


def _difference_interval(
    test: DifferenceTest,
    current: _WaveEstimates,
    row: np.ndarray,
    other_value: np.ndarray,
    other_n_effective: np.ndarray,
    config: EngineConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Wald-t limits; Newcombe's score interval on effective counts when Wilson is chosen."""
    if config.interval is not IntervalMethod.WILSON:
        return test.lower, test.upper
    n1 = current.table.n_effective[row]
    lower, upper = newcombe_interval(
        current.table.value[row] * n1,
        n1,
        other_value * other_n_effective,
        other_n_effective,
        config.confidence,
    )
    proportion = current.proportion[row]
    return np.where(proportion, lower, test.lower), np.where(proportion, upper, test.upper)


def _add_trend(
    collected: _Comparisons, computed: list[_WaveEstimates], config: EngineConfig
) -> None:
    current = computed[-1]
    keys = current.table.key
    row = np.flatnonzero(current.published)
    names = ("n", "value", "deff", "s2", "var", "df")
    columns = {name: np.zeros((row.size, len(computed))) for name in names}
    for index, wave in enumerate(computed):
        if wave.table.key.size == 0:
            continue
        position = np.searchsorted(wave.table.key, keys[row]).clip(max=wave.table.key.size - 1)
        ok = (wave.table.key[position] == keys[row]) & wave.published[position]
        pick = position[ok]
        columns["n"][ok, index] = wave.table.n[pick]
        columns["value"][ok, index] = wave.table.value[pick]
        columns["deff"][ok, index] = wave.design_effect[pick]
        columns["s2"][ok, index] = wave.sigma2[pick]
        columns["var"][ok, index] = wave.variance[pick]
        columns["df"][ok, index] = wave.table.df[pick]
    used = columns["n"] > 0
    enough = used.sum(axis=1) >= config.min_trend_waves
    row = row[enough]
    for name in columns:
        columns[name] = columns[name][enough]
    used = used[enough]
    times = np.array([wave.wave.time for wave in computed])
    trend = linear_trend(
        columns["value"],
        columns["n"],
        columns["deff"],
        columns["s2"],
        columns["var"],
        times,
        df=columns["df"].sum(axis=1),
    )
    df = columns["df"].sum(axis=1)
    half = t_quantile(df, 1 - (1 - config.confidence) / 2) * trend.change_se
    mask = used @ (1 << np.arange(len(computed)))
    labels = {
        int(m): collected.label(
            ", ".join(w.wave.label for i, w in enumerate(computed) if int(m) >> i & 1)
        )
        for m in np.unique(mask)
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        standardised = trend.change / np.sqrt(trend.sigma2)
    collected.add(
        ComparisonKind.TREND,
        estimate=row,
        against=np.array([labels[int(m)] for m in mask], dtype=np.int64),
        against_area=np.full(row.size, -1),
        other_value=np.full(row.size, np.nan),
        difference=trend.change,
        lower=trend.change - half,
        upper=trend.change + half,
        se=trend.change_se,
        df=df,
        p_value=trend.p_value,
        effect_size=np.where(current.proportion[row], trend.change, standardised),
    )


def _adjust_and_flag(
    collected: _Comparisons,
    current: _WaveEstimates,
    indicators: IndicatorSet,
    effect_threshold: np.ndarray,
    config: EngineConfig,
) -> ComparisonTable:
    estimate = collected.stacked("estimate", np.int64)
    kind = collected.stacked("kind", np.int8)
    order = np.lexsort((kind, estimate))
    estimate, kind = estimate[order], kind[order]

    def column(name: str, dtype: type = np.float64) -> np.ndarray:
        return collected.stacked(name, dtype)[order]

    p_value = column("p_value")
    design = current.design
    area = (estimate % design.n_domains) // design.n_groups
    p_adjusted = benjamini_hochberg_by_family(p_value, area)
    difference = column("difference")
    effect = column("effect_size")
    risk = np.repeat([ind.direction.value == "risk" for ind in indicators], design.n_domains)[
        estimate
    ]
    threshold = effect_threshold[estimate]
    with np.errstate(invalid="ignore"):
        significant = p_adjusted < config.false_discovery_rate
        meaningful = np.abs(effect) >= threshold
    return ComparisonTable(
        estimate=estimate,
        kind=kind,
        against=column("against", np.int64),
        against_labels=tuple(collected.labels),
        against_area=column("against_area", np.int64),
        other_value=column("other_value"),
        difference=difference,
        lower=column("lower"),
        upper=column("upper"),
        se=column("se"),
        df=column("df"),
        p_value=p_value,
        p_adjusted=p_adjusted,
        effect_size=effect,
        significant=significant,
        meaningful=meaningful,
        flag=flag_codes(
            difference, p_adjusted, effect, threshold, risk, config.false_discovery_rate
        ),
    )
