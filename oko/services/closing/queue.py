"""Where the jobs of a batch run: on RQ when QUEUE_URL names a Redis server, so a national
wave scales by adding ``oko worker`` processes; otherwise in a background thread of the app
process (the embedded set-up and the demo, no server needed).

Both run the same :func:`oko.services.closing.jobs.run` and retry a failing job the same
number of times (RQ: ``Retry(max=3)``); the rows, not the queue, know what is done, so
:func:`resume` can hand every unfinished step to the queue again after a crash.
"""

from __future__ import annotations

import logging
import queue as stdlib_queue
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from oko.services.closing import batches, jobs
from oko.services.closing.batches import MAX_ATTEMPTS, Job
from oko.services.closing.context import JobContext

log = logging.getLogger(__name__)

QUEUE_NAME = "oko-closing"
#: Job statuses in which RQ will run the job without being handed it again.
WAITING = ("queued", "scheduled", "deferred")


class Runner(Protocol):
    def enqueue(self, job: Job) -> None: ...

    def close(self) -> None: ...


class QueueUnreachable(RuntimeError):
    """QUEUE_URL names a Redis server that does not answer."""


class ThreadRunner:
    """One daemon thread working through the jobs in order, with its own database engine.

    A job already waiting in the queue is not queued again (a resume next to a running
    batch hands over steps the queue holds), like RQ's job ids."""

    def __init__(self, context: JobContext) -> None:
        self.context = context
        self._jobs: stdlib_queue.Queue[Job | None] = stdlib_queue.Queue()
        self._waiting: set[Job] = set()
        self._guard = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="oko-closing", daemon=True)
        self._thread.start()

    def enqueue(self, job: Job) -> None:
        with self._guard:
            if job in self._waiting:
                return
            self._waiting.add(job)
        self._jobs.put(job)

    def wait(self) -> None:
        """Until every job handed over so far, and those they made, has run (tests, CLI)."""
        self._jobs.join()

    def close(self) -> None:
        """Finish the jobs handed over, then stop the thread and its engine."""
        self._jobs.put(None)
        self._thread.join()
        self.context.database.dispose()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                self._jobs.task_done()
                return
            with self._guard:
                self._waiting.discard(job)
            try:
                for follow_up in self._attempts(job):
                    self.enqueue(follow_up)
            finally:
                self._jobs.task_done()

    def _attempts(self, job: Job) -> list[Job]:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return jobs.run(self.context, job)
            except Exception:
                log.exception("%s failed (attempt %d of %d)", job.key, attempt, MAX_ATTEMPTS)
        return []


class RqRunner:
    """Jobs on the RQ queue ``oko-closing``; the worker's context does the work."""

    def __init__(self, connection: Any, name: str = QUEUE_NAME) -> None:
        from rq import Queue

        self.connection = connection
        self.queue = Queue(name, connection=connection)

    @classmethod
    def from_url(cls, url: str) -> RqRunner:
        from redis import Redis

        return cls(Redis.from_url(url))

    @classmethod
    def connect(cls, url: str) -> RqRunner:
        """A runner on ``url`` whose server answered, or :class:`QueueUnreachable` saying so
        (before anything is changed that would need the queue)."""
        from redis.exceptions import RedisError

        runner = cls.from_url(url)
        try:
            runner.connection.ping()
        except RedisError as exc:
            runner.close()
            raise QueueUnreachable(f"The job queue at {url} is not reachable: {exc}") from exc
        return runner

    def close(self) -> None:
        self.connection.close()

    def enqueue(self, job: Job) -> None:
        from rq import Retry

        self.queue.enqueue(
            run_on_worker,
            job.kind,
            job.row_id,
            job_id=job.key,
            retry=Retry(max=MAX_ATTEMPTS - 1),
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
        )

    def waiting(self, job: Job) -> bool:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job as RqJob

        try:
            status = RqJob.fetch(job.key, connection=self.connection).get_status()
        except NoSuchJobError:
            return False
        return status is not None and str(getattr(status, "value", status)) in WAITING


def enqueue_all(runner: Runner, items: Iterable[Job]) -> None:
    for job in items:
        runner.enqueue(job)


def resume(session: Session, runner: Runner) -> int:
    """Hand every unfinished step back to the queue (those RQ still holds are skipped);
    returns how many were handed over."""
    todo = batches.unfinished_jobs(session)
    if isinstance(runner, RqRunner):
        todo = [job for job in todo if not runner.waiting(job)]
    enqueue_all(runner, todo)
    return len(todo)


def tick(context: JobContext, runner: Runner) -> int:
    """Once a minute on a worker: close the waves whose time has come, and hand every
    unfinished step (theirs, and any a dead worker dropped) to the queue."""
    with context.database.session() as session:
        batches.close_due_waves(session, base_url=context.public_url)
        return resume(session, runner)


# The worker side ----------------------------------------------------------------------------

_worker_context: JobContext | None = None


def serve_jobs(context: JobContext) -> None:
    """Make this process a worker: RQ jobs run with ``context``."""
    global _worker_context
    _worker_context = context


def run_on_worker(kind: str, row_id: int) -> None:
    """The function RQ runs: one step, then its follow-up steps on the same queue."""
    from rq import get_current_job

    if _worker_context is None:
        raise RuntimeError("this process is not an oko worker (start one with `oko worker`)")
    follow_ups = jobs.run(_worker_context, Job(kind, row_id))
    current = get_current_job()
    if follow_ups and current is not None:
        enqueue_all(RqRunner(current.connection, current.origin), follow_ups)


def runner_for(config: Mapping[str, Any], instance_path: str | Path) -> Runner:
    """RQ when QUEUE_URL is set (unchecked: a request must not wait for Redis to answer),
    otherwise a thread of this process."""
    if config.get("QUEUE_URL"):
        return RqRunner.from_url(str(config["QUEUE_URL"]))
    return ThreadRunner(JobContext.from_config(config, instance_path))
