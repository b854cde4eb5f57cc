"""The fieldwork kit of a school: the data its documents are made from, and the PDFs.

A coordinator gets the documents of their own schools, admins of any school (the command line
passes ``actor=None``). The letter and the paper questionnaire need the wave's questionnaire;
teacher's sheets need a class session that still admits students (open, or waiting for its
wave to open): a sheet for a closed or expired code would send a class to a refusal. The letter
to parents comes in every student language with letter texts; a right-to-left letter is a
printable web page (:func:`letter_page`), never a PDF. Each missing piece is a refusal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from oko.models import ClassSession, School, User, Wave, user_school, utcnow
from oko.questionnaire import Questionnaire
from oko.reporting import fieldwork
from oko.services.refusal import Refusal
from oko.services.staff import authz
from oko.services.survey import class_links, class_sessions, questionnaires

#: The documents, by the name of their file (``<name>.<language>.pdf``).
DOCUMENTS = ("parent-letter", "teacher-sheets", "paper-questionnaire")


class KitError(Refusal):
    MESSAGES: ClassVar[dict[str, str]] = {
        "kit_no_questionnaire": "Wave {wave!r} has no questionnaire file "
        "({questionnaire} version {version}); its documents cannot be made.",
        "kit_no_sessions": "{school} has no open or not yet started class sessions in wave "
        "{wave!r} (closed and expired codes get no sheet): open one, then the teacher's sheets "
        "can be made.",
        "kit_unknown_document": "There is no document {document!r}.",
        "kit_bad_language": "The questionnaire of wave {wave!r} has no language {language!r}.",
        "kit_rtl_pdf": "The {language} letter is written right to left, which the PDFs cannot "
        "lay out: open it as a web page and print it from the browser.",
    }


@dataclass(frozen=True)
class KitSettings:
    questionnaire_dir: str
    texts_dir: Path
    #: Where students open the survey: the address and QR code on the teacher's sheets.
    base_url: str
    code_ttl_hours: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any], base_url: str) -> KitSettings:
        return cls(
            questionnaire_dir=str(config["QUESTIONNAIRE_DIR"]),
            texts_dir=Path(config["REPORTS_DIR"]) / "fieldwork",
            base_url=base_url,
            code_ttl_hours=int(config["CLASS_CODE_TTL_HOURS"]),
        )


def school_kit(
    session: Session,
    wave: Wave,
    school: School,
    settings: KitSettings,
    *,
    actor: User | None,
) -> fieldwork.SchoolKit:
    """What the school's documents say, with a sheet for each class session that still admits
    students now; refuses a wave without a questionnaire."""
    if actor is not None:
        authz.require_school(actor, school.id)
    try:
        questionnaire = questionnaires.for_wave(wave, settings.questionnaire_dir)
    except questionnaires.QuestionnaireMissing:
        raise KitError(
            "kit_no_questionnaire",
            wave=wave.slug,
            questionnaire=wave.questionnaire_id,
            version=wave.questionnaire_version,
        ) from None
    rows = session.execute(
        select(ClassSession)
        .where(ClassSession.wave_id == wave.id, ClassSession.school_id == school.id)
        .order_by(ClassSession.grade, ClassSession.label, ClassSession.id)
    ).scalars()
    ttl = timedelta(hours=settings.code_ttl_hours)
    now = utcnow()
    sheets = tuple(
        fieldwork.SheetSession(
            code=class_sessions.format_code(row.code),
            grade=row.grade,
            label=row.label,
            url=class_links.student_url(settings.base_url, row.code),
            address=class_links.entry_address(settings.base_url),
            expires_at=row.opened_at + ttl,
            is_test=row.is_test,
        )
        for row in rows
        if class_sessions.refusal(row, now=now, ttl_hours=settings.code_ttl_hours)
        in (None, "wave_not_open")
    )
    return fieldwork.SchoolKit(
        wave_name=wave.name,
        school_name=school.name,
        municipality=school.municipality.name,
        contact=_contact(session, school),
        questionnaire=questionnaire,
        sessions=sheets,
    )


def _contact(session: Session, school: School) -> str:
    """The school's first active coordinator, as "Name (email)"; "" when it has none."""
    user = session.execute(
        select(User)
        .join(user_school, user_school.c.user_id == User.id)
        .where(user_school.c.school_id == school.id, User.role == "coordinator", User.active)
        .order_by(User.id)
        .limit(1)
    ).scalar_one_or_none()
    if user is None:
        return ""
    return f"{user.name} ({user.email})" if user.name else user.email


def letter_languages(questionnaire: Questionnaire, texts_dir: Path) -> tuple[str, ...]:
    """The student languages the letter to parents has texts in, in the questionnaire's order."""
    return tuple(
        language
        for language in questionnaire.student_languages
        if fieldwork.has_part(texts_dir, language, fieldwork.LETTER)
    )


def letter_formats(questionnaire: Questionnaire, texts_dir: Path) -> list[tuple[str, bool]]:
    """``(language, is a PDF)`` of the letter in each language; not a PDF is a web page."""
    return [(lang, is_pdf(lang, texts_dir)) for lang in letter_languages(questionnaire, texts_dir)]


def is_pdf(language: str, texts_dir: Path) -> bool:
    """Whether the language's letter is a PDF (left to right) or a web page (right to left)."""
    return fieldwork.direction(texts_dir, language) != "rtl"


def pdf_documents(kit: fieldwork.SchoolKit, settings: KitSettings) -> list[tuple[str, str]]:
    """``(document, language)`` of every PDF the kit has: each document in the staff
    languages, the letter also in every left-to-right student language."""
    pairs = [(name, language) for language in kit.questionnaire.languages for name in DOCUMENTS]
    return pairs + [
        ("parent-letter", language)
        for language, pdf in letter_formats(kit.questionnaire, settings.texts_dir)
        if language not in kit.questionnaire.languages and pdf
    ]


def letter_page(
    kit: fieldwork.SchoolKit, language: str, settings: KitSettings, wave_slug: str
) -> fieldwork.Letter:
    """The letter to parents as plain texts, for the printable web page."""
    if language not in letter_languages(kit.questionnaire, settings.texts_dir):
        raise KitError("kit_bad_language", wave=wave_slug, language=language[:8])
    return fieldwork.letter(kit, language, settings.texts_dir)


def document(
    kit: fieldwork.SchoolKit, name: str, language: str, settings: KitSettings, wave_slug: str
) -> bytes:
    """One document of the kit as PDF bytes."""
    if name == "parent-letter":
        if language not in letter_languages(kit.questionnaire, settings.texts_dir):
            raise KitError("kit_bad_language", wave=wave_slug, language=language[:8])
        if not is_pdf(language, settings.texts_dir):
            raise KitError("kit_rtl_pdf", language=language)
        return fieldwork.parent_letter(kit, language, settings.texts_dir)
    if language not in kit.questionnaire.languages:
        raise KitError("kit_bad_language", wave=wave_slug, language=language[:8])
    if name == "teacher-sheets":
        if not kit.sessions:
            raise KitError("kit_no_sessions", school=kit.school_name, wave=wave_slug)
        return fieldwork.teacher_sheets(kit, language, settings.texts_dir)
    if name == "paper-questionnaire":
        return fieldwork.paper_questionnaire(kit.questionnaire, language, settings.texts_dir)
    raise KitError("kit_unknown_document", document=name[:40])


def schools_with_sessions(session: Session, wave: Wave) -> list[School]:
    """Schools that have at least one class session in the wave, by name."""
    query = (
        select(School)
        .where(School.id.in_(select(ClassSession.school_id).where(ClassSession.wave_id == wave.id)))
        .order_by(School.name)
    )
    return list(session.execute(query).scalars())
