"""Survey rounds and the classes that take part in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oko.models.areas import School
from oko.models.base import Base, utcnow

WAVE_STATUSES = ("planned", "open", "closed")
#: The languages a new wave offers students until an admin chooses others.
DEFAULT_WAVE_LANGUAGES = "nl,en"


class Wave(Base):
    """A survey round, e.g. "Autumn 2026", tied to one questionnaire version."""

    __tablename__ = "wave"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    #: planned -> open -> closed; a closed wave is read-only.
    status: Mapped[str] = mapped_column(String(16), default="planned")
    #: Languages students may choose, comma-separated in the order offered (e.g. "nl,en,ar"):
    #: an admin offers a translation only once its review status is good enough for them.
    languages: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_WAVE_LANGUAGES, server_default=DEFAULT_WAVE_LANGUAGES
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(code for code in self.languages.split(",") if code)


class ClassSession(Base):
    """One class taking the survey in one lesson, reached with a short code."""

    __tablename__ = "class_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    grade: Mapped[int]
    #: Code without separator, upper case, from an alphabet without look-alike characters.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    #: Optional label the coordinator recognises, e.g. "2B"; never a student's name.
    label: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    #: Pupils in the class, as the coordinator entered it when opening the session (None: not
    #: given). Responses beyond it, with a margin, are held for a coordinator to decide on.
    pupils: Mapped[int | None]
    #: Pupils whose parents objected (passive consent) and pupils absent on the day, as numbers
    #: the coordinator enters afterwards; never names. They explain the non-response.
    opt_outs: Mapped[int | None]
    absentees: Mapped[int | None]
    #: A trial run (the coordinator trying the questionnaire with colleagues): its responses
    #: are stored with status "test" and never counted anywhere.
    is_test: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Counters for the live class screen; no per-student data.
    started_count: Mapped[int] = mapped_column(default=0)
    finished_count: Mapped[int] = mapped_column(default=0)

    wave: Mapped[Wave] = relationship()
    school: Mapped[School] = relationship()
