"""Running many students (or bare inserts) at once with a bounded thread pool, and measuring.

Threads, not processes: the client mostly waits on sockets; its CPU share is measured and
reported, so a run where the client rather than the server was the limit can be recognised.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from oko.questionnaire import Answer

from .students import NO_RETRIES, Recorder, RetryPolicy, Student, StudentFailed
from .world import World


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    fields = [float(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / tick, sum(fields) / tick


@dataclass
class Usage:
    """CPU used during a run: the client (this process), the app servers, the machine."""

    wall_seconds: float
    client_cpu_seconds: float
    server_cpu_seconds: float
    machine_busy_seconds: float
    machine_total_seconds: float

    @property
    def client_share(self) -> float:
        """The client's part of all CPU time the machine had (2 cores: 0.5 = one core)."""
        return self.client_cpu_seconds / max(self.machine_total_seconds, 1e-9)

    @property
    def machine_busy(self) -> float:
        return self.machine_busy_seconds / max(self.machine_total_seconds, 1e-9)

    @property
    def server_share(self) -> float:
        return self.server_cpu_seconds / max(self.machine_total_seconds, 1e-9)


class Meter:
    """Measures wall time and CPU between ``start`` and ``stop``."""

    def __init__(self, server_cpu: Callable[[], float]) -> None:
        self.server_cpu = server_cpu

    def start(self) -> Meter:
        self._wall = time.perf_counter()
        self._client = time.process_time()
        self._server = self.server_cpu()
        self._machine = machine_cpu()
        return self

    def stop(self) -> Usage:
        busy, total = machine_cpu()
        return Usage(
            wall_seconds=time.perf_counter() - self._wall,
            client_cpu_seconds=time.process_time() - self._client,
            server_cpu_seconds=self.server_cpu() - self._server,
            machine_busy_seconds=busy - self._machine[0],
            machine_total_seconds=total - self._machine[1],
        )


@dataclass
class StudentRun:
    """Students driven through the survey: who was acknowledged, who failed, the timings."""

    recorder: Recorder = field(default_factory=Recorder)
    acknowledged: dict[str, dict[str, Answer]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    students: list[Student] = field(default_factory=list)

    def finish(self, student: Student) -> None:
        if student.acknowledged:
            self.acknowledged[student.submission_id] = dict(student.answers)


def drive_students(
    base_url: str,
    world: World,
    indexes: range,
    concurrency: int,
    *,
    retry: RetryPolicy = NO_RETRIES,
    seed: int = 0,
    think_seconds: float = 0.0,
    run: StudentRun | None = None,
    during: Callable[[StudentRun], None] | None = None,
) -> StudentRun:
    """Take ``indexes`` students through the survey, ``concurrency`` at a time.

    ``during``, if given, runs in its own thread while the students work (a fault to inject)
    and gets the run so far. A student that fails is recorded, not raised, so the run goes on
    and the audit sees everything; the caller decides what a failure means.
    """
    run = run or StudentRun()
    lock = threading.Lock()

    def one(index: int) -> None:
        student = Student(
            base_url,
            world,
            index,
            run.recorder,
            retry=retry,
            seed=seed,
            think_seconds=think_seconds,
        )
        try:
            student.run()
        except StudentFailed as exc:
            with lock:
                run.failed.append(str(exc))
        finally:
            student.http.close()
            with lock:
                run.finish(student)
                run.students.append(student)

    with ThreadPoolExecutor(max_workers=concurrency) as pool, ThreadPoolExecutor(1) as side:
        fault = side.submit(during, run) if during else None
        for future in [pool.submit(one, index) for index in indexes]:
            future.result()
        if fault is not None:
            fault.result()
    return run


@dataclass
class InsertRun:
    """The ceiling: bare inserts acknowledged, failed, and their latencies."""

    latencies: list[float] = field(default_factory=list)
    acknowledged: int = 0
    failed: int = 0


#: About the size of a stored oko-core response (73 items as JSON).
PAYLOAD = {f"item_{n:02d}": n % 7 for n in range(73)} | {"comments": "Leuke vragenlijst."}


def drive_inserts(base_url: str, total: int, concurrency: int) -> InsertRun:
    """``total`` POSTs of a response-sized JSON document, ``concurrency`` at a time."""
    run = InsertRun()
    lock = threading.Lock()
    per_thread = [total // concurrency + (n < total % concurrency) for n in range(concurrency)]

    def worker(count: int) -> None:
        with requests.Session() as http:
            for _ in range(count):
                began = time.perf_counter()
                try:
                    response = http.post(f"{base_url}/insert", json=PAYLOAD, timeout=30)
                    ok = response.status_code == 201
                except requests.RequestException:
                    ok = False
                elapsed = time.perf_counter() - began
                with lock:
                    run.latencies.append(elapsed)
                    if ok:
                        run.acknowledged += 1
                    else:
                        run.failed += 1

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(worker, count) for count in per_thread if count]:
            future.result()
    return run
