"""Closing a wave and planning its batch: which reports, in which languages, mailed to whom.

Closing is quick (the wave's status and an empty batch, in the request or the tick); planning
computes the results and is the first job of the batch. Both are safe to repeat: a wave
closes once, a batch exists once per wave, and its report and mail rows are unique.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oko.models import (
    ClosingBatch,
    ClosingMail,
    ClosingReport,
    Municipality,
    School,
    User,
    Wave,
    user_school,
    utcnow,
)
from oko.services import audit
from oko.services.staff import admin, authz
from oko.services.transactions import commits

#: A job is tried this often before its row shows it failed (RQ: the first try + 3 retries).
MAX_ATTEMPTS = 4
#: A mail taken by a worker that died may be taken over after this many seconds.
MAIL_LEASE_SECONDS = 120


@dataclass(frozen=True)
class Job:
    """One step of a batch: ``plan`` a batch, build a ``report``, send a ``mail`` (by row id)."""

    kind: str
    row_id: int

    @property
    def key(self) -> str:
        return f"oko-closing-{self.kind}-{self.row_id}"


def close_wave(
    session: Session, wave: Wave, *, actor_id: int | None, base_url: str = ""
) -> ClosingBatch:
    """Close an open wave (refused otherwise, see :func:`admin.close_wave`) and add its batch."""
    admin.close_wave(session, wave, actor_id=actor_id)
    return start_batch(session, wave, base_url=base_url)


def start_batch(session: Session, wave: Wave, *, base_url: str = "") -> ClosingBatch:
    """The batch of a closed wave, added if missing (a closed wave has at most one)."""
    batch = session.execute(
        select(ClosingBatch).where(ClosingBatch.wave_id == wave.id)
    ).scalar_one_or_none()
    if batch is None:
        batch = ClosingBatch(wave_id=wave.id, base_url=base_url.rstrip("/"))
        session.add(batch)
        session.commit()
    return batch


def due_waves(session: Session, now: datetime | None = None) -> list[Wave]:
    """Open waves whose closing time has passed."""
    now = now or utcnow()
    query = select(Wave).where(Wave.status == "open", Wave.closes_at <= now).order_by(Wave.id)
    return list(session.execute(query).scalars())


def close_due_waves(session: Session, *, base_url: str = "") -> list[ClosingBatch]:
    """The tick: close every wave whose time has come; another worker may race us to it, so a
    wave some other worker closed first (refused, or its batch already there) is skipped."""
    batches = []
    for wave in due_waves(session):
        try:
            batches.append(close_wave(session, wave, actor_id=None, base_url=base_url))
        except (admin.AdminError, IntegrityError):
            session.rollback()
    return batches


@commits
def retry(session: Session, batch: ClosingBatch, *, actor_id: int | None) -> None:
    """An admin's second chance for a batch (say, after the mail server is fixed): failed
    reports and mails get fresh attempts; what is built or sent stays as it is."""
    authz.require_admin(session, actor_id)
    session.execute(
        update(ClosingReport)
        .where(ClosingReport.batch_id == batch.id, ClosingReport.status == "failed")
        .values(status="pending", attempts=0)
    )
    built = select(ClosingReport.id).where(ClosingReport.status == "built")
    for status, where in (("pending", ClosingMail.report_id.in_(built)), ("waiting", None)):
        query = update(ClosingMail).where(
            ClosingMail.batch_id == batch.id, ClosingMail.status == "failed"
        )
        if where is not None:
            query = query.where(where)
        session.execute(query.values(status=status, attempts=0, claimed_at=None))
    if batch.status == "failed":
        batch.status = "running"
        batch.finished_at = None
    audit.record(session, "wave.feedback_retry", user_id=actor_id, target=f"wave:{batch.wave.slug}")


def unfinished_jobs(session: Session) -> list[Job]:
    """Every step of every unfinished batch that is still to do: the queue may have lost
    them (a worker killed mid-job, Redis emptied); each job is safe to run again."""
    jobs = [
        Job("plan", batch_id)
        for batch_id in session.execute(
            select(ClosingBatch.id).where(ClosingBatch.status == "planning")
        ).scalars()
    ]
    running = select(ClosingBatch.id).where(ClosingBatch.status == "running")
    jobs += [
        Job("report", row_id)
        for row_id in session.execute(
            select(ClosingReport.id).where(
                ClosingReport.batch_id.in_(running), ClosingReport.status == "pending"
            )
        ).scalars()
    ]
    jobs += [
        Job("mail", row_id)
        for row_id in session.execute(
            select(ClosingMail.id).where(
                ClosingMail.batch_id.in_(running),
                ClosingMail.status.in_(("pending", "sending", "handed")),
            )
        ).scalars()
    ]
    return jobs


def plan(session: Session, batch: ClosingBatch, targets: list[tuple[int, int | None, str]]) -> None:
    """Add the report and mail rows of ``targets`` (municipality id, school id or None, file
    name): each report in Dutch and in every language one of its readers asked for; a
    coalition member gets the municipality's report, a coordinator the school's."""
    for town_id, school_id, target in targets:
        readers = _readers(session, town_id, school_id)
        for language in sorted({"nl", *(user.language for user in readers)}):
            report = ClosingReport(
                batch_id=batch.id,
                municipality_id=town_id,
                school_id=school_id,
                target=target,
                language=language,
            )
            session.add(report)
            session.flush()
            for user in readers:
                if user.language == language:
                    session.add(
                        ClosingMail(batch_id=batch.id, user_id=user.id, report_id=report.id)
                    )
    batch.status = "running"


def _readers(session: Session, town_id: int, school_id: int | None) -> list[User]:
    query = select(User).where(User.active.is_(True))
    if school_id is None:
        query = query.where(User.role == "coalition", User.municipality_id == town_id)
    else:
        query = query.join(user_school, user_school.c.user_id == User.id).where(
            User.role == "coordinator", user_school.c.school_id == school_id
        )
    return list(session.execute(query.order_by(User.id)).scalars())


def targets_of(
    session: Session, pairs: list[tuple[str, str | None]]
) -> list[tuple[int, int | None, str]]:
    """(municipality slug, school slug or None) as row ids and the report's file name."""
    towns = {slug: id_ for slug, id_ in session.execute(select(Municipality.slug, Municipality.id))}
    schools = {slug: id_ for slug, id_ in session.execute(select(School.slug, School.id))}
    return [
        (towns[town], schools[school] if school else None, f"{town}-{school}" if school else town)
        for town, school in pairs
    ]


def settle(session: Session, batch_id: int) -> None:
    """Mark a running batch finished once no report or mail is left to do."""
    open_reports = session.execute(
        select(func.count())
        .select_from(ClosingReport)
        .where(ClosingReport.batch_id == batch_id, ClosingReport.status == "pending")
    ).scalar_one()
    open_mails = session.execute(
        select(func.count())
        .select_from(ClosingMail)
        .where(
            ClosingMail.batch_id == batch_id,
            ClosingMail.status.in_(("waiting", "pending", "sending", "handed")),
        )
    ).scalar_one()
    if open_reports or open_mails:
        return
    failed = (
        session.execute(
            select(func.count())
            .select_from(ClosingReport)
            .where(ClosingReport.batch_id == batch_id, ClosingReport.status == "failed")
        ).scalar_one()
        + session.execute(
            select(func.count())
            .select_from(ClosingMail)
            .where(ClosingMail.batch_id == batch_id, ClosingMail.status == "failed")
        ).scalar_one()
    )
    session.execute(
        update(ClosingBatch)
        .where(ClosingBatch.id == batch_id, ClosingBatch.status == "running")
        .values(status="failed" if failed else "done", finished_at=utcnow())
    )
