"""Building the app for a command: the same configuration as the web server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask
from sqlalchemy.orm import Session

from oko.config import ConfigError
from oko.migrations import NotMigratedError
from oko.web import create_app


def app_for(ctx: click.Context, *, check_migrations: bool = True) -> Flask:
    """The app configured as for serving; a clear message instead of a traceback on failure."""
    overrides: dict[str, object] = {"CHECK_MIGRATIONS": check_migrations}
    instance = (ctx.find_root().obj or {}).get("instance")
    if instance:
        overrides["INSTANCE_PATH"] = str(Path(instance).resolve())
    try:
        return create_app(overrides)
    except (ConfigError, NotMigratedError) as exc:
        raise click.ClickException(str(exc)) from exc


@contextmanager
def app_session(ctx: click.Context) -> Iterator[tuple[Flask, Session]]:
    """The configured app and a database session; the connection pool is closed afterwards,
    so a command leaves no connection open behind it (PostgreSQL counts them)."""
    app = app_for(ctx)
    database = app.extensions["oko.db"]
    try:
        with database.session() as session:
            yield app, session
    finally:
        database.dispose()
