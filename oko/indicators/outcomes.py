"""Per response: the value an indicator averages, and whether the response counts.

Proportion: 1 for a "yes" code, 0 for another valid code; a student routed past the item
counts as 0 when the indicator says ``not_asked: "no"`` (never drank -> not drunk in the last
30 days), otherwise as missing. "Shown but not answered" is always missing. Mean: the code
itself. Scale: the scale score. A proportion over several items: a scale score of at least the
cut (e.g. "strong protection"), or any item with a "yes" code (e.g. "any organised leisure").
An item absent from the columns (not in this questionnaire version) makes the indicator missing
for everyone, never 0%.
"""

from __future__ import annotations

import numpy as np

from oko.indicators.columns import NOT_ASKED, ResponseColumns
from oko.indicators.definitions import Indicator, Kind, NotAsked
from oko.indicators.scales import item_scores, scale_scores


def outcome(indicator: Indicator, columns: ResponseColumns) -> tuple[np.ndarray, np.ndarray]:
    """``(y, valid)``: float values (0 where not valid) and a boolean mask."""
    if any(item not in columns.answers for item in indicator.items):
        return np.zeros(columns.n), np.zeros(columns.n, dtype=bool)
    low, high = indicator.valid
    if indicator.kind is Kind.SCALE:
        scale_items = [columns.answers[item] for item in indicator.items]
        reverse = [item in indicator.reverse for item in indicator.items]
        return scale_scores(scale_items, reverse, indicator.valid, indicator.min_answered)
    if len(indicator.items) > 1:
        return _multi_item_proportion(indicator, columns)
    codes = columns.answers[indicator.items[0]]
    if indicator.kind is Kind.MEAN:
        valid = (codes >= low) & (codes <= high)
        return np.where(valid, codes, 0).astype(np.float64), valid
    # Proportion: lookup tables over the code range (faster than isin on large columns),
    # with one extra slot at the end for every code above the valid range.
    size = high + 2 - NOT_ASKED
    yes = np.zeros(size)
    yes[[c - NOT_ASKED for c in indicator.yes_codes]] = 1.0
    counts = np.zeros(size, dtype=bool)
    counts[low - NOT_ASKED : high + 1 - NOT_ASKED] = True
    counts[0] = indicator.not_asked is NotAsked.NO
    index = np.minimum(codes.astype(np.intp) - NOT_ASKED, size - 1)
    return yes[index], counts[index]


def _multi_item_proportion(
    indicator: Indicator, columns: ResponseColumns
) -> tuple[np.ndarray, np.ndarray]:
    """A proportion over several items: scale score at least ``cut``, or any "yes" code.

    Either way a student counts only with ``min_answered`` of the items answered, like a scale.
    """
    codes = [columns.answers[item] for item in indicator.items]
    if indicator.cut is not None:
        reverse = [item in indicator.reverse for item in indicator.items]
        score, has_score = scale_scores(codes, reverse, indicator.valid, indicator.min_answered)
        return ((score >= indicator.cut - 1e-9) & has_score).astype(np.float64), has_score
    low, high = indicator.valid
    answered = np.zeros(columns.n, dtype=np.int16)
    yes = np.zeros(columns.n, dtype=bool)
    wanted = np.asarray(sorted(indicator.yes_codes), dtype=np.int16)
    for column in codes:
        answered += (column >= low) & (column <= high)
        yes |= np.isin(column, wanted)
    counts = answered >= indicator.min_answered * len(codes) - 1e-9
    return (yes & counts).astype(np.float64), counts


def scale_items(indicator: Indicator, columns: ResponseColumns) -> np.ndarray | None:
    """Respondents x items scores of a scale indicator (for Cronbach's alpha)."""
    if indicator.kind is not Kind.SCALE or any(i not in columns.answers for i in indicator.items):
        return None
    codes = [columns.answers[item] for item in indicator.items]
    reverse = [item in indicator.reverse for item in indicator.items]
    return item_scores(codes, reverse, indicator.valid)
