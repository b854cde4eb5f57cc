"""``generate``: a scenario and a seed in, a :class:`SyntheticSample` out.

The steps, in the order a real response comes about: students and their latent values
(:mod:`oko.synthetic.latent`), their honest answers (:mod:`oko.synthetic.items`; the
modules' in :mod:`oko.synthetic.modules`), what goes wrong (:mod:`oko.synthetic.problems`),
then the questionnaire's skip logic. Vectorised throughout: a million rows take a few seconds.
"""

from __future__ import annotations

import numpy as np

from oko.indicators.columns import NOT_ANSWERED, NOT_ASKED
from oko.questionnaire.quality import FICTITIOUS_DRUG, STRAIGHTLINING
from oko.synthetic import problems
from oko.synthetic.items import CHOICES, ITEM_CODES, ROUTES, draw_answers
from oko.synthetic.latent import Streams, draw_students
from oko.synthetic.modules import (
    MODULE_ITEM_CODES,
    MODULE_ROUTES,
    blank_modules,
    draw_module_answers,
)
from oko.synthetic.sample import COMMENTS, SyntheticSample
from oko.synthetic.scenario import Scenario

#: Share of students who take the questionnaire in English.
ENGLISH_SHARE = 0.08
#: Share of students who leave a comment in the optional text box.
COMMENT_SHARE = 0.12


def generate(scenario: Scenario, seed: int = 0, school_seed: int | None = None) -> SyntheticSample:
    """Synthetic responses for every wave, school and grade of ``scenario``.

    The same scenario and seed give the same data, on every machine. ``school_seed`` (default:
    ``seed``) draws the school effects: keep it and change ``seed`` for new classes and
    students in the same schools.
    """
    streams = Streams(seed, school_seed)
    students = draw_students(scenario, streams)
    jokers = problems.choose_jokers(streams, students.n)
    for substance, latent in students.use.items():
        students.use[substance] = latent + jokers * problems.JOKER_EXAGGERATION
    answers = draw_answers(students, streams, jokers)
    duration, planted = problems.plant(streams, answers, jokers)
    problems.blank(streams, answers, planted)
    module_answers = draw_module_answers(students, streams)
    blank_modules(streams, module_answers, planted[STRAIGHTLINING])
    answers.update(module_answers)
    route(answers)
    planted[FICTITIOUS_DRUG] = answers["relevin_lifetime"] > 1

    rng = streams("extras")
    comment = np.where(
        rng.random(students.n) < COMMENT_SHARE,
        rng.integers(0, len(COMMENTS), students.n),
        NOT_ANSWERED,
    ).astype(np.int16)
    return SyntheticSample(
        scenario=scenario,
        wave=students.wave,
        municipality=students.municipality,
        school=students.school,
        klass=students.klass,
        grade=students.grade,
        answers={item: answers[item] for item in (*ITEM_CODES, *MODULE_ITEM_CODES)},
        choices={item: answers[item] for item in CHOICES},
        comment=comment,
        duration_seconds=duration,
        english=rng.random(students.n) < ENGLISH_SHARE,
        planted=planted,
        population=students.population,
    )


def route(answers: dict[str, np.ndarray]) -> None:
    """Skip logic: a follow-up whose condition fails was not asked (in questionnaire order,
    so a chain of skips resolves in one pass)."""
    for item, asked in (*ROUTES.items(), *MODULE_ROUTES.items()):
        answers[item] = np.where(asked(answers), answers[item], NOT_ASKED).astype(np.int16)
