"""The second half of the engine: a wave's estimates compared, adjusted and flagged.

Against the previous wave, the rest of the parent area, the indicator's fixed reference
value, (from three waves) a linear trend, and within an area girls against boys and grade 2
against grade 4. All comparisons of one area in one wave form one
Benjamini–Hochberg family (one report), then the flagging rule reads each indicator's
direction. Columns are collected kind by kind and sorted once, never built row by row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oko.indicators.comparisons import (
    against_value,
    against_value_exact,
    against_value_logit,
    against_value_wilson,
    cohens_d,
    difference_test,
    newcombe_test,
)
from oko.indicators.config import EngineConfig, IntervalMethod
from oko.indicators.definitions import IndicatorSet
from oko.indicators.equity import HAVO_VWO, HIGH, LOW, VMBO
from oko.indicators.estimation import INTERVAL_CODE, WaveEstimates
from oko.indicators.flagging import flag_codes
from oko.indicators.group_differences import AreaUnits, area_differences
from oko.indicators.groups import AreaLevel, Group, GroupKind
from oko.indicators.intervals import t_quantile
from oko.indicators.multiplicity import benjamini_hochberg_by_family
from oko.indicators.outcomes import outcome
from oko.indicators.results import (
    COMPARISON_KINDS,
    ComparisonKind,
    ComparisonTable,
    WaveResults,
)
from oko.indicators.trend import linear_trend

#: Groups of one area compared with each other in the same wave: (this group, against).
#: Less against more affluent families and vmbo against havo/vwo where the questionnaire
#: has those breakdowns: who is missing out.
GROUP_PAIRS = (
    (Group(GroupKind.GENDER, 2), Group(GroupKind.GENDER, 1)),
    (Group(GroupKind.GRADE, 2), Group(GroupKind.GRADE, 4)),
    (Group(GroupKind.AFFLUENCE, LOW), Group(GroupKind.AFFLUENCE, HIGH)),
    (Group(GroupKind.SCHOOL_LEVEL, VMBO), Group(GroupKind.SCHOOL_LEVEL, HAVO_VWO)),
)


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


def wave_results(
    computed: list[WaveEstimates], indicators: IndicatorSet, config: EngineConfig
) -> WaveResults:
    """Results of the last of ``computed`` (chronological), compared with the others."""
    current = computed[-1]
    collected = _Comparisons.empty()
    if len(computed) >= 2:
        _add_previous_wave(collected, current, computed[-2], config)
    _add_rest_of_parent(collected, current, config)
    _add_reference(collected, current, indicators, config)
    _add_group_differences(collected, current, indicators, config)
    if len(computed) >= config.min_trend_waves:
        _add_trend(collected, computed, config)
    return WaveResults(
        wave=current.wave.label,
        time=current.wave.time,
        previous_wave=computed[-2].wave.label if len(computed) >= 2 else None,
        indicators=indicators,
        config=config,
        areas=current.areas,
        groups=current.design.groups,
        exclusions_total=current.exclusions_total,
        exclusions=current.exclusions,
        reliability=current.reliability,
        table=current.table,
        comparison_table=_adjust_and_flag(collected, current, indicators, config),
    )


@dataclass(frozen=True)
class _Other:
    """The estimates compared with (aligned with the rows of the current wave)."""

    value: np.ndarray
    se: np.ndarray
    df: np.ndarray
    sigma2: np.ndarray
    n_effective: np.ndarray


def _add_difference(
    collected: _Comparisons,
    kind: ComparisonKind,
    current: WaveEstimates,
    row: np.ndarray,
    other: _Other,
    against: np.ndarray,
    against_area: np.ndarray,
    config: EngineConfig,
) -> None:
    """Two independent estimates: difference, test and interval (Newcombe for proportions,
    t(min df) for means)."""
    table = current.table
    test = difference_test(
        table.value[row],
        table.se[row],
        table.df[row],
        other.value,
        other.se,
        other.df,
        config.confidence,
    )
    size1 = _score_size(table.n_effective[row], table.df[row], config)
    size2 = _score_size(other.n_effective, other.df, config)
    score_lower, score_upper, score_p = newcombe_test(
        table.value[row] * size1, size1, other.value * size2, size2, config.confidence
    )
    proportion = current.proportion[row]
    lower = np.where(proportion, score_lower, test.lower)
    upper = np.where(proportion, score_upper, test.upper)
    collected.add(
        kind,
        estimate=row,
        against=against,
        against_area=against_area,
        other_value=other.value,
        difference=test.difference,
        lower=lower,
        upper=upper,
        se=test.se,
        df=test.df,
        p_value=np.where(proportion, score_p, test.p_value),
        effect_size=_effect(
            test.difference,
            current.proportion[row],
            np.sqrt(current.sigma2[row]),
            np.sqrt(other.sigma2),
        ),
    )


def _add_previous_wave(
    collected: _Comparisons,
    current: WaveEstimates,
    previous: WaveEstimates,
    config: EngineConfig,
) -> None:
    keys, before = current.table.key, previous.table
    if before.key.size == 0:
        return
    position = np.searchsorted(before.key, keys).clip(max=before.key.size - 1)
    same = before.key[position] == keys
    row = np.flatnonzero(current.published & same & previous.published[position])
    other = position[row]
    _add_difference(
        collected,
        ComparisonKind.PREVIOUS_WAVE,
        current,
        row,
        _Other(
            before.value[other],
            before.se[other],
            before.df[other],
            previous.sigma2[other],
            before.n_effective[other],
        ),
        np.full(row.size, collected.label(previous.wave.label)),
        np.full(row.size, -1),
        config,
    )


def _add_rest_of_parent(
    collected: _Comparisons, current: WaveEstimates, config: EngineConfig
) -> None:
    rest = current.rest
    use = current.published[rest.row]
    parent = rest.parent_area[use]
    labels = np.full(len(current.areas), -1)
    for index in np.unique(parent).tolist():
        area = current.areas[index]
        labels[index] = collected.label(f"rest of {area.level.value} {area.code}")
    _add_difference(
        collected,
        ComparisonKind.REST_OF_PARENT,
        current,
        rest.row[use],
        _Other(
            rest.value[use], rest.se[use], rest.df[use], rest.sigma2[use], rest.n_effective[use]
        ),
        labels[parent],
        parent,
        config,
    )


def _add_reference(
    collected: _Comparisons,
    current: WaveEstimates,
    indicators: IndicatorSet,
    config: EngineConfig,
) -> None:
    """Group "all" of every area against the indicator's fixed published value."""
    design, table = current.design, current.table
    all_group = np.arange(design.n_areas) * design.n_groups
    for index, indicator in enumerate(indicators):
        if indicator.reference is None:
            continue
        row = index * design.n_domains + all_group
        row = row[current.published[row]]
        reference = np.full(row.size, indicator.reference.value)
        test = against_value(
            table.value[row], table.se[row], table.df[row], reference, config.confidence
        )
        lower, upper, p_value = test.lower, test.upper, test.p_value
        if indicator.is_proportion:
            # The test that inverts the interval shown: the reference lies outside it exactly
            # when p < 1 - confidence.
            lower, upper = table.lower[row] - reference, table.upper[row] - reference
            p_value = _against_shown_interval(current, row, reference)
        sd = np.sqrt(current.sigma2[row])
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
            p_value=p_value,
            effect_size=_effect(test.difference, current.proportion[row], sd, sd),
        )


def _add_group_differences(
    collected: _Comparisons,
    current: WaveEstimates,
    indicators: IndicatorSet,
    config: EngineConfig,
) -> None:
    """Girls against boys and grade 2 against grade 4 in every area where both are published.

    The two groups sit in the same classes and schools, so their estimates are not
    independent: the difference's variance is ``V1 + V2 - 2 Cov`` from stacked domain scores
    (:func:`domain_difference`), with the interval and test of the t distribution it gives.
    """
    design, columns = current.design, current.columns
    pairs = [pair for pair in GROUP_PAIRS if set(pair) <= set(design.groups)]
    if not pairs:
        return
    codes = {breakdown.kind: breakdown.codes for breakdown in design.breakdowns}
    area_codes = {
        AreaLevel.REGION: columns.region,
        AreaLevel.MUNICIPALITY: columns.municipality,
        AreaLevel.SCHOOL: columns.psu,
    }
    units = AreaUnits.of(
        columns,
        [np.flatnonzero(area_codes[area.level] == area.code) for area in current.areas],
        design.school_design,
    )
    weight = np.asarray(design.weight, dtype=np.float64)[units.rows]
    members = [
        (
            design.groups.index(first),
            design.groups.index(second),
            collected.label(str(second)),
            (codes[first.kind] == first.code)[units.rows],
            (codes[second.kind] == second.code)[units.rows],
        )
        for first, second in pairs
    ]
    area_base = np.arange(len(current.areas)) * design.n_groups
    for number, indicator in enumerate(indicators):
        y, valid = outcome(indicator, columns)
        for offset1, offset2, label, one, other in members:
            row1 = number * design.n_domains + area_base + offset1
            row2 = number * design.n_domains + area_base + offset2
            both = current.published[row1] & current.published[row2]
            if not both.any():
                continue
            found = area_differences(units, y, valid, weight, one, other, config.confidence)
            row1, row2 = row1[both], row2[both]
            collected.add(
                ComparisonKind.GROUP,
                estimate=row1,
                against=np.full(row1.size, label),
                against_area=np.full(row1.size, -1),
                other_value=found.value2[both],
                difference=found.difference[both],
                lower=found.lower[both],
                upper=found.upper[both],
                se=found.se[both],
                df=found.df[both],
                p_value=found.p_value[both],
                effect_size=_effect(
                    found.difference[both],
                    current.proportion[row1],
                    np.sqrt(current.sigma2[row1]),
                    np.sqrt(current.sigma2[row2]),
                ),
            )


def _effect(
    difference: np.ndarray, proportion: np.ndarray, sd1: np.ndarray, sd2: np.ndarray
) -> np.ndarray:
    """Proportion points for proportions, Cohen's d for means and scales."""
    return np.where(proportion, difference, cohens_d(difference, sd1, sd2))


def _score_size(n_effective: np.ndarray, df: np.ndarray, config: EngineConfig) -> np.ndarray:
    """Effective size for score intervals of a design-based proportion: ``n / deff`` (``n``
    at 0% and 100%), shrunk by ``(z / t_df)²`` so few degrees of freedom widen the interval,
    as in Korn–Graubard."""
    z = t_quantile(np.inf, 1 - (1 - config.confidence) / 2)
    with np.errstate(invalid="ignore"):
        ratio = z / t_quantile(df, 1 - (1 - config.confidence) / 2)
    return n_effective * np.where(np.asarray(df) > 0, ratio * ratio, np.nan)


def _against_shown_interval(
    current: WaveEstimates, row: np.ndarray, reference: np.ndarray
) -> np.ndarray:
    """p-value of each proportion against a fixed value from the test that inverts the
    interval shown for it (Korn–Graubard, logit-t or Wilson)."""
    table = current.table
    interval = table.interval[row]
    value = table.value[row]
    exact = against_value_exact(value, current.kg_size[row], reference)
    logit = against_value_logit(value, table.se[row], table.df[row], reference)
    score = against_value_wilson(value, table.n_effective[row], reference)
    return np.select(
        [
            interval == INTERVAL_CODE[IntervalMethod.LOGIT],
            interval == INTERVAL_CODE[IntervalMethod.WILSON],
        ],
        [logit, score],
        exact,
    )


def _add_trend(
    collected: _Comparisons, computed: list[WaveEstimates], config: EngineConfig
) -> None:
    """Trend over every wave in which the estimate was published (at least the minimum)."""
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
    df = columns["df"].sum(axis=1)
    trend = linear_trend(
        columns["value"],
        columns["n"],
        columns["deff"],
        columns["s2"],
        columns["var"],
        times,
        df=df,
    )
    half = t_quantile(df, 1 - (1 - config.confidence) / 2) * trend.change_se
    # Label each trend with the waves it used; few distinct sets, so label those.
    sets, which = np.unique(used @ (1 << np.arange(len(computed))), return_inverse=True)
    labels = np.array(
        [
            collected.label(", ".join(w.wave.label for i, w in enumerate(computed) if s >> i & 1))
            for s in sets.tolist()
        ],
        dtype=np.int64,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        standardised = trend.change / np.sqrt(trend.sigma2)
    collected.add(
        ComparisonKind.TREND,
        estimate=row,
        against=labels[which],
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
    current: WaveEstimates,
    indicators: IndicatorSet,
    config: EngineConfig,
) -> ComparisonTable:
    """Sort by (estimate, kind), adjust per area (one report), decide the flags."""
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
    threshold = np.where(current.proportion, config.min_difference, config.min_cohens_d)[estimate]
    lower, upper = column("lower"), column("upper")
    with np.errstate(invalid="ignore"):
        # The interval shown must exclude "no difference" too, so a flag can never contradict
        # it (whatever the false discovery rate and the confidence level are set to).
        significant = (p_adjusted < config.false_discovery_rate) & ((lower > 0) | (upper < 0))
        meaningful = np.abs(effect) >= threshold
    return ComparisonTable(
        estimate=estimate,
        kind=kind,
        against=column("against", np.int64),
        against_labels=tuple(collected.labels),
        against_area=column("against_area", np.int64),
        other_value=column("other_value"),
        difference=difference,
        lower=lower,
        upper=upper,
        se=column("se"),
        df=column("df"),
        p_value=p_value,
        p_adjusted=p_adjusted,
        effect_size=effect,
        significant=significant,
        meaningful=meaningful,
        flag=flag_codes(
            difference,
            np.where(significant, p_adjusted, np.nan),
            effect,
            threshold,
            risk,
            config.false_discovery_rate,
        ),
    )
