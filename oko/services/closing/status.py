"""What the admin Feedback pages show: each batch's progress, its rows' errors, the outbox;
and the built report a reader may open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oko.models import ClosingBatch, ClosingMail, ClosingReport, User, Wave
from oko.services.staff import authz


@dataclass(frozen=True)
class BatchSummary:
    id: int
    wave_slug: str
    wave_name: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    error: str
    reports: dict[str, int]
    mails: dict[str, int]


@dataclass(frozen=True)
class ReportLine:
    target: str
    language: str
    status: str
    attempts: int
    error: str
    url: str


@dataclass(frozen=True)
class MailLine:
    email: str
    target: str
    language: str
    status: str
    attempts: int
    error: str


@dataclass(frozen=True)
class OutboxLine:
    name: str
    to: str
    subject: str


def _counts(session: Session, model: type[ClosingReport] | type[ClosingMail], batch_id: int):
    query = (
        select(model.status, func.count()).where(model.batch_id == batch_id).group_by(model.status)
    )
    return {status: count for status, count in session.execute(query)}


def _summary(session: Session, batch: ClosingBatch) -> BatchSummary:
    return BatchSummary(
        id=batch.id,
        wave_slug=batch.wave.slug,
        wave_name=batch.wave.name,
        status=batch.status,
        started_at=batch.started_at,
        finished_at=batch.finished_at,
        error=batch.error,
        reports=_counts(session, ClosingReport, batch.id),
        mails=_counts(session, ClosingMail, batch.id),
    )


def summaries(session: Session) -> list[BatchSummary]:
    rows = session.execute(select(ClosingBatch).order_by(ClosingBatch.id.desc())).scalars()
    return [_summary(session, batch) for batch in rows]


def batch(session: Session, batch_id: int) -> ClosingBatch | None:
    return session.get(ClosingBatch, batch_id)


def summary(session: Session, batch_id: int) -> BatchSummary | None:
    batch = session.get(ClosingBatch, batch_id)
    return _summary(session, batch) if batch else None


def report_lines(session: Session, batch_id: int) -> list[ReportLine]:
    query = (
        select(ClosingReport, Wave.slug)
        .join(ClosingBatch, ClosingBatch.id == ClosingReport.batch_id)
        .join(Wave, Wave.id == ClosingBatch.wave_id)
        .where(ClosingReport.batch_id == batch_id)
        .order_by(ClosingReport.target, ClosingReport.language)
    )
    return [
        ReportLine(
            row.target,
            row.language,
            row.status,
            row.attempts,
            row.last_error,
            f"/reports/{wave}/{row.target}.{row.language}.pdf",
        )
        for row, wave in session.execute(query)
    ]


def mail_lines(session: Session, batch_id: int) -> list[MailLine]:
    query = (
        select(ClosingMail, User.email, ClosingReport)
        .join(User, User.id == ClosingMail.user_id)
        .join(ClosingReport, ClosingReport.id == ClosingMail.report_id)
        .where(ClosingMail.batch_id == batch_id)
        .order_by(ClosingReport.target, User.email)
    )
    return [
        MailLine(email, report.target, report.language, row.status, row.attempts, row.last_error)
        for row, email, report in session.execute(query)
    ]


def outbox(folder: Path, limit: int = 200) -> list[OutboxLine]:
    """The newest mails in the outbox folder (no SMTP server configured)."""
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
    lines = []
    for path in paths[:limit]:
        mail = message_from_bytes(path.read_bytes(), policy=default_policy)
        lines.append(OutboxLine(path.name, str(mail["To"]), str(mail["Subject"])))
    return lines


def report_file(
    session: Session,
    user: User | None,
    instance_path: str | Path,
    wave: str,
    target: str,
    language: str,
) -> Path | None:
    """The built report for a reader: admins, the municipality's coalition, the school's
    coordinators. None if there is no such built report; Forbidden for anyone else."""
    row = session.execute(
        select(ClosingReport)
        .join(ClosingBatch, ClosingBatch.id == ClosingReport.batch_id)
        .join(Wave, Wave.id == ClosingBatch.wave_id)
        .where(
            Wave.slug == wave,
            ClosingReport.target == target,
            ClosingReport.language == language,
            ClosingReport.status == "built",
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.school is None:
        authz.require_municipality(user, row.municipality_id)
    elif not (
        user is not None
        and user.active
        and user.role == "coalition"
        and user.municipality_id == row.municipality_id
    ):
        authz.require_school(user, row.school.id)
    path = Path(instance_path) / row.path
    return path if path.is_file() else None
