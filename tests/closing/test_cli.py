"""``oko wave close`` starts the feedback like the admin button: without a queue the batch runs
in the command and it says what was built and sent; with one, it says what it queued. Bad
input (an unknown or closed wave, a queue that does not answer) changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from oko.cli import main
from oko.models import ClosingBatch, ClosingMail, ClosingReport, Wave
from tests.closing import world


@pytest.fixture
def oko(closing_app, monkeypatch):
    monkeypatch.setenv("OKO_DATABASE_URL", closing_app.config["DATABASE_URL"])
    monkeypatch.setenv("OKO_INSTANCE_PATH", closing_app.instance_path)
    monkeypatch.setenv("OKO_SECRET_KEY", "test-secret")
    monkeypatch.delenv("OKO_QUEUE_URL", raising=False)
    monkeypatch.delenv("OKO_MAIL_SERVER", raising=False)

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args))

    return run


def _state(app) -> tuple[str, int]:
    with app.extensions["oko.db"].session() as session:
        status = session.execute(select(Wave.status).where(Wave.slug == world.WAVE)).scalar_one()
        count = session.execute(select(func.count()).select_from(ClosingBatch)).scalar_one()
    return status, count


def test_close_without_a_queue_runs_the_batch_and_says_what_it_did(closing_app, oko) -> None:
    result = oko("wave", "close", world.WAVE)
    assert result.exit_code == 0, result.output
    with closing_app.extensions["oko.db"].session() as session:
        reports = session.execute(select(func.count()).select_from(ClosingReport)).scalar_one()
        mails = set(session.execute(select(ClosingMail.status)).scalars())
        mail_count = session.execute(select(func.count()).select_from(ClosingMail)).scalar_one()
        batch = session.execute(select(ClosingBatch)).scalar_one()
    assert f"Wave {world.WAVE} is now closed." in result.output
    assert f"Batch {batch.id} ran here (no queue configured): done." in result.output
    assert f"Reports: {reports} built. Mails: {mail_count} sent." in result.output
    assert batch.status == "done" and mails == {"sent"}
    assert len(list((Path(closing_app.instance_path) / "outbox").glob("*.eml"))) == mail_count


def test_close_with_a_queue_queues_the_batch(closing_app, oko, redis_url, monkeypatch) -> None:
    from redis import Redis
    from rq import Queue

    monkeypatch.setenv("OKO_QUEUE_URL", redis_url)
    result = oko("wave", "close", world.WAVE)
    assert result.exit_code == 0, result.output
    assert _state(closing_app) == ("closed", 1)
    with closing_app.extensions["oko.db"].session() as session:
        batch_id = session.execute(select(ClosingBatch.id)).scalar_one()
    assert f"Queued batch {batch_id} on {redis_url}" in result.output
    connection = Redis.from_url(redis_url)
    try:
        assert Queue("oko-closing", connection=connection).job_ids == [
            f"oko-closing-plan-{batch_id}"
        ]
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("wave", "close", "nowhere"), "Unknown wave 'nowhere'."),
        (("wave", "close"), "Missing argument 'SLUG'."),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(closing_app, oko, args, message) -> None:
    result = oko(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert _state(closing_app) == ("open", 0)


def test_a_closed_wave_is_refused_and_keeps_its_one_batch(closing_app, oko) -> None:
    assert oko("wave", "close", world.WAVE).exit_code == 0
    again = oko("wave", "close", world.WAVE)
    assert again.exit_code == 1
    assert "Only an open wave can be closed" in again.output
    assert _state(closing_app) == ("closed", 1)


def test_an_unreachable_queue_is_refused_before_the_wave_closes(closing_app, oko, monkeypatch):
    monkeypatch.setenv("OKO_QUEUE_URL", "redis://127.0.0.1:1/0")
    result = oko("wave", "close", world.WAVE)
    assert result.exit_code == 1
    assert "The job queue at redis://127.0.0.1:1/0 is not reachable" in result.output
    assert _state(closing_app) == ("open", 0)
