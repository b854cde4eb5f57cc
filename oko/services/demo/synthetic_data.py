"""Synthetic data in the database: areas, schools, waves, pupil counts and responses.

Rows are labelled as synthetic where the schema allows (``Response.source = "synthetic"``,
names ending in "(synthetisch)"), and :func:`has_synthetic_data` lets the app show a banner
whenever such rows exist. Responses are bulk-inserted in one transaction, with the quality
flags the survey would have computed at submit, so everything downstream (indicators,
reports, exports) treats them exactly like collected data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import exists, func, insert, select
from sqlalchemy.orm import Session

from oko.models import (
    ClassSession,
    Municipality,
    PopulationCount,
    Response,
    School,
    SchoolGradeCount,
    Wave,
)
from oko.questionnaire import Questionnaire, quality_flags, rounded_duration, too_fast
from oko.services import audit
from oko.services.survey import class_sessions
from oko.synthetic import GRADES, SyntheticSample

SOURCE = "synthetic"
#: Fieldwork: the wave opens on 1 October, classes take the survey on school days of the
#: four weeks that follow, and the wave closes a week after that (early November).
FIELDWORK_START = (10, 1)
FIELDWORK_WEEKS = 4
#: Rows per INSERT statement: large enough to be fast, small enough for SQLite's limits.
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Loaded:
    """What :func:`load_sample` stored."""

    municipalities: int
    schools: int
    waves: int
    responses: int
    flagged: int


def has_synthetic_data(session: Session) -> bool:
    """Whether any synthetic response is stored: stops at the first one it finds."""
    return bool(session.execute(select(exists().where(Response.source == SOURCE))).scalar())


def count_synthetic(session: Session, wave_id: int | None = None) -> int:
    """Synthetic responses stored, in one wave or in all."""
    query = select(func.count()).select_from(Response).where(Response.source == SOURCE)
    if wave_id is not None:
        query = query.where(Response.wave_id == wave_id)
    return session.execute(query).scalar_one()


def load_sample(
    session: Session, sample: SyntheticSample, questionnaire: Questionnaire, *, seed: int
) -> Loaded:
    """Store the sample's areas, schools, closed waves, pupil counts and responses; commits.

    ``seed`` makes the fieldwork dates and submission ids reproducible. The scenario's slugs
    must be free: loading the same scenario twice is refused by the unique constraints.
    """
    scenario = sample.scenario
    municipalities = [
        Municipality(slug=m.slug, name=m.name, region=m.region) for m in scenario.municipalities
    ]
    session.add_all(municipalities)
    session.flush()
    latest = len(scenario.waves) - 1
    schools = []
    for index, spec in enumerate(scenario.schools):
        school = School(
            slug=spec.slug,
            name=spec.name,
            municipality_id=municipalities[spec.municipality].id,
            school_type=spec.school_type,
        )
        school.pupil_counts = [
            SchoolGradeCount(grade=grade, pupils=sum(sample.pupils(latest, index, grade)))
            for grade in GRADES
        ]
        schools.append(school)
    session.add_all(schools)
    waves = [
        Wave(
            slug=spec.slug,
            name=spec.name,
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            opens_at=_fieldwork_start(spec.year),
            closes_at=_fieldwork_start(spec.year) + timedelta(weeks=FIELDWORK_WEEKS + 1, days=1),
            status="closed",
            created_at=_fieldwork_start(spec.year) - timedelta(days=60),
        )
        for spec in scenario.waves
    ]
    session.add_all(waves)
    session.flush()
    session.add_all(_population_counts(sample, municipalities, waves))

    rng = np.random.default_rng([seed, 0xDA7E])
    flagged = _insert_responses(
        session,
        sample,
        questionnaire,
        wave_ids=np.array([w.id for w in waves])[sample.wave],
        school_ids=np.array([s.id for s in schools])[sample.school],
        session_ids=[None] * len(sample),
        submitted=_submission_times(sample, rng),
        rng=rng,
    )
    loaded = Loaded(
        municipalities=len(municipalities),
        schools=len(schools),
        waves=len(waves),
        responses=len(sample),
        flagged=flagged,
    )
    audit.record(
        session,
        "synthetic.load",
        target=", ".join(w.slug for w in waves),
        detail={"seed": seed, "responses": loaded.responses, "flagged": flagged},
    )
    session.commit()
    return loaded


def add_fieldwork(
    session: Session,
    sample: SyntheticSample,
    questionnaire: Questionnaire,
    wave: Wave,
    *,
    now: datetime,
    seed: int,
) -> int:
    """Classes that already took part in ``wave`` (open): one closed class session per class
    of the sample, on one of the last ten school days (with a few opt-outs and absentees, as
    the teacher records them), and their responses.

    The sample's single wave stands for ``wave``; its schools are matched by slug. Returns the
    number of responses stored; commits.
    """
    rng = np.random.default_rng([seed, 0xF1E1D])
    # Its own stream, so the lessons and answers stay what they were before attendance existed.
    attendance = np.random.default_rng([seed, 0xA77E4D])
    slugs = [school.slug for school in sample.scenario.schools]
    schools = {s.slug: s for s in session.scalars(select(School).where(School.slug.in_(slugs)))}
    school_ids = np.array([schools[slug].id for slug in slugs])
    cells = sorted(
        set(zip(sample.school.tolist(), sample.grade.tolist(), sample.klass.tolist(), strict=True))
    )
    days = rng.permutation(10)
    session_ids: list[int | None] = [None] * len(sample)
    submitted: list[datetime] = [now] * len(sample)
    for number, (school_index, grade, klass) in enumerate(cells):
        rows = np.flatnonzero(sample.klass == klass)
        lesson = _school_days_before(now, int(days[number % 10]) + 1) + timedelta(
            minutes=int(rng.integers(0, 330))
        )
        row = ClassSession(
            wave_id=wave.id,
            school_id=int(school_ids[school_index]),
            grade=grade,
            code=class_sessions.generate_code(),
            label=f"{grade}{'ABCD'[number % 4]}",
            status="closed",
            opened_at=lesson,
            closed_at=lesson + timedelta(minutes=50),
            started_count=len(rows) + int(rng.integers(0, 3)),
            finished_count=len(rows),
            opt_outs=int(attendance.integers(0, 3)),
            absentees=int(attendance.integers(0, 4)),
        )
        session.add(row)
        session.flush()
        for index in rows.tolist():
            session_ids[index] = row.id
            submitted[index] = lesson + timedelta(
                seconds=int(sample.duration_seconds[index]) + int(rng.integers(60, 600))
            )
    _insert_responses(
        session,
        sample,
        questionnaire,
        wave_ids=np.full(len(sample), wave.id),
        school_ids=school_ids[sample.school],
        session_ids=session_ids,
        submitted=submitted,
        rng=rng,
    )
    audit.record(
        session,
        "synthetic.fieldwork",
        target=f"wave:{wave.slug}",
        detail={"seed": seed, "class_sessions": len(cells), "responses": len(sample)},
    )
    session.commit()
    return len(sample)


def _insert_responses(
    session: Session,
    sample: SyntheticSample,
    questionnaire: Questionnaire,
    *,
    wave_ids: np.ndarray,
    school_ids: np.ndarray,
    session_ids: list[int | None],
    submitted: list[datetime],
    rng: np.random.Generator,
) -> int:
    """Bulk-insert the sample's responses with their quality flags; returns how many flagged.

    As for surveyed responses, ``too_fast`` is not stored but decided at analysis against the
    median of the response's own wave; the count includes it, judged the same way.
    """
    durations = [rounded_duration(float(seconds)) for seconds in sample.duration_seconds]
    medians = {
        int(w): float(np.median(np.array(durations)[sample.wave == w]))
        for w in np.unique(sample.wave)
    }
    share = questionnaire.quality.too_fast_share_of_median
    ids = rng.integers(0, 2**63, size=(len(sample), 2), dtype=np.int64)
    flagged = 0
    rows = []
    for index, answers in enumerate(sample.iter_answers(items=questionnaire.items)):
        flags = quality_flags(questionnaire, answers)
        duration = durations[index]
        flagged += bool(flags) or too_fast(duration, medians[int(sample.wave[index])], share)
        rows.append(
            {
                "submission_id": f"synthetic-{ids[index, 0]:016x}{ids[index, 1]:016x}",
                "wave_id": int(wave_ids[index]),
                "school_id": int(school_ids[index]),
                "grade": int(sample.grade[index]),
                "class_session_id": session_ids[index],
                "questionnaire_id": questionnaire.id,
                "questionnaire_version": questionnaire.version,
                "language": "en" if sample.english[index] else "nl",
                "answers": answers,
                "submitted_on": submitted[index].date(),
                "duration_seconds": duration,
                "quality_flags": flags,
                "source": SOURCE,
            }
        )
        if len(rows) == BATCH_SIZE:
            session.execute(insert(Response), rows)
            rows = []
    if rows:
        session.execute(insert(Response), rows)
    return flagged


def _school_days_before(now: datetime, count: int) -> datetime:
    """08:30 on the ``count``-th school day (Monday to Friday) before ``now``."""
    day = now.replace(hour=8, minute=30, second=0, microsecond=0)
    while count:
        day -= timedelta(days=1)
        count -= day.weekday() < 5
    return day


def _fieldwork_start(year: int) -> datetime:
    month, day = FIELDWORK_START
    return datetime(year, month, day, 8, 30)


def _population_counts(
    sample: SyntheticSample, municipalities: list[Municipality], waves: list[Wave]
) -> list[PopulationCount]:
    """Pupils by gender and grade per municipality and wave: the post-stratification targets."""
    owner = np.array([s.municipality for s in sample.scenario.schools])
    counts = []
    for m_index, municipality in enumerate(municipalities):
        # population: wave x school x grade x (boys, girls)
        totals = sample.population[:, owner == m_index].sum(axis=1)
        for w_index, wave in enumerate(waves):
            for g_index, grade in enumerate(GRADES):
                for gender in (1, 2):
                    counts.append(
                        PopulationCount(
                            municipality_id=municipality.id,
                            wave_id=wave.id,
                            gender=gender,
                            grade=grade,
                            pupils=int(totals[w_index, g_index, gender - 1]),
                        )
                    )
    return counts


def _submission_times(sample: SyntheticSample, rng: np.random.Generator) -> list[datetime]:
    """Each class (school and grade) takes the survey on one school day, between 8:30 and 15:00."""
    years = np.array([w.year for w in sample.scenario.waves])[sample.wave]
    n_schools, n_grades = len(sample.scenario.schools), len(GRADES)
    grade_index = np.searchsorted(GRADES, sample.grade)
    class_key = (sample.wave * n_schools + sample.school) * n_grades + grade_index
    school_days = rng.integers(0, FIELDWORK_WEEKS * 5, int(class_key.max(initial=0)) + 1)
    day = school_days[class_key]
    # Monday to Friday only, from the Monday after fieldwork opens.
    offsets = (day // 5) * 7 + day % 5
    minutes = rng.integers(0, 390, len(sample))
    mondays = {
        year: _fieldwork_start(year) + timedelta(days=7 - _fieldwork_start(year).weekday())
        for year in set(years.tolist())
    }
    return [
        mondays[year] + timedelta(days=offset, minutes=minute)
        for year, offset, minute in zip(
            years.tolist(), offsets.tolist(), minutes.tolist(), strict=True
        )
    ]
