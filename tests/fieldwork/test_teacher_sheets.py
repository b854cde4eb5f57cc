"""Teacher's sheets only for codes that still admit students: open sessions and sessions of a
wave not yet open; never a closed or expired code, and a clear message when none is left."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import update

from oko.models import ClassSession, Wave, utcnow
from oko.services.survey import class_sessions
from tests.survey.survey_factories import log_in, make_world, staff

SHEETS = "/fieldwork/2026-autumn/documents/school-a/teacher-sheets.en.pdf"


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_sheets_leave_out_closed_and_expired_codes(app, client, database) -> None:
    opened = make_world(database, grade=1)
    closed = make_world(database, school_slug="school-a-closed", grade=2)
    expired = make_world(database, school_slug="school-a-expired", grade=3)
    ttl = app.config["CLASS_CODE_TTL_HOURS"]
    with database.transaction() as session:
        # Move the two other sessions to school A so one sheet has all three.
        session.execute(
            update(ClassSession)
            .where(ClassSession.id.in_((closed.session_id, expired.session_id)))
            .values(school_id=opened.school_id)
        )
        session.execute(
            update(ClassSession)
            .where(ClassSession.id == closed.session_id)
            .values(status="closed", closed_at=utcnow())
        )
        session.execute(
            update(ClassSession)
            .where(ClassSession.id == expired.session_id)
            .values(opened_at=utcnow() - timedelta(hours=ttl + 1))
        )
    staff(database, "coordinator", "coord@example.org", (opened.school_id,))
    log_in(client, "coord@example.org")
    sheets = client.get(SHEETS)
    assert sheets.status_code == 200
    text = _text(sheets.data)
    assert class_sessions.format_code(opened.code) in text
    assert class_sessions.format_code(closed.code) not in text
    assert class_sessions.format_code(expired.code) not in text
    assert len(PdfReader(io.BytesIO(sheets.data)).pages) == 1

    with database.transaction() as session:
        session.execute(update(Wave).values(status="planned"))
    waiting = client.get(SHEETS)
    assert waiting.status_code == 200
    assert class_sessions.format_code(opened.code) in _text(waiting.data)

    with database.transaction() as session:
        session.execute(update(Wave).values(status="open"))
        session.execute(
            update(ClassSession)
            .where(ClassSession.id == opened.session_id)
            .values(status="closed", closed_at=utcnow())
        )
    none = client.get(SHEETS + "?lang=en")
    assert none.status_code == 409
    page = none.data.decode()
    assert "no open or not yet started class sessions" in page
    assert "closed and expired codes get no sheet" in page
    letter = client.get(SHEETS.replace("teacher-sheets", "parent-letter"))
    assert letter.status_code == 200


def test_a_closed_wave_leaves_no_sheet(app, client, database) -> None:
    world = make_world(database)
    staff(database, "coordinator", "coord@example.org", (world.school_id,))
    log_in(client, "coord@example.org")
    with database.transaction() as session:
        session.execute(update(Wave).values(status="closed"))
    assert client.get(SHEETS).status_code == 409
