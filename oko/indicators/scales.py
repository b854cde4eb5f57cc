"""Scale scores: the mean of a student's item scores, when enough items were answered.

A reverse-coded item counts as ``lowest + highest - code`` so that a higher score always means
more of the construct (e.g. more parental monitoring). A student who answered fewer than
``min_answered`` (default 75%) of the items gets no score rather than a score built on one or
two answers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def item_scores(
    columns: Sequence[np.ndarray], reverse: Sequence[bool], valid: tuple[int, int]
) -> np.ndarray:
    """Respondents x items matrix of (reverse-coded) scores; NaN where not validly answered."""
    low, high = valid
    matrix = np.empty((columns[0].shape[0] if columns else 0, len(columns)))
    for index, (codes, flip) in enumerate(zip(columns, reverse, strict=True)):
        ok = (codes >= low) & (codes <= high)
        score = (low + high - codes) if flip else codes
        matrix[:, index] = np.where(ok, score, np.nan)
    return matrix


def scale_scores(
    columns: Sequence[np.ndarray],
    reverse: Sequence[bool],
    valid: tuple[int, int],
    min_answered: float = 0.75,
) -> tuple[np.ndarray, np.ndarray]:
    """``(score, has_score)`` per respondent; the score is 0 where ``has_score`` is False."""
    matrix = item_scores(columns, reverse, valid)
    answered = (~np.isnan(matrix)).sum(axis=1)
    has_score = answered >= min_answered * len(columns) - 1e-9
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.nansum(matrix, axis=1) / answered
    return np.where(has_score, score, 0.0), has_score
