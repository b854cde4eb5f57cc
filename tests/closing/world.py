"""The demo's data with its pilot wave open, readers in both languages, and a way back to an
open wave between tests (the data take long to build, so a module builds them once)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select, update

from oko.models import ClosingBatch, ClosingMail, ClosingReport, Municipality, School, Wave, utcnow
from oko.questionnaire import load
from oko.services.demo import instance as demo
from tests.staff import staff_factories as f

WAVE = demo.OPEN_WAVE_SLUG
SCHOOL = "zilverhaven-lyceum"
#: The readers the world adds, besides the demo's own accounts.
READERS = {
    "coalition-en@example.org": "en",
    "lyceum@example.org": "nl",
}


def build(app) -> None:
    """Demo data, the pilot wave open with its fieldwork, and readers."""
    with app.extensions["oko.db"].session() as session:
        questionnaire = load(f"{app.config['QUESTIONNAIRE_DIR']}/oko-core.yaml")
        demo.load_data(session, questionnaire)
        now = utcnow()
        wave = demo.ensure_open_wave(
            session, questionnaire, Path(app.config["QUESTIONNAIRE_DIR"]), now=now
        )
        demo.ensure_fieldwork(session, wave, questionnaire, now=now)
        demo.ensure_accounts(session)
        town = session.execute(
            select(Municipality).where(Municipality.slug == demo.COALITION_MUNICIPALITY)
        ).scalar_one()
        school = session.execute(select(School).where(School.slug == SCHOOL)).scalar_one()
        english = f.user(session, "coalition", "coalition-en@example.org", municipality_row=town)
        english.language = "en"
        f.user(session, "coordinator", "lyceum@example.org", schools=(school,))
        f.user(session, "admin", "admin@example.org")
        session.commit()


def reopen(app, instance_path: Path) -> None:
    """Forget any closing: the pilot wave open again, no batch, no files."""
    with app.extensions["oko.db"].session() as session:
        session.execute(delete(ClosingMail))
        session.execute(delete(ClosingReport))
        session.execute(delete(ClosingBatch))
        session.execute(update(Wave).where(Wave.slug == WAVE).values(status="open", closes_at=None))
        session.commit()
    for folder in ("feedback", "outbox"):
        shutil.rmtree(instance_path / folder, ignore_errors=True)


def wave_id(app) -> int:
    with app.extensions["oko.db"].session() as session:
        return session.execute(select(Wave.id).where(Wave.slug == WAVE)).scalar_one()


def close_due(app, when: datetime) -> None:
    with app.extensions["oko.db"].session() as session:
        session.execute(update(Wave).where(Wave.slug == WAVE).values(closes_at=when))
        session.commit()
