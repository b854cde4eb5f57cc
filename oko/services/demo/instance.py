"""The demo instance: synthetic data, an open wave with a class session, one account per role.

Every step is idempotent, so ``oko demo`` can run again on the same database and only adds
what is missing (a fresh class code when the old one has expired, for instance). The demo
never touches a database that holds anything but demo data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oko.indicators import AreaLevel, ComparisonKind
from oko.models import ClassSession, Municipality, School, User, Wave
from oko.questionnaire import Questionnaire
from oko.services.demo.synthetic_data import (
    Loaded,
    add_fieldwork,
    count_synthetic,
    has_synthetic_data,
    load_sample,
)
from oko.services.results import engine as results
from oko.services.results.engine import LoadedResults, Settings
from oko.services.staff import accounts, admin
from oko.services.survey import class_sessions
from oko.synthetic import WaveSpec, demo_scenario, generate

#: The demo data are the same on every machine.
SEED = 2026
#: The wave in progress, where the newcomer's own answers go (the others are closed): a
#: pilot, because its dates follow the day the demo is built, not the autumn calendar.
OPEN_WAVE_SLUG = "proefafname"
OPEN_WAVE_NAME = "Proefafname {year}"
#: The class whose code the demo prints: a year-2 class of the improving municipality.
SESSION_SCHOOL = "baken-college"
SESSION_GRADE = 2
SESSION_LABEL = "2A (demo)"
TEST_SESSION_LABEL = "Test (demo)"
#: Schools whose classes already took part in the wave in progress (the fieldwork monitor
#: has something to show); the other schools have not started yet.
FIELDWORK_DONE = ("zilverhaven-lyceum", "vakcollege-de-kade", "helmgras", "het-elzenhof")
#: How long the wave in progress has been open when the demo is first built.
OPEN_WAVE_AGE = timedelta(days=16)
#: The municipality the demo coalition member belongs to.
COALITION_MUNICIPALITY = "zilverhaven"


_Row = TypeVar("_Row")


#: The indicator whose story the console tells after computing results.
HEADLINE_INDICATOR = "drunk_30d"


class DemoRefused(RuntimeError):
    """The database is not the demo's; the message says what to do instead."""


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    #: What the account sees, for the console.
    scope: str


#: Fixed so a second run can print them; fine for a demo served on localhost only.
ACCOUNTS = (
    DemoAccount("admin", "admin@demo.oko.example", "demo-lighthouse-2026", "everything"),
    DemoAccount(
        "coordinator",
        "coordinator@demo.oko.example",
        "demo-schoolbell-2026",
        "Het Baken College: class sessions",
    ),
    DemoAccount(
        "coalition",
        "coalition@demo.oko.example",
        "demo-townhall-2026",
        "Zilverhaven: dashboard and reports",
    ),
    DemoAccount(
        "researcher",
        "researcher@demo.oko.example",
        "demo-microscope-2026",
        "aggregate data of the closed waves",
    ),
)


def is_empty(session: Session) -> bool:
    """No areas, waves or accounts yet: a fresh database the demo may fill."""
    return all(
        session.execute(select(func.count()).select_from(model)).scalar_one() == 0
        for model in (Municipality, School, Wave, User)
    )


def check_usable(session: Session) -> None:
    """Refuse a database with data of its own: the demo adds made-up municipalities and
    accounts with published passwords, which have no place next to real data."""
    if not has_synthetic_data(session) and not is_empty(session):
        raise DemoRefused(
            "This database already holds municipalities, waves or accounts that are not demo "
            "data. The demo only runs on an empty database: pass --instance with a new folder."
        )


def load_data(session: Session, questionnaire: Questionnaire) -> Loaded:
    """Generate the demo scenario and store it (areas, schools, closed waves, responses)."""
    return load_sample(session, generate(demo_scenario(), seed=SEED), questionnaire, seed=SEED)


def ensure_open_wave(
    session: Session, questionnaire: Questionnaire, directory: Path, *, now: datetime
) -> Wave:
    """The wave in progress, created and opened on the first run."""
    wave = admin.wave_by_slug(session, OPEN_WAVE_SLUG)
    if wave is None:
        wave = admin.save_wave(
            session,
            slug=OPEN_WAVE_SLUG,
            name=OPEN_WAVE_NAME.format(year=now.year),
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            questionnaire_dir=directory,
            opens_at=now - OPEN_WAVE_AGE,
            # Every language, so the demo shows the newcomer languages (drafted translations).
            languages=questionnaire.student_languages,
            actor_id=None,
        )
    if wave.status == "planned":
        wave = admin.open_wave(session, wave, actor_id=None)
    return wave


def ensure_fieldwork(
    session: Session, wave: Wave, questionnaire: Questionnaire, *, now: datetime
) -> int:
    """Classes of :data:`FIELDWORK_DONE` took part in the wave in progress; added once.

    Returns the number of responses added (0 when they are there already).
    """
    if count_synthetic(session, wave.id):
        return 0
    full = demo_scenario()
    scenario = replace(
        full,
        schools=tuple(s for s in full.schools if s.slug in FIELDWORK_DONE),
        waves=(WaveSpec(wave.slug, wave.name, now.year, len(full.waves)),),
    )
    return add_fieldwork(
        session, generate(scenario, seed=SEED + 1), questionnaire, wave, now=now, seed=SEED
    )


@dataclass(frozen=True)
class Headline:
    """One municipality's value of :data:`HEADLINE_INDICATOR` in the latest closed wave."""

    municipality: str
    value: float | None
    previous: float | None
    #: "better" or "worse" when the change over the waves is flagged, else None.
    trend: str | None


def latest_closed_wave(session: Session) -> Wave:
    wave = session.execute(
        select(Wave).where(Wave.status == "closed").order_by(Wave.closes_at.desc()).limit(1)
    ).scalar_one_or_none()
    return _require(wave)


def headlines(session: Session, settings: Settings) -> tuple[LoadedResults, list[Headline]]:
    """Compute (and so cache) the latest closed wave's results; the headline per municipality."""
    loaded = results.wave_results(session, latest_closed_wave(session), settings)
    latest = loaded.results
    lines = []
    for area in latest.areas_at(AreaLevel.MUNICIPALITY):
        estimate = latest.estimate(HEADLINE_INDICATOR, area)
        by_kind = {c.kind: c for c in latest.comparisons(HEADLINE_INDICATOR, area)}
        previous = by_kind.get(ComparisonKind.PREVIOUS_WAVE)
        trend = by_kind.get(ComparisonKind.TREND)
        lines.append(
            Headline(
                municipality=loaded.areas[area].name,
                value=None if estimate.suppressed else estimate.value,
                previous=previous.other_value if previous else None,
                trend=trend.flag.value if trend and trend.flag else None,
            )
        )
    return loaded, lines


def ensure_accounts(session: Session) -> tuple[DemoAccount, ...]:
    """One account per role with the published demo password; existing ones are kept."""
    municipality = _require(admin.municipality_by_slug(session, COALITION_MUNICIPALITY))
    school = _require(admin.school_by_slug(session, SESSION_SCHOOL))
    closed = [w.id for w in admin.waves(session) if w.status == "closed"]
    scopes = {
        "admin": accounts.Scope(),
        "coordinator": accounts.Scope(school_ids=(school.id,)),
        "coalition": accounts.Scope(municipality_id=municipality.id),
        "researcher": accounts.Scope(wave_ids=tuple(closed)),
    }
    for account in ACCOUNTS:
        if accounts.get_by_email(session, account.email) is None:
            accounts.create_user(
                session,
                email=account.email,
                password=account.password,
                role=account.role,
                name=f"Demo {account.role}",
                scope=scopes[account.role],
            )
    return ACCOUNTS


def ensure_class_session(
    session: Session, wave: Wave, *, now: datetime, ttl_hours: int, is_test: bool = False
) -> ClassSession:
    """A class session whose code works now: the last one opened, or a fresh one (for the
    same demo class on another day, so the second-session warning is confirmed). With
    ``is_test``, the coordinator's test session, whose answers are never counted."""
    school = _require(admin.school_by_slug(session, SESSION_SCHOOL))
    label = TEST_SESSION_LABEL if is_test else SESSION_LABEL
    latest = session.execute(
        select(ClassSession)
        .where(
            ClassSession.wave_id == wave.id,
            ClassSession.school_id == school.id,
            ClassSession.label == label,
        )
        .order_by(ClassSession.opened_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is not None and class_sessions.refusal(latest, now=now, ttl_hours=ttl_hours) is None:
        return latest
    return class_sessions.open_session(
        session,
        wave=wave,
        school=school,
        grade=SESSION_GRADE,
        label=label,
        is_test=is_test,
        confirm_repeat=True,
        actor=None,
    )


def _require(row: _Row | None) -> _Row:
    if row is None:
        raise DemoRefused("The demo data are incomplete; start over with `oko demo --reset`.")
    return row
