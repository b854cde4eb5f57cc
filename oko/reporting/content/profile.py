"""The pedagogical-basis profile: the NJi top-10 protective factors as the definition maps
them to indicators, weakest first, and who is missing out.

Nothing is judged here that the engine did not judge: a factor is *weak* when one of its
indicators is flagged worse than last wave, the rest of the region or the reference (the
engine's flags, significant after correction and large enough, so a verdict never contradicts
its interval), and a group is *missing out* when the engine flags it clearly below its
counterpart group (girls against boys, grade 2 against grade 4). A hidden group is shown by
its reason, never with a number.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from oko.indicators.definitions import Indicator
from oko.indicators.flagging import Flag
from oko.indicators.groups import Group
from oko.indicators.results import ComparisonKind
from oko.indicators.wave_comparisons import GROUP_PAIRS
from oko.reporting.content.model import (
    ComparisonLine,
    GroupCell,
    ProfileContent,
    ProfileFactor,
    ProfileMeasure,
)
from oko.reporting.content.words import Words
from oko.reporting.definition import FACTORS, Profile

#: At most this many sentences answer "which factors are weak?" and as many "for whom?":
#: the profile's key messages are read in a minute.
MAX_MESSAGES = 3
#: Which comparison names a weak factor first: here against elsewhere, then against before.
WEAK_PRIORITY = (
    ComparisonKind.REST_OF_PARENT,
    ComparisonKind.REFERENCE,
    ComparisonKind.PREVIOUS_WAVE,
)

CompareLine = Callable[[Indicator, ComparisonKind], ComparisonLine]


def build_profile(
    profile: Profile,
    words: Words,
    compare: CompareLine,
    group_label: Callable[[Group], str],
    shown_comparisons: tuple[ComparisonKind, ...],
) -> ProfileContent:
    """The profile content in the language of ``words``; ``compare`` words one comparison of
    an indicator exactly as the domain chapters do."""
    w = words
    data = w.data
    profile = profile.asked(w.indicators.ids)
    groups = data.groups(profile.breakdown)
    missing = _missing_out(words, profile, groups)

    def measure(ident: str) -> ProfileMeasure:
        indicator = w.indicators[ident]
        estimate = data.estimate(ident)
        published = not estimate.suppressed and math.isfinite(estimate.value)
        caution = published and estimate.caution
        return ProfileMeasure(
            indicator=indicator,
            label=indicator.label(w.t.language),
            estimate=estimate,
            value_cell=w.shown(estimate, indicator) + ("*" if caution else ""),
            interval=w.interval(estimate, indicator) if published else "",
            comparisons=tuple(compare(indicator, kind) for kind in shown_comparisons),
            groups=tuple(
                GroupCell(
                    group=group,
                    label=group_label(group),
                    estimate=data.estimate(ident, group),
                    shown=w.shown(data.estimate(ident, group), indicator),
                    missing_out=(ident, group) in missing,
                )
                for group in groups
            ),
        )

    factors = [
        ProfileFactor(
            id=factor.id,
            name=w(f"profile.factors.{factor.id}"),
            measures=tuple(measure(i) for i in factor.indicators),
            not_measured=w(f"profile.not_measured_{factor.not_measured}")
            if factor.not_measured
            else "",
        )
        for factor in profile.factors
    ]
    factors.sort(key=_weakest_first)
    return ProfileContent(
        title=w("profile.title"),
        question=w("profile.question"),
        intro=w("profile.intro", **w.area_values()),
        messages=(*_weak_sentences(w, factors), *_missing_sentences(w, factors, group_label)),
        factors=tuple(factors),
        factor_header=w("profile.factor"),
        groups_title=w("profile.groups_title"),
        group_labels=tuple(group_label(g) for g in groups),
        legend=w("profile.legend"),
    )


def _published_headline(factor: ProfileFactor) -> bool:
    """Whether the factor's first indicator, which speaks for it, has a published figure."""
    if not factor.measures:
        return False
    estimate = factor.measures[0].estimate
    return not estimate.suppressed and math.isfinite(estimate.value)


def _weakest_first(factor: ProfileFactor) -> tuple[int, float, int]:
    """The lowest share of strong protection first (its first indicator speaks for it);
    factors without a published figure after, those not measured last; ties in NJi order."""
    order = FACTORS.index(factor.id)
    if not factor.measures:
        return (2, 0.0, order)
    if not _published_headline(factor):
        return (1, 0.0, order)
    return (0, factor.measures[0].estimate.value, order)


def _missing_out(
    words: Words, profile: Profile, groups: tuple[Group, ...]
) -> set[tuple[str, Group]]:
    """(indicator, group) for every group the engine flags clearly below its counterpart.

    The engine stores a pair's comparison on the first group (girls, grade 2) with the
    difference first minus second; ``worse`` means the first group is the one missing out.
    It compares only pairs whose groups are both published.
    """
    shown = set(groups)
    found = set()
    for ident in profile.indicator_ids:
        for first, second in GROUP_PAIRS:
            if not {first, second} <= shown:
                continue
            comparison = words.data.comparison(ident, ComparisonKind.GROUP, first)
            if comparison is None or comparison.flag is None:
                continue
            found.add((ident, first if comparison.flag is Flag.WORSE else second))
    return found


def _named(factor: ProfileFactor, measure: ProfileMeasure) -> str:
    """The factor as a sentence names it; with its indicator when it has several."""
    if len(factor.measures) == 1:
        return factor.name
    return f"{factor.name} ({measure.label})"


def _weak_sentences(w: Words, factors: list[ProfileFactor]) -> list[str]:
    sentences = []
    for factor in factors:
        for measure in factor.measures:
            line = _weakest_line(measure)
            if line is None:
                continue
            now = w.value(measure.estimate.value, measure.indicator)
            if line.kind is ComparisonKind.PREVIOUS_WAVE:
                text = w(
                    "profile.weak_change",
                    factor=_named(factor, measure),
                    now=now,
                    then=line.other_value,
                    previous=line.other,
                )
            else:
                text = w(
                    "profile.weak_versus",
                    factor=_named(factor, measure),
                    now=now,
                    other=line.other_value,
                    reference=line.other,
                )
            sentences.append(text)
            break
        if len(sentences) == MAX_MESSAGES:
            break
    if sentences:
        return sentences
    weakest = next((f for f in factors if _published_headline(f)), None)
    if weakest is None:
        return [w("profile.none_measured")]
    measure = weakest.measures[0]
    return [
        w(
            "profile.none_weak",
            factor=_named(weakest, measure),
            value=w.value(measure.estimate.value, measure.indicator),
        )
    ]


def _weakest_line(measure: ProfileMeasure) -> ComparisonLine | None:
    lines = {c.kind: c for c in measure.comparisons if c.flag is Flag.WORSE}
    return next((lines[k] for k in WEAK_PRIORITY if k in lines), None)


def _missing_sentences(
    w: Words, factors: list[ProfileFactor], group_label: Callable[[Group], str]
) -> list[str]:
    if not any(_published_headline(f) for f in factors):
        return []  # nothing shown, so nothing to say about groups either
    partner = {a: b for pair in GROUP_PAIRS for a, b in (pair, pair[::-1])}
    sentences: list[str] = []
    for factor in factors:
        for measure in factor.measures:
            cells = {cell.group: cell for cell in measure.groups}
            for cell in measure.groups:
                if not cell.missing_out or len(sentences) == MAX_MESSAGES:
                    continue
                other = cells[partner[cell.group]]
                sentences.append(
                    w(
                        "profile.missing_out",
                        group=cell.label,
                        factor=_named(factor, measure),
                        value=cell.shown,
                        other=other.label,
                        other_value=other.shown,
                    )
                )
    return sentences or [w("profile.nobody_missing_out")]
