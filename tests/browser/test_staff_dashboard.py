"""A coalition member logs in, reads the dashboard charts, downloads the PDF report, and
follows the fieldwork of the wave in progress (demo data, real browser, CSP and CSRF on).

With OKO_SCREENSHOTS=<folder> the dashboard and the fieldwork monitor are saved there
(docs/screenshots/ holds the ones in the README)."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from oko.models import Municipality
from oko.questionnaire import load
from oko.services.demo import instance as demo
from oko.services.results import engine
from oko.services.results.engine import Settings
from oko.services.staff import accounts
from tests.browser.browser_helpers import log_in, watch_console

pytestmark = pytest.mark.browser

PASSWORD = "harbour lantern seven"


@pytest.fixture
def demo_world(live_app):
    directory = Path(live_app.config["QUESTIONNAIRE_DIR"])
    questionnaire = load(directory / "oko-basis.yaml")
    with live_app.extensions["oko.db"].session() as session:
        demo.load_data(session, questionnaire)
        now = datetime(2026, 11, 23, 9, 0)
        wave = demo.ensure_open_wave(session, questionnaire, directory, now=now)
        demo.ensure_fieldwork(session, wave, questionnaire, now=now)
        session.commit()
        # Results are computed when a wave closes, before anyone reads them (the closed wave
        # and the earlier ones it is compared with), not on the first click.
        settings = Settings.from_config(live_app.config)
        latest = demo.latest_closed_wave(session)
        for closed in [*engine.previous_waves(session, latest), latest]:
            engine.wave_results(session, closed, settings)
        town = session.query(Municipality).filter_by(slug="zilverhaven").one()
        accounts.create_user(
            session,
            email="coalition@example.org",
            password=PASSWORD,
            role="coalition",
            name="Carla Coalition",
            scope=accounts.Scope(municipality_id=town.id),
        )


def _screenshot(page, name: str, height: int | None = None) -> None:
    """The visible part of the page (from the top, ``height`` pixels tall, if given)."""
    folder = os.environ.get("OKO_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    clip = {"x": 0, "y": 0, "width": 1280, "height": height} if height else None
    page.screenshot(path=str(Path(folder) / name), full_page=bool(height), clip=clip)


def _element_screenshot(element, name: str) -> None:
    folder = os.environ.get("OKO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        element.screenshot(path=str(Path(folder) / name))


def test_coalition_reads_the_dashboard_and_downloads_the_report(demo_world, page) -> None:
    errors = watch_console(page)
    page.set_viewport_size({"width": 1280, "height": 1000})
    log_in(page, "coalition@example.org", PASSWORD)
    page.get_by_role("link", name="Results", exact=True).first.click()
    page.wait_for_url(re.compile(r"/dashboard/zilverhaven/[a-z0-9-]+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zilverhaven")
    expect(page.get_by_role("heading", name="Key messages")).to_be_visible()
    _screenshot(page, "dashboard.png", height=1500)

    profile = page.locator("#profile")
    expect(profile.get_by_role("heading", name="Pedagogical basis profile")).to_be_visible()
    expect(profile).to_contain_text("Which protective factors are weak here, and for whom?")
    expect(profile).to_contain_text("Cognitive skills")
    expect(profile).to_contain_text("Not measured by a student survey.")
    # The ten NJi factors, one row group each; a weak one (if any) in bold, first.
    assert profile.locator("table.profile-table").first.locator("tbody").count() == 10
    _element_screenshot(profile, "dashboard-profile.png")

    page.get_by_role("link", name="Alcohol, tobacco and cannabis").click()
    charts = page.locator("svg.chart")
    assert charts.count() >= 18
    first = page.locator("article.indicator").first
    first.scroll_into_view_if_needed()
    expect(first.locator("svg.chart-wide rect.bar-current")).to_be_visible()
    assert first.locator("svg.chart-wide line.chart-whisker").count() >= 3  # 95% intervals
    first.evaluate("element => element.scrollIntoView()")
    _screenshot(page, "dashboard-charts.png")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Report (PDF, English)").click()
    download = download_info.value
    assert re.match(r"oko-.*-zilverhaven-en\.pdf", download.suggested_filename)
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Fieldwork", exact=True).first.click()
    expect(page.get_by_role("heading", name="Fieldwork progress")).to_be_visible()
    expect(page.locator("#monitor-table")).to_contain_text("Zilverhaven Lyceum")
    assert "Duinrade" not in page.locator("#monitor-table").inner_text()
    _screenshot(page, "fieldwork-monitor.png")
    assert errors == []


#: The smallest a chart's text may render on a phone, in CSS pixels.
MIN_TEXT_PX = 11
#: Rendered size of every visible chart text: its font size times the chart's scale.
RENDERED_TEXT_SIZES = """
elements => elements
    .filter(e => e.getClientRects().length > 0)
    .map(e => parseFloat(getComputedStyle(e).fontSize) * e.getScreenCTM().a)
"""


def test_charts_are_readable_on_a_phone(demo_world, page) -> None:
    errors = watch_console(page)
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, "coalition@example.org", PASSWORD)
    page.goto("/dashboard/zilverhaven/?lang=en")
    page.get_by_role("link", name="Alcohol, tobacco and cannabis").click()
    first = page.locator("article.indicator").first
    first.scroll_into_view_if_needed()
    expect(first.locator("svg.chart-rows")).to_be_visible()
    expect(first.locator("svg.chart-wide")).to_be_hidden()
    sizes = page.locator("svg.chart text").evaluate_all(RENDERED_TEXT_SIZES)
    assert len(sizes) > 100
    assert min(sizes) >= MIN_TEXT_PX, sorted(sizes)[:5]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scroll
    first.evaluate("element => element.scrollIntoView()")
    _screenshot(page, "dashboard-phone.png")
    assert errors == []
