"""Closing a wave: the batch of reports and mails that tells the coalition and the schools.

The rows are the record the jobs work from, so a job can be retried, duplicated or picked up
by another worker after a crash: a report row knows whether its file is built (and its hash),
a mail row whether it was sent. The unique constraints keep one row per report and per mail,
so planning a batch twice adds nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oko.models.accounts import User
from oko.models.areas import Municipality, School
from oko.models.base import Base, utcnow
from oko.models.waves import Wave

#: planning -> running -> done (every report built, every mail sent) or failed (some gave up).
BATCH_STATUSES = ("planning", "running", "done", "failed")
#: pending -> built, or failed after the last attempt.
REPORT_STATUSES = ("pending", "built", "failed")
#: waiting (its report is not built yet) -> pending -> sending -> handed (the server may have
#: it) -> sent, or failed.
MAIL_STATUSES = ("waiting", "pending", "sending", "handed", "sent", "failed")


class ClosingBatch(Base):
    """The feedback of one closed wave: its reports and the mails pointing to them."""

    __tablename__ = "closing_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="planning")
    #: The address the mails link to (the site the wave was closed on, or PUBLIC_URL).
    base_url: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    #: Why planning failed, for the admin page.
    error: Mapped[str] = mapped_column(Text, default="")

    wave: Mapped[Wave] = relationship()


class ClosingReport(Base):
    """One report file of a batch: a municipality's or a school's, in one language."""

    __tablename__ = "closing_report"
    __table_args__ = (UniqueConstraint("batch_id", "target", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("closing_batch.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    #: The file's name without language: ``zilverhaven`` or ``zilverhaven-baken-college``.
    target: Mapped[str] = mapped_column(String(140))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    #: Relative to the instance folder.
    path: Mapped[str] = mapped_column(String(400), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    built_at: Mapped[datetime | None]

    batch: Mapped[ClosingBatch] = relationship()
    municipality: Mapped[Municipality] = relationship()
    school: Mapped[School | None] = relationship()


class ClosingMail(Base):
    """One mail to one account about one report; never sent twice."""

    __tablename__ = "closing_mail"
    __table_args__ = (UniqueConstraint("batch_id", "user_id", "report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("closing_batch.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("closing_report.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: When a worker took the mail to send; another may take it over only after a lease.
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    batch: Mapped[ClosingBatch] = relationship()
    user: Mapped[User] = relationship()
    report: Mapped[ClosingReport] = relationship()
