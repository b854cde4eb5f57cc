"""Building the app for a command: the same configuration as the web server."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

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
