"""Screenshots of the student's pages for the README: the entry page, a Likert grid on a phone
and the thank-you page. Written to a temporary folder on every run (so layout errors surface
as test failures, e.g. a horizontal scroll bar on the phone); ``OKO_UPDATE_SCREENSHOTS=1``
writes them to docs/screenshots/ instead."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.survey_steps import core_answers, fill_until, make_world

pytestmark = pytest.mark.browser

DOCS = Path(__file__).parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return DOCS if os.environ.get("OKO_UPDATE_SCREENSHOTS") == "1" else tmp_path


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_screenshots(live_app, database, browser, live_server, folder: Path) -> None:
    world = make_world(database)
    desktop = browser.new_context(base_url=live_server, locale="nl-NL", viewport=DESKTOP)
    page = desktop.new_page()
    page.goto("/")
    page.screenshot(path=str(folder / "survey-entry.png"))
    desktop.close()

    phone = browser.new_context(
        base_url=live_server,
        locale="en-GB",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = phone.new_page()
    page.goto(f"/s/{world.code}/intro?lang=en")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"/p/wellbeing$"))
    page.get_by_role("group", name="In the last 2 weeks").scroll_into_view_if_needed()
    page.get_by_role("radio", name="Cheerful Often").check()
    page.get_by_role("radio", name="Down or sad Sometimes").check()
    _no_horizontal_scroll(page)
    grid_top = page.get_by_role("group", name="In the last 2 weeks").bounding_box()
    page.evaluate("(y) => window.scrollTo(0, y - 12)", grid_top["y"] + page.evaluate("scrollY"))
    page.screenshot(path=str(folder / "survey-grid-phone.png"))

    fill_until(page, world, core_answers())
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/thanks/"))
    _no_horizontal_scroll(page)
    page.screenshot(path=str(folder / "survey-thanks-phone.png"), full_page=True)
    phone.close()
    for name in ("survey-entry.png", "survey-grid-phone.png", "survey-thanks-phone.png"):
        assert (folder / name).stat().st_size > 10_000
