"""Run Alembic from code: the scripts live in the top-level ``migrations/`` folder (an installed
wheel carries a copy, see ``oko.resources``)."""

from __future__ import annotations

import time

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from oko import resources
from oko.db import normalise_url

MIGRATIONS_DIR = resources.folder("migrations")


class NotMigratedError(RuntimeError):
    """The database schema is not at the newest revision."""


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def heads(database_url: str) -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def current_revision(engine: Engine, *, wait_seconds: float = 0) -> str | None:
    """The database's revision; an unreachable database is retried for ``wait_seconds``.

    Why wait: gunicorn replaces a dead worker at any moment, and a worker that cannot start
    makes gunicorn shut the whole app server down; a database restart or failover of a few
    seconds must not do that.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            with engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        except OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)


def ensure_migrated(engine: Engine, database_url: str, *, wait_seconds: float = 0) -> None:
    """Refuse to serve a database whose schema does not match this code."""
    current = current_revision(engine, wait_seconds=wait_seconds)
    head = heads(database_url)
    if current not in head:
        state = "empty" if current is None else f"at revision {current}"
        raise NotMigratedError(
            f"The database is {state}, but this version of oko needs revision "
            f"{', '.join(head)}. Run `oko db upgrade` first."
        )
