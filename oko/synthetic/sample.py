"""A generated data set: one row per synthetic student, as numpy columns.

The same object feeds the benchmarks (columns straight into the indicator engine) and the
demo database (one answers dict per row, in the stored convention), so the two never drift.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from oko.indicators.columns import NOT_ANSWERED, ResponseColumns
from oko.indicators.engine import WaveInput
from oko.questionnaire.values import Answer
from oko.synthetic.scenario import GRADES, Scenario

#: Free-text comments a few students leave (the item is optional; most leave it empty).
COMMENTS: tuple[str, ...] = (
    "Goede vragenlijst.",
    "Sommige vragen waren lastig.",
    "Het was best lang.",
    "Meer vragen over social media graag.",
    "Ik sport elke dag bij de club, dat is het leukste.",
    "Fijn dat het anoniem is.",
    "Sommige vragen waren een beetje persoonlijk.",
    "Good questions.",
)


@dataclass(frozen=True, eq=False)
class SyntheticSample:
    """Synthetic responses and their design, row ``i`` being one student.

    ``answers`` maps item id to an int16 column (code, ``NOT_ANSWERED`` or ``NOT_ASKED``);
    ``choices`` does the same for multiple-choice items, the ticked codes as a bit mask (bit
    ``k - 1`` for code ``k``); ``comment`` is an index into :data:`COMMENTS` or
    ``NOT_ANSWERED`` (left empty). ``planted`` marks the rows the model spoiled on purpose,
    by the questionnaire's quality-flag names, so tests can compare them with the flags the
    application computes. ``klass`` numbers the class a student answered in (unique over
    waves and schools). ``population`` holds pupils by wave, school, grade (as in
    :data:`GRADES`) and gender (boys, girls).
    """

    scenario: Scenario
    wave: np.ndarray
    municipality: np.ndarray
    school: np.ndarray
    klass: np.ndarray
    grade: np.ndarray
    answers: Mapping[str, np.ndarray]
    choices: Mapping[str, np.ndarray]
    comment: np.ndarray
    duration_seconds: np.ndarray
    english: np.ndarray
    planted: Mapping[str, np.ndarray]
    population: np.ndarray

    def __len__(self) -> int:
        return int(self.wave.shape[0])

    def row_answers(self, index: int) -> dict[str, Answer]:
        """Row ``index`` as a stored answers dict (absent = not asked, ``None`` = not answered)."""
        return next(self.iter_answers(index, index + 1))

    def iter_answers(
        self, start: int = 0, stop: int | None = None, items: Container[str] | None = None
    ) -> Iterator[dict[str, Answer]]:
        """The answers dicts of rows ``start`` to ``stop``, in row order.

        ``items`` keeps only the items of one questionnaire (the model also answers the
        modules, which a wave of the core alone never asked). Fast enough for a database
        load of thousands of rows: columns are converted to Python lists once, not element
        by element.
        """
        window = slice(start, stop)
        codes = [
            (item, column[window].tolist())
            for item, column in self.answers.items()
            if items is None or item in items
        ]
        masks = [(item, column[window].tolist()) for item, column in self.choices.items()]
        for row, comment in enumerate(self.comment[window].tolist()):
            answers: dict[str, Answer] = {}
            for item, values in codes:
                value = values[row]
                if value >= 0:
                    answers[item] = value
                elif value == NOT_ANSWERED:
                    answers[item] = None
            for item, values in masks:
                mask = values[row]
                if mask >= 0:
                    answers[item] = [bit + 1 for bit in range(mask.bit_length()) if mask >> bit & 1]
                elif mask == NOT_ANSWERED:
                    answers[item] = None
            answers["comments"] = None if comment == NOT_ANSWERED else COMMENTS[comment]
            yield answers

    def response_columns(self) -> ResponseColumns:
        """The indicator engine's input: the school and its class sessions (the classes), area
        codes are the scenario's indexes (municipality, region in order of
        :attr:`Scenario.regions`), and the flags are the planted ones."""
        scenario = self.scenario
        regions = {name: index for index, name in enumerate(scenario.regions)}
        region_of = np.array([regions[m.region] for m in scenario.municipalities], dtype=np.int64)
        return ResponseColumns(
            answers=self.answers,
            psu=self.school,
            municipality=self.municipality,
            region=region_of[self.municipality],
            gender=self.answers["gender"],
            grade=self.grade,
            class_session=self.klass,
            flags=self.planted,
        )

    def wave_inputs(self) -> tuple[WaveInput, ...]:
        """One engine input per wave, with pupil counts per (municipality, gender, grade) for
        post-stratification (cells without pupils left out)."""
        columns = self.response_columns()
        owner = np.array([s.municipality for s in self.scenario.schools])
        size = len(self.scenario.municipalities)
        inputs = []
        for index, wave in enumerate(self.scenario.waves):
            population: dict[tuple[int, int, int], float] = {}
            for g_index, grade in enumerate(GRADES):
                for gender in (1, 2):
                    pupils = self.population[index, :, g_index, gender - 1]
                    per_municipality = np.bincount(owner, weights=pupils, minlength=size)
                    for municipality, count in enumerate(per_municipality.tolist()):
                        if count > 0:
                            population[(municipality, gender, grade)] = count
            inputs.append(
                WaveInput(
                    label=wave.slug,
                    time=float(wave.year),
                    columns=columns.subset(self.wave == index),
                    population=population,
                )
            )
        return tuple(inputs)

    def pupils(self, wave: int, school: int, grade: int) -> tuple[int, int]:
        """Boys and girls enrolled in ``grade`` of a school in a wave (indexes)."""
        boys, girls = self.population[wave, school, GRADES.index(grade)]
        return int(boys), int(girls)
