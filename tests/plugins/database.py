"""The test database: SQLite in a temporary folder, or a private database on the PostgreSQL
server named by ``OKO_TEST_DATABASE_URL``; migrated once per run, emptied before each test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from oko import migrations
from oko.db import Database, normalise_url
from oko.models import Base


def _create_postgres_database(base_url: str) -> str:
    """A private database on the given server, so parallel runs never share tables."""
    import psycopg

    url = make_url(normalise_url(base_url))
    name = f"oko_test_{uuid.uuid4().hex[:10]}"
    conninfo = url.set(drivername="postgresql", database=url.database or "postgres")
    with psycopg.connect(conninfo.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(url: str) -> None:
    import psycopg

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("OKO_TEST_DATABASE_URL")
    if base:
        url = _create_postgres_database(base)
        migrations.upgrade(url)
        yield url
        _drop_postgres_database(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'oko.db'}"
        migrations.upgrade(url)
        yield url


@pytest.fixture
def unmigrated_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (same kind as ``database_url``), for migration tests."""
    base = os.environ.get("OKO_TEST_DATABASE_URL")
    if base:
        url = _create_postgres_database(base)
        yield url
        _drop_postgres_database(url)
    else:
        yield f"sqlite:///{tmp_path / 'unmigrated.db'}"


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


def empty_tables(db: Database) -> None:
    with db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
        if not db.is_sqlite:
            # Restart identities so ids are as predictable as on a fresh database.
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
