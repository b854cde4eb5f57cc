"""Shared fixtures, in the shape of Flask's tutorial: ``app``, ``client``, ``runner``.

They live in the ``tests.plugins`` modules. The database is SQLite in a temporary folder, or the
PostgreSQL named by ``OKO_TEST_DATABASE_URL`` (CI sets it to the local server). Either way it is
migrated once per test run with the real Alembic migrations, and emptied before each test.
"""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["tests.plugins.database", "tests.plugins.app"]


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("OKO_TEST_DATABASE_URL")
    return f"oko database: {'PostgreSQL ' + url if url else 'SQLite (temporary file)'}"
