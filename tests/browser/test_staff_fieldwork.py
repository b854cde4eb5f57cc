"""A coordinator opens a class session, then watches the fieldwork monitor and the class
screen while a student finishes the questionnaire: the counts rise without a page reload
(monitor.js and the class screen poll their JSON endpoints)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.browser_helpers import (
    COORDINATOR,
    COORDINATOR_PASSWORD,
    coordinator_world,
    log_in,
    watch_console,
)

pytestmark = pytest.mark.browser

QUESTIONNAIRES = Path(__file__).parents[1] / "data" / "questionnaires"


@pytest.fixture
def fieldwork_world(app_config, request):
    coordinator_world(app_config, request, QUESTIONNAIRES, "minimal", "1")


def finish_questionnaire(page, code: str) -> None:
    page.goto(f"/s/{code.replace('-', '')}")
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/thanks/"))


def test_counts_rise_while_a_student_finishes(fieldwork_world, browser, live_server, page) -> None:
    # fieldwork_world comes first: it sets the app's settings before the live server starts.
    errors = watch_console(page)
    log_in(page, COORDINATOR, COORDINATOR_PASSWORD)

    page.get_by_role("link", name="Class sessions").first.click()
    page.get_by_label("Year").select_option("2")
    page.get_by_label("Class name (optional)").fill("2B")
    page.get_by_role("button", name="Create code").click()
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    code = page.locator(".screen-code").inner_text().strip()
    screen = page.context.new_page()
    screen.goto(page.url)  # the class screen stays open on the projector

    page.get_by_role("link", name="Fieldwork").first.click()
    page.wait_for_url(re.compile(r"/monitor/2026-autumn"))
    finished = page.locator('[data-total="finished"]')
    assert finished.inner_text() == "0"
    assert page.locator('[data-total="sessions_opened"]').inner_text() == "1"
    page.evaluate("window.okoNoReload = true")

    student = browser.new_context(base_url=live_server, locale="en-GB").new_page()
    finish_questionnaire(student, code)
    student.context.close()

    expect(finished).to_have_text("1", timeout=10_000)
    assert page.evaluate("window.okoNoReload") is True  # updated in place, not reloaded
    assert page.locator('[data-total="response_rate"]').inner_text() == "25%"
    assert "Het Baken" in page.locator("#monitor-table tbody tr").first.inner_text()
    assert "Updated at" in page.locator("#monitor-status").inner_text()
    expect(screen.locator('[data-count="finished"]')).to_have_text("1", timeout=10_000)
    assert errors == []
