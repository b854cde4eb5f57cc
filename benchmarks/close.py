"""Benchmark: a synthetic country's wave closes on RQ; time until every report is built and
every mail is accepted by an SMTP server (aiosmtpd, in this process), with 1, 2, 4 workers.

Loads :func:`oko.synthetic.benchmark_scenario` (350 municipalities, 1,000,000 responses by
default) into a database of its own (SQLite in a temporary folder, or ``--database-url``),
adds a coalition member per municipality and a coordinator per school, and reopens the latest
wave. Then for each worker count: the wave's batch is cleared and the wave reopened, the
workers (``oko worker``, not ``--burst``: a burst worker would exit before RQ's retries) are
started and waited for, the wave is closed as an admin would, and the clock runs until the
batch is done and the SMTP server has every mail. The workers are stopped, and the figures
printed with the scaling factor against one worker. A duplicated or missing mail fails the run.

Target (issue): under 2 minutes with 2 workers on the reference machine.

Usage: ``.venv/bin/python benchmarks/close.py [--municipalities 350] [--rows 1000000]
[--workers 1 2 4] [--redis-url redis://127.0.0.1:6379/13] [--database-url URL]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import delete, func, select, update

from oko import PROJECT_ROOT, migrations
from oko.config import load_config
from oko.db import Database
from oko.models import (
    ClosingBatch,
    ClosingMail,
    ClosingReport,
    Municipality,
    School,
    User,
    Wave,
    user_school,
)
from oko.questionnaire import load
from oko.services.closing import batches, queue
from oko.services.demo.synthetic_data import load_sample
from oko.synthetic import benchmark_scenario, generate

sys.path.insert(0, str(PROJECT_ROOT))
from tests.closing.smtp import SmtpServer

TARGET_SECONDS = 120.0
TIMEOUT_SECONDS = 1800


def build(database: Database, municipalities: int, rows: int, seed: int) -> str:
    """The country in the database; returns the slug of the wave to close."""
    questionnaire = load(PROJECT_ROOT / "questionnaires" / "oko-core.yaml")
    scenario = benchmark_scenario(municipalities, rows, seed=seed)
    with database.session() as session:
        load_sample(session, generate(scenario, seed), questionnaire, seed=seed)
        # Readers, with an unusable password: nobody logs in, they only get mail.
        for town in session.execute(select(Municipality)).scalars():
            session.add(
                User(
                    email=f"{town.slug}@bench.example",
                    password_hash="!",
                    role="coalition",
                    municipality_id=town.id,
                )
            )
        session.flush()
        for school in session.execute(select(School)).scalars():
            user = User(email=f"{school.slug}@bench.example", password_hash="!", role="coordinator")
            session.add(user)
            session.flush()
            session.execute(user_school.insert().values(user_id=user.id, school_id=school.id))
        session.commit()
        return session.execute(
            select(Wave.slug).order_by(Wave.opens_at.desc()).limit(1)
        ).scalar_one()


def reopen(database: Database, wave: str) -> None:
    with database.session() as session:
        session.execute(delete(ClosingMail))
        session.execute(delete(ClosingReport))
        session.execute(delete(ClosingBatch))
        session.execute(update(Wave).where(Wave.slug == wave).values(status="open", closes_at=None))
        session.commit()


def progress(database: Database) -> tuple[str | None, int, int, int]:
    with database.session() as session:
        status = session.execute(select(ClosingBatch.status)).scalar_one_or_none()
        built = session.execute(
            select(func.count()).select_from(ClosingReport).where(ClosingReport.status == "built")
        ).scalar_one()
        reports = session.execute(select(func.count()).select_from(ClosingReport)).scalar_one()
        mails = session.execute(select(func.count()).select_from(ClosingMail)).scalar_one()
    return status, built, reports, mails


def run(
    database: Database,
    env: dict[str, str],
    wave: str,
    workers: int,
    smtp: SmtpServer,
    logs: Path,
) -> tuple[float, int, int]:
    """Seconds from closing to the last mail accepted; reports and mails of the batch."""
    from redis import Redis

    Redis.from_url(env["OKO_QUEUE_URL"]).flushdb()
    reopen(database, wave)
    already = len(smtp.messages)
    processes = []
    for number in range(workers):
        with (logs / f"worker-{workers}-{number}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "oko", "worker"], env=env, stdout=log, stderr=log
                )
            )
    for number in range(workers):  # every worker listening before the clock starts
        path = logs / f"worker-{workers}-{number}.log"
        while b"Listening on" not in path.read_bytes():
            time.sleep(0.2)
    runner = queue.RqRunner.from_url(env["OKO_QUEUE_URL"])
    started = time.perf_counter()
    try:
        with database.session() as session:
            row = session.execute(select(Wave).where(Wave.slug == wave)).scalar_one()
            batch = batches.close_wave(session, row, actor_id=None, base_url="http://bench")
        runner.enqueue(batches.Job("plan", batch.id))
        while True:
            status, built, reports, mails = progress(database)
            if status == "failed":
                raise SystemExit(f"the batch failed: see the logs in {logs}")
            if status == "done" and len(smtp.messages) - already >= mails:
                break
            if time.perf_counter() - started > TIMEOUT_SECONDS:
                raise SystemExit(f"timed out: {built}/{reports} reports, logs in {logs}")
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait()
        runner.close()
    ids = Counter(str(m["Message-ID"]) for m in smtp.messages[already:])
    if len(ids) != mails or set(ids.values()) != {1}:
        raise SystemExit(
            f"{sum(ids.values())} mails accepted for {mails} planned ({len(ids)} distinct)"
        )
    return seconds, reports, mails


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--municipalities", type=int, default=350)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="oko-close-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'oko.db'}"
    migrations.upgrade(url)
    database = Database(url)
    loading = time.perf_counter()
    wave = build(database, args.municipalities, args.rows, args.seed)
    print(
        f"{args.municipalities} municipalities, {args.rows:,} responses loaded in "
        f"{time.perf_counter() - loading:.0f} s; closing wave {wave}",
        flush=True,
    )
    smtp = SmtpServer()
    env = {
        **os.environ,
        "OKO_DATABASE_URL": url,
        "OKO_INSTANCE_PATH": str(folder / "instance"),
        "OKO_SECRET_KEY": "benchmark",
        "OKO_QUEUE_URL": args.redis_url,
        "OKO_MAIL_SERVER": "127.0.0.1",
        "OKO_MAIL_PORT": str(smtp.port),
    }
    load_config(folder / "instance", environ=env)  # the workers' settings are valid
    figures = {}
    try:
        for workers in args.workers:
            seconds, reports, mails = run(database, env, wave, workers, smtp, folder)
            figures[workers] = seconds
            print(
                f"{workers} worker(s): {reports} reports built and {mails} mails accepted "
                f"in {seconds:.1f} s ({reports / seconds:.1f} reports/s)",
                flush=True,
            )
    finally:
        smtp.stop()
        database.dispose()
    if 1 in figures:
        for workers, seconds in figures.items():
            print(f"scaling {workers} worker(s): {figures[1] / seconds:.2f}x")
    if 2 in figures:
        verdict = "met" if figures[2] < TARGET_SECONDS else "NOT met"
        print(f"target under {TARGET_SECONDS:.0f} s with 2 workers: {verdict}")
    print(f"files and worker logs in {folder}")


if __name__ == "__main__":
    main()
