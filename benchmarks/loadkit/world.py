"""A migrated database with an open wave and class sessions, and the checks run afterwards.

Classes are the size of real ones (``CLASS_SIZE`` students share a code), so the per-class
counters see the contention they would see in a school.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from oko import PROJECT_ROOT, migrations
from oko.db import Database
from oko.models import ClassSession, Draft, Response
from oko.questionnaire import Answer, Questionnaire, load
from oko.services.staff import admin
from oko.services.survey import class_sessions
from oko.services.survey.submissions import final_answers

QUESTIONNAIRE_DIR = PROJECT_ROOT / "questionnaires"
CORE = QUESTIONNAIRE_DIR / "oko-core.yaml"
CLASS_SIZE = 25
SCHOOLS = 8


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
    written), nothing else may be stored, and each class's finished counter must equal its
    stored responses (the counter is updated in the submit's transaction).
    """
    database = Database(database_url)
    try:
        with database.session() as session:
            rows = session.execute(select(Response.submission_id, Response.answers)).all()
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
