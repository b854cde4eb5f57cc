"""What goes wrong in real classrooms, planted on purpose: the data-quality checks need cases.

A few students report the fictitious drug (and exaggerate everything else), contradict
themselves, rush through at random, answer every grid row alike, or skip most questions; and
everyone leaves the odd question blank. The rows planted per problem are returned under the
questionnaire's flag names, so tests can compare them with what the application flags.
"""

from __future__ import annotations

import numpy as np

from oko.indicators.columns import NOT_ANSWERED
from oko.questionnaire.quality import (
    FICTITIOUS_DRUG,
    INCONSISTENT,
    STRAIGHTLINING,
    TOO_FAST,
    TOO_MANY_MISSING,
)
from oko.synthetic.items import CHOICES, GRIDS, ITEM_CODES, SUBSTANCE_ITEMS
from oko.synthetic.latent import Streams

#: Shares of students with each planted problem.
JOKER_SHARE = 0.01
INCONSISTENT_SHARE = 0.01
TOO_FAST_SHARE = 0.02
STRAIGHTLINING_SHARE = 0.01
MOSTLY_MISSING_SHARE = 0.007
#: Jokers' exaggeration of every substance latent (log-odds).
JOKER_EXAGGERATION = 2.5
#: Item non-response: a base rate per item, higher for substance use.
NONRESPONSE = 0.006
SUBSTANCE_NONRESPONSE = 0.015
#: Median completion time (seconds) and its log-normal spread.
MEDIAN_SECONDS = 780
DURATION_SIGMA = 0.35
#: Items a student in a hurry still answers truthfully: who they are.
_DESIGN_ITEMS = ("gender", "age", "grade", "school_type", "relevin_lifetime")


def choose_jokers(streams: Streams, n: int) -> np.ndarray:
    """Students who report the fictitious drug; chosen before answers are drawn."""
    return streams("jokers").random(n) < JOKER_SHARE


def plant(
    streams: Streams, answers: dict[str, np.ndarray], jokers: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Completion times and spoiled answers (before non-response and routing).

    Returns the durations in seconds and the planted rows per flag; ``fictitious_drug`` is
    final only after non-response, see :func:`generate`.
    """
    rng = streams("quality")
    n: int = jokers.shape[0]
    duration = rng.lognormal(np.log(MEDIAN_SECONDS), DURATION_SIGMA, n)
    too_fast = rng.random(n) < TOO_FAST_SHARE
    duration = np.where(too_fast, MEDIAN_SECONDS * rng.uniform(0.08, 0.28, n), duration)
    # Half of those in a hurry click at random.
    clickers = np.flatnonzero(too_fast & (rng.random(n) < 0.5))
    for item, (low, high) in ITEM_CODES.items():
        if item not in _DESIGN_ITEMS:
            answers[item][clickers] = rng.integers(low, high + 1, clickers.shape[0])
    for item, shares in CHOICES.items():
        answers[item][clickers] = rng.integers(1, 1 << len(shares), clickers.shape[0])

    straightlining = np.flatnonzero((rng.random(n) < STRAIGHTLINING_SHARE) & ~too_fast)
    same = rng.integers(1, 5, straightlining.shape[0])
    for rows in GRIDS.values():
        for item in rows:
            answers[item][straightlining] = same
    planted: dict[str, np.ndarray] = {
        FICTITIOUS_DRUG: jokers,
        INCONSISTENT: _contradictions(rng, answers, jokers | too_fast),
        TOO_FAST: too_fast,
        STRAIGHTLINING: np.isin(np.arange(n), straightlining),
        TOO_MANY_MISSING: (rng.random(n) < MOSTLY_MISSING_SHARE) & ~too_fast,
    }
    planted[TOO_MANY_MISSING] &= ~planted[STRAIGHTLINING]
    return np.rint(duration).astype(np.int32), planted


def _contradictions(
    rng: np.random.Generator, answers: dict[str, np.ndarray], exclude: np.ndarray
) -> np.ndarray:
    """More often in 30 days than in a lifetime: alcohol, being drunk or cannabis.

    Only where routing keeps both items, so the contradiction survives into the response.
    """
    n = exclude.shape[0]
    chosen = (rng.random(n) < INCONSISTENT_SHARE) & ~exclude
    kind = rng.integers(0, 3, n)
    alc_lifetime, drunk_lifetime = answers["alc_lifetime"], answers["drunk_lifetime"]
    alcohol = chosen & (kind == 0) & (alc_lifetime > 1) & (alc_lifetime < 7)
    answers["alc_30d"][alcohol] = alc_lifetime[alcohol] + 1
    drunk = chosen & (kind == 1) & (alc_lifetime > 1) & (drunk_lifetime > 1)
    drunk &= drunk_lifetime < 7
    answers["drunk_30d"][drunk] = drunk_lifetime[drunk] + 1
    cannabis = chosen & (kind == 2)
    answers["cannabis_lifetime"][cannabis] = 2
    answers["cannabis_30d"][cannabis] = 3
    return alcohol | drunk | cannabis


def blank(streams: Streams, answers: dict[str, np.ndarray], planted: dict[str, np.ndarray]) -> None:
    """Item non-response: a few per item, more for substance use, most items for a few.

    Straight-liners click an answer on every row, so they leave nothing blank.
    """
    rng = streams("nonresponse")
    n = planted[TOO_MANY_MISSING].shape[0]
    missing_rows = np.flatnonzero(planted[TOO_MANY_MISSING])
    complete = planted[STRAIGHTLINING]
    for item in (*ITEM_CODES, *CHOICES):
        if item == "grade":
            continue
        rate = SUBSTANCE_NONRESPONSE if item in SUBSTANCE_ITEMS else NONRESPONSE
        # Rows drawn with replacement: at these rates a repeat is rare and harmless.
        rows = rng.integers(0, n, rng.binomial(n, rate))
        answers[item][rows[~complete[rows]]] = NOT_ANSWERED
        answers[item][missing_rows[rng.random(missing_rows.shape[0]) < 0.8]] = NOT_ANSWERED
