"""``oko wave``: survey rounds, from planned to open to closed (read-only, its feedback sent)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from oko.cli.app import app_for, app_session
from oko.services.closing import batches, queue, status
from oko.services.closing.batches import Job
from oko.services.staff import admin


@click.group()
def wave() -> None:
    """Survey waves: add, list, open, close."""


@wave.command("add")
@click.argument("slug")
@click.argument("name")
@click.option("--questionnaire", "questionnaire_id", default="oko-core", show_default=True)
@click.option("--version", "questionnaire_version", required=True, help="Questionnaire version.")
@click.pass_context
def add(
    ctx: click.Context, slug: str, name: str, questionnaire_id: str, questionnaire_version: str
) -> None:
    """Add a planned wave with short name SLUG."""
    with app_session(ctx) as (app, session):
        try:
            row = admin.save_wave(
                session,
                slug=slug,
                name=name,
                questionnaire_id=questionnaire_id,
                questionnaire_version=questionnaire_version,
                questionnaire_dir=app.config["QUESTIONNAIRE_DIR"],
                actor_id=None,
            )
        except admin.AdminError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Added wave {row.slug} ({row.questionnaire_id} {row.questionnaire_version}), planned."
    )


@wave.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Every wave with its questionnaire and status."""
    with app_session(ctx) as (_app, session):
        for row in admin.waves(session):
            questionnaire = f"{row.questionnaire_id} {row.questionnaire_version}"
            click.echo(f"{row.slug}\t{row.status}\t{questionnaire}\t{row.name}")


def _change_status(ctx: click.Context, slug: str, action) -> None:
    with app_session(ctx) as (_app, session):
        row = admin.wave_by_slug(session, slug)
        if row is None:
            raise click.ClickException(f"Unknown wave {slug!r}.")
        try:
            action(session, row, actor_id=None)
        except admin.AdminError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Wave {row.slug} is now {row.status}.")


@wave.command("open")
@click.argument("slug")
@click.pass_context
def open_(ctx: click.Context, slug: str) -> None:
    """Open a planned wave: coordinators can now open class sessions."""
    _change_status(ctx, slug, admin.open_wave)


@wave.command("close")
@click.argument("slug")
@click.pass_context
def close(ctx: click.Context, slug: str) -> None:
    """Close an open wave and its class sessions, and start its feedback: every report built
    and every reader mailed, by the workers of QUEUE_URL or, without a queue, here (the
    command waits until the batch is done)."""
    app = app_for(ctx)
    database = app.extensions["oko.db"]
    try:
        runner = _runner(app.config, app.instance_path)
        try:
            with database.session() as session:
                row = admin.wave_by_slug(session, slug)
                if row is None:
                    raise click.ClickException(f"Unknown wave {slug!r}.")
                try:
                    batch_id = batches.close_wave(
                        session, row, actor_id=None, base_url=app.config["PUBLIC_URL"]
                    ).id
                except admin.AdminError as exc:
                    raise click.ClickException(str(exc)) from exc
            click.echo(f"Wave {slug} is now closed.")
            runner.enqueue(Job("plan", batch_id))
            if isinstance(runner, queue.ThreadRunner):
                runner.wait()
                with database.session() as session:
                    summary = status.summary(session, batch_id)
                assert summary is not None
                if summary.status != "done":
                    raise click.ClickException(
                        f"{_done(summary)} The admin Feedback page shows the errors and retries."
                    )
                click.echo(_done(summary))
            else:
                click.echo(
                    f"Queued batch {batch_id} on {app.config['QUEUE_URL']}: its results first, "
                    "then every report and mail; `oko worker` runs them, the admin Feedback "
                    "page follows them."
                )
        finally:
            runner.close()
    finally:
        database.dispose()


def _runner(config: Mapping[str, Any], instance_path: str) -> queue.Runner:
    """The app's runner; a queue that does not answer is refused before the wave is closed."""
    if config["QUEUE_URL"]:
        try:
            return queue.RqRunner.connect(str(config["QUEUE_URL"]))
        except queue.QueueUnreachable as exc:
            raise click.ClickException(str(exc)) from exc
    return queue.runner_for(config, instance_path)


def _done(summary: status.BatchSummary) -> str:
    def counts(by_status: dict[str, int]) -> str:
        return ", ".join(f"{count} {state}" for state, count in sorted(by_status.items())) or "none"

    error = f" Planning stopped: {summary.error}." if summary.error else ""
    return (
        f"Batch {summary.id} ran here (no queue configured): {summary.status}. "
        f"Reports: {counts(summary.reports)}. Mails: {counts(summary.mails)}.{error}"
    )
