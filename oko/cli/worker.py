"""``oko worker``: one RQ worker for the jobs that close a wave (reports and mails).

Start as many as the batch needs, on as many machines, all with the same QUEUE_URL,
DATABASE_URL and a shared instance folder (the reports are written there). Each also ticks
once a minute: it closes the waves whose closing time has passed and hands back to the queue
any step a dead worker left unfinished.
"""

from __future__ import annotations

import logging
import threading

import click

from oko.cli.app import app_for
from oko.services.closing import queue
from oko.services.closing.context import JobContext

TICK_SECONDS = 60
log = logging.getLogger(__name__)


@click.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (instead of waiting).")
@click.pass_context
def worker(ctx: click.Context, burst: bool) -> None:
    """Run jobs from the queue at QUEUE_URL (OKO_QUEUE_URL) until stopped."""
    from rq import SimpleWorker

    app = app_for(ctx)
    # The jobs open their own engine (JobContext); the app's pool is not used again.
    app.extensions["oko.db"].dispose()
    url = app.config["QUEUE_URL"]
    if not url:
        raise click.ClickException(
            "No job queue configured: set OKO_QUEUE_URL (e.g. redis://127.0.0.1:6379/0) "
            "or QUEUE_URL in oko.cfg. Without a queue the app runs these jobs itself; "
            "no worker is needed."
        )
    try:
        runner = queue.RqRunner.connect(url)
    except queue.QueueUnreachable as exc:
        raise click.ClickException(str(exc)) from exc
    context = JobContext.from_config(app.config, app.instance_path)
    queue.serve_jobs(context)
    handed = queue.tick(context, runner)
    click.echo(f"oko worker on {url}: {handed} unfinished step(s) handed to the queue.")
    if not burst:
        threading.Thread(target=_tick_forever, args=(context, runner), daemon=True).start()
    SimpleWorker([runner.queue], connection=runner.connection).work(burst=burst)


def _tick_forever(context: JobContext, runner: queue.RqRunner) -> None:
    stop = threading.Event()
    while not stop.wait(TICK_SECONDS):
        try:
            queue.tick(context, runner)
        except Exception:
            log.exception("the closing tick failed; trying again in %d s", TICK_SECONDS)
