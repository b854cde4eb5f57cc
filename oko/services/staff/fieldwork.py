"""Fieldwork progress during a wave: per school and grade, sessions, questionnaires, response.

Coordinators see their schools, coalition members the schools of their municipality, admins
everything (optionally one municipality). Nothing here is per student: only the class-session
counters and the number of stored responses.

"Finished" counts accepted responses (so imported or late-synchronised ones count too;
responses beyond a session's class size are held, listed apart until a coordinator decides);
"started" is the class-session counter, and never less than finished, because every
finished questionnaire was started. The response rate divides finished by the pupils
enrolled in that grade, when the admin entered that number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from oko.models import ClassSession, Municipality, Response, School, User, Wave, utcnow
from oko.models.responses import ACCEPTED, HELD
from oko.reporting.content.rates import response_rate
from oko.services.staff import authz
from oko.services.survey import class_sessions


@dataclass(frozen=True)
class Progress:
    """Counts for one grade of one school, or a total over several."""

    sessions_opened: int = 0
    sessions_open: int = 0
    started: int = 0
    finished: int = 0
    #: Pupils on the class lists of the parts whose number is known; None when no part knows.
    pupils: int | None = None
    #: Pupils whose parents objected, and pupils absent, as the coordinator entered them.
    opt_outs: int = 0
    absentees: int = 0
    #: Finished questionnaires of the parts whose pupils are known: the rate's numerator.
    rated: int = 0
    #: Parts (grades) left out of the rate because their number of pupils is unknown.
    unrated: int = 0

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.rated, self.pupils)

    def __add__(self, other: Progress) -> Progress:
        known = [p for p in (self.pupils, other.pupils) if p is not None]
        return Progress(
            self.sessions_opened + other.sessions_opened,
            self.sessions_open + other.sessions_open,
            self.started + other.started,
            self.finished + other.finished,
            sum(known) if known else None,
            self.opt_outs + other.opt_outs,
            self.absentees + other.absentees,
            self.rated + other.rated,
            self.unrated + other.unrated,
        )


@dataclass(frozen=True)
class GradeRow:
    grade: int
    progress: Progress


@dataclass(frozen=True)
class SchoolRow:
    school_id: int
    name: str
    municipality: str
    grades: tuple[GradeRow, ...]

    @property
    def total(self) -> Progress:
        return _sum(row.progress for row in self.grades)


@dataclass(frozen=True)
class HeldRow:
    """A class session with responses beyond its class size, waiting for a coordinator."""

    session_id: int
    code: str
    school: str
    grade: int
    label: str
    pupils: int | None
    held: int


@dataclass(frozen=True)
class FieldworkReport:
    wave_id: int
    wave_slug: str
    wave_name: str
    wave_status: str
    schools: tuple[SchoolRow, ...]
    held: tuple[HeldRow, ...] = ()
    generated_at: datetime = field(default_factory=utcnow)

    @property
    def total(self) -> Progress:
        return _sum(school.total for school in self.schools)


def _sum(parts) -> Progress:
    """Sum of progress; parts without known pupils are counted, but left out of the rate."""
    parts = list(parts)
    if not parts:
        return Progress()
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def monitor_waves(session: Session) -> list[Wave]:
    """Waves worth monitoring (open or closed), newest first."""
    query = (
        select(Wave)
        .where(Wave.status.in_(("open", "closed")))
        .order_by(Wave.opens_at.desc().nulls_last(), Wave.id.desc())
    )
    return list(session.execute(query).scalars())


def default_wave(session: Session) -> Wave | None:
    """The wave the monitor opens on: an open one if any, else the most recent closed one."""
    candidates = monitor_waves(session)
    open_now = [wave for wave in candidates if wave.status == "open"]
    return next(iter(open_now or candidates), None)


def scoped_schools(
    session: Session, user: User | None, municipality_id: int | None = None
) -> list[School]:
    """The schools whose progress ``user`` may see (raises Forbidden for other roles)."""
    user = authz.require_role(user, "coordinator", "coalition")
    query = select(School).join(Municipality).order_by(Municipality.name, School.name)
    if user.role == "coordinator":
        query = query.where(School.id.in_(authz.school_ids(user)))
    elif user.role == "coalition":
        query = query.where(School.municipality_id == user.municipality_id)
    if municipality_id is not None:
        if user.role == "coalition":
            authz.require_municipality(user, municipality_id)
        query = query.where(School.municipality_id == municipality_id)
    return list(session.execute(query).scalars())


def progress(
    session: Session, user: User | None, wave: Wave, municipality_id: int | None = None
) -> FieldworkReport:
    """Progress of ``wave`` at every school in the user's scope."""
    schools = scoped_schools(session, user, municipality_id)
    school_ids = [school.id for school in schools]
    sessions = _session_counts(session, wave.id, school_ids)
    finished = _finished_counts(session, wave.id, school_ids)
    sized = class_sessions.class_pupils(session, wave.id)
    rows = []
    for school in schools:
        pupils = {g: n for (s, g), n in sized.items() if s == school.id} | {
            count.grade: count.pupils for count in school.pupil_counts
        }
        grades = sorted(
            {g for (s, g) in sessions if s == school.id}
            | {g for (s, g) in finished if s == school.id}
            | set(pupils)
        )
        grade_rows = []
        for grade in grades:
            counts = sessions.get((school.id, grade), _SessionCounts())
            done = finished.get((school.id, grade), 0)
            known = pupils.get(grade)
            grade_rows.append(
                GradeRow(
                    grade,
                    Progress(
                        counts.opened,
                        counts.open_now,
                        max(counts.started, done),
                        done,
                        known,
                        counts.opt_outs,
                        counts.absentees,
                        done if known is not None else 0,
                        0 if known is not None else 1,
                    ),
                )
            )
        rows.append(SchoolRow(school.id, school.name, school.municipality.name, tuple(grade_rows)))
    held = _held(session, wave.id, school_ids)
    return FieldworkReport(wave.id, wave.slug, wave.name, wave.status, tuple(rows), held)


def _held(session: Session, wave_id: int, school_ids: list[int]) -> tuple[HeldRow, ...]:
    query = (
        select(
            ClassSession.id,
            ClassSession.code,
            School.name,
            ClassSession.grade,
            ClassSession.label,
            ClassSession.pupils,
            func.count(Response.id),
        )
        .join(School, School.id == ClassSession.school_id)
        .join(Response, Response.class_session_id == ClassSession.id)
        .where(
            ClassSession.wave_id == wave_id,
            ClassSession.school_id.in_(school_ids),
            Response.status == HELD,
        )
        .group_by(ClassSession.id, ClassSession.code, School.name)
        .order_by(School.name, ClassSession.grade, ClassSession.id)
    )
    return tuple(HeldRow(*row) for row in session.execute(query))


@dataclass(frozen=True)
class _SessionCounts:
    """The real (not test) sessions of one grade of one school."""

    opened: int = 0
    open_now: int = 0
    started: int = 0
    opt_outs: int = 0
    absentees: int = 0


def _session_counts(
    session: Session, wave_id: int, school_ids: list[int]
) -> dict[tuple[int, int], _SessionCounts]:
    if not school_ids:
        return {}
    query = (
        select(
            ClassSession.school_id,
            ClassSession.grade,
            func.count(),
            func.sum(case((ClassSession.status == "open", 1), else_=0)),
            func.sum(ClassSession.started_count),
            func.sum(ClassSession.opt_outs),
            func.sum(ClassSession.absentees),
        )
        .where(
            ClassSession.wave_id == wave_id,
            ClassSession.school_id.in_(school_ids),
            ClassSession.is_test.is_(False),
        )
        .group_by(ClassSession.school_id, ClassSession.grade)
    )
    counts = {}
    for school_id, grade, opened, open_now, started, opt_outs, absent in session.execute(query):
        counts[(school_id, grade)] = _SessionCounts(
            int(opened), int(open_now or 0), int(started or 0), int(opt_outs or 0), int(absent or 0)
        )
    return counts


def _finished_counts(
    session: Session, wave_id: int, school_ids: list[int]
) -> dict[tuple[int, int], int]:
    if not school_ids:
        return {}
    query = (
        select(Response.school_id, Response.grade, func.count())
        .where(
            Response.wave_id == wave_id,
            Response.school_id.in_(school_ids),
            Response.status == ACCEPTED,
        )
        .group_by(Response.school_id, Response.grade)
    )
    return {(school_id, grade): int(n) for school_id, grade, n in session.execute(query)}
