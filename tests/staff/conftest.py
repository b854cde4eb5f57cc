"""Fixtures for the staff side: an app with CSRF switched on, as in production."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.fixture
def csrf_client(app_config: dict[str, object], request: pytest.FixtureRequest) -> FlaskClient:
    app_config["WTF_CSRF_ENABLED"] = True
    return request.getfixturevalue("app").test_client()
