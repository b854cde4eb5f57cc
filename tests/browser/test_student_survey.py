"""A student takes the survey in a real browser: code entry, language, answers with a skip path,
Back, a reload mid-way, Send; once more without JavaScript; and a keyboard-only Likert grid.

Pages where nothing is being tested are filled in programmatically, to keep the tests fast.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.browser_helpers import watch_console
from tests.browser.survey_steps import (
    FILL,
    core_answers,
    drafts,
    enter,
    fill_until,
    make_world,
    page_id,
    responses,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_app, database):
    return make_world(database)


def test_a_student_completes_the_survey(world, page, database) -> None:
    errors = watch_console(page)
    enter(page, world)
    answers = core_answers(alc_lifetime=3, alc_30d=2, drunk_lifetime=2, drunk_30d=1)

    # The first page by hand, as a student does it.
    page.get_by_label("Girl").check()
    page.get_by_label("How old are you?").fill("14")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"/p/wellbeing$"))

    # Back keeps the answers.
    page.get_by_role("button", name="Back").click()
    page.wait_for_url(re.compile(r"/p/about_you$"))
    expect(page.get_by_label("Girl")).to_be_checked()
    expect(page.get_by_label("How old are you?")).to_have_value("14")
    page.get_by_role("button", name="Next").click()

    fill_until(page, world, answers, stop_at="alcohol")

    # The skip path, live: follow-ups appear and disappear as the answers change.
    lifetime = page.get_by_role("group", name="How many times in your whole life have you drunk")
    thirty_days = page.get_by_role(
        "group", name="How many times in the last 30 days have you drunk"
    )
    drunk_30d = page.get_by_role("group", name="How many times in the last 30 days have you been")
    expect(thirty_days).to_be_hidden()
    lifetime.get_by_label("3 to 5 times").check()
    expect(thirty_days).to_be_visible()
    expect(drunk_30d).to_be_hidden()
    page.get_by_role(
        "group", name="How many times in your whole life have you been drunk"
    ).get_by_label("1 or 2 times").check()
    expect(drunk_30d).to_be_visible()
    thirty_days.get_by_label("1 or 2 times").check()
    drunk_30d.get_by_label("0 times", exact=True).check()
    # Never drank after all: the whole chain of follow-ups goes away at once.
    lifetime.get_by_label("0 times", exact=True).check()
    expect(thirty_days).to_be_hidden()
    expect(drunk_30d).to_be_hidden()
    lifetime.get_by_label("3 to 5 times").check()
    expect(drunk_30d).to_be_visible()

    # A reload mid-way: what was clicked on this page but not yet sent comes back.
    page.reload()
    expect(lifetime.get_by_label("3 to 5 times")).to_be_checked()
    expect(drunk_30d.get_by_label("0 times", exact=True)).to_be_checked()
    expect(drunk_30d).to_be_visible()
    page.evaluate(FILL, {"binge_4w": 1, "drunk_age": 5})
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"/p/smoking_vaping$"))

    fill_until(page, world, answers)
    page.wait_for_url(re.compile(r"/finish$"))
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/thanks/[0-9a-f]{32}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    expect(page.get_by_text("Kindertelefoon")).to_be_visible()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('oko:'))") == []

    (stored,) = responses(database)
    assert stored.submission_id == page.url.rsplit("/", 1)[1]  # made by survey.js
    assert (stored.answers["gender"], stored.answers["age"]) == (2, 14)
    assert stored.answers["alc_lifetime"] == 3 and stored.answers["alc_30d"] == 2
    assert stored.answers["drunk_lifetime"] == 2 and stored.answers["drunk_30d"] == 1
    assert stored.answers["drunk_age"] == 5 and stored.answers["alc_source"] is None
    assert "cig_30d" not in stored.answers  # never smoked: not asked
    assert drafts(database) == []
    assert errors == []


def test_the_survey_works_without_javascript(world, browser, live_server, database) -> None:
    context = browser.new_context(base_url=live_server, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    enter(page, world)
    page.get_by_label("Boy").check()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"/p/wellbeing$"))
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("Boy")).to_be_checked()
    page.get_by_role("button", name="Next").click()
    while page_id(page) != "alcohol":
        page.get_by_role("button", name="Next").click()
        page.wait_for_load_state()

    # Without the script every follow-up is on the page; the server drops what the path skips.
    lifetime = page.get_by_role("group", name="How many times in your whole life have you drunk")
    thirty_days = page.get_by_role(
        "group", name="How many times in the last 30 days have you drunk"
    )
    expect(thirty_days).to_be_visible()
    lifetime.get_by_label("0 times", exact=True).check()
    thirty_days.get_by_label("3 to 5 times").check()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"/p/smoking_vaping$"))
    page.get_by_role(
        "group", name="How many times in your whole life have you smoked"
    ).get_by_label("1 or 2 times").check()
    page.get_by_role("group", name="How many cigarettes have you smoked").get_by_label(
        "None"
    ).check()
    while "/finish" not in page.url:
        page.get_by_role("button", name="Next").click()
        page.wait_for_load_state()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/thanks/"))
    expect(page.get_by_text("Kindertelefoon")).to_be_visible()
    context.close()

    (stored,) = responses(database)
    assert stored.answers["gender"] == 1 and stored.answers["alc_lifetime"] == 1
    assert "alc_30d" not in stored.answers  # answered, but on a path not taken
    assert stored.answers["cig_lifetime"] == 2 and stored.answers["cig_30d"] == 1
    assert stored.answers["health"] is None  # shown, not answered


def test_a_likert_grid_by_keyboard_alone(world, page, database) -> None:
    enter(page, world)
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"/p/wellbeing$"))
    first_row = "q_mood_cheerful"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == first_row:
            break
    else:
        pytest.fail("Tab never reached the grid")
    # The focus is visible: the focused answer's cell gets the focus outline.
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    outline = page.evaluate(
        "getComputedStyle(document.activeElement.closest('label')).outlineStyle"
    )
    assert outline == "solid"
    # Space picks the focused answer; arrow keys move within a row; Tab goes to the next row.
    page.keyboard.press("Space")
    for presses in (1, 2, 3, 4):
        page.keyboard.press("Tab")
        for _ in range(presses):
            page.keyboard.press("ArrowRight")
    names = ["cheerful", "sad", "calm", "worried", "lonely"]
    checked = page.evaluate(
        """(names) => names.map(n =>
            document.querySelector(`[name="q_mood_${n}"]:checked`)?.value)""",
        names,
    )
    assert checked == ["1", "2", "3", "4", "5"]
    # Enter sends the page (the first button is Next).
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/p/sleep_screens$"))
    stored = drafts(database)[0].answers
    assert [stored[f"mood_{n}"] for n in names] == [1, 2, 3, 4, 5]


def test_answers_survive_an_expired_draft(world, page, database) -> None:
    """The server's draft expires mid-way (or the cookie is lost): the browser's local copy
    brings every answer back, and the student carries on where they were."""
    from sqlalchemy import update

    from oko.models import Draft, utcnow

    errors = watch_console(page)
    enter(page, world)
    answers = core_answers()
    fill_until(page, world, answers, stop_at="family")
    page.evaluate(FILL, {"par_time_weekday": 4})
    with database.transaction() as session:
        session.execute(update(Draft).values(expires_at=utcnow()))
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have expired")
    expect(page.get_by_text("Your answers are still on this device")).to_be_visible()
    page.get_by_role("button", name="Carry on").click()
    page.wait_for_url(re.compile(r"/p/family$"))
    expect(page.get_by_role("group", name="weekdays").get_by_label("Often")).to_be_checked()
    page.get_by_role("button", name="Back").click()
    tired = page.get_by_role("group", name="How often are you tired at school?")
    expect(tired.get_by_label("Sometimes")).to_be_checked()
    fill_until(page, world, answers | {"par_time_weekday": 4})
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/thanks/"))
    (stored,) = responses(database)
    assert stored.answers == answers | {"par_time_weekday": 4}
    assert errors == []
