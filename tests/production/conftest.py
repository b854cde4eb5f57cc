"""Production-shaped tests: real gunicorn processes, real PostgreSQL servers, fuzzed requests.

The process-level tools (throwaway databases and servers, simulated students over HTTP, the
audit of stored responses) live in ``benchmarks/loadkit`` and are shared with
``benchmarks/load.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest

#: The server the two-server test creates its private database on, unless
#: ``OKO_TEST_DATABASE_URL`` names another.
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A reachable PostgreSQL server URL (the tests' own database is created on it)."""
    url = os.environ.get("OKO_TEST_DATABASE_URL", DEFAULT_SERVER)
    from benchmarks.loadkit.databases import admin_conninfo

    try:
        psycopg.connect(admin_conninfo(url), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {url}: {exc}")
    yield url
