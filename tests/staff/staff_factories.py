"""Small factories for staff tests: areas, waves and accounts in one call each."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from oko.models import ClassSession, Municipality, School, SchoolGradeCount, User, Wave
from oko.services.staff import accounts

PASSWORD = "correct horse battery"


def municipality(session: Session, slug: str = "zeewolde", name: str | None = None) -> Municipality:
    row = Municipality(slug=slug, name=name or slug.title(), region="Flevoland")
    session.add(row)
    session.flush()
    return row


def school(
    session: Session,
    town: Municipality,
    slug: str = "school-a",
    pupils: dict[int, int] | None = None,
) -> School:
    row = School(
        slug=slug, name=slug.replace("-", " ").title(), municipality=town, school_type="havo"
    )
    row.pupil_counts = [SchoolGradeCount(grade=g, pupils=n) for g, n in (pupils or {}).items()]
    session.add(row)
    session.flush()
    return row


def wave(session: Session, slug: str = "2026-autumn", status: str = "open") -> Wave:
    row = Wave(
        slug=slug,
        name=slug,
        questionnaire_id="oko-core",
        questionnaire_version="1.0",
        status=status,
    )
    session.add(row)
    session.flush()
    return row


def class_session(
    session: Session, wave_row: Wave, school_row: School, grade: int = 2, code: str = "ABCDEF"
) -> ClassSession:
    row = ClassSession(wave=wave_row, school=school_row, grade=grade, code=code, label=f"{grade}A")
    session.add(row)
    session.flush()
    return row


def user(
    session: Session,
    role: str,
    email: str | None = None,
    *,
    municipality_row: Municipality | None = None,
    schools: tuple[School, ...] = (),
    waves: tuple[Wave, ...] = (),
) -> User:
    scope = accounts.Scope(
        municipality_id=municipality_row.id if municipality_row else None,
        school_ids=tuple(s.id for s in schools),
        wave_ids=tuple(w.id for w in waves),
    )
    return accounts.create_user(
        session,
        email=email or f"{role}@example.org",
        password=PASSWORD,
        role=role,
        name=role.title(),
        scope=scope,
    )


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})
