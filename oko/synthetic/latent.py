"""The latent part of the synthetic model: who the students are and what drives their answers.

Each student has three protective factors — parental time and monitoring, organised leisure,
school climate — shaped by municipality and wave (the profile), school, class, grade and
gender, and correlated through a shared component. Students answer in classes (a new set each
wave), and classmates resemble each other: a class effect on the factors and on substance use.
Use of each substance follows a logistic model in which those factors lower the odds; its
intercept is calibrated per municipality, wave and grade so that the planned prevalences of
the scenario's profiles come out exactly in expectation.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit

from oko.synthetic.scenario import FACTORS, GRADES, SCHOOL_TYPE_MIX, Scenario

#: Planned indicator -> the substance latent it calibrates; the event is "latent > 0".
SUBSTANCES: dict[str, str] = {
    "drunk_30d": "alcohol",
    "smoking_daily": "tobacco",
    "vaping_30d": "vaping",
    "cannabis_lifetime": "cannabis",
}
#: How strongly each protective factor lowers the log-odds of use (per standard deviation):
#: parental time and organised leisure matter most for alcohol, as in the Icelandic findings.
PROTECTION: dict[str, dict[str, float]] = {
    "alcohol": {"parents": 0.7, "leisure": 0.45, "school": 0.25},
    "tobacco": {"parents": 0.5, "leisure": 0.35, "school": 0.4},
    "vaping": {"parents": 0.5, "leisure": 0.3, "school": 0.3},
    "cannabis": {"parents": 0.5, "leisure": 0.35, "school": 0.35},
}
#: Log-odds shifts by gender answer (boy, girl, other) ...
GENDER_RISK: dict[str, tuple[float, float, float]] = {
    "alcohol": (0.0, 0.0, 0.2),
    "tobacco": (0.1, 0.0, 0.3),
    "vaping": (0.0, 0.1, 0.3),
    "cannabis": (0.4, 0.0, 0.4),
}
#: ... and by school type answer (vmbo/praktijk, havo, vwo, other).
TYPE_RISK: dict[str, tuple[float, float, float, float]] = {
    "alcohol": (0.15, 0.0, -0.1, 0.0),
    "tobacco": (0.5, 0.0, -0.4, 0.2),
    "vaping": (0.3, 0.0, -0.3, 0.1),
    "cannabis": (0.2, 0.0, -0.1, 0.2),
}
#: Protective factors: change per school year around the middle (year 3), and by gender.
FACTOR_GRADE: dict[str, float] = {"parents": -0.15, "leisure": -0.1, "school": -0.08}
FACTOR_GENDER: dict[str, tuple[float, float, float]] = {
    "parents": (0.0, 0.1, -0.2),
    "leisure": (0.15, -0.15, -0.3),
    "school": (0.0, 0.0, -0.3),
}
#: Standard deviation of school effects on the factors and on substance use (log-odds): the
#: clustering that makes the school the primary sampling unit.
SCHOOL_SD: dict[str, float] = {"parents": 0.08, "leisure": 0.1, "school": 0.12, "use": 0.12}
#: Standard deviation of class effects (same teacher, same friends), drawn anew each wave. The
#: one on use is left out of the calibration, so a wave's classes move its prevalences by luck
#: (the clustering the class design of the standard errors accounts for).
CLASS_SD: dict[str, float] = {"parents": 0.25, "leisure": 0.25, "school": 0.3, "use": 0.6}
#: Respondents per class: a school's grade is split into classes of about this size.
CLASS_SIZE = 24
#: Share of each factor's variance that the three factors have in common.
FACTOR_SHARED = 0.3
#: Spread of a general propensity for risk taking, shared by all substances (log-odds).
RISK_SD = 0.9
#: Share of students ("other or rather not say") among the gender answers.
OTHER_GENDER_SHARE = 0.02


class Streams:
    """Independent random generators per named part, all derived from one seed.

    Each part of the model draws from its own stream, so changing how one item is drawn does
    not reshuffle every other column.
    """

    def __init__(self, seed: int, school_seed: int | None = None) -> None:
        self.seed = seed
        #: Seed of the school effects (streams named ``school-...``), when they must stay the
        #: same while everything else is drawn anew (every school taking part every wave).
        self.school_seed = seed if school_seed is None else school_seed

    def __call__(self, name: str) -> np.random.Generator:
        seed = self.school_seed if name.startswith("school-") else self.seed
        return np.random.default_rng([seed, zlib.crc32(name.encode())])


@dataclass(frozen=True, eq=False)
class Students:
    """One row per student: the design and the latent values answers are drawn from."""

    wave: np.ndarray
    school: np.ndarray
    #: Class index, unique over waves and schools.
    klass: np.ndarray
    municipality: np.ndarray
    grade: np.ndarray
    gender: np.ndarray
    school_type: np.ndarray
    age: np.ndarray
    #: Factor name -> value (standard-deviation units; higher is more protective).
    factors: dict[str, np.ndarray]
    #: Substance -> latent; above 0 means the planned indicator (e.g. drunk in 30 days).
    use: dict[str, np.ndarray]
    #: Pupils by wave, school, grade (as in GRADES) and gender (boys, girls).
    population: np.ndarray

    @property
    def n(self) -> int:
        return int(self.wave.shape[0])


def draw_students(scenario: Scenario, streams: Streams) -> Students:
    wave, school, grade_index, population = _layout(scenario, streams("layout"))
    n: int = wave.shape[0]
    municipality = np.array([s.municipality for s in scenario.schools], dtype=np.int32)[school]
    grade = np.asarray(GRADES, dtype=np.int16)[grade_index]

    rng = streams("demographics")
    boys, girls = population[wave, school, grade_index].T
    sex = np.where(rng.random(n) < boys / np.maximum(boys + girls, 1), 1, 2)
    gender = np.where(rng.random(n) < OTHER_GENDER_SHARE, 3, sex).astype(np.int16)
    type_mix = np.array([SCHOOL_TYPE_MIX[s.school_type] for s in scenario.schools])
    cumulative = np.cumsum(type_mix, axis=1)[school]
    school_type = (1 + (rng.random(n)[:, None] > cumulative).sum(axis=1)).clip(1, 4)
    # Mostly 11 + school year or a year older; a few a year younger or held back.
    offset = rng.choice([-1, 0, 1, 2], size=n, p=(0.04, 0.52, 0.39, 0.05))
    age = (grade + 11 + offset).astype(np.int16)

    klass = _classes(wave, school, grade_index, streams("classes"))
    factors = _factors(scenario, streams, wave, school, klass, municipality, grade, gender)
    use = _use(
        scenario,
        streams,
        factors,
        (wave, school, klass, municipality, grade_index),
        gender,
        school_type,
    )
    return Students(
        wave=wave.astype(np.int16),
        school=school.astype(np.int32),
        klass=klass.astype(np.int32),
        municipality=municipality,
        grade=grade,
        gender=gender,
        school_type=school_type.astype(np.int16),
        age=age,
        factors=factors,
        use=use,
        population=population,
    )


def _layout(
    scenario: Scenario, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Respondents per wave, school and grade, and the pupils behind them by gender."""
    n_waves, n_schools, n_grades = len(scenario.waves), len(scenario.schools), len(GRADES)
    base = np.array([s.pupils for s in scenario.schools], dtype=np.float64)
    growth = rng.normal(1.0, 0.05, (n_waves, n_schools, n_grades))
    pupils = np.maximum(1, np.rint(base[None, :, None] * growth)).astype(np.int64)
    boys = rng.binomial(pupils, 0.5)
    population = np.stack([boys, pupils - boys], axis=-1).astype(np.int32)
    rate = np.array([s.response_rate for s in scenario.schools])
    rates = np.clip(rate[None, :, None] + rng.normal(0, 0.04, pupils.shape), 0.3, 1.0)
    if scenario.n_rows is None:
        counts = rng.binomial(pupils, rates)
    else:
        expected = (pupils * rates).ravel()
        counts = rng.multinomial(scenario.n_rows, expected / expected.sum()).reshape(pupils.shape)
        # Keep the fiction coherent: never more respondents than pupils.
        short = counts > pupils
        population[short] = np.stack([counts[short] - counts[short] // 2, counts[short] // 2], -1)
    cells = np.indices(counts.shape).reshape(3, -1)
    wave, school, grade_index = (np.repeat(axis, counts.ravel()) for axis in cells)
    return wave, school, grade_index, population


def _classes(
    wave: np.ndarray, school: np.ndarray, grade_index: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Students of each (wave, school, grade) cell dealt at random into classes of about
    :data:`CLASS_SIZE`; class numbers are unique over cells."""
    n = wave.shape[0]
    if n == 0:
        return np.zeros(0, np.int64)
    _, cell, sizes = np.unique(
        np.stack([wave, school, grade_index]), axis=1, return_inverse=True, return_counts=True
    )
    cell = cell.ravel()
    classes = np.maximum(1, np.rint(sizes / CLASS_SIZE)).astype(np.int64)
    first = np.cumsum(classes) - classes
    order = np.lexsort((rng.random(int(n)), np.asarray(cell)))
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return first[cell] + rank % classes[cell]


def _school_effects(scenario: Scenario, rng: np.random.Generator, sd: float) -> np.ndarray:
    """One effect per school, centred within each municipality so planned figures hold."""
    effects = rng.normal(0.0, sd, len(scenario.schools))
    owner = np.array([s.municipality for s in scenario.schools])
    counts = np.bincount(owner, minlength=len(scenario.municipalities))
    means = np.bincount(owner, effects, minlength=len(scenario.municipalities))
    return effects - (means / np.maximum(counts, 1))[owner]


def _factors(
    scenario: Scenario,
    streams: Streams,
    wave: np.ndarray,
    school: np.ndarray,
    klass: np.ndarray,
    municipality: np.ndarray,
    grade: np.ndarray,
    gender: np.ndarray,
) -> dict[str, np.ndarray]:
    n = wave.shape[0]
    n_classes = int(klass.max()) + 1 if n else 0
    rng = streams("factors")
    shared = rng.standard_normal(n)
    steps = [w.step for w in scenario.waves]
    profiles = [scenario.profiles[m.profile] for m in scenario.municipalities]
    protection = np.array([m.protection_offset for m in scenario.municipalities])
    factors = {}
    for name in FACTORS:
        shift = np.array([[p.shift(name, step) for step in steps] for p in profiles])
        mean = (
            shift[municipality, wave]
            + protection[municipality]
            + _school_effects(scenario, streams(f"school-{name}"), SCHOOL_SD[name])[school]
            + streams(f"class-{name}").normal(0.0, CLASS_SD[name], n_classes)[klass]
            + FACTOR_GRADE[name] * (grade - 3)
            + np.asarray(FACTOR_GENDER[name])[gender - 1]
        )
        own = rng.standard_normal(n)
        factors[name] = mean + np.sqrt(FACTOR_SHARED) * shared + np.sqrt(1 - FACTOR_SHARED) * own
    return factors


def _use(
    scenario: Scenario,
    streams: Streams,
    factors: dict[str, np.ndarray],
    design: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    gender: np.ndarray,
    school_type: np.ndarray,
) -> dict[str, np.ndarray]:
    """Latent = calibrated intercept + linear predictor + class effect + standard logistic
    noise, so the event "latent > 0" follows a logistic model in the protective factors.

    The intercept is calibrated as if each student's class effect were drawn alone: it then
    absorbs what the spread of class effects does to the mean, not the luck of the classes
    actually drawn, which stays in the wave's prevalences."""
    wave, school, klass, municipality, grade_index = design
    n = wave.shape[0]
    n_classes = int(klass.max()) + 1 if n else 0
    rng = streams("substances")
    risk = rng.normal(0.0, RISK_SD, n)
    school_use = _school_effects(scenario, streams("school-use"), SCHOOL_SD["use"])[school]
    class_rng = streams("class-use")
    class_use = class_rng.normal(0.0, CLASS_SD["use"], n_classes)[klass]
    alone = class_rng.normal(0.0, CLASS_SD["use"], n)
    cell = (municipality * len(scenario.waves) + wave) * len(GRADES) + grade_index
    use = {}
    for indicator, substance in SUBSTANCES.items():
        linear = (
            risk
            + school_use
            + np.asarray(GENDER_RISK[substance])[gender - 1]
            + np.asarray(TYPE_RISK[substance])[school_type - 1]
        )
        for factor, weight in PROTECTION[substance].items():
            linear -= weight * factors[factor]
        intercept = calibrate(linear + alone, cell, planned(scenario, indicator))
        use[substance] = intercept[cell] + linear + class_use + rng.logistic(size=n)
    return use


def planned(scenario: Scenario, indicator: str) -> np.ndarray:
    """Planned prevalence per (municipality, wave, grade) cell, flattened in that order."""
    return np.asarray(
        [
            expit(
                logit(scenario.profiles[m.profile].planned(indicator, grade, w.step))
                + m.risk_offset
            )
            for m in scenario.municipalities
            for w in scenario.waves
            for grade in GRADES
        ]
    )


def calibrate(linear: np.ndarray, cell: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Intercept per cell such that the mean of expit(intercept + linear) is the target.

    Newton's method on a monotone function; a handful of steps reach 1e-9.
    """
    size = target.shape[0]
    counts = np.maximum(np.bincount(cell, minlength=size), 1)
    intercept = logit(target) - np.bincount(cell, linear, minlength=size) / counts
    for _ in range(50):
        p = expit(intercept[cell] + linear)
        excess = np.bincount(cell, p, minlength=size) / counts - target
        if np.abs(excess).max() < 1e-9:
            break
        slope = np.bincount(cell, p * (1 - p), minlength=size) / counts
        intercept -= np.clip(excess / np.maximum(slope, 1e-12), -2.0, 2.0)
    return intercept
