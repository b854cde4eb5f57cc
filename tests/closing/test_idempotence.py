"""Jobs run twice change nothing: the same report files, each mail accepted once by a real
SMTP server; a job that keeps failing ends failed, with its error on the admin page."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from oko.models import ClosingBatch, ClosingMail, ClosingReport, Wave
from oko.services.closing import batches, queue
from oko.services.closing.batches import MAX_ATTEMPTS, Job
from oko.services.closing.context import JobContext
from tests.closing import world


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.pdf"))
    }


def _close(app) -> int:
    with app.extensions["oko.db"].session() as session:
        wave = session.execute(select(Wave).where(Wave.slug == world.WAVE)).scalar_one()
        return batches.close_wave(session, wave, actor_id=None, base_url="http://oko.test").id


def _every_job(app, batch_id: int) -> list[Job]:
    with app.extensions["oko.db"].session() as session:
        reports = session.execute(select(ClosingReport.id)).scalars().all()
        mails = session.execute(select(ClosingMail.id)).scalars().all()
    return [
        Job("plan", batch_id),
        *(Job("report", r) for r in reports),
        *(Job("mail", m) for m in mails),
    ]


def test_every_job_twice_builds_the_same_files_and_sends_each_mail_once(
    closing_app, smtp_server
) -> None:
    closing_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    runner = queue.ThreadRunner(
        JobContext.from_config(closing_app.config, closing_app.instance_path)
    )
    try:
        batch_id = _close(closing_app)
        runner.enqueue(Job("plan", batch_id))
        runner.enqueue(Job("plan", batch_id))
        runner.wait()
        folder = Path(closing_app.instance_path) / "feedback"
        first = _hashes(folder)
        ids = smtp_server.message_ids()
        every = _every_job(closing_app, batch_id)
        queue.enqueue_all(runner, every + every)
        runner.wait()
    finally:
        runner.close()
    assert first and _hashes(folder) == first
    with closing_app.extensions["oko.db"].session() as session:
        mails = session.execute(select(ClosingMail)).scalars().all()
        reports = session.execute(select(ClosingReport)).scalars().all()
        assert session.execute(select(ClosingBatch.status)).scalar_one() == "done"
    assert {(m.status, m.attempts) for m in mails} == {("sent", 1)}
    assert {(r.status, r.attempts) for r in reports} == {("built", 1)}
    received = Counter(smtp_server.message_ids())
    assert sorted(received) == sorted(ids)
    assert set(received.values()) == {1} and len(received) == len(mails)


def test_a_job_that_keeps_failing_shows_its_error(closing_app, admin_client) -> None:
    # A file where the outbox folder should be: every mail fails, every attempt.
    (Path(closing_app.instance_path) / "outbox").write_text("in the way")
    admin_client.post(f"/admin/waves/{world.wave_id(closing_app)}/close")
    closing_app.extensions["oko.closing"].wait()
    with closing_app.extensions["oko.db"].session() as session:
        batch = session.execute(select(ClosingBatch)).scalar_one()
        mails = session.execute(select(ClosingMail)).scalars().all()
        reports = session.execute(select(ClosingReport)).scalars().all()
    assert batch.status == "failed" and batch.finished_at is not None
    assert {r.status for r in reports} == {"built"}
    assert {(m.status, m.attempts) for m in mails} == {("failed", MAX_ATTEMPTS)}
    assert all("FileExistsError" in m.last_error for m in mails)
    page = admin_client.get(f"/admin/feedback/{batch.id}").get_data(as_text=True)
    assert "FileExistsError" in page
    listing = admin_client.get("/admin/feedback").get_data(as_text=True)
    assert "mislukt" in listing

    # Once the cause is gone, the admin's retry sends every mail.
    (Path(closing_app.instance_path) / "outbox").unlink()
    assert admin_client.post(f"/admin/feedback/{batch.id}/retry").status_code == 302
    closing_app.extensions["oko.closing"].wait()
    with closing_app.extensions["oko.db"].session() as session:
        assert session.execute(select(ClosingBatch.status)).scalar_one() == "done"
        statuses = session.execute(select(ClosingMail.status, ClosingMail.attempts)).all()
    assert {tuple(row) for row in statuses} == {("sent", 1)}
    assert len(list((Path(closing_app.instance_path) / "outbox").glob("*.eml"))) == len(mails)
