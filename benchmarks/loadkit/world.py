"""A migrated database with an open wave and class sessions, and the checks run afterwards.

Classes are the size of real ones (``CLASS_SIZE`` students share a code), so the per-class
counters see the contention they would see in a school.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, text

from oko import PROJECT_ROOT, migrations
from oko.db import Database
from oko.models import ClassSession, Draft, Response, School, Wave, utcnow
from oko.questionnaire import Answer, Questionnaire, load, quality_flags, rounded_duration
from oko.services.demo import synthetic_data
from oko.services.staff import admin
from oko.services.survey import class_sessions
from oko.services.survey.submissions import final_answers
from oko.synthetic import benchmark_scenario, generate

QUESTIONNAIRE_DIR = PROJECT_ROOT / "questionnaires"
CORE = QUESTIONNAIRE_DIR / "oko-core.yaml"
CLASS_SIZE = 25
SCHOOLS = 8
#: Distinct synthetic responses generated for a preload, and rows per insert statement.
PRELOAD_DISTINCT = 5_000
PRELOAD_BATCH = 5_000


@dataclass(frozen=True)
class World:
    """The open wave's class codes (one per class) and the questionnaire they lead to."""

    database_url: str
    codes: tuple[str, ...]
    questionnaire: Questionnaire

    def code_for(self, student_index: int) -> str:
        return self.codes[(student_index // CLASS_SIZE) % len(self.codes)]


def prepare(database_url: str, students: int) -> World:
    """Migrate, then add a municipality, schools, an open wave and enough classes."""
    migrations.upgrade(database_url)
    questionnaire = load(CORE)
    database = Database(database_url)
    try:
        with database.session() as session:
            town = admin.save_municipality(
                session, slug="loadtown", name="Loadtown", region="Bench", actor_id=None
            )
            schools = [
                admin.save_school(
                    session,
                    slug=f"school-{n}",
                    name=f"School {n}",
                    municipality_id=town.id,
                    actor_id=None,
                )
                for n in range(SCHOOLS)
            ]
            wave = admin.save_wave(
                session,
                slug="load-wave",
                name="Load test wave",
                questionnaire_id=questionnaire.id,
                questionnaire_version=questionnaire.version,
                questionnaire_dir=QUESTIONNAIRE_DIR,
                actor_id=None,
            )
            admin.open_wave(session, wave, actor_id=None)
            classes = max(1, -(-students // CLASS_SIZE))
            codes = tuple(
                class_sessions.open_session(
                    session,
                    wave=wave,
                    school=schools[n % SCHOOLS],
                    grade=1 + n % 6,
                    label=f"L{n}",
                    actor=None,
                ).code
                for n in range(classes)
            )
    finally:
        database.dispose()
    return World(database_url, codes, questionnaire)


def preload(world: World, count: int, *, seed: int = 1) -> None:
    """``count`` synthetic responses in the world's open wave, as if many classes had taken
    part already: the survey's cost must not grow with them.

    Realistic answers and durations come from the demo's generator; ``PRELOAD_DISTINCT`` of
    them, repeated, are enough for the database's sizes and plans and keep the load to core
    inserts of a few thousand rows each (200,000 in well under a minute). PostgreSQL then
    gathers planner statistics, as autovacuum soon would after such a load.
    """
    scenario = benchmark_scenario(1, min(count, PRELOAD_DISTINCT), n_waves=1, seed=seed)
    sample = generate(scenario, seed)
    answers = list(sample.iter_answers(items=world.questionnaire.items))
    flags = [quality_flags(world.questionnaire, given) for given in answers]
    durations = [rounded_duration(float(seconds)) for seconds in sample.duration_seconds]
    database = Database(world.database_url)
    try:
        with database.session() as session:
            wave = session.execute(select(Wave).where(Wave.status == "open")).scalar_one()
            schools = session.execute(select(School.id).order_by(School.id)).scalars().all()
            common = {
                "wave_id": wave.id,
                "questionnaire_id": wave.questionnaire_id,
                "questionnaire_version": wave.questionnaire_version,
                "language": "nl",
                "submitted_on": utcnow().date(),
                "source": synthetic_data.SOURCE,
            }
            for start in range(0, count, PRELOAD_BATCH):
                rows = []
                for n in range(start, min(count, start + PRELOAD_BATCH)):
                    one = n % len(answers)
                    rows.append(
                        common
                        | {
                            "submission_id": f"preload-{n:012d}",
                            "school_id": schools[n % len(schools)],
                            "grade": 1 + n % 6,
                            "answers": answers[one],
                            "duration_seconds": durations[one],
                            "quality_flags": flags[one],
                        }
                    )
                session.execute(insert(Response), rows)
            session.commit()
        if database.engine.dialect.name == "postgresql":
            with database.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
    finally:
        database.dispose()


@dataclass
class Audit:
    """What the database holds after a run, compared with what the students were told."""

    acknowledged: int
    stored: int
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)
    wrong_answers: list[str] = field(default_factory=list)
    counter_mismatches: list[str] = field(default_factory=list)
    drafts_left: int = 0

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.duplicated
            or self.unacknowledged
            or self.wrong_answers
            or self.counter_mismatches
        )

    def summary(self) -> str:
        parts = [
            f"acknowledged {self.acknowledged}",
            f"stored {self.stored}",
            f"lost {len(self.lost)}",
            f"duplicated {len(self.duplicated)}",
            f"stored but never acknowledged {len(self.unacknowledged)}",
            f"answers differing {len(self.wrong_answers)}",
            f"class counters off {len(self.counter_mismatches)}",
            f"drafts left {self.drafts_left}",
        ]
        return ", ".join(parts)


def audit(
    database_url: str,
    questionnaire: Questionnaire,
    acknowledged: dict[str, dict[str, Answer]],
) -> Audit:
    """Check the stored responses against the acknowledged submits.

    ``acknowledged`` maps each submission id a student saw a thank-you page for to the answers
    the student gave. Each must be stored once, with exactly those answers (nothing half
    written), nothing else may be stored (but the preloaded synthetic responses), and each
    class's finished counter must equal its stored responses (the counter is updated in the
    submit's transaction).
    """
    database = Database(database_url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(Response.submission_id, Response.answers).where(
                    Response.source != synthetic_data.SOURCE
                )
            ).all()
            per_class = dict(
                session.execute(
                    select(Response.class_session_id, func.count()).group_by(
                        Response.class_session_id
                    )
                ).all()
            )
            counters = session.execute(
                select(ClassSession.id, ClassSession.code, ClassSession.finished_count)
            ).all()
            drafts_left = session.execute(select(func.count()).select_from(Draft)).scalar_one()
    finally:
        database.dispose()
    seen = Counter(submission_id for submission_id, _ in rows)
    stored = {submission_id: answers for submission_id, answers in rows}
    result = Audit(acknowledged=len(acknowledged), stored=len(rows), drafts_left=drafts_left)
    result.duplicated = sorted(sid for sid, n in seen.items() if n > 1)
    result.lost = sorted(set(acknowledged) - set(stored))
    result.unacknowledged = sorted(set(stored) - set(acknowledged))
    result.wrong_answers = sorted(
        sid
        for sid, given in acknowledged.items()
        if sid in stored and stored[sid] != final_answers(questionnaire, given)
    )
    result.counter_mismatches = [
        f"{code}: counter {finished}, stored {per_class.get(session_id, 0)}"
        for session_id, code, finished in counters
        if finished != per_class.get(session_id, 0)
    ]
    return result
