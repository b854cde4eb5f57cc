"""Answers to the questionnaire modules of ``oko-basis``: protective factors, leisure, equity.

Each protective-factor scale reads its own latent, a mix of the model's three factors
(parents, organised leisure, school) plus a part of its own, so the scales hang together
within themselves, correlate with each other, and go with less substance use (the factors
lower the odds of use in :mod:`oko.synthetic.latent`). Family affluence is a latent of its own
that rises with school type and goes with organised leisure; it sets the FAS items, makes
less affluent students join clubs less often and wish for one more often, and moves the
reasons they give (cost and distance for the less affluent, time for the more affluent).

Drawn from streams of their own (``module-...``) after the core items, so adding the modules
left every core answer of a seed as it was. Item ids and codes are those of
``questionnaires/modules/*.yaml``; a test checks they match.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from oko.indicators.columns import NOT_ANSWERED
from oko.synthetic.items import ordinal
from oko.synthetic.latent import Streams, Students

#: Protective-factor scale -> its items and the weights of the factors in its latent.
SCALES: dict[str, tuple[tuple[str, ...], dict[str, float]]] = {
    "family": (
        ("pf_family_close", "pf_family_share", "pf_family_proud", "pf_family_help"),
        {"parents": 0.85},
    ),
    "norms": (
        ("pf_norms_home", "pf_norms_school", "pf_norms_neighbourhood", "pf_norms_unclear"),
        {"parents": 0.5, "school": 0.45},
    ),
    "involvement": (
        ("pf_inv_say_school", "pf_inv_activities", "pf_inv_neighbourhood", "pf_inv_help_out"),
        {"school": 0.5, "leisure": 0.45},
    ),
    "recognition": (
        ("pf_rec_teacher", "pf_rec_parents", "pf_rec_neighbourhood", "pf_rec_ignored"),
        {"parents": 0.45, "school": 0.45},
    ),
    "support": (
        ("pf_sup_adult", "pf_sup_talk", "pf_sup_place", "pf_sup_reach"),
        {"leisure": 0.5, "school": 0.3},
    ),
    "leisure": (
        ("pf_lei_hobby", "pf_lei_regular", "pf_lei_bored", "pf_lei_meaningful"),
        {"leisure": 0.85},
    ),
    "social": (
        ("pf_soc_empathy", "pf_soc_no", "pf_soc_conflict", "pf_soc_friends"),
        {"school": 0.4, "leisure": 0.3, "parents": 0.2},
    ),
    "commitment": (
        ("pf_com_effort", "pf_com_important", "pf_com_interesting", "pf_com_waste"),
        {"school": 0.85},
    ),
    "identity": (
        ("pf_id_good", "pf_id_manage", "pf_id_future", "pf_id_useless"),
        {"parents": 0.45, "school": 0.35},
    ),
}
#: Where each scale's latent is centred: some factors are weaker than others, so the demo's
#: profile has something to say (young people report less say and support than bonding).
LEVEL: dict[str, float] = {
    "family": 0.35,
    "involvement": -0.45,
    "norms": 0.15,
    "recognition": -0.2,
    "support": -0.35,
    "leisure": 0.0,
    "social": 0.25,
    "commitment": -0.3,
    "identity": 0.05,
}
#: Reverse-worded items: the protective end is code 1.
REVERSED = frozenset(
    {"pf_norms_unclear", "pf_rec_ignored", "pf_lei_bored", "pf_com_waste", "pf_id_useless"}
)
#: Shares of codes 1..4 at latent 0 (agreeing is common, "very true" less so).
_AGREE = (0.06, 0.17, 0.47, 0.30)
#: Leisure type -> shares of codes 1..5 (never ... several times a week) and the weight of
#: affluence (youth work reaches the less affluent; clubs and culture the more affluent).
LEISURE_TYPES: dict[str, tuple[tuple[float, ...], float]] = {
    "lei_sport": ((0.32, 0.06, 0.08, 0.24, 0.30), 0.35),
    "lei_culture": ((0.64, 0.08, 0.09, 0.11, 0.08), 0.3),
    "lei_scouting": ((0.90, 0.03, 0.03, 0.03, 0.01), 0.15),
    "lei_youthwork": ((0.86, 0.05, 0.04, 0.03, 0.02), -0.3),
    "lei_religious": ((0.86, 0.05, 0.04, 0.03, 0.02), 0.0),
    "lei_volunteer": ((0.80, 0.10, 0.06, 0.03, 0.01), 0.15),
}
#: Reason not to join -> share saying yes at average affluence, and the weight of affluence.
REASONS: dict[str, tuple[float, float]] = {
    "lei_why_cost": (0.30, -0.7),
    "lei_why_distance": (0.18, -0.3),
    "lei_why_unknown": (0.28, -0.2),
    "lei_why_time": (0.35, 0.4),
    "lei_why_welcome": (0.12, -0.2),
    "lei_why_parents": (0.10, -0.1),
    "lei_why_health": (0.06, 0.0),
}
#: FAS III item -> shares of codes 0, 1, ... at average affluence.
FAS: dict[str, tuple[float, ...]] = {
    "fas_bedroom": (0.15, 0.85),
    "fas_car": (0.08, 0.42, 0.50),
    "fas_computers": (0.03, 0.12, 0.25, 0.60),
    "fas_bathrooms": (0.02, 0.55, 0.33, 0.10),
    "fas_dishwasher": (0.15, 0.85),
    "fas_holidays": (0.25, 0.30, 0.25, 0.20),
}
#: Affluence shift by school type answer (vmbo/praktijk, havo, vwo, other).
TYPE_AFFLUENCE = (-0.35, 0.1, 0.4, 0.0)

#: Every module item with its lowest and highest code, in questionnaire order.
MODULE_ITEM_CODES: dict[str, tuple[int, int]] = {
    **{item: (1, 4) for items, _ in SCALES.values() for item in items},
    **{item: (1, 5) for item in LEISURE_TYPES},
    "lei_wish": (1, 2),
    **{item: (1, 2) for item in REASONS},
    "school_level": (1, 4),
    **{item: (0, len(shares) - 1) for item, shares in FAS.items()},
}
#: The modules' skip logic (as :data:`oko.synthetic.items.ROUTES`).
MODULE_ROUTES: dict[str, Callable[[dict[str, np.ndarray]], np.ndarray]] = {
    reason: (lambda answers: answers["lei_wish"] == 2) for reason in REASONS
}
#: Item non-response in the modules (a little higher than the core: they come later).
MODULE_NONRESPONSE = 0.02


def draw_module_answers(students: Students, streams: Streams) -> dict[str, np.ndarray]:
    """Every item of :data:`MODULE_ITEM_CODES` (int16), unrouted."""
    rng = streams("module-protective-factors")
    factors, n = students.factors, students.n
    girl = (students.gender == 2).astype(np.float64)
    answers: dict[str, np.ndarray] = {}
    for scale, (items, weights) in SCALES.items():
        mixed = sum(weight * factors[name] for name, weight in weights.items())
        own = np.sqrt(max(1.0 - sum(w * w for w in weights.values()), 0.2))
        latent = np.asarray(mixed) + own * rng.standard_normal(n)
        if scale == "identity":
            latent = latent - 0.25 * girl
        latent = (latent - latent.mean()) / (latent.std() or 1.0) + LEVEL[scale]
        for item in items:
            if item in REVERSED:
                answers[item] = ordinal(rng, -latent, _AGREE[::-1], 0.6)
            else:
                answers[item] = ordinal(rng, latent, _AGREE, 0.75)
    wealth = affluence(students, streams)
    answers.update(_leisure(students, wealth, streams("module-leisure")))
    answers.update(_equity(students, wealth, streams("module-equity")))
    return {item: answers[item].astype(np.int16) for item in MODULE_ITEM_CODES}


def affluence(students: Students, streams: Streams) -> np.ndarray:
    """Family affluence (standard-deviation units): school type, organised leisure, chance."""
    rng = streams("module-affluence")
    shift = np.asarray(TYPE_AFFLUENCE)[students.school_type - 1]
    return shift + 0.3 * students.factors["leisure"] + 0.85 * rng.standard_normal(students.n)


def _leisure(
    students: Students, wealth: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    leisure = students.factors["leisure"]
    answers = {
        item: ordinal(rng, 0.8 * leisure + weight * wealth, shares, 0.8)
        for item, (shares, weight) in LEISURE_TYPES.items()
    }
    answers["lei_wish"] = ordinal(rng, -(0.3 * leisure + 0.4 * wealth), (0.68, 0.32), 0.6)
    for item, (share, weight) in REASONS.items():
        answers[item] = ordinal(rng, weight * wealth, (1 - share, share), 0.7)
    return answers


def _equity(
    students: Students, wealth: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    answers = {item: ordinal(rng, wealth, shares, 0.65, first=0) for item, shares in FAS.items()}
    # School level from the school type: most of vmbo/praktijk is vmbo, a few are in
    # praktijkonderwijs or an international transition class (ISK).
    draw = rng.random(students.n)
    vmbo = students.school_type == 1
    level = np.where(vmbo, 2, 3)
    level = np.where(vmbo & (draw < 0.10), 1, level)
    level = np.where(vmbo & (draw > 0.96), 4, level)
    answers["school_level"] = level
    return answers


def blank_modules(streams: Streams, answers: dict[str, np.ndarray], complete: np.ndarray) -> None:
    """Item non-response in the module items, from a stream of their own."""
    rng = streams("module-nonresponse")
    n = complete.shape[0]
    for item in MODULE_ITEM_CODES:
        rows = rng.integers(0, n, rng.binomial(n, MODULE_NONRESPONSE))
        answers[item][rows[~complete[rows]]] = NOT_ANSWERED
