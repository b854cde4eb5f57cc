"""Setting up the survey: municipalities, schools (with pupils per grade), waves and their status.

Every change is written to the audit log in the same transaction. A closed wave is read-only:
its questionnaire, dates and status can no longer change, so results once published stay
reproducible. The mutating functions commit; a refused change raises :class:`AdminError`
and stores nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from oko.models import (
    AuditEntry,
    ClassSession,
    Municipality,
    School,
    SchoolGradeCount,
    User,
    Wave,
    utcnow,
)
from oko.questionnaire import QuestionnaireError
from oko.questionnaire import load as load_questionnaire
from oko.services import audit
from oko.services.refusal import Refusal
from oko.services.staff import authz
from oko.services.transactions import commits

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
GRADES = range(1, 7)


class AdminError(Refusal):
    """The change is refused; the message says why."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "bad_slug": "'{slug}' is not a valid short name: use lower-case letters, digits and "
        "hyphens.",
        "name_required": "A name of 1 to 200 characters is required.",
        "slug_taken": "A {what} with short name '{slug}' already exists.",
        "unknown_municipality": "Unknown municipality.",
        "bad_pupils": "Pupils in grade {grade}: {pupils} is not a plausible number.",
        "wave_closed": "This wave is closed and can no longer be changed.",
        "unknown_questionnaire": "There is no valid questionnaire '{id}' version '{version}' "
        "in {directory}.",
        "open_wave_questionnaire": "The questionnaire of an open wave cannot change.",
        "wave_dates": "A wave must close after it opens.",
        "wave_languages": "This questionnaire is only available in: {languages}.",
        "cannot_open": "Only a planned wave can be opened; this one is {status}.",
        "cannot_close": "Only an open wave can be closed; this one is {status}.",
    }


@dataclass(frozen=True)
class LanguageChoice:
    """A language a wave can offer its students."""

    code: str
    #: The language's own name, e.g. "Українська".
    name: str
    #: ``None`` for a language the questionnaire is written in; else the translation's status.
    review_status: str | None


#: Own names of the languages questionnaires are written in.
DECLARED_LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


@dataclass(frozen=True, eq=False)
class QuestionnaireChoice:
    """A questionnaire file a wave can use."""

    id: str
    version: str
    #: Language -> title.
    titles: dict[str, str]
    #: Every language students can fill it in, with its own name and review status (the
    #: declared languages are the authors' own: reviewed).
    languages: tuple[LanguageChoice, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"


def check_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise AdminError("bad_slug", slug=slug)
    return slug


def _require_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise AdminError("name_required")
    return name


def _slug_taken(session: Session, model: type[Any], slug: str, own_id: int | None) -> bool:
    row = session.execute(select(model).where(model.slug == slug)).scalar_one_or_none()
    return row is not None and row.id != own_id


# Municipalities ---------------------------------------------------------------------------


def municipalities(session: Session) -> list[Municipality]:
    return list(session.execute(select(Municipality).order_by(Municipality.name)).scalars())


def municipality_by_slug(session: Session, slug: str) -> Municipality | None:
    query = select(Municipality).where(Municipality.slug == slug)
    return session.execute(query).scalar_one_or_none()


@commits
def save_municipality(
    session: Session,
    *,
    slug: str,
    name: str,
    region: str = "",
    actor_id: int | None,
    municipality: Municipality | None = None,
) -> Municipality:
    """Create (``municipality`` None) or change a municipality."""
    authz.require_admin(session, actor_id)
    slug = check_slug(slug)
    if _slug_taken(session, Municipality, slug, municipality.id if municipality else None):
        raise AdminError("slug_taken", what="municipality", slug=slug)
    action = "municipality.update" if municipality else "municipality.create"
    municipality = municipality or Municipality()
    municipality.slug = slug
    municipality.name = _require_name(name)
    municipality.region = region.strip()[:200]
    session.add(municipality)
    session.flush()
    audit.record(
        session,
        action,
        user_id=actor_id,
        target=f"municipality:{slug}",
        detail={"name": municipality.name, "region": municipality.region},
    )
    return municipality


# Schools ----------------------------------------------------------------------------------


def schools(session: Session, municipality_id: int | None = None) -> list[School]:
    query = select(School).order_by(School.name)
    if municipality_id is not None:
        query = query.where(School.municipality_id == municipality_id)
    return list(session.execute(query).scalars())


def school_by_slug(session: Session, slug: str) -> School | None:
    return session.execute(select(School).where(School.slug == slug)).scalar_one_or_none()


@commits
def save_school(
    session: Session,
    *,
    slug: str,
    name: str,
    municipality_id: int,
    school_type: str = "",
    pupils: dict[int, int] | None = None,
    actor_id: int | None,
    school: School | None = None,
) -> School:
    """Create or change a school; ``pupils`` maps grade to pupils enrolled (0: unknown)."""
    authz.require_admin(session, actor_id)
    slug = check_slug(slug)
    if _slug_taken(session, School, slug, school.id if school else None):
        raise AdminError("slug_taken", what="school", slug=slug)
    if session.get(Municipality, municipality_id) is None:
        raise AdminError("unknown_municipality")
    counts = {grade: n for grade, n in (pupils or {}).items() if n}
    for grade, n in counts.items():
        if grade not in GRADES or not 0 < n < 100_000:
            raise AdminError("bad_pupils", grade=grade, pupils=n)
    action = "school.update" if school else "school.create"
    school = school or School()
    school.slug = slug
    school.name = _require_name(name)
    school.municipality_id = municipality_id
    school.school_type = school_type.strip()[:40]
    by_grade = {row.grade: row for row in school.pupil_counts}
    school.pupil_counts = [
        _grade_count(by_grade.get(grade), grade, n) for grade, n in sorted(counts.items())
    ]
    session.add(school)
    session.flush()
    audit.record(
        session,
        action,
        user_id=actor_id,
        target=f"school:{slug}",
        detail={
            "name": school.name,
            "municipality_id": municipality_id,
            "school_type": school.school_type,
            "pupils": {str(g): n for g, n in counts.items()},
        },
    )
    return school


def _grade_count(row: SchoolGradeCount | None, grade: int, pupils: int) -> SchoolGradeCount:
    row = row or SchoolGradeCount(grade=grade)
    row.pupils = pupils
    return row


# Waves ------------------------------------------------------------------------------------


def waves(session: Session) -> list[Wave]:
    query = select(Wave).order_by(Wave.opens_at.desc().nulls_last(), Wave.created_at.desc())
    return list(session.execute(query).scalars())


def wave_by_slug(session: Session, slug: str) -> Wave | None:
    return session.execute(select(Wave).where(Wave.slug == slug)).scalar_one_or_none()


def questionnaire_choices(directory: str | Path) -> list[QuestionnaireChoice]:
    """The valid questionnaires in ``directory`` (indicator definition files are skipped)."""
    choices = []
    for path in sorted(Path(directory).glob("*.yaml")):
        if path.name.endswith(".indicators.yaml"):
            continue
        try:
            questionnaire = load_questionnaire(path)
        except QuestionnaireError:
            continue
        titles = dict(questionnaire.title.translations)
        languages = tuple(
            LanguageChoice(code, DECLARED_LANGUAGE_NAMES.get(code, code), None)
            for code in questionnaire.languages
        ) + tuple(
            LanguageChoice(t.language, t.name, t.review_status) for t in questionnaire.translations
        )
        choices.append(
            QuestionnaireChoice(questionnaire.id, questionnaire.version, titles, languages)
        )
    return choices


@commits
def save_wave(
    session: Session,
    *,
    slug: str,
    name: str,
    questionnaire_id: str,
    questionnaire_version: str,
    questionnaire_dir: str | Path,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    languages: tuple[str, ...] = (),
    actor_id: int | None,
    wave: Wave | None = None,
) -> Wave:
    """Create or change a wave; its questionnaire must be a valid file in ``questionnaire_dir``.

    Once a wave is open, its questionnaire can no longer change (answers already refer to it);
    once it is closed, nothing can.
    """
    authz.require_admin(session, actor_id)
    if wave is not None and wave.status == "closed":
        raise AdminError("wave_closed")
    slug = check_slug(slug)
    if _slug_taken(session, Wave, slug, wave.id if wave else None):
        raise AdminError("slug_taken", what="wave", slug=slug)
    known = {(c.id, c.version): c for c in questionnaire_choices(questionnaire_dir)}
    if (questionnaire_id, questionnaire_version) not in known:
        raise AdminError(
            "unknown_questionnaire",
            id=questionnaire_id,
            version=questionnaire_version,
            directory=questionnaire_dir,
        )
    if (
        wave is not None
        and wave.status == "open"
        and (
            (wave.questionnaire_id, wave.questionnaire_version)
            != (questionnaire_id, questionnaire_version)
        )
    ):
        raise AdminError("open_wave_questionnaire")
    if opens_at and closes_at and closes_at <= opens_at:
        raise AdminError("wave_dates")
    offered = [c.code for c in known[(questionnaire_id, questionnaire_version)].languages]
    # No choice: the languages the questionnaire is written in (translations are opted into).
    languages = languages or tuple(
        c.code
        for c in known[(questionnaire_id, questionnaire_version)].languages
        if c.review_status is None
    )
    if any(code not in offered for code in languages):
        raise AdminError("wave_languages", languages=", ".join(offered))
    action = "wave.update" if wave else "wave.create"
    wave = wave or Wave(status="planned")
    wave.slug = slug
    wave.name = _require_name(name)
    wave.questionnaire_id = questionnaire_id
    wave.questionnaire_version = questionnaire_version
    wave.opens_at = opens_at
    wave.closes_at = closes_at
    wave.languages = ",".join(code for code in offered if code in languages)
    session.add(wave)
    session.flush()
    audit.record(
        session,
        action,
        user_id=actor_id,
        target=f"wave:{slug}",
        detail={
            "name": wave.name,
            "questionnaire": f"{questionnaire_id}@{questionnaire_version}",
            "languages": wave.languages,
        },
    )
    return wave


@commits
def open_wave(session: Session, wave: Wave, *, actor_id: int | None) -> Wave:
    """planned -> open: coordinators can now open class sessions."""
    authz.require_admin(session, actor_id)
    if wave.status != "planned":
        raise AdminError("cannot_open", status=wave.status)
    wave.status = "open"
    wave.opens_at = wave.opens_at or utcnow()
    audit.record(session, "wave.open", user_id=actor_id, target=f"wave:{wave.slug}")
    return wave


@commits
def close_wave(session: Session, wave: Wave, *, actor_id: int | None) -> Wave:
    """open -> closed, closing its class sessions too; from now on the wave is read-only."""
    authz.require_admin(session, actor_id)
    if wave.status != "open":
        raise AdminError("cannot_close", status=wave.status)
    now = utcnow()
    wave.status = "closed"
    wave.closes_at = now if wave.closes_at is None or wave.closes_at > now else wave.closes_at
    closed_sessions = session.execute(
        update(ClassSession)
        .where(ClassSession.wave_id == wave.id, ClassSession.status != "closed")
        .values(status="closed", closed_at=now)
    ).rowcount  # type: ignore[attr-defined]
    audit.record(
        session,
        "wave.close",
        user_id=actor_id,
        target=f"wave:{wave.slug}",
        detail={"class_sessions_closed": closed_sessions},
    )
    return wave


# Look-ups for the admin pages ---------------------------------------------------------------


def get_municipality(session: Session, municipality_id: int) -> Municipality | None:
    return session.get(Municipality, municipality_id)


def get_school(session: Session, school_id: int) -> School | None:
    return session.get(School, school_id)


def get_wave(session: Session, wave_id: int) -> Wave | None:
    return session.get(Wave, wave_id)


@dataclass(frozen=True)
class Overview:
    municipalities: int
    schools: int
    waves_open: int
    waves_total: int
    users_active: int


def overview(session: Session) -> Overview:
    def count(model: type[Any], *where: ColumnElement[bool]) -> int:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

    return Overview(
        municipalities=count(Municipality),
        schools=count(School),
        waves_open=count(Wave, Wave.status == "open"),
        waves_total=count(Wave),
        users_active=count(User, User.active.is_(True)),
    )


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor_email: str | None


def audit_log(
    session: Session, *, action_prefix: str = "", limit: int = 100, offset: int = 0
) -> list[AuditRow]:
    """Newest first, with the acting account's email; ``action_prefix`` e.g. "login"."""
    query = (
        select(AuditEntry, User.email)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix, autoescape=True))
    return [AuditRow(entry, email) for entry, email in session.execute(query)]
