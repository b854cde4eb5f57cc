"""Steps shared by the browser tests: a school with its coordinator, logging in, and watching
the console for errors."""

from __future__ import annotations

import re

from oko.models import Municipality, School, SchoolGradeCount, Wave
from oko.services.staff import accounts

COORDINATOR = "coordinator@example.org"
COORDINATOR_PASSWORD = "velvet orchard ladder"


def coordinator_world(app_config, request, questionnaire_dir, questionnaire_id: str, version: str):
    """An open wave of one questionnaire, one school (4 pupils in year 2) and its coordinator.

    Call it from a fixture listed before ``live_server``: it sets the app's settings (a
    one-second monitor poll) before the server starts."""
    app_config["QUESTIONNAIRE_DIR"] = str(questionnaire_dir)
    app_config["MONITOR_POLL_SECONDS"] = 1
    app = request.getfixturevalue("live_app")
    with app.extensions["oko.db"].session() as session:
        town = Municipality(slug="zeewolde", name="Zeewolde", region="Flevoland")
        school = School(slug="het-baken", name="Het Baken", municipality=town)
        school.pupil_counts = [SchoolGradeCount(grade=2, pupils=4)]
        wave = Wave(
            slug="2026-autumn",
            name="Autumn 2026",
            questionnaire_id=questionnaire_id,
            questionnaire_version=version,
            status="open",
        )
        session.add_all([town, school, wave])
        session.commit()
        accounts.create_user(
            session,
            email=COORDINATOR,
            password=COORDINATOR_PASSWORD,
            role="coordinator",
            scope=accounts.Scope(school_ids=(school.id,)),
        )


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
