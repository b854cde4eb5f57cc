"""Closing on RQ with the machine's Redis and a real SMTP server: a worker killed mid-batch,
a new worker finishes it, every report is built and every mail accepted exactly once.

Redis: OKO_TEST_REDIS_URL (default redis://127.0.0.1:6379/15, emptied by the test). Skipped
when unreachable, unless OKO_REQUIRE_REDIS=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from oko.models import ClosingBatch, ClosingMail, ClosingReport
from tests.closing import world

TIMEOUT = 300


class Workers:
    """``oko worker`` processes on the test's database, instance folder, queue and SMTP."""

    def __init__(self, app, queue_url: str, smtp_port: int, logs: Path) -> None:
        self.env = {
            **os.environ,
            "OKO_DATABASE_URL": app.config["DATABASE_URL"],
            "OKO_INSTANCE_PATH": app.instance_path,
            "OKO_SECRET_KEY": "test-secret",
            "OKO_QUEUE_URL": queue_url,
            "OKO_MAIL_SERVER": "127.0.0.1",
            "OKO_MAIL_PORT": str(smtp_port),
        }
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        with (self.logs / f"worker-{len(self.processes)}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "oko", "worker"], env=self.env, stdout=log, stderr=log
            )
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def workers(closing_app, redis_url, smtp_server, tmp_path) -> Iterator[Workers]:
    closing_app.config["QUEUE_URL"] = redis_url
    running = Workers(closing_app, redis_url, smtp_server.port, tmp_path)
    yield running
    running.stop()
    closing_app.config["QUEUE_URL"] = ""


def _counts(app) -> tuple[int, int, str | None]:
    with app.extensions["oko.db"].session() as session:
        built = session.execute(
            select(func.count()).select_from(ClosingReport).where(ClosingReport.status == "built")
        ).scalar_one()
        total = session.execute(select(func.count()).select_from(ClosingReport)).scalar_one()
        status = session.execute(select(ClosingBatch.status)).scalar_one_or_none()
    return built, total, status


def _wait(app, condition, what: str, workers: Workers) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition(*_counts(app)):
        if time.monotonic() > deadline:
            logs = "\n".join(p.read_text() for p in sorted(workers.logs.glob("*.log")))
            pytest.fail(f"timed out waiting for {what}: {_counts(app)}\n{logs[-4000:]}")
        time.sleep(0.1)


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(
    closing_app, admin_client, workers, smtp_server
) -> None:
    first = workers.start()
    response = admin_client.post(f"/admin/waves/{world.wave_id(closing_app)}/close")
    assert response.status_code == 302
    _wait(
        closing_app,
        lambda built, total, status: status == "running" and 1 <= built < total,
        "the first report",
        workers,
    )
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert _counts(closing_app)[0] < _counts(closing_app)[1], "killed too late to prove anything"

    workers.start()
    _wait(closing_app, lambda b, t, status: status in ("done", "failed"), "the batch", workers)

    with closing_app.extensions["oko.db"].session() as session:
        assert session.execute(select(ClosingBatch.status)).scalar_one() == "done"
        reports = session.execute(select(ClosingReport)).scalars().all()
        mails = session.execute(select(ClosingMail)).scalars().all()
    folder = Path(closing_app.instance_path)
    assert all(r.status == "built" and (folder / r.path).is_file() for r in reports)
    assert {m.status for m in mails} == {"sent"}
    received = Counter(smtp_server.message_ids())
    expected = {f"<closing-{m.batch_id}-{m.id}@localhost>" for m in mails}
    assert set(received) == expected
    assert set(received.values()) == {1}, "a mail was accepted twice"
