"""The app's share of closing waves: its job runner, and the tick when it runs its own jobs.

With QUEUE_URL set the jobs go to RQ and ``oko worker`` ticks; without, the app's thread runs
them and the app ticks (:mod:`oko.services.closing.ticker`), started by the first request of
each app process, so a command line that only builds an app starts no thread.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from oko.services.closing import queue, ticker

RUNNER = "oko.closing"
TICKER = "oko.closing.tick"
_starting = threading.Lock()


def runner(app: Flask | None = None) -> queue.Runner:
    """The app's job runner, made on first use: RQ if QUEUE_URL is set, else a thread."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with _starting:
        if RUNNER not in app.extensions:
            app.extensions[RUNNER] = queue.runner_for(app.config, app.instance_path)
    return app.extensions[RUNNER]


def ticks(app: Flask) -> bool:
    """Whether this app closes due waves itself: no queue, and not under test (where a test
    ticks by hand) unless CLOSING_TICK says so."""
    return not app.config["QUEUE_URL"] and bool(app.config.get("CLOSING_TICK", not app.testing))


def start_ticker(app: Flask) -> ticker.Ticker | None:
    """The app's ticker, started once per process (None when the app does not tick)."""
    if not ticks(app):
        return None
    if TICKER not in app.extensions:
        job_runner = runner(app)
        assert isinstance(job_runner, queue.ThreadRunner)
        with _starting:
            if TICKER not in app.extensions:
                tick = ticker.Ticker(job_runner, Path(app.instance_path) / ticker.LOCK_FILE)
                tick.start()
                app.extensions[TICKER] = tick
    return app.extensions[TICKER]


def init_app(app: Flask) -> None:
    @app.before_request
    def _tick() -> None:
        start_ticker(app)
