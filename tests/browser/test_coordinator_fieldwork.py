"""The coordinator's path through the fieldwork kit in a real browser: preview a page with skip
logic, open a test session and answer it, see the monitor's counts unchanged, download the
teacher's sheet; and the Arabic letter to parents as a right-to-left page to print.

With OKO_SCREENSHOTS=<folder> the Arabic letter is saved there (docs/screenshots/ holds the
one in the README)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from oko import PROJECT_ROOT
from oko.questionnaire import load
from tests.browser.browser_helpers import (
    COORDINATOR,
    COORDINATOR_PASSWORD,
    coordinator_world,
    log_in,
    watch_console,
)

pytestmark = pytest.mark.browser

ROUTING = Path(__file__).parents[1] / "data" / "questionnaires" / "survey-routing.yaml"
CORE = PROJECT_ROOT / "questionnaires" / "oko-core.yaml"


def _world(app_config, request, questionnaire_path: Path) -> None:
    questionnaire = load(questionnaire_path)
    coordinator_world(
        app_config, request, questionnaire_path.parent, questionnaire.id, questionnaire.version
    )


@pytest.fixture
def routing_world(app_config, request):
    _world(app_config, request, ROUTING)


@pytest.fixture
def core_world(app_config, request):
    _world(app_config, request, CORE)


def _open_session(page, *, test: bool) -> str:
    page.goto("/sessions/")
    page.get_by_label("Year").select_option("2")
    page.get_by_label("Class name (optional)").fill("2B")
    if test:
        page.get_by_label("Test session (answers are never counted)").check()
    page.get_by_role("button", name="Create code").click()
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    return page.locator(".screen-code").inner_text().strip()


def test_preview_test_session_monitor_and_teacher_sheet(
    routing_world, browser, live_server, page
) -> None:
    # routing_world comes first: it sets the app's settings before the live server starts.
    errors = watch_console(page)
    log_in(page, COORDINATOR, COORDINATOR_PASSWORD)

    page.goto("/fieldwork/2026-autumn/preview?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("First")
    page.get_by_label("No").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mixed")  # the pet page skipped
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("First")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pet")
    expect(page.get_by_text("Do you walk it?")).to_be_visible()

    code = _open_session(page, test=True)
    student = browser.new_context(base_url=live_server, locale="en-GB").new_page()
    student.goto(f"/s/{code.replace('-', '')}")
    student.get_by_role("button", name="Start").click()
    student.get_by_label("No").check()
    while not student.get_by_role("button", name="Send").count():
        student.get_by_role("button", name="Next").click()
    student.get_by_role("button", name="Send").click()
    student.wait_for_url(re.compile(r"/thanks/"))
    student.context.close()

    page.get_by_role("link", name="Fieldwork").first.click()  # from the class screen
    page.wait_for_url(re.compile(r"/monitor/2026-autumn"))
    finished = page.locator('[data-total="finished"]')
    expect(page.locator("#monitor-status")).to_contain_text("Updated at", timeout=10_000)
    page.wait_for_timeout(2_500)  # two more polls: a test response must never be counted
    assert finished.inner_text() == "0"

    page.goto("/fieldwork/")
    sheets = page.locator("li", has_text="Teacher's sheets")
    with page.expect_download() as download:
        sheets.get_by_role("link", name="PDF en").click()
    pdf = Path(download.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert code in text and "Test session" in text
    assert errors == []


def test_the_arabic_letter_reads_right_to_left(core_world, page) -> None:
    errors = watch_console(page)
    page.set_viewport_size({"width": 900, "height": 1200})
    log_in(page, COORDINATOR, COORDINATOR_PASSWORD)
    page.goto("/fieldwork/")
    letters = page.locator("li", has_text="Parent letter")
    for lang in ("nl", "en", "pl", "tr", "uk"):
        expect(letters.get_by_role("link", name=f"PDF {lang}")).to_have_count(1)
    letters.locator('a[lang="ar"]').click()
    page.wait_for_url(re.compile(r"/parent-letter\.ar\.html$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    heading = page.get_by_role("heading", level=1).bounding_box()
    main = page.locator("main").bounding_box()
    assert heading and main
    assert abs(heading["x"] + heading["width"] - (main["x"] + main["width"])) < 2
    assert page.evaluate("document.fonts.check('16px \"oko DejaVu Sans\"', 'عن')")
    folder = os.environ.get("OKO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / "fieldwork-parent-letter-ar.png"), full_page=True)
    assert errors == []
