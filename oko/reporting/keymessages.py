"""The key messages page: "what goes well" and "what needs attention", from the engine's flags.

Nothing is judged here: the engine flags a comparison only when it is significant after
correction and large enough, and says whether it is better or worse given the indicator's
direction. This module picks, per indicator, the one comparison a coalition cares most about
(change since last wave, then the trend, then the rest of the region, then a published
reference) and orders the lines by the size of the difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oko.indicators.flagging import Flag
from oko.indicators.groups import ALL
from oko.indicators.results import Comparison, ComparisonKind
from oko.reporting.data import ReportData

#: Which comparison speaks for an indicator when several are flagged the same way.
PRIORITY = (
    ComparisonKind.PREVIOUS_WAVE,
    ComparisonKind.TREND,
    ComparisonKind.REST_OF_PARENT,
    ComparisonKind.REFERENCE,
)


@dataclass(frozen=True)
class KeyMessages:
    good: tuple[Comparison, ...]
    attention: tuple[Comparison, ...]
    #: Lines left out because of the definition's ``max_items`` (good, attention).
    more: tuple[int, int]
    #: Indicators compared with the previous wave without a flag, and all compared.
    stable: int
    compared: int


def key_messages(data: ReportData, indicators: Sequence[str], max_items: int) -> KeyMessages:
    """The flagged comparisons of the report's area (everyone, not groups), one per indicator
    and flag, strongest first."""
    shown = set(indicators)
    best: dict[tuple[str, Flag], Comparison] = {}
    for comparison in data.current.flagged(data.area):
        if comparison.group != ALL or comparison.indicator not in shown:
            continue
        assert comparison.flag is not None
        key = (comparison.indicator, comparison.flag)
        if key not in best or _rank(comparison) < _rank(best[key]):
            best[key] = comparison
    order = {ident: index for index, ident in enumerate(indicators)}

    def strongest_first(c: Comparison) -> tuple[int, float, int]:
        return (PRIORITY.index(c.kind), -abs(c.effect_size), order[c.indicator])

    good = sorted((c for c in best.values() if c.flag is Flag.BETTER), key=strongest_first)
    attention = sorted((c for c in best.values() if c.flag is Flag.WORSE), key=strongest_first)
    compared = stable = 0
    for ident in indicators:
        change = data.comparison(ident, ComparisonKind.PREVIOUS_WAVE)
        if change is None:
            continue
        compared += 1
        stable += change.flag is None
    return KeyMessages(
        good=tuple(good[:max_items]),
        attention=tuple(attention[:max_items]),
        more=(max(len(good) - max_items, 0), max(len(attention) - max_items, 0)),
        stable=stable,
        compared=compared,
    )


def _rank(comparison: Comparison) -> tuple[int, float]:
    return (PRIORITY.index(comparison.kind), -abs(comparison.effect_size))
