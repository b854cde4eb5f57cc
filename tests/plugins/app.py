"""The app, its settings, a test client and a command runner, in the shape of Flask's tutorial."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from oko.db import Database
from oko.web import create_app
from tests.plugins.database import empty_tables


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


@pytest.fixture
def csrf_client(app_config: dict[str, object], request: pytest.FixtureRequest) -> FlaskClient:
    """A client of an app with CSRF switched on, as in production."""
    app_config["WTF_CSRF_ENABLED"] = True
    return request.getfixturevalue("app").test_client()
