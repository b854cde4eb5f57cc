"""Rate limits behind a reverse proxy: the client's address comes from X-Forwarded-For only
when the app is told a proxy of ours sets it (``TRUSTED_PROXIES``)."""

from __future__ import annotations

import pytest
from flask import Flask

from benchmarks.loadkit.world import prepare

PROXY = "10.0.0.5"


def _wrong_code(client, forwarded_for: str) -> int:
    response = client.post(
        "/",
        data={"code": "AAA-AAAA"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": PROXY},
    )
    return response.status_code


@pytest.fixture
def limited(app_config: dict[str, object]) -> dict[str, object]:
    app_config["CODE_ATTEMPTS_PER_WINDOW"] = 2
    return app_config


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(
    limited: dict[str, object], request: pytest.FixtureRequest, database_url: str
) -> None:
    limited["TRUSTED_PROXIES"] = 1
    app: Flask = request.getfixturevalue("app")
    prepare(database_url, students=1)
    client = app.test_client()
    assert [_wrong_code(client, "192.0.2.1") for _ in range(3)] == [404, 404, 429]
    assert _wrong_code(client, "192.0.2.2") == 404  # another pupil behind the same proxy
    # A client cannot escape its limit by sending its own X-Forwarded-For: the proxy appends
    # the address it saw, and only that last hop is believed.
    assert _wrong_code(client, "198.51.100.7, 192.0.2.1") == 429


def test_without_a_trusted_proxy_the_header_is_ignored(
    limited: dict[str, object], request: pytest.FixtureRequest, database_url: str
) -> None:
    app: Flask = request.getfixturevalue("app")
    prepare(database_url, students=1)
    client = app.test_client()
    assert [_wrong_code(client, f"192.0.2.{n}") for n in range(3)] == [404, 404, 429]
