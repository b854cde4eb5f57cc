"""Factories for research tests: areas, a closed wave with responses, accounts and tokens."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from oko.db import Database
from oko.models import Municipality, Response, School, User, Wave, utcnow
from oko.services.research import api_tokens
from oko.services.staff import accounts

PASSWORD = "correct horse battery"
MINI_ID, MINI_VERSION = "research-mini", "1"


def municipality(session: Session, slug: str, region: str = "Flevoland") -> Municipality:
    row = Municipality(slug=slug, name=slug.title(), region=region)
    session.add(row)
    session.flush()
    return row


def school(session: Session, town: Municipality, slug: str) -> School:
    row = School(slug=slug, name=slug.replace("-", " ").title(), municipality=town)
    session.add(row)
    session.flush()
    return row


def wave(
    session: Session,
    slug: str = "2026-autumn",
    *,
    status: str = "closed",
    closes_at: datetime | None = None,
    questionnaire: tuple[str, str] = (MINI_ID, MINI_VERSION),
) -> Wave:
    row = Wave(
        slug=slug,
        name=f"Wave {slug}",
        questionnaire_id=questionnaire[0],
        questionnaire_version=questionnaire[1],
        status=status,
        closes_at=closes_at if closes_at else utcnow() - timedelta(days=400),
    )
    session.add(row)
    session.flush()
    return row


def user(session: Session, role: str, email: str | None = None, **scope: Any) -> User:
    return accounts.create_user(
        session,
        email=email or f"{role}@example.org",
        password=PASSWORD,
        role=role,
        name=role.title(),
        scope=accounts.Scope(**scope),
    )


def token(session: Session, owner: User, name: str = "script") -> str:
    _row, secret = api_tokens.create(session, owner, name, ttl_days=30)
    return secret


def mini_answers(rng: random.Random, index: int) -> dict[str, Any]:
    alc = rng.choice((1, 1, 2, 3, 4))
    answers: dict[str, Any] = {
        "gender": 1 + index % 2,
        "age": rng.choice((13, 14, 15)),
        "grade": 2,
        "pets": sorted(rng.sample((1, 2), rng.randint(0, 2))),
        "alc_lifetime": alc,
        "sch_safe": rng.randint(1, 4),
        "sch_belong": rng.choice((None, 1, 2, 3, 4)),
        "relevin_lifetime": 1,
        "comments": '=HYPERLINK("http://x")' if index % 7 == 0 else "fine",
    }
    if alc > 1:
        answers["alc_30d"] = rng.randint(1, 3)
    return answers


def responses(
    session: Session, wave_row: Wave, school_row: School, count: int, seed: int = 1
) -> None:
    rng = random.Random(seed * 1000 + school_row.id)
    for index in range(count):
        session.add(
            Response(
                submission_id=f"{wave_row.id}-{school_row.id}-{index}-{seed}",
                wave_id=wave_row.id,
                school_id=school_row.id,
                grade=2,
                questionnaire_id=wave_row.questionnaire_id,
                questionnaire_version=wave_row.questionnaire_version,
                language="nl",
                answers=mini_answers(rng, index),
                duration_seconds=600,
                quality_flags=[],
            )
        )
    session.flush()


@contextmanager
def committing(database: Database) -> Iterator[Session]:
    """A session committed at the end (account services commit on their own, too)."""
    with database.session() as session:
        yield session
        session.commit()
