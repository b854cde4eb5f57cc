"""The database an app opens: the handle, refused unless its schema is at the newest revision."""

from __future__ import annotations

from oko.db import Database
from oko.migrations import ensure_migrated

__all__ = ["Database", "open_database"]


def open_database(url: str, *, check_migrations: bool = True, wait_seconds: float = 0) -> Database:
    """Open ``url``; an app serving an outdated schema would fail on its first query instead."""
    database = Database(url)
    if check_migrations:
        ensure_migrated(database.engine, database.url, wait_seconds=wait_seconds)
    return database
