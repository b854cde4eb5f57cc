"""Family affluence: the FAS III score and relative affluence groups within one wave.

FAS III (HBSC) sums six items: own bedroom (0-1), cars (0-2), computers (0-3), bathrooms
(0-3), dishwasher (0-1) and holidays abroad (0-3); the oko-basis codes are the points, so the
score is the sum of codes, 0 to 13, for a student who answered all six (a partial sum would
rank a skipped item as "none"). Scores are not comparable as such across countries and years,
so HBSC turns them into ridits: a student's ridit is the share of the wave with a lower score
plus half the share with the same score, a relative position from 0 to 1. Tertiles of the
ridit are the affluence groups (low, middle, high); ties keep students with one score in one
group, so the groups are about, not exactly, thirds.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from oko.indicators.columns import NOT_ANSWERED

#: The six FAS III items of the equity module, with their highest code (= points).
FAS_ITEMS: dict[str, int] = {
    "fas_bedroom": 1,
    "fas_car": 2,
    "fas_computers": 3,
    "fas_bathrooms": 3,
    "fas_dishwasher": 1,
    "fas_holidays": 3,
}
FAS_MAX = sum(FAS_ITEMS.values())
#: Affluence group codes.
LOW, MIDDLE, HIGH = 1, 2, 3
#: The equity module's school-level item; its codes (praktijkonderwijs, vmbo, havo/vwo, ISK)
#: are the groups.
SCHOOL_LEVEL_ITEM = "school_level"
PRAKTIJK, VMBO, HAVO_VWO, ISK = 1, 2, 3, 4
#: The items each breakdown beyond gender and grade reads: an indicator file names the ones
#: its questionnaire asks (``breakdowns:``).
BREAKDOWN_ITEMS: dict[str, tuple[str, ...]] = {
    "affluence": tuple(FAS_ITEMS),
    "school_level": (SCHOOL_LEVEL_ITEM,),
}


def fas_scores(answers: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``(score, has_score)`` per student: the sum of the six codes, when all six are valid."""
    n = next(iter(answers.values())).shape[0] if answers else 0
    score = np.zeros(n, dtype=np.int16)
    has_score = np.ones(n, dtype=bool)
    for item, highest in FAS_ITEMS.items():
        codes = answers.get(item)
        if codes is None:
            return np.zeros(n, dtype=np.int16), np.zeros(n, dtype=bool)
        valid = (codes >= 0) & (codes <= highest)
        has_score &= valid
        score += np.where(valid, codes, 0).astype(np.int16)
    return np.where(has_score, score, 0).astype(np.int16), has_score


def ridits(
    score: np.ndarray, has_score: np.ndarray, weight: np.ndarray | None = None
) -> np.ndarray:
    """Each student's relative position in the wave's (weighted) FAS distribution; NaN
    without a score."""
    weights = np.ones(score.shape[0]) if weight is None else np.asarray(weight, np.float64)
    counts = np.bincount(score[has_score], weights=weights[has_score], minlength=FAS_MAX + 1)
    total = counts.sum()
    if total == 0:
        return np.full(score.shape[0], np.nan)
    share = counts / total
    below = np.concatenate(([0.0], np.cumsum(share)[:-1]))
    ridit = below + share / 2
    return np.where(has_score, ridit[np.clip(score, 0, FAS_MAX)], np.nan)


def affluence_groups(
    score: np.ndarray, has_score: np.ndarray, weight: np.ndarray | None = None
) -> np.ndarray:
    """:data:`LOW`, :data:`MIDDLE` or :data:`HIGH` by ridit tertile within the wave;
    :data:`~oko.indicators.columns.NOT_ANSWERED` without a score (an unpublished remainder,
    so the three groups need not add up to the total)."""
    ridit = ridits(score, has_score, weight)
    groups = np.full(score.shape[0], NOT_ANSWERED, dtype=np.int16)
    groups[has_score] = np.where(
        ridit[has_score] < 1 / 3, LOW, np.where(ridit[has_score] < 2 / 3, MIDDLE, HIGH)
    )
    return groups
