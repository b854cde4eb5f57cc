"""With no queue configured the app closes a wave at its closing time by itself, only one
process of the app ticks, and after a restart the unfinished steps of a batch go on by
themselves."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from oko.models import ClosingBatch, ClosingMail, ClosingReport, Wave, utcnow
from oko.services.closing import batches, jobs, queue, ticker
from oko.services.closing.batches import Job
from oko.services.closing.context import JobContext
from tests.closing import world


def _batch_status(app) -> str | None:
    with app.extensions["oko.db"].session() as session:
        return session.execute(select(ClosingBatch.status)).scalar_one_or_none()


def _finished(app, seconds: float = 120) -> str | None:
    """The batch's status once it is done or failed (or as it is when the time is up)."""
    deadline = time.monotonic() + seconds
    status = _batch_status(app)
    while status not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        status = _batch_status(app)
    return status


def _ticker(app, lock: Path) -> ticker.Ticker:
    return ticker.Ticker(
        queue.ThreadRunner(JobContext.from_config(app.config, app.instance_path)), lock
    )


def _stop(*tickers: ticker.Ticker) -> None:
    for each in tickers:
        each.stop()
        each.runner.close()


def test_the_app_closes_a_due_wave_by_itself(closing_app) -> None:
    closing_app.config["CLOSING_TICK"] = True
    world.close_due(closing_app, utcnow() - timedelta(minutes=1))
    assert closing_app.test_client().get("/").status_code in (200, 302)
    assert "oko.closing.tick" in closing_app.extensions
    assert _finished(closing_app) == "done"
    with closing_app.extensions["oko.db"].session() as session:
        assert session.execute(select(Wave.status).where(Wave.slug == world.WAVE)).scalar_one() == (
            "closed"
        )
        assert set(session.execute(select(ClosingMail.status)).scalars()) == {"sent"}


def test_an_app_under_test_or_with_a_queue_does_not_tick(closing_app) -> None:
    world.close_due(closing_app, utcnow() - timedelta(minutes=1))
    closing_app.test_client().get("/")
    assert "oko.closing.tick" not in closing_app.extensions
    closing_app.config.update(CLOSING_TICK=True, QUEUE_URL="redis://127.0.0.1:1/0")
    try:
        closing_app.test_client().get("/")
        assert "oko.closing.tick" not in closing_app.extensions
    finally:
        closing_app.config["QUEUE_URL"] = ""
    assert _batch_status(closing_app) is None


def test_one_process_ticks_and_another_takes_over_when_it_is_gone(closing_app, tmp_path) -> None:
    lock = tmp_path / ticker.LOCK_FILE
    first, second = _ticker(closing_app, lock), _ticker(closing_app, lock)
    try:
        assert first.tick() == 0
        world.close_due(closing_app, utcnow() - timedelta(minutes=1))
        assert second.tick() is None  # the first holds the lock: the second does nothing
        assert first.tick() == 1  # the plan of the new batch
        first.runner.wait()
        first.release()  # as when its process dies
        assert second.tick() == 0  # took over; nothing left to do
    finally:
        _stop(first, second)
    assert _batch_status(closing_app) == "done"


def test_after_a_restart_an_unfinished_batch_goes_on_by_itself(closing_app, tmp_path) -> None:
    """The app closed the wave, planned and built one report, then stopped: a new process's
    first tick hands the rest over; every report is built and every mail sent once."""
    with closing_app.extensions["oko.db"].session() as session:
        wave = session.execute(select(Wave).where(Wave.slug == world.WAVE)).scalar_one()
        batch_id = batches.close_wave(session, wave, actor_id=None, base_url="http://oko.test").id
    context = JobContext.from_config(closing_app.config, closing_app.instance_path)
    try:
        follow_ups = jobs.run(context, Job("plan", batch_id))
        jobs.run(context, follow_ups[0])
    finally:
        context.database.dispose()
    restarted = _ticker(closing_app, tmp_path / ticker.LOCK_FILE)
    try:
        assert restarted.tick() >= len(follow_ups) - 1  # the other reports and the mails
        restarted.runner.wait()
    finally:
        _stop(restarted)
    with closing_app.extensions["oko.db"].session() as session:
        assert session.get(ClosingBatch, batch_id).status == "done"
        assert set(session.execute(select(ClosingReport.status)).scalars()) == {"built"}
        assert set(session.execute(select(ClosingMail.status)).scalars()) == {"sent"}
    outbox = Path(closing_app.instance_path) / "outbox"
    names = Counter(path.name for path in outbox.glob("*.eml"))
    assert names and set(names.values()) == {1}
