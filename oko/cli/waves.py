"""``oko wave``: survey rounds, from planned to open to closed (read-only)."""

from __future__ import annotations

import click

from oko.cli.app import app_session
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
    """Close an open wave and its class sessions; it becomes read-only."""
    _change_status(ctx, slug, admin.close_wave)
