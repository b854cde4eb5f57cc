"""Class sessions: the short code a class types to reach the questionnaire.

A code is ``CODE_LENGTH`` characters from an alphabet without look-alikes (no 0/O, 1/I/L),
shown with a dash (``K7P-3QXM``) and accepted in any case, with or without the dash or spaces.

Why seven characters: 31**7 is about 2.75e10 codes. Wrong codes are rate-limited per client
(``CODE_ATTEMPTS_PER_WINDOW``, 150 per 15 minutes by default, see ``admission``) and a code works
for ``CLASS_CODE_TTL_HOURS`` (12) at most, so one client gets at most 7,200 guesses in a code's
lifetime; even with 500 classes running at the same moment, the chance that those guesses hit
any live code is about 1 in 7,600 (``tests/survey/test_class_codes.py`` checks the arithmetic
against the config). And a hit only lets someone add answers to one class, which the quality
flags and the class-size bound are made for.

Authorisation lives here, not in the views: a coordinator opens and closes sessions only at
their own schools (``oko.services.staff.authz``). The command line passes ``actor=None``: whoever
runs it already has the database.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from oko.models import ClassSession, Response, School, User, Wave, utcnow
from oko.models.responses import ACCEPTED, HELD, REJECTED, TEST
from oko.questionnaire import Questionnaire
from oko.services import audit
from oko.services.refusal import Refusal
from oko.services.staff import authz
from oko.services.survey import questionnaires

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 7
#: Where the dash goes when a code is shown: ``K7P-3QXM``.
GROUP = 3
GRADES = range(1, 7)
MAX_LABEL_LENGTH = 40
#: Most pupils a class session may be opened for.
MAX_PUPILS = 60
#: Why a code does not let a student in; each has a message for the student.
REFUSALS = ("unknown", "closed", "expired", "wave_not_open", "wave_closed", "too_many")


class SessionError(Refusal):
    """A request about a class session is refused; ``str()`` says why in English, the web
    pages show ``refusal.<code>`` in the visitor's language."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "session_wave_not_open": "Wave {wave!r} is {status}; sessions need an open wave.",
        "session_bad_grade": "Grade must be {low} to {high}, not {grade}.",
        "session_long_label": "A label has at most {length} characters.",
        "session_no_code": "Could not find a free code; try again.",
        "session_choose": "Choose an open wave and one of your schools.",
        "session_bad_pupils": "The number of pupils must be 1 to {high}, not {pupils}.",
        "session_grade_not_surveyed": "Wave {wave!r} does not survey grade {grade}.",
        "session_repeat": "Grade {grade}{label} of {school} already has a session in this "
        "wave ({earlier}); confirm to open a second one.",
        "session_bad_attendance": "Opt-outs and absentees are 0 to {high} together, and "
        "need the number of pupils.",
        "session_not_test": "Only a test session's responses can be deleted.",
    }


class CodeRefused(Exception):
    """The code does not open a questionnaire; ``reason`` is one of :data:`REFUSALS`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Counts:
    """What the class screen shows: how many started and finished, nothing per student."""

    started: int
    finished: int
    status: str

    @property
    def in_progress(self) -> int:
        return max(self.started - self.finished, 0)


def generate_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """The code as shown and read aloud: ``K7P3QXM`` -> ``K7P-3QXM``."""
    return f"{code[:GROUP]}-{code[GROUP:]}"


def normalise_code(raw: str) -> str | None:
    """The stored form of a typed code, or None if it cannot be one of ours.

    Case, spaces and dashes do not matter; a character outside the alphabet (say an ``O``
    for a ``0``) means the code was mistyped, and the student is told so.
    """
    code = "".join(raw.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def get(session: Session, session_id: int) -> ClassSession | None:
    return session.get(ClassSession, session_id)


def by_code(session: Session, raw_code: str) -> ClassSession | None:
    code = normalise_code(raw_code)
    if code is None:
        return None
    query = (
        select(ClassSession)
        .where(ClassSession.code == code)
        .options(joinedload(ClassSession.wave), joinedload(ClassSession.school))
    )
    return session.execute(query).scalar_one_or_none()


def refusal(class_session: ClassSession, *, now: datetime, ttl_hours: int) -> str | None:
    """Why the session's code does not work at ``now``, or None when it does."""
    wave = class_session.wave
    if wave.status == "closed" or (wave.closes_at is not None and now >= wave.closes_at):
        return "wave_closed"
    if wave.status != "open" or (wave.opens_at is not None and now < wave.opens_at):
        return "wave_not_open"
    if class_session.status != "open":
        return "closed"
    if now >= class_session.opened_at + timedelta(hours=ttl_hours):
        return "expired"
    return None


def admit(session: Session, raw_code: str, *, now: datetime, ttl_hours: int) -> ClassSession:
    """The open class session for a typed code, or :class:`CodeRefused`. Writes nothing."""
    class_session = by_code(session, raw_code)
    if class_session is None:
        raise CodeRefused("unknown")
    reason = refusal(class_session, now=now, ttl_hours=ttl_hours)
    if reason is not None:
        raise CodeRefused(reason)
    return class_session


def open_session(
    session: Session,
    *,
    wave: Wave,
    school: School,
    grade: int,
    label: str = "",
    pupils: int | None = None,
    is_test: bool = False,
    confirm_repeat: bool = False,
    surveyed: Collection[int] = GRADES,
    actor: User | None,
) -> ClassSession:
    """Open a class session with a fresh code; commits and writes the audit log.

    ``pupils``, the size of the class, bounds the responses counted from this session
    (:func:`response_bound`). ``surveyed`` are the grades the wave's questionnaire asks about
    (:func:`surveyed_grades`). A second real session for the same class (wave, school, grade,
    label) is refused unless ``confirm_repeat``: it usually means a class is surveyed twice.
    A test session (``is_test``) stores its responses as "test", never counted.
    """
    if actor is not None:
        authz.require_school(actor, school.id)
    if wave.status != "open":
        raise SessionError("session_wave_not_open", wave=wave.slug, status=wave.status)
    if grade not in GRADES:
        raise SessionError("session_bad_grade", low=GRADES.start, high=GRADES.stop - 1, grade=grade)
    if grade not in surveyed:
        raise SessionError("session_grade_not_surveyed", wave=wave.slug, grade=grade)
    if pupils is not None and not 1 <= pupils <= MAX_PUPILS:
        raise SessionError("session_bad_pupils", high=MAX_PUPILS, pupils=pupils)
    label = label.strip()
    if len(label) > MAX_LABEL_LENGTH:
        raise SessionError("session_long_label", length=MAX_LABEL_LENGTH)
    if not is_test and not confirm_repeat:
        earlier = _same_class(session, wave.id, school.id, grade, label)
        if earlier is not None:
            raise SessionError(
                "session_repeat",
                grade=grade,
                label=f" {label}" if label else "",
                school=school.name,
                earlier=format_code(earlier.code),
            )
    for _ in range(5):
        row = ClassSession(
            wave=wave,
            school=school,
            grade=grade,
            label=label,
            pupils=pupils,
            is_test=is_test,
            code=generate_code(),
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # the code is taken: astronomically rare, but try another
            session.rollback()
            continue
        audit.record(
            session,
            "class_session.open",
            user_id=actor.id if actor else None,
            target=f"class_session:{row.code}",
            detail={
                "wave": wave.slug,
                "school": school.slug,
                "grade": grade,
                "label": label,
                "pupils": pupils,
                "test": is_test,
            },
        )
        session.commit()
        return row
    raise SessionError("session_no_code")


def _same_class(
    session: Session, wave_id: int, school_id: int, grade: int, label: str
) -> ClassSession | None:
    """An earlier real session of the same class in the wave, if any."""
    query = (
        select(ClassSession)
        .where(
            ClassSession.wave_id == wave_id,
            ClassSession.school_id == school_id,
            ClassSession.grade == grade,
            ClassSession.label == label,
            ClassSession.is_test.is_(False),
        )
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def surveyed_grades(questionnaire: Questionnaire) -> tuple[int, ...]:
    """The grades a questionnaire asks about: the codes of its grade item (every grade when it
    has none)."""
    item_id = questionnaire.demographics.get("grade")
    item = questionnaire.items.get(item_id) if item_id else None
    codes = item.codes if item is not None else ()
    return tuple(code for code in codes if code in GRADES) or tuple(GRADES)


def offered_grades(session: Session, questionnaire_dir: str) -> tuple[int, ...]:
    """The grades a session form offers: those some open wave surveys."""
    grades: set[int] = set()
    for wave in open_waves(session):
        try:
            grades.update(surveyed_grades(questionnaires.for_wave(wave, questionnaire_dir)))
        except questionnaires.QuestionnaireMissing:
            continue  # such a wave cannot be surveyed; the admin pages say why
    return tuple(sorted(grades))


def open_by_ids(
    session: Session,
    *,
    wave_id: int,
    school_id: int,
    grade: int,
    label: str = "",
    pupils: int | None = None,
    is_test: bool = False,
    confirm_repeat: bool = False,
    questionnaire_dir: str,
    actor: User | None,
) -> ClassSession:
    """:func:`open_session` for a form that posted ids (an unknown id is refused the same way)."""
    wave = session.get(Wave, wave_id)
    school = session.get(School, school_id)
    if wave is None or school is None:
        raise SessionError("session_choose")
    return open_session(
        session,
        wave=wave,
        school=school,
        grade=grade,
        label=label,
        pupils=pupils,
        is_test=is_test,
        confirm_repeat=confirm_repeat,
        surveyed=surveyed_grades(questionnaires.for_wave(wave, questionnaire_dir)),
        actor=actor,
    )


def record_attendance(
    session: Session,
    class_session: ClassSession,
    *,
    pupils: int | None,
    opt_outs: int | None,
    absentees: int | None,
    actor: User | None,
) -> ClassSession:
    """Enter the class's pupils, opt-outs and absentees (numbers only) after the lesson.

    Opt-outs and absentees explain the non-response; the rate itself stays handed in ÷ pupils
    (:func:`oko.reporting.content.rates.response_rate`). Commits and writes the audit log.
    """
    if actor is not None:
        authz.require_school(actor, class_session.school_id)
    if pupils is not None and not 1 <= pupils <= MAX_PUPILS:
        raise SessionError("session_bad_pupils", high=MAX_PUPILS, pupils=pupils)
    missing = (opt_outs or 0) + (absentees or 0)
    if (opt_outs, absentees) != (None, None) and (
        pupils is None or min(opt_outs or 0, absentees or 0) < 0 or missing > pupils
    ):
        raise SessionError("session_bad_attendance", high=pupils or 0)
    class_session.pupils = pupils
    class_session.opt_outs = opt_outs
    class_session.absentees = absentees
    audit.record(
        session,
        "class_session.attendance",
        user_id=actor.id if actor else None,
        target=f"class_session:{class_session.code}",
        detail={"pupils": pupils, "opt_outs": opt_outs, "absentees": absentees},
    )
    session.commit()
    return class_session


def close_session(
    session: Session, class_session: ClassSession, *, actor: User | None
) -> ClassSession:
    """Stop the code from letting anyone in. Students already inside may still finish."""
    if actor is not None:
        authz.require_school(actor, class_session.school_id)
    if class_session.status == "closed":
        return class_session
    class_session.status = "closed"
    class_session.closed_at = utcnow()
    audit.record(
        session,
        "class_session.close",
        user_id=actor.id if actor else None,
        target=f"class_session:{class_session.code}",
        detail={"started": class_session.started_count, "finished": class_session.finished_count},
    )
    session.commit()
    return class_session


def require_view(actor: User | None, class_session: ClassSession) -> None:
    """Only the school's coordinators and admins see a class screen (it shows the code)."""
    authz.require_school(actor, class_session.school_id)


def counts(session: Session, session_id: int) -> Counts | None:
    row = session.execute(
        select(ClassSession.started_count, ClassSession.finished_count, ClassSession.status).where(
            ClassSession.id == session_id
        )
    ).one_or_none()
    return Counts(*row) if row is not None else None


def list_sessions(
    session: Session,
    *,
    actor: User | None,
    wave_id: int | None = None,
    school_id: int | None = None,
    only_open: bool = False,
) -> list[ClassSession]:
    """Sessions the actor may run, newest first (a coordinator: their schools only)."""
    query = select(ClassSession).options(
        joinedload(ClassSession.wave), joinedload(ClassSession.school)
    )
    if actor is not None:
        authz.require_role(actor, "coordinator")
        if not authz.is_admin(actor):
            query = query.where(ClassSession.school_id.in_(authz.school_ids(actor)))
    if wave_id is not None:
        query = query.where(ClassSession.wave_id == wave_id)
    if school_id is not None:
        query = query.where(ClassSession.school_id == school_id)
    if only_open:
        query = query.where(ClassSession.status == "open")
    query = query.order_by(ClassSession.opened_at.desc(), ClassSession.id.desc())
    return list(session.execute(query).scalars())


def schools_for(session: Session, actor: User | None) -> list[School]:
    """Schools the actor may open sessions at, by name."""
    query = select(School).order_by(School.name)
    if actor is not None and not authz.is_admin(actor):
        query = query.where(School.id.in_(authz.school_ids(actor)))
    return list(session.execute(query).scalars())


def open_waves(session: Session) -> list[Wave]:
    """Waves sessions can be opened for, newest first."""
    query = select(Wave).where(Wave.status == "open").order_by(Wave.created_at.desc(), Wave.id)
    return list(session.execute(query).scalars())


def record_started(session: Session, session_id: int) -> None:
    """Count a student who started; part of the caller's transaction (an atomic increment)."""
    session.execute(
        update(ClassSession)
        .where(ClassSession.id == session_id)
        .values(started_count=ClassSession.started_count + 1)
    )


def record_finished(session: Session, session_id: int) -> None:
    """Count a submitted questionnaire; part of the caller's transaction."""
    session.execute(
        update(ClassSession)
        .where(ClassSession.id == session_id)
        .values(finished_count=ClassSession.finished_count + 1)
    )


def response_bound(pupils: int | None) -> int | None:
    """How many responses of a class of ``pupils`` are counted: the class size plus a margin
    of 10%, at least 2 (a pupil new to the class, a student whose device gave up and who
    started again). None: no class size was given, no bound."""
    if pupils is None:
        return None
    return pupils + max(2, math.ceil(pupils * 0.1))


def status_for_next_response(session: Session, class_session: ClassSession) -> str:
    """``test`` in a test session; else ``accepted`` while the session's accepted responses
    are within its bound, else ``held``: stored, but out of the results until a coordinator
    decides. Part of the caller's transaction."""
    if class_session.is_test:
        return TEST
    bound = response_bound(class_session.pupils)
    if bound is None:
        return ACCEPTED
    accepted = session.execute(
        select(func.count()).where(
            Response.class_session_id == class_session.id, Response.status == ACCEPTED
        )
    ).scalar_one()
    return ACCEPTED if accepted < bound else HELD


def held_counts(session: Session, session_ids: list[int]) -> dict[int, int]:
    """Held responses per class session, for the sessions that have any."""
    rows = session.execute(
        select(Response.class_session_id, func.count())
        .where(Response.class_session_id.in_(session_ids), Response.status == HELD)
        .group_by(Response.class_session_id)
    ).all()
    return {session_id: count for session_id, count in rows if session_id is not None}


def decide_held(
    session: Session, class_session: ClassSession, *, accept: bool, actor: User | None
) -> int:
    """Accept or reject the session's held responses (all of them: they are anonymous, so
    there is nothing to tell them apart by). Rejected ones stay stored, never counted.
    Only the school's coordinators and admins; commits and writes the audit log. Returns how
    many were decided."""
    if actor is not None:
        authz.require_school(actor, class_session.school_id)
    decided = session.execute(
        update(Response)
        .where(Response.class_session_id == class_session.id, Response.status == HELD)
        .values(status=ACCEPTED if accept else REJECTED)
    ).rowcount  # type: ignore[attr-defined]
    audit.record(
        session,
        "class_session.accept_held" if accept else "class_session.reject_held",
        user_id=actor.id if actor else None,
        target=f"class_session:{class_session.code}",
        detail={"responses": decided},
    )
    session.commit()
    return decided


def delete_test_responses(
    session: Session, class_session: ClassSession, *, actor: User | None
) -> int:
    """Delete the responses of a test session (the school's coordinators and admins) and reset
    its counters; a real session's responses are refused. Commits and writes the audit log.
    Returns how many were deleted."""
    if actor is not None:
        authz.require_school(actor, class_session.school_id)
    if not class_session.is_test:
        raise SessionError("session_not_test")
    deleted = session.execute(
        delete(Response).where(
            Response.class_session_id == class_session.id, Response.status == TEST
        )
    ).rowcount  # type: ignore[attr-defined]
    class_session.started_count = 0
    class_session.finished_count = 0
    audit.record(
        session,
        "class_session.delete_test_responses",
        user_id=actor.id if actor else None,
        target=f"class_session:{class_session.code}",
        detail={"responses": deleted},
    )
    session.commit()
    return deleted


def class_pupils(session: Session, wave_id: int) -> dict[tuple[int, int], int]:
    """Pupils per (school, grade) from the wave's real class sessions, where every session of
    that grade has a class size: what the monitor and the reports use when a school entered
    no enrolment for the grade."""
    query = (
        select(
            ClassSession.school_id,
            ClassSession.grade,
            func.count(),
            func.count(ClassSession.pupils),
            func.sum(ClassSession.pupils),
        )
        .where(ClassSession.wave_id == wave_id, ClassSession.is_test.is_(False))
        .group_by(ClassSession.school_id, ClassSession.grade)
    )
    return {
        (school_id, grade): int(total)
        for school_id, grade, sessions, sized, total in session.execute(query)
        if sessions == sized and total
    }
