"""An administrator sets up a wave and a school in a real browser (CSP on, CSRF on)."""

from __future__ import annotations

import re

import pytest

from oko.models import Municipality
from oko.services.staff import accounts
from tests.browser.browser_helpers import log_in, watch_console

pytestmark = pytest.mark.browser

PASSWORD = "quiet meadow compass"


@pytest.fixture
def admin_world(live_app):
    with live_app.extensions["oko.db"].session() as session:
        session.add(Municipality(slug="zeewolde", name="Zeewolde", region="Flevoland"))
        session.commit()
        accounts.create_user(
            session, email="admin@example.org", password=PASSWORD, role="admin", name="Ada Admin"
        )


def test_admin_creates_a_school_and_a_wave_and_opens_it(page, admin_world) -> None:
    errors = watch_console(page)
    log_in(page, "admin@example.org", PASSWORD)
    page.get_by_role("link", name="Admin", exact=True).first.click()

    page.get_by_role("link", name="Schools", exact=True).click()
    page.get_by_role("link", name="New school").click()
    page.get_by_label("Name", exact=True).fill("Het Baken <b>havo</b>")
    page.get_by_label("Short name").fill("het-baken")
    page.get_by_label("Municipality").select_option(label="Zeewolde")
    page.get_by_label("School type").fill("havo/vwo")
    page.get_by_label("Grade 2").fill("120")
    page.get_by_label("Grade 4").fill("98")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/admin/schools$"))
    row = page.get_by_role("row", name=re.compile("Het Baken"))
    assert "Grade 2: 120" in row.inner_text()
    assert "<b>havo</b>" in row.inner_text()  # shown as text, not markup

    page.get_by_role("link", name="Survey waves", exact=True).click()
    page.get_by_role("link", name="New survey wave").click()
    page.get_by_label("Name", exact=True).fill("Autumn 2026")
    page.get_by_label("Short name").fill("2026-autumn")
    page.get_by_label("Questionnaire", exact=True).select_option(index=0)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/admin/waves$"))
    row = page.get_by_role("row", name=re.compile("Autumn 2026"))
    assert "planned" in row.inner_text()
    row.get_by_role("button", name="Open").click()
    assert "Wave Autumn 2026 is open." in page.locator(".flash").inner_text()
    assert "open" in page.get_by_role("row", name=re.compile("Autumn 2026")).inner_text()

    page.get_by_role("link", name="Audit log").first.click()
    log = page.locator("table").inner_text()
    for action in ("login.success", "school.create", "wave.create", "wave.open"):
        assert action in log
    assert errors == []
