"""Answers to the oko-core questionnaire, drawn from the students' latent values.

Ordinal items are thresholded latent scores on the questionnaire's own scales, so an item's
share per answer is set at the factor's mean and moves when the factor moves. Substance items
derive from one latent per substance in a logically consistent way (30-day use never exceeds
lifetime use, being drunk implies drinking, a daily smoker has smoked dozens of times), so
inconsistencies appear only where :mod:`oko.synthetic.problems` plants them.

Item ids and codes are those of ``questionnaires/oko-core.yaml``; a test checks they match.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.special import ndtri

from oko.synthetic.latent import Streams, Students

#: Every single-choice or integer item the model answers, in questionnaire order, with its
#: lowest and highest code.
ITEM_CODES: dict[str, tuple[int, int]] = {
    "gender": (1, 3),
    "age": (10, 20),
    "grade": (1, 6),
    "school_type": (1, 4),
    "life_satisfaction": (0, 10),
    "health": (1, 4),
    "mood_cheerful": (1, 5),
    "mood_sad": (1, 5),
    "mood_calm": (1, 5),
    "mood_worried": (1, 5),
    "mood_lonely": (1, 5),
    "physical_activity": (0, 7),
    "sleep_school_nights": (1, 5),
    "tired_school": (1, 4),
    "screen_school_days": (1, 6),
    "screen_weekend_days": (1, 6),
    "phone_in_bed": (1, 4),
    "screen_control": (1, 4),
    "par_time_weekday": (1, 5),
    "par_time_weekend": (1, 5),
    "par_know_where": (1, 4),
    "par_know_with_whom": (1, 4),
    "par_know_friends": (1, 4),
    "par_know_friends_parents": (1, 4),
    "par_warmth": (1, 4),
    "par_talk": (1, 4),
    "family_meals": (1, 5),
    "par_react_drunk": (1, 4),
    "close_friends": (1, 4),
    "friends_drunk": (1, 5),
    "friends_smoke": (1, 5),
    "friends_vape": (1, 5),
    "friends_cannabis": (1, 5),
    "adult_outside": (1, 3),
    "sport_club": (1, 5),
    "other_org": (1, 5),
    "out_after_22": (1, 6),
    "out_after_midnight": (1, 6),
    "leisure_enough": (1, 4),
    "likes_school": (1, 4),
    "sch_teachers_care": (1, 5),
    "sch_safe": (1, 5),
    "sch_belong": (1, 5),
    "sch_teachers_fair": (1, 5),
    "sch_rules_clear": (1, 5),
    "school_pressure": (1, 4),
    "truancy_30d": (1, 6),
    "bullied_school": (1, 5),
    "bullied_online": (1, 5),
    "bullied_told": (1, 2),
    "bullied_others": (1, 5),
    "alc_lifetime": (1, 7),
    "alc_30d": (1, 7),
    "binge_4w": (1, 6),
    "drunk_lifetime": (1, 7),
    "drunk_30d": (1, 7),
    "drunk_age": (1, 7),
    "cig_lifetime": (1, 7),
    "cig_30d": (1, 7),
    "vape_lifetime": (1, 7),
    "vape_30d": (1, 7),
    "vape_nicotine": (1, 3),
    "cannabis_lifetime": (1, 7),
    "nitrous_lifetime": (1, 7),
    "xtc_lifetime": (1, 7),
    "relevin_lifetime": (1, 7),
    "sedatives_lifetime": (1, 7),
    "cannabis_30d": (1, 7),
    "honesty": (1, 3),
}
#: Multiple-choice items: the probability of ticking each code (1, 2, ...).
CHOICES: dict[str, tuple[float, ...]] = {
    "lives_with": (0.93, 0.74, 0.1, 0.8, 0.04, 0.015, 0.02),
    "adult_outside_who": (0.55, 0.3, 0.15, 0.08, 0.15, 0.1),
    "alc_source": (0.3, 0.55, 0.15, 0.25, 0.1, 0.05),
}
#: Grids, whose rows a straight-liner answers alike.
GRIDS: dict[str, tuple[str, ...]] = {
    "mood": ("mood_cheerful", "mood_sad", "mood_calm", "mood_worried", "mood_lonely"),
    "par_know": (
        "par_know_where",
        "par_know_with_whom",
        "par_know_friends",
        "par_know_friends_parents",
    ),
    "friends": ("friends_drunk", "friends_smoke", "friends_vape", "friends_cannabis"),
    "sch": ("sch_teachers_care", "sch_safe", "sch_belong", "sch_teachers_fair", "sch_rules_clear"),
}
_IDS = tuple(ITEM_CODES)
#: Items students leave blank more often: they hesitate over their own use.
SUBSTANCE_ITEMS = frozenset(_IDS[_IDS.index("alc_lifetime") : _IDS.index("cannabis_30d") + 1])
#: ESPAD occasion scale: cut points on a use latent for codes 2..7.
OCCASIONS = (0.0, 0.9, 1.8, 2.6, 3.4, 4.3)


def _above_never(item: str) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
    return lambda answers: answers[item] > 1


#: The questionnaire's skip logic: follow-up -> when it is asked, in questionnaire order, on
#: answers where NOT_ANSWERED and NOT_ASKED are negative (so they never pass a filter).
ROUTES: dict[str, Callable[[dict[str, np.ndarray]], np.ndarray]] = {
    "adult_outside_who": lambda answers: answers["adult_outside"] == 1,
    "bullied_told": lambda answers: (
        (answers["bullied_school"] > 1) | (answers["bullied_online"] > 1)
    ),
    "alc_30d": _above_never("alc_lifetime"),
    "binge_4w": _above_never("alc_lifetime"),
    "drunk_lifetime": _above_never("alc_lifetime"),
    "drunk_30d": _above_never("drunk_lifetime"),
    "drunk_age": _above_never("drunk_lifetime"),
    "alc_source": _above_never("alc_30d"),
    "cig_30d": _above_never("cig_lifetime"),
    "vape_30d": _above_never("vape_lifetime"),
    "vape_nicotine": _above_never("vape_lifetime"),
    "cannabis_30d": _above_never("cannabis_lifetime"),
}


def draw_answers(students: Students, streams: Streams, jokers: np.ndarray) -> dict[str, np.ndarray]:
    """Every item of :data:`ITEM_CODES` (int16) and :data:`CHOICES` (bit masks), unrouted."""
    wellbeing = _wellbeing(students, streams("wellbeing"))
    answers: dict[str, np.ndarray] = {
        "gender": students.gender,
        "age": students.age,
        "grade": students.grade,
        "school_type": students.school_type,
    }
    answers.update(_wellbeing_items(students, wellbeing, streams("wellbeing-items")))
    answers.update(_screen_items(students, streams("screens")))
    answers.update(_family_items(students, streams("family")))
    answers.update(_leisure_items(students, streams("leisure")))
    answers.update(_school_items(students, wellbeing, streams("school")))
    answers.update(_substance_items(students, streams("use-items")))
    answers.update(_other_drugs(students, jokers, streams("other-drugs")))
    answers.update(_friends_items(students, streams("friends")))
    honesty = ordinal(streams("honesty"), -students.factors["school"], (0.8, 0.17, 0.03), 0.3)
    answers["honesty"] = np.where(jokers, 3, honesty)
    for item, shares in CHOICES.items():
        answers[item] = _choices(streams(item), shares, students.n)
    return {item: answers[item].astype(np.int16) for item in (*ITEM_CODES, *CHOICES)}


def cut(latent: np.ndarray, thresholds: Sequence[float], first: int = 1) -> np.ndarray:
    """Codes ``first``, ``first + 1``, ... for the number of thresholds below ``latent``.

    One comparison per threshold: for a handful of thresholds far faster than a binary search.
    """
    codes = np.full(latent.shape[0], first, dtype=np.int16)
    for threshold in thresholds:
        codes += latent > threshold
    return codes


def ordinal(
    rng: np.random.Generator,
    latent: np.ndarray,
    shares: Sequence[float],
    loading: float,
    first: int = 1,
) -> np.ndarray:
    """Codes whose shares at latent 0 are ``shares``; a higher latent gives a higher code.

    Single precision: answers have at most eleven codes, and a million rows draw twice as fast.
    """
    thresholds = ndtri(np.cumsum(shares)[:-1] / np.sum(shares))
    noise = rng.standard_normal(latent.shape[0], dtype=np.float32)
    noisy = (
        np.float32(loading) * latent.astype(np.float32)
        + np.float32(np.sqrt(1 - loading**2)) * noise
    )
    return cut(noisy, thresholds, first)


def _wellbeing(students: Students, rng: np.random.Generator) -> np.ndarray:
    """Feeling good: lower for girls and older students (HBSC), higher with support."""
    factors = students.factors
    return (
        0.35 * factors["parents"]
        + 0.3 * factors["school"]
        + 0.1 * factors["leisure"]
        + np.asarray((0.15, -0.25, -0.6))[students.gender - 1]
        - 0.12 * (students.grade - 3)
        + rng.normal(0.0, 0.85, students.n)
    )


def _wellbeing_items(
    students: Students, wellbeing: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    heavy_use = (students.use["alcohol"] > 1.5) | (students.use["cannabis"] > 1.0)
    ladder = 7.4 + 1.3 * wellbeing - 0.4 * heavy_use + rng.normal(0.0, 0.8, students.n)
    return {
        "life_satisfaction": np.clip(np.rint(ladder), 0, 10),
        "health": ordinal(rng, -wellbeing, (0.3, 0.5, 0.17, 0.03), 0.6),
        "mood_cheerful": ordinal(rng, wellbeing, (0.02, 0.06, 0.3, 0.47, 0.15), 0.7),
        "mood_sad": ordinal(rng, -wellbeing, (0.25, 0.35, 0.3, 0.08, 0.02), 0.7),
        "mood_calm": ordinal(rng, wellbeing, (0.04, 0.12, 0.38, 0.38, 0.08), 0.6),
        "mood_worried": ordinal(rng, -wellbeing, (0.2, 0.32, 0.33, 0.12, 0.03), 0.65),
        "mood_lonely": ordinal(rng, -wellbeing, (0.45, 0.3, 0.17, 0.06, 0.02), 0.6),
        "physical_activity": ordinal(
            rng, students.factors["leisure"], (0.03, 0.05, 0.1, 0.14, 0.16, 0.18, 0.14, 0.2), 0.6, 0
        ),
    }


def _screen_items(students: Students, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Screen time: more with age, less with parental time and organised leisure."""
    screens = (
        0.2 * (students.grade - 3)
        - 0.3 * students.factors["parents"]
        - 0.2 * students.factors["leisure"]
        + rng.normal(0.0, 0.9, students.n)
    )
    sleep = ordinal(rng, -screens - 0.2 * (students.grade - 3), (0.06, 0.14, 0.33, 0.35, 0.12), 0.5)
    weekday = ordinal(rng, screens, (0.01, 0.07, 0.22, 0.27, 0.2, 0.23), 0.8)
    weekend = np.maximum(ordinal(rng, screens, (0.01, 0.03, 0.12, 0.22, 0.22, 0.4), 0.8), weekday)
    return {
        "sleep_school_nights": sleep,
        "tired_school": ordinal(rng, -(sleep - 3.4), (0.25, 0.45, 0.22, 0.08), 0.5),
        "screen_school_days": weekday,
        "screen_weekend_days": weekend,
        "phone_in_bed": ordinal(rng, screens, (0.15, 0.35, 0.28, 0.22), 0.7),
        "screen_control": ordinal(rng, screens, (0.35, 0.45, 0.14, 0.06), 0.6),
    }


def _family_items(students: Students, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Code 1 of par_know, par_warmth, par_talk and par_react_drunk is the protective end,
    so those read the factor with a minus sign."""
    parents, older = students.factors["parents"], students.grade - 3
    return {
        "par_time_weekday": ordinal(rng, parents, (0.09, 0.19, 0.35, 0.25, 0.12), 0.75),
        "par_time_weekend": ordinal(rng, parents, (0.06, 0.14, 0.33, 0.30, 0.17), 0.75),
        "par_know_where": ordinal(rng, -parents, (0.45, 0.35, 0.13, 0.07), 0.75),
        "par_know_with_whom": ordinal(rng, -parents, (0.42, 0.36, 0.15, 0.07), 0.75),
        "par_know_friends": ordinal(rng, -parents, (0.40, 0.38, 0.15, 0.07), 0.7),
        "par_know_friends_parents": ordinal(rng, -parents, (0.22, 0.33, 0.28, 0.17), 0.6),
        "par_warmth": ordinal(rng, -parents, (0.45, 0.35, 0.14, 0.06), 0.55),
        "par_talk": ordinal(rng, -parents, (0.3, 0.4, 0.2, 0.1), 0.55),
        "family_meals": ordinal(rng, parents, (0.04, 0.08, 0.15, 0.3, 0.43), 0.5),
        "par_react_drunk": ordinal(rng, 0.4 * older - parents, (0.5, 0.3, 0.13, 0.07), 0.45),
        "close_friends": ordinal(rng, students.factors["school"], (0.03, 0.07, 0.15, 0.75), 0.3),
        "adult_outside": ordinal(rng, -parents, (0.6, 0.2, 0.2), 0.3),
    }


def _leisure_items(students: Students, rng: np.random.Generator) -> dict[str, np.ndarray]:
    leisure, parents = students.factors["leisure"], students.factors["parents"]
    late = 0.35 * (students.grade - 3) - parents
    out_22 = ordinal(rng, late, (0.62, 0.16, 0.10, 0.07, 0.03, 0.02), 0.6)
    midnight = ordinal(rng, late, (0.85, 0.08, 0.04, 0.02, 0.006, 0.004), 0.6)
    return {
        "sport_club": ordinal(rng, leisure, (0.25, 0.10, 0.17, 0.26, 0.22), 0.85),
        "other_org": ordinal(rng, leisure, (0.50, 0.15, 0.20, 0.10, 0.05), 0.5),
        "out_after_22": out_22,
        # Out after midnight means out after 22:00 as well, so never more often.
        "out_after_midnight": np.minimum(midnight, out_22),
        "leisure_enough": ordinal(rng, -leisure, (0.55, 0.2, 0.15, 0.1), 0.4),
    }


def _school_items(
    students: Students, wellbeing: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    school, parents = students.factors["school"], students.factors["parents"]
    girl = (students.gender == 2).astype(np.float64)
    bullied = -0.5 * school - 0.4 * wellbeing - 0.15 * (students.grade - 3)
    return {
        "likes_school": ordinal(rng, -school, (0.22, 0.45, 0.22, 0.11), 0.7),
        "sch_teachers_care": ordinal(rng, school, (0.05, 0.12, 0.30, 0.40, 0.13), 0.75),
        "sch_safe": ordinal(rng, school, (0.03, 0.05, 0.15, 0.45, 0.32), 0.7),
        "sch_belong": ordinal(rng, school, (0.05, 0.08, 0.25, 0.40, 0.22), 0.75),
        "sch_teachers_fair": ordinal(rng, school, (0.06, 0.12, 0.32, 0.38, 0.12), 0.7),
        "sch_rules_clear": ordinal(rng, school, (0.03, 0.07, 0.22, 0.48, 0.20), 0.6),
        "school_pressure": ordinal(
            rng,
            0.25 * girl + 0.2 * (students.grade - 3) - 0.3 * school,
            (0.12, 0.35, 0.33, 0.20),
            0.5,
        ),
        "truancy_30d": ordinal(
            rng, -0.6 * school - 0.3 * parents, (0.78, 0.10, 0.05, 0.04, 0.015, 0.015), 0.6
        ),
        "bullied_school": ordinal(rng, bullied, (0.8, 0.12, 0.04, 0.025, 0.015), 0.6),
        "bullied_online": ordinal(rng, bullied, (0.87, 0.08, 0.03, 0.012, 0.008), 0.5),
        "bullied_told": ordinal(rng, -parents, (0.55, 0.45), 0.3),
        "bullied_others": ordinal(rng, -school, (0.85, 0.1, 0.03, 0.012, 0.008), 0.4),
    }


def _substance_items(students: Students, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Use items, consistent across lifetime, 30 days and being drunk."""
    n = students.n

    def noisy(latent: np.ndarray, shift: float, sd: float) -> np.ndarray:
        return latent + shift + rng.normal(0.0, sd, n)

    alcohol = students.use["alcohol"]
    drunk_30d = cut(alcohol, (0.0, 1.3, 2.3, 3.2, 4.0, 4.8))
    alc_30d = np.maximum(cut(noisy(alcohol, 1.4, 0.6), (0.0, 1.2, 2.2, 3.1, 4.0, 4.8)), drunk_30d)
    drunk_lifetime = np.maximum(cut(noisy(alcohol, 1.1, 0.8), OCCASIONS), drunk_30d)
    alc_lifetime = np.maximum.reduce(
        [cut(noisy(alcohol, 2.4, 0.8), OCCASIONS), alc_30d, drunk_lifetime]
    )
    binge = np.where(alc_30d > 1, cut(noisy(alcohol, 0.3, 0.7), (0.0, 1.0, 2.0, 3.2, 4.5)), 1)
    # First time drunk: earlier for heavier drinkers, never later than the current age.
    years_ago = np.floor(rng.exponential(1.0 + 0.3 * np.clip(alcohol, 0, None)))
    onset = np.clip(students.age - years_ago, 10, students.age)
    drunk_age = np.where(drunk_lifetime > 1, cut(onset, (11.5, 12.5, 13.5, 14.5, 15.5), 2), 1)

    tobacco = students.use["tobacco"]
    cig_30d = cut(tobacco, (-1.7, -0.8, 0.0, 1.2, 2.2, 3.2))
    # A month of daily smoking is dozens of occasions.
    least_cig = np.asarray((0, 1, 2, 3, 6, 7, 7, 7))[cig_30d]
    cig_lifetime = np.maximum(cut(noisy(tobacco, 1.6, 0.8), OCCASIONS), least_cig)

    vaping = students.use["vaping"]
    vape_30d = cut(vaping, (0.0, 0.8, 1.5, 2.2, 2.9, 3.6))
    least_vape = np.asarray((0, 1, 2, 3, 4, 5, 6, 6))[vape_30d]
    vape_lifetime = np.maximum(cut(noisy(vaping, 1.3, 0.8), OCCASIONS), least_vape)
    nicotine = ordinal(rng, vaping, (0.5, 0.3, 0.2), 0.3)

    cannabis = students.use["cannabis"]
    cannabis_lifetime = cut(cannabis, OCCASIONS)
    cannabis_30d = np.minimum(cut(noisy(cannabis, -1.2, 0.6), OCCASIONS), cannabis_lifetime)
    return {
        "alc_lifetime": alc_lifetime,
        "alc_30d": alc_30d,
        "binge_4w": binge,
        "drunk_lifetime": drunk_lifetime,
        "drunk_30d": drunk_30d,
        "drunk_age": drunk_age,
        "cig_lifetime": cig_lifetime,
        "cig_30d": cig_30d,
        "vape_lifetime": vape_lifetime,
        "vape_30d": vape_30d,
        "vape_nicotine": nicotine,
        "cannabis_lifetime": cannabis_lifetime,
        "cannabis_30d": cannabis_30d,
    }


def _other_drugs(
    students: Students, jokers: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Rarer drugs follow cannabis use; Relevin does not exist, so only jokers report it."""
    cannabis = students.use["cannabis"]
    n = students.n
    return {
        "nitrous_lifetime": cut(cannabis - 0.6 + rng.normal(0.0, 1.0, n), OCCASIONS),
        "xtc_lifetime": cut(cannabis - 2.3 + rng.normal(0.0, 0.8, n), OCCASIONS),
        "sedatives_lifetime": cut(0.5 * cannabis - 2.5 + rng.normal(0.0, 1.0, n), OCCASIONS),
        "relevin_lifetime": np.where(jokers, rng.integers(2, 8, n), 1),
    }


def _friends_items(students: Students, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """How many friends use: what the student does, seen through a noisy lens."""
    cuts = {
        "friends_drunk": ("alcohol", (-3.2, -1.3, 0.9, 3.0)),
        "friends_smoke": ("tobacco", (-3.5, -2.0, 0.0, 2.5)),
        "friends_vape": ("vaping", (-2.8, -1.0, 1.0, 3.0)),
        "friends_cannabis": ("cannabis", (-3.0, -1.6, 0.5, 2.5)),
    }
    return {
        item: cut(0.8 * students.use[substance] + rng.normal(0.0, 1.2, students.n), thresholds)
        for item, (substance, thresholds) in cuts.items()
    }


def _choices(rng: np.random.Generator, shares: Sequence[float], n: int) -> np.ndarray:
    """Ticked codes as a bit mask (bit k - 1 for code k); at least one box is ticked."""
    ticked = rng.random((n, len(shares)), dtype=np.float32) < np.asarray(shares, np.float32)
    first = np.argmax(np.asarray(shares))
    ticked[~ticked.any(axis=1), first] = True
    return ticked.astype(np.int16) @ (1 << np.arange(len(shares), dtype=np.int16))
