"""One app per module on the demo's data (built once); each test starts from the open wave."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.closing import world
from tests.staff import staff_factories as f


@pytest.fixture(scope="module")
def world_app(module_app: Flask) -> Flask:
    world.build(module_app)
    return module_app


@pytest.fixture
def closing_app(world_app: Flask) -> Iterator[Flask]:
    world.reopen(world_app, Path(world_app.instance_path))
    yield world_app
    runner = world_app.extensions.get("oko.closing")
    if runner is not None:
        runner.wait()


@pytest.fixture
def admin_client(closing_app: Flask) -> FlaskClient:
    client = closing_app.test_client()
    f.login(client, "admin@example.org")
    return client
