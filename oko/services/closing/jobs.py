"""The steps of a batch, each safe to run twice, after a crash or next to a duplicate of itself.

- ``plan``: compute the wave's results, add the report and mail rows (once per batch).
- ``report``: render one report to its file; a report already built, whose file is there with
  the recorded hash, is left alone.
- ``mail``: send one mail. The row is taken with a conditional update (pending, or sending
  under a lease that ran out), marked ``handed`` right before the step after which the mail
  may have arrived (see :func:`oko.services.closing.mails.deliver`) and sent right after the
  server accepted it, so a retried or duplicated job finds it taken or sent and sends nothing.
  A mail its worker left ``handed`` is never sent again by itself: from the outbox it is
  known whether it arrived; from an SMTP server it is not, so it is failed with an error that
  says it may have arrived, and an admin decides (Retry sends it again).

Each attempt is counted on the row; a failing attempt records its error and is raised again
for the queue to retry; the last allowed attempt marks the row failed, which the admin
Feedback page shows with the error.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from oko.models import ClosingBatch, ClosingMail, ClosingReport, utcnow
from oko.services.closing import batches, mails
from oko.services.closing.batches import MAIL_LEASE_SECONDS, MAX_ATTEMPTS, Job
from oko.services.closing.context import JobContext
from oko.services.results import reports


def run(context: JobContext, job: Job) -> list[Job]:
    """Run one step; returns the steps it made possible (a built report's mails)."""
    step: dict[str, Callable[[JobContext, int], list[Job]]] = {
        "plan": plan_batch,
        "report": build_report,
        "mail": send_mail,
    }
    return step[job.kind](context, job.row_id)


def plan_batch(context: JobContext, batch_id: int) -> list[Job]:
    with context.database.session() as session:
        batch = session.get(ClosingBatch, batch_id)
        if batch is None:
            return []
        if batch.status != "planning":
            return [j for j in batches.unfinished_jobs(session) if j.kind != "plan"]
        try:
            built = reports.wave_reports(
                session,
                wave=batch.wave.slug,
                settings=context.settings,
                report_date=batch.started_at.date(),
                schools=True,
            )
            pairs = [(target.municipality, target.school) for target, _data in built]
            batches.plan(session, batch, batches.targets_of(session, pairs))
            batches.settle(session, batch.id)
            session.commit()
        except Exception as exc:
            session.rollback()
            _batch_failed(session, batch_id, exc)
            raise
        rows = session.execute(
            select(ClosingReport.id).where(ClosingReport.batch_id == batch_id)
        ).scalars()
        return [Job("report", row_id) for row_id in rows]


def _batch_failed(session: Session, batch_id: int, exc: Exception) -> None:
    batch = session.get(ClosingBatch, batch_id)
    if batch is None:
        return
    batch.error = _describe(exc)
    session.commit()


def build_report(context: JobContext, report_id: int) -> list[Job]:
    with context.database.session() as session:
        row = session.get(ClosingReport, report_id)
        if row is None or row.status == "failed":
            return []
        if row.status == "built" and _intact(context.instance_path / row.path, row.sha256):
            return _mails_of(session, row)
        if not _attempt(session, row):
            return []
        try:
            pdf = reports.build_report(
                session,
                wave=row.batch.wave.slug,
                municipality=row.municipality.slug,
                school=row.school.slug if row.school else None,
                language=row.language,
                settings=context.settings,
                report_date=row.batch.started_at.date(),
                reports_dir=context.definitions_dir,
            )
            relative = Path(row.batch.wave.slug) / f"{row.target}.{row.language}.pdf"
            _write_atomically(context.reports_path / relative, pdf)
        except Exception as exc:
            session.rollback()
            _report_failed(session, report_id, exc)
            raise
        row.status = "built"
        row.path = str(Path(context.reports_path.name) / relative)
        row.sha256 = hashlib.sha256(pdf).hexdigest()
        row.built_at = utcnow()
        row.last_error = ""
        session.execute(
            update(ClosingMail)
            .where(ClosingMail.report_id == row.id, ClosingMail.status == "waiting")
            .values(status="pending")
        )
        batches.settle(session, row.batch_id)
        session.commit()
        return _mails_of(session, row)


def _attempt(session: Session, row: ClosingReport) -> bool:
    """Count this attempt; False (and the row failed) if the attempts are used up."""
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        _give_up_mails(session, row.id)
        batches.settle(session, row.batch_id)
        session.commit()
        return False
    row.attempts += 1
    session.commit()
    return True


def _report_failed(session: Session, report_id: int, exc: Exception) -> None:
    row = session.get(ClosingReport, report_id)
    if row is None:
        return
    row.last_error = _describe(exc)
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        _give_up_mails(session, row.id)
        batches.settle(session, row.batch_id)
    session.commit()


def _give_up_mails(session: Session, report_id: int) -> None:
    session.execute(
        update(ClosingMail)
        .where(ClosingMail.report_id == report_id, ClosingMail.status == "waiting")
        .values(status="failed", last_error="The report was not built.")
    )


def _mails_of(session: Session, row: ClosingReport) -> list[Job]:
    pending = session.execute(
        select(ClosingMail.id).where(
            ClosingMail.report_id == row.id, ClosingMail.status == "pending"
        )
    ).scalars()
    return [Job("mail", mail_id) for mail_id in pending]


def _intact(path: Path, sha256: str) -> bool:
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256


def _write_atomically(path: Path, data: bytes) -> None:
    """Written under a temporary name and renamed: a reader never sees half a PDF, and a
    second writer of the same report replaces the file with an equal one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def send_mail(context: JobContext, mail_id: int) -> list[Job]:
    with context.database.session() as session:
        _settle_handed(session, mail_id, context)
        if not _claim(session, mail_id):
            _use_up(session, mail_id)
            return []
        row = session.get(ClosingMail, mail_id)
        assert row is not None
        try:
            letter = _letter(row, context.public_url)
            message = mails.message(letter, context.mail, row.batch.base_url or context.public_url)
            mails.deliver(
                message,
                context.mail,
                context.outbox_path,
                _outbox_name(row),
                handing=lambda: _set_status(session, mail_id, "handed"),
            )
        except Exception as exc:
            session.rollback()
            _mail_failed(session, mail_id, exc)
            raise
        # Recorded first, alone: the shortest time between the server's yes and the record.
        _set_status(session, mail_id, "sent", sent_at=utcnow(), last_error="")
        batches.settle(session, row.batch_id)
        session.commit()
        return []


def _outbox_name(row: ClosingMail) -> str:
    return f"{row.batch_id}-{row.id}"


def _set_status(session: Session, mail_id: int, status: str, **values: object) -> None:
    session.execute(
        update(ClosingMail).where(ClosingMail.id == mail_id).values(status=status, **values)
    )
    session.commit()


#: Why a mail its worker left half-handed to the SMTP server is not sent again by itself.
MAY_HAVE_ARRIVED = (
    "The worker stopped while handing this mail to the mail server, before the server "
    "confirmed it: it may have arrived (Message-ID {message_id}). Not sent again by itself; "
    "Retry sends it again."
)


def _settle_handed(session: Session, mail_id: int, context: JobContext) -> None:
    """A mail left ``handed`` by a worker that died (its lease ran out): sent if its outbox
    file is there, pending again if it is not (it never arrived), failed for an SMTP server,
    which cannot be asked whether it kept the mail."""
    stale = utcnow() - timedelta(seconds=MAIL_LEASE_SECONDS)
    row = session.execute(
        select(ClosingMail).where(
            ClosingMail.id == mail_id,
            ClosingMail.status == "handed",
            ClosingMail.claimed_at < stale,
        )
    ).scalar_one_or_none()
    if row is None:
        return
    if not context.mail.server:
        if mails.outbox_file(context.outbox_path, _outbox_name(row)).is_file():
            _set_status(session, mail_id, "sent", sent_at=utcnow())
        else:
            _set_status(session, mail_id, "pending", claimed_at=None)
        return
    message_id = mails.message_id(row.batch_id, row.id, row.batch.base_url or context.public_url)
    _set_status(
        session, mail_id, "failed", last_error=MAY_HAVE_ARRIVED.format(message_id=message_id)
    )
    batches.settle(session, row.batch_id)
    session.commit()


def _claim(session: Session, mail_id: int) -> bool:
    """Take the mail for this attempt, in its own committed transaction: exactly one job
    holds a mail at a time, and a sent mail is never taken again."""
    now = utcnow()
    stale = now - timedelta(seconds=MAIL_LEASE_SECONDS)
    taken = session.execute(
        update(ClosingMail)
        .where(
            ClosingMail.id == mail_id,
            ClosingMail.attempts < MAX_ATTEMPTS,
            or_(
                ClosingMail.status == "pending",
                (ClosingMail.status == "sending") & (ClosingMail.claimed_at < stale),
            ),
        )
        .values(status="sending", claimed_at=now, attempts=ClosingMail.attempts + 1)
    ).rowcount  # type: ignore[attr-defined]
    session.commit()
    return bool(taken)


def _use_up(session: Session, mail_id: int) -> None:
    """A pending mail whose attempts are used up is failed (nothing else would end it)."""
    row = session.get(ClosingMail, mail_id)
    if row is not None and row.status == "pending" and row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        batches.settle(session, row.batch_id)
        session.commit()


def _mail_failed(session: Session, mail_id: int, exc: Exception) -> None:
    row = session.get(ClosingMail, mail_id)
    if row is None:
        return
    row.last_error = _describe(exc)
    row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "pending"
    row.claimed_at = None
    batches.settle(session, row.batch_id)
    session.commit()


def _letter(row: ClosingMail, public_url: str) -> mails.Letter:
    report = row.report
    wave = row.batch.wave
    base = (row.batch.base_url or public_url).rstrip("/")
    town = report.municipality
    return mails.Letter(
        mail_id=row.id,
        batch_id=row.batch_id,
        to=row.user.email,
        name=row.user.name,
        language=report.language,
        wave_name=wave.name,
        area_name=report.school.name if report.school else town.name,
        report_url=f"{base}/reports/{wave.slug}/{report.target}.{report.language}.pdf",
        dashboard_url=f"{base}/dashboard/{town.slug}/{wave.slug}"
        if report.school is None
        else f"{base}/",
    )


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
