"""One app per module on the demo's data (built once); each test starts from the open wave,
with a fresh job runner (so a test's mail settings reach it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.closing import world
from tests.closing.smtp import SmtpServer
from tests.staff import staff_factories as f


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
