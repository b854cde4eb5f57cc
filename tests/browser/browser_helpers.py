"""Steps shared by the browser tests: logging in, and watching the console for errors."""

from __future__ import annotations

import re


def log_in(page, email: str, password: str) -> None:
    page.goto("/login?lang=en")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/staff/$"))


def watch_console(page) -> list[str]:
    """Console errors (a CSP violation shows up here) and failed requests during the test.

    The browser's own favicon request is the one 404 we expect.
    """
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
