"""One app per module on the demo's data (built once); each test starts from the open wave,
with a fresh job runner (so a test's mail settings reach it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.closing import world
from tests.closing.smtp import SmtpServer
from tests.staff import staff_factories as f

#: The queue tests' Redis database, emptied by them; they are skipped when it is unreachable,
#: unless OKO_REQUIRE_REDIS=1 (CI).
REDIS_URL = os.environ.get("OKO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="module")
def world_app(module_app: Flask) -> Flask:
    world.build(module_app)
    return module_app


@pytest.fixture
def closing_app(world_app: Flask) -> Iterator[Flask]:
    world.reopen(world_app, Path(world_app.instance_path))
    yield world_app
    ticker = world_app.extensions.pop("oko.closing.tick", None)
    if ticker is not None:
        ticker.stop()
    world_app.config.pop("CLOSING_TICK", None)
    runner = world_app.extensions.pop("oko.closing", None)
    if runner is not None:
        runner.close()
    world_app.config.update(MAIL_SERVER="", MAIL_PORT=25, WTF_CSRF_ENABLED=False)


@pytest.fixture
def admin_client(closing_app: Flask) -> FlaskClient:
    client = closing_app.test_client()
    f.login(client, "admin@example.org")
    return client


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def redis_url() -> Iterator[str]:
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisError as exc:
        if os.environ.get("OKO_REQUIRE_REDIS") == "1":
            pytest.fail(f"OKO_REQUIRE_REDIS=1 but Redis at {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL} ({exc}); set OKO_TEST_REDIS_URL to run queue tests")
    connection.flushdb()
    yield REDIS_URL
    connection.flushdb()
    connection.close()
