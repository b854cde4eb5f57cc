"""``oko db``: migrate the database."""

from __future__ import annotations

import click
from alembic import command

from oko import migrations
from oko.cli.app import app_for


@click.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Migrate the configured database to the newest schema."""
    app = app_for(ctx, check_migrations=False)
    url = app.extensions["oko.db"].url
    migrations.upgrade(url)
    click.echo(f"Database is at revision {', '.join(migrations.heads(url))}.")


@db.command()
@click.pass_context
def current(ctx: click.Context) -> None:
    """Show the database's revision and the newest one."""
    app = app_for(ctx, check_migrations=False)
    database = app.extensions["oko.db"]
    click.echo(f"current: {migrations.current_revision(database.engine) or '(empty)'}")
    click.echo(f"head:    {', '.join(migrations.heads(database.url))}")


@db.command()
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.pass_context
def revision(ctx: click.Context, message: str) -> None:
    """Autogenerate a revision from the difference between models and database."""
    app = app_for(ctx, check_migrations=False)
    command.revision(
        migrations.alembic_config(app.extensions["oko.db"].url), message=message, autogenerate=True
    )
