"""The closing tick of an app that runs its own jobs (no queue configured, the demo).

Without ``oko worker`` nobody else closes a wave at its closing time or picks up the steps an
app restart dropped, so the app does it: a daemon thread ticks once a minute. An app server
may run several processes of the app (gunicorn workers); only the one holding the tick lock,
an exclusive lock on a file in the shared instance folder, ticks. The lock is held for the
process's life and the operating system releases it when the process dies, so another
process takes over on its next tick, and its first tick hands every unfinished step to its
own thread: after a restart or a crash the batch goes on by itself. Should two processes
ever close the same wave at once, the database keeps one batch (see
:func:`oko.services.closing.batches.close_due_waves`).
"""

from __future__ import annotations

import fcntl
import logging
import threading
from pathlib import Path
from typing import IO

from oko.services.closing import batches, queue
from oko.services.closing.batches import Job

log = logging.getLogger(__name__)

TICK_SECONDS = 60
LOCK_FILE = "closing-tick.lock"


class Ticker:
    """Closes due waves and resumes unfinished batches on ``runner``, in the lock holder only."""

    def __init__(self, runner: queue.ThreadRunner, lock_path: Path) -> None:
        self.runner = runner
        self.lock_path = lock_path
        self._lock: IO[bytes] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, seconds: float = TICK_SECONDS) -> None:
        """Tick now and then every ``seconds`` in a daemon thread."""
        self._thread = threading.Thread(
            target=self._tick_forever, args=(seconds,), name="oko-closing-tick", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.release()

    def tick(self) -> int | None:
        """One tick; the number of steps handed to the runner, or None if another process
        holds the lock."""
        first = self._lock is None
        if first and not self._acquire():
            return None
        with self.runner.context.database.session() as session:
            new = batches.close_due_waves(session, base_url=self.runner.context.public_url)
            if first:
                return queue.resume(session, self.runner)
        queue.enqueue_all(self.runner, [Job("plan", batch.id) for batch in new])
        return len(new)

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _acquire(self) -> bool:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.lock_path, "ab")  # noqa: SIM115 - held for the process's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock = handle
        return True

    def _tick_forever(self, seconds: float) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("the closing tick failed; trying again in %s s", seconds)
            self._stop.wait(seconds)
