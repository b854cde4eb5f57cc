"""A worker killed while sending a mail: before the SMTP server has it, the mail is sent again
(once); after, it is not sent again by itself but failed with an error saying it may have
arrived. With the outbox the file tells whether it arrived. Real SMTP server, real process
killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from oko.models import ClosingMail, Wave, utcnow
from oko.services.closing import batches, jobs
from oko.services.closing.batches import Job
from oko.services.closing.context import JobContext
from tests.closing import world

SEND_ONE = """
import sys
from oko.services.closing import jobs
from oko.services.closing.batches import Job
from oko.services.closing.context import JobContext
from oko.web import create_app

app = create_app({"TESTING": True})
jobs.run(JobContext.from_config(app.config, app.instance_path), Job("mail", int(sys.argv[1])))
"""


@pytest.fixture
def context(closing_app, smtp_server):
    closing_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    context = JobContext.from_config(closing_app.config, closing_app.instance_path)
    yield context
    context.database.dispose()


def _one_pending_mail(app, context: JobContext) -> int:
    """Close the wave, plan, build one report: its mails are pending."""
    with app.extensions["oko.db"].session() as session:
        wave = session.execute(select(Wave).where(Wave.slug == world.WAVE)).scalar_one()
        batch_id = batches.close_wave(session, wave, actor_id=None, base_url="http://oko.test").id
    reports = jobs.run(context, Job("plan", batch_id))
    return jobs.run(context, reports[0])[0].row_id


def _sender(app, mail_id: int, smtp_port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OKO_DATABASE_URL": app.config["DATABASE_URL"],
        "OKO_INSTANCE_PATH": app.instance_path,
        "OKO_SECRET_KEY": "test-secret",
        "OKO_MAIL_SERVER": "127.0.0.1",
        "OKO_MAIL_PORT": str(smtp_port),
    }
    return subprocess.Popen([sys.executable, "-c", SEND_ONE, str(mail_id)], env=env)


def _kill_at(app, smtp_server, command: str, mail_id: int) -> str:
    """Start a sender, SIGKILL it while the server holds its answer to ``command``; then
    the lease runs out. Returns the mail's status as the dead sender left it."""
    reached = smtp_server.hold(command)
    process = _sender(app, mail_id, smtp_server.port)
    try:
        assert reached.wait(120), "the sender never reached the server"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    smtp_server.release()
    with app.extensions["oko.db"].session() as session:
        status = session.get(ClosingMail, mail_id).status
        session.execute(
            update(ClosingMail)
            .where(ClosingMail.id == mail_id)
            .values(claimed_at=utcnow() - timedelta(hours=1))
        )
        session.commit()
    return status


def _mail(app, mail_id: int) -> tuple[str, str]:
    with app.extensions["oko.db"].session() as session:
        row = session.get(ClosingMail, mail_id)
        return row.status, row.last_error


def test_killed_before_the_server_has_the_mail_it_is_sent_once(
    closing_app, smtp_server, context
) -> None:
    mail_id = _one_pending_mail(closing_app, context)
    assert _kill_at(closing_app, smtp_server, "RCPT", mail_id) == "sending"
    assert smtp_server.messages == []
    jobs.run(context, Job("mail", mail_id))
    assert _mail(closing_app, mail_id) == ("sent", "")
    assert len(smtp_server.messages) == 1


def test_killed_after_the_server_has_the_mail_it_is_not_sent_again(
    closing_app, smtp_server, context
) -> None:
    mail_id = _one_pending_mail(closing_app, context)
    assert _kill_at(closing_app, smtp_server, "DATA", mail_id) == "handed"
    assert len(smtp_server.messages) == 1
    jobs.run(context, Job("mail", mail_id))
    jobs.run(context, Job("mail", mail_id))
    status, error = _mail(closing_app, mail_id)
    assert status == "failed"
    assert "it may have arrived (Message-ID <closing-" in error and "Retry sends it" in error
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("written", [True, False])
def test_with_the_outbox_the_file_tells_whether_it_arrived(
    closing_app, smtp_server, context, written
) -> None:
    outbox = JobContext.from_config(
        {**closing_app.config, "MAIL_SERVER": ""}, closing_app.instance_path
    )
    try:
        mail_id = _one_pending_mail(closing_app, outbox)
        with closing_app.extensions["oko.db"].session() as session:
            row = session.get(ClosingMail, mail_id)
            path = Path(closing_app.instance_path) / "outbox" / f"{row.batch_id}-{mail_id}.eml"
            row.status, row.claimed_at = "handed", utcnow() - timedelta(hours=1)
            session.commit()
        if written:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"as the dead sender wrote it")
        jobs.run(outbox, Job("mail", mail_id))
    finally:
        outbox.database.dispose()
    assert _mail(closing_app, mail_id)[0] == "sent"
    text = path.read_bytes()
    assert (text == b"as the dead sender wrote it") is written
