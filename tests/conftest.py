"""Shared fixtures, in the shape of Flask's tutorial: ``app``, ``client``, ``runner``.

The database is SQLite in a temporary folder, or the PostgreSQL named by
``OKO_TEST_DATABASE_URL`` (CI sets it to the local server). Either way it is migrated once per
test run with the real Alembic migrations, and emptied before each test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import make_url, text

from oko import migrations
from oko.db import Database, normalise_url
from oko.models import Base
from oko.web import create_app


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


@pytest.fixture
def instance_path(tmp_path: Path) -> Path:
    path = tmp_path / "instance"
    path.mkdir()
    return path


def _app_settings(database_url: str, instance_path: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance_path),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
    }


@pytest.fixture
def app_config(database_url: str, instance_path: Path) -> dict[str, object]:
    """Settings for the test app; a test may change them before asking for ``app``."""
    return _app_settings(database_url, instance_path)


@pytest.fixture
def app(app_config: dict[str, object], database: Database) -> Iterator[Flask]:
    empty_tables(database)
    app = create_app(dict(app_config))
    yield app
    app.extensions["oko.db"].dispose()


@pytest.fixture(scope="module")
def module_app(
    database_url: str, database: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An app whose data every test of a module shares, for data that take long to build."""
    empty_tables(database)
    app = create_app(_app_settings(database_url, tmp_path_factory.mktemp("instance")))
    yield app
    app.extensions["oko.db"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(database: Database, database_url: str, instance_path: Path, monkeypatch) -> CliRunner:
    """Runs ``oko`` commands against the test database."""
    empty_tables(database)
    monkeypatch.setenv("OKO_DATABASE_URL", database_url)
    monkeypatch.setenv("OKO_INSTANCE_PATH", str(instance_path))
    return CliRunner()


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("OKO_TEST_DATABASE_URL")
    return f"oko database: {'PostgreSQL ' + url if url else 'SQLite (temporary file)'}"
