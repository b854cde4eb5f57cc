"""Load benchmark: simulated students through the real survey pages under gunicorn.

For each database (PostgreSQL, SQLite) the app runs under gunicorn (``--workers`` processes of
``--threads`` threads) on 127.0.0.1 and ``--students`` simulated students take the survey,
``--concurrency`` at a time: class code, language, introduction, every page shown with answers,
the finish step and Send. Then a bare Flask + SQLAlchemy app that only inserts one JSON row per
request runs under the same gunicorn configuration against the same database: the ceiling of
this stack on this machine.

Printed: submissions per second, requests per second, p50/p95/p99 latency of page saves and
submits, the ratio to the ceiling, the CPU taken by the client (to show it was not the limit),
and the check that the stored responses are exactly the acknowledged submits, each with the
answers the student gave. Exits 1 if anything was lost, duplicated, stored wrongly or refused.

    .venv/bin/python benchmarks/load.py                        # 5,000 students, 200 at a time
    .venv/bin/python benchmarks/load.py --students 300 --concurrency 50 --quick   # CI
    .venv/bin/python benchmarks/load.py --preload 200000     # also: a wave that is already big

``--preload N`` measures the survey twice on the same server: first in the empty wave, then,
with other students, after N synthetic responses were stored in that wave. A submit's cost
must not grow with the wave: the preloaded run's submit p50 and p99 within 20% of the empty
run's.

The ratio compares requests: a student's browser makes ``requests/student`` requests (pages
shown, saved, sent), each against one bare insert of the ceiling; equivalently, submissions per
second against the ceiling's inserts per second divided by requests per student.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from loadkit import ceiling
from loadkit.databases import private_database, sqlite_url
from loadkit.drive import Meter, StudentRun, Usage, drive_inserts, drive_students
from loadkit.servers import Gunicorn
from loadkit.students import RetryPolicy
from loadkit.world import World, preload, prepare
from loadkit.world import audit as audit_responses

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
SECRET = "load-benchmark-secret-not-for-production-0123456789"
TARGET_RATIO = 0.5
TARGET_SUBMIT_P99_MS = 500.0
#: A submit in a wave of ``--preload`` responses may take at most this much longer.
TARGET_PRELOADED_SUBMIT_GROWTH = 1.2
#: Like a browser, a student sends a request again when the connection broke before an answer
#: came; such retries are counted under "failed requests", with their cause. None are expected
#: in a run without faults (gunicorn keeps idle connections open longer than the client does,
#: see ``loadkit.servers.KEEP_ALIVE_SECONDS``). Submits carry the same id.
BROWSER_RETRIES = RetryPolicy(attempts=5)
#: Students run before measuring (imports, caches and connection pools warm up).
WARMUP_STUDENTS = 20


@dataclass
class Latency:
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        if not seconds:
            return cls(0, 0.0, 0.0, 0.0, 0.0)
        ordered = sorted(seconds)
        cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else []

        def at(p: int) -> float:
            return 1000 * (cuts[p - 1] if cuts else ordered[0])

        return cls(len(ordered), at(50), at(95), at(99), 1000 * ordered[-1])

    def __str__(self) -> str:
        return (
            f"p50 {self.p50_ms:7.1f} ms  p95 {self.p95_ms:7.1f} ms  p99 {self.p99_ms:7.1f} ms  "
            f"max {self.max_ms:7.1f} ms  (n={self.count})"
        )


@dataclass
class PreloadedRun:
    """The same survey again, after ``responses`` synthetic responses were stored in the wave."""

    responses: int
    load_seconds: float
    submissions: int = 0
    page_saves: Latency | None = None
    submits: Latency | None = None
    request_failures: dict[str, int] = field(default_factory=dict)


@dataclass
class BackendResult:
    backend: str
    version: str
    students: int
    concurrency: int
    think_seconds: float
    survey_seconds: float = 0.0
    submissions: int = 0
    survey_requests: int = 0
    page_saves: Latency | None = None
    submits: Latency | None = None
    all_requests: Latency | None = None
    request_failures: dict[str, int] = field(default_factory=dict)
    failure_causes: dict[str, int] = field(default_factory=dict)
    failed_students: list[str] = field(default_factory=list)
    survey_usage: Usage | None = None
    ceiling_seconds: float = 0.0
    ceiling_inserts: int = 0
    ceiling_failed: int = 0
    ceiling_stored: int = 0
    ceiling_latency: Latency | None = None
    ceiling_usage: Usage | None = None
    audit: str = ""
    audit_ok: bool = False
    preloaded: PreloadedRun | None = None

    @property
    def submissions_per_second(self) -> float:
        return self.submissions / max(self.survey_seconds, 1e-9)

    @property
    def requests_per_second(self) -> float:
        return self.survey_requests / max(self.survey_seconds, 1e-9)

    @property
    def requests_per_student(self) -> float:
        return self.survey_requests / max(self.submissions, 1)

    @property
    def ceiling_per_second(self) -> float:
        return self.ceiling_inserts / max(self.ceiling_seconds, 1e-9)

    @property
    def ratio(self) -> float:
        return self.requests_per_second / max(self.ceiling_per_second, 1e-9)

    @property
    def intact(self) -> bool:
        """Nothing lost, duplicated or stored wrongly, and every student finished."""
        return (
            self.audit_ok
            and not self.failed_students
            and self.submissions == self.students
            and (self.preloaded is None or self.preloaded.submissions == self.students)
            and self.ceiling_stored == self.ceiling_inserts
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=5000, help="students in all (5000)")
    parser.add_argument("--concurrency", type=int, default=200, help="students at a time (200)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument(
        "--backend",
        action="append",
        choices=("postgresql", "sqlite"),
        help="database(s) to measure (default: both)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("OKO_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="server on which a private database is created and dropped",
    )
    parser.add_argument(
        "--ceiling-requests", type=int, help="bare inserts (default: 4 per student, ≥ 2000)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="short ceiling run, for CI (a few seconds)"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a student spends on a page before Next or Send (0: none, the "
        "server's capacity; a few seconds: students at a compressed human pace)",
    )
    parser.add_argument(
        "--preload",
        type=int,
        default=0,
        metavar="N",
        help="run the survey again after N synthetic responses were stored in the wave (0: no)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the students' answers")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.students < 1 or args.concurrency < 1 or args.workers < 1 or args.threads < 1:
        parser.error("--students, --concurrency, --workers and --threads must be at least 1")
    if args.preload < 0:
        parser.error("--preload must be 0 or more")
    args.backend = args.backend or ["postgresql", "sqlite"]
    if args.ceiling_requests is None:
        args.ceiling_requests = 1000 if args.quick else max(2000, 4 * args.students)
    return args


@contextmanager
def database_for(backend: str, args: argparse.Namespace, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield sqlite_url(folder)
        return
    with private_database(args.postgres_url) as url:
        yield url


def server_version(backend: str, url: str) -> str:
    if backend == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return f"PostgreSQL {conn.execute('SHOW server_version').fetchone()[0]}"


def measure(backend: str, args: argparse.Namespace) -> BackendResult:
    with tempfile.TemporaryDirectory(prefix=f"oko-load-{backend}-") as tmp:
        folder = Path(tmp)
        with database_for(backend, args, folder) as url:
            result = BackendResult(
                backend, server_version(backend, url), args.students, args.concurrency, args.think
            )
            print(f"\n== {result.version}: preparing {args.students} students", flush=True)
            runs = 2 if args.preload else 1
            world = prepare(url, runs * args.students + WARMUP_STUDENTS)
            ceiling.prepare(url)
            env = {
                "OKO_DATABASE_URL": url,
                "OKO_SECRET_KEY": SECRET,
                "OKO_INSTANCE_PATH": str(folder / "instance"),
            }
            log = folder / "gunicorn.log"
            with Gunicorn(
                "oko.web:create_app()", env, workers=args.workers, threads=args.threads, log=log
            ) as server:
                warm = drive_students(
                    server.url,
                    world,
                    range(WARMUP_STUDENTS),
                    args.concurrency,
                    retry=BROWSER_RETRIES,
                )
                meter = Meter(server.cpu_seconds).start()
                run = drive_students(
                    server.url,
                    world,
                    range(WARMUP_STUDENTS, WARMUP_STUDENTS + args.students),
                    args.concurrency,
                    retry=BROWSER_RETRIES,
                    seed=args.seed,
                    think_seconds=args.think,
                )
                result.survey_usage = meter.stop()
                again = StudentRun()
                if args.preload:
                    result.preloaded = PreloadedRun(args.preload, 0.0)
                    again = run_preloaded(server.url, world, result.preloaded, args)
            result.survey_seconds = result.survey_usage.wall_seconds
            result.submissions = len(run.acknowledged)
            result.survey_requests = run.recorder.requests
            samples = run.recorder.samples
            result.page_saves = Latency.of(samples.get("page_save", []))
            result.submits = Latency.of(samples.get("submit", []))
            result.all_requests = Latency.of([s for values in samples.values() for s in values])
            result.request_failures = dict(run.recorder.failures)
            result.failure_causes = dict(run.recorder.causes)
            result.failed_students = warm.failed + run.failed + again.failed
            checked = audit_responses(
                url,
                world.questionnaire,
                {**warm.acknowledged, **run.acknowledged, **again.acknowledged},
            )
            result.audit, result.audit_ok = checked.summary(), checked.ok
            if not checked.ok:
                print(f"   gunicorn log: {log}", flush=True)

            print(f"   ceiling: {args.ceiling_requests} bare inserts", flush=True)
            ceiling_env = {"CEILING_DATABASE_URL": url}
            with Gunicorn(
                "loadkit.ceiling:create_app()",
                ceiling_env,
                workers=args.workers,
                threads=args.threads,
                log=log,
            ) as server:
                drive_inserts(server.url, min(200, args.ceiling_requests), args.concurrency)
                before = ceiling.count(url)
                meter = Meter(server.cpu_seconds).start()
                inserts = drive_inserts(server.url, args.ceiling_requests, args.concurrency)
                result.ceiling_usage = meter.stop()
            result.ceiling_seconds = result.ceiling_usage.wall_seconds
            result.ceiling_inserts = inserts.acknowledged
            result.ceiling_failed = inserts.failed
            result.ceiling_stored = ceiling.count(url) - before
            result.ceiling_latency = Latency.of(inserts.latencies)
    return result


def run_preloaded(
    url: str, world: World, preloaded: PreloadedRun, args: argparse.Namespace
) -> StudentRun:
    """Store the synthetic responses, then the next ``--students`` students take the survey."""
    print(f"   preloading {preloaded.responses:,} responses into the wave", flush=True)
    began = time.perf_counter()
    preload(world, preloaded.responses, seed=args.seed)
    preloaded.load_seconds = time.perf_counter() - began
    first = WARMUP_STUDENTS + args.students
    run = drive_students(
        url,
        world,
        range(first, first + args.students),
        args.concurrency,
        retry=BROWSER_RETRIES,
        seed=args.seed,
        think_seconds=args.think,
    )
    preloaded.submissions = len(run.acknowledged)
    preloaded.page_saves = Latency.of(run.recorder.samples.get("page_save", []))
    preloaded.submits = Latency.of(run.recorder.samples.get("submit", []))
    preloaded.request_failures = dict(run.recorder.failures)
    return run


def report_preloaded(result: BackendResult) -> list[str]:
    """Print the preloaded run next to the empty one; returns the target missed, if any."""
    preloaded, empty = result.preloaded, result.submits
    if preloaded is None or preloaded.submits is None or empty is None:
        return []
    failures = sum(preloaded.request_failures.values())
    p50 = preloaded.submits.p50_ms / max(empty.p50_ms, 1e-9)
    p99 = preloaded.submits.p99_ms / max(empty.p99_ms, 1e-9)
    print(
        f"   preloaded wave: {preloaded.responses:,} responses stored in "
        f"{preloaded.load_seconds:.0f} s, then {preloaded.submissions} students"
    )
    print(f"   page saves   {preloaded.page_saves}")
    print(f"   submits      {preloaded.submits}")
    print(f"   failed requests (sent again) {failures} {preloaded.request_failures or ''}")
    print(f"   submit preloaded ÷ empty: p50 {p50:.2f}, p99 {p99:.2f}")
    if max(p50, p99) > TARGET_PRELOADED_SUBMIT_GROWTH:
        return [f"{result.version}: preloaded submit p50 ×{p50:.2f}, p99 ×{p99:.2f}"]
    return []


def report(result: BackendResult) -> list[str]:
    """Print one database's figures; returns the targets missed."""
    usage, ceiling_usage = result.survey_usage, result.ceiling_usage
    assert usage is not None and ceiling_usage is not None
    pace = f", {result.think_seconds:g} s per page" if result.think_seconds else ", no pauses"
    print(f"-- {result.version}: {result.students} students, {result.concurrency} at a time{pace}")
    print(
        f"   survey   {result.submissions} submitted in {result.survey_seconds:.1f} s: "
        f"{result.submissions_per_second:.1f} submissions/s, "
        f"{result.requests_per_second:.0f} requests/s "
        f"({result.requests_per_student:.1f} requests per student)"
    )
    print(f"   page saves   {result.page_saves}")
    print(f"   submits      {result.submits}")
    print(f"   all requests {result.all_requests}")
    failures = sum(result.request_failures.values())
    print(f"   failed requests (sent again) {failures} {result.request_failures or ''}")
    if result.failure_causes:
        print(f"   failed because {result.failure_causes}")
    print(
        f"   ceiling  {result.ceiling_inserts} inserts in {result.ceiling_seconds:.1f} s: "
        f"{result.ceiling_per_second:.0f} inserts/s "
        f"(= {result.ceiling_per_second / result.requests_per_student:.1f} students/s "
        f"at {result.requests_per_student:.1f} requests each); failed {result.ceiling_failed}, "
        f"stored {result.ceiling_stored}"
    )
    print(f"   ceiling latency {result.ceiling_latency}")
    print(f"   ratio to ceiling {result.ratio:.2f} (requests/s of the survey ÷ inserts/s)")
    for name, used in (("survey", usage), ("ceiling", ceiling_usage)):
        print(
            f"   CPU during {name:7} machine busy {used.machine_busy:4.0%}, "
            f"client {used.client_share:4.0%}, app servers {used.server_share:4.0%} "
            f"of {os.cpu_count()} cores"
        )
    missed = report_preloaded(result)
    print(f"   check    {result.audit}")
    for failure in result.failed_students[:5]:
        print(f"   FAILED   {failure}")
    if result.backend == "postgresql" and result.ratio < TARGET_RATIO:
        missed.append(f"{result.version}: ratio {result.ratio:.2f} < {TARGET_RATIO}")
    assert result.submits is not None
    if result.backend == "postgresql" and result.submits.p99_ms >= TARGET_SUBMIT_P99_MS:
        missed.append(
            f"{result.version}: submit p99 {result.submits.p99_ms:.0f} ms ≥ "
            f"{TARGET_SUBMIT_P99_MS:.0f} ms at {result.concurrency} concurrent"
        )
    return missed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = os.getloadavg()
    print(
        f"oko load benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; gunicorn {args.workers} "
        f"workers x {args.threads} threads; client: requests + {args.concurrency} threads"
    )
    began = time.perf_counter()
    results = [measure(backend, args) for backend in args.backend]
    print()
    missed = [target for result in results for target in report(result)]
    intact = all(result.intact for result in results)
    print(f"\nTotal {time.perf_counter() - began:.0f} s.")
    print(
        "Targets: " + ("met" if not missed else "MISSED: " + "; ".join(missed)),
    )
    print("Responses: " + ("all stored exactly once" if intact else "LOST, DUPLICATED OR WRONG"))
    if args.json:
        figures = [
            asdict(result)
            | {
                "submissions_per_second": result.submissions_per_second,
                "requests_per_second": result.requests_per_second,
                "ceiling_per_second": result.ceiling_per_second,
                "ratio": result.ratio,
            }
            for result in results
        ]
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return 0 if intact else 1


if __name__ == "__main__":
    sys.exit(main())
