"""A live oko server and a headless Chromium for browser tests.

``live_server`` serves ``create_app()`` (CSRF on, as in production) with werkzeug in a thread
on a free port, against the test database. ``browser`` is Debian's /usr/bin/chromium driven
by Playwright; the tests are skipped when it is missing, unless OKO_REQUIRE_BROWSER=1 (CI),
where a missing browser fails them instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_app(app_config: dict[str, object], request: pytest.FixtureRequest) -> Flask:
    """The app behind the live server; a test may change ``app_config`` before asking."""
    app_config["WTF_CSRF_ENABLED"] = True
    return request.getfixturevalue("app")


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """Base URL of the running server, e.g. ``http://127.0.0.1:53421``."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="oko-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("OKO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and OKO_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium to run browser tests)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server: str):
    """A fresh browser context (own cookies) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server, locale="en-GB", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
