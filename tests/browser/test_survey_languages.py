"""Every student can take part, in a real browser: the demo questionnaire in each of the six
languages with and without JavaScript, read-aloud on every question, Arabic right to left
without axe-core violations, and screenshots of Arabic and Ukrainian on a phone and a
Chromebook (``OKO_UPDATE_SCREENSHOTS=1`` writes them to docs/screenshots/)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import update

from oko.models import Wave
from tests.browser.survey_steps import FILL, make_world, page_id, responses

pytestmark = pytest.mark.browser

LANGUAGES = {
    "nl": "Nederlands",
    "en": "English",
    "ar": "العربية",
    "tr": "Türkçe",
    "pl": "Polski",
    "uk": "Українська",
}
BASIS = Path(__file__).parents[2] / "questionnaires" / "oko-basis.yaml"
DOCS = Path(__file__).parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
CHROMEBOOK = {"width": 1366, "height": 768}
#: A few answers on the first page; nothing in the questionnaire is required.
FIRST_PAGE = {"gender": 2, "age": 14, "grade": 2, "school_type": 2}

#: The browser's speech synthesis, replaced before any page script runs: a voice for every
#: language, and ``speak`` records what it was asked to say (the test observes the call).
SPEECH = """
window.__spoken = [];
const voices = %s.map((lang) => ({lang, name: lang, voiceURI: lang, localService: true}));
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  getVoices: () => voices,
  speak: (u) => window.__spoken.push({text: u.text, lang: u.lang}),
  cancel: () => {},
  addEventListener: () => {},
}});
"""


@pytest.fixture
def world(live_app, database):
    found = make_world(database, BASIS)
    with database.transaction() as session:
        session.execute(update(Wave).values(languages=",".join(LANGUAGES)))
    return found


def _context(browser, live_server: str, *, javascript: bool = True, voices=tuple(LANGUAGES), **kw):
    context = browser.new_context(
        base_url=live_server, locale="nl-NL", java_script_enabled=javascript, **kw
    )
    context.set_default_timeout(10_000)
    context.add_init_script(SPEECH % list(voices))
    return context


def _enter(page, world, language: str) -> None:
    """The entry page: choose the language (the only time), type the code, read the intro."""
    if "/?lang=" not in page.url:
        page.goto("/")
        if language != "nl":
            page.get_by_role("link", name=LANGUAGES[language], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("#code").fill(world.code)
    page.locator("form.code-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.questionnaire.title[language])
    page.locator(".start-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/p/about_you$"))


def _to_the_end(page, world, language: str, *, check_read_aloud: bool) -> None:
    while "/p/" in page.url:
        current = world.questionnaire.page(page_id(page))
        if current.id == "about_you":
            page.evaluate(FILL, FIRST_PAGE)
        if check_read_aloud:
            _read_aloud_on_every_question(page, world, current, language)
        page.locator("button.next").click()
        page.wait_for_load_state()
    page.locator("button.next").click()  # Send, on the finish step
    page.wait_for_url(re.compile(r"/thanks/"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    phone = page.locator('a[href="tel:08000432"]')
    expect(phone).to_be_visible()


def _read_aloud_on_every_question(page, world, current, language: str) -> None:
    questions = page.locator(".question:visible")
    buttons = page.locator(".question:visible > .read-aloud")
    expect(buttons.first).to_be_visible()
    assert buttons.count() == questions.count() > 0
    name = {"nl": "Lees voor", "en": "Read aloud"}.get(language)
    if name:
        expect(buttons.first).to_have_accessible_name(name)
    first = current.elements[0]
    buttons.first.focus()
    page.keyboard.press("Enter")
    spoken = page.evaluate("window.__spoken.pop()")
    assert spoken["lang"] == language
    assert spoken["text"].startswith(first.text[language].rstrip(".?!:"))
    options = first.options
    assert options[-1].label[language] in spoken["text"]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_student_completes_the_survey_with_read_aloud(
    world, browser, live_server, database, language: str
) -> None:
    context = _context(browser, live_server)
    page = context.new_page()
    _enter(page, world, language)
    _to_the_end(page, world, language, check_read_aloud=True)
    context.close()
    (stored,) = responses(database)
    assert stored.language == language and stored.answers["age"] == 14


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_student_completes_the_survey_without_javascript(
    world, browser, live_server, database, language: str
) -> None:
    context = _context(browser, live_server, javascript=False)
    page = context.new_page()
    _enter(page, world, language)
    page.locator('input[name="q_gender"][value="2"]').check()
    page.locator('input[name="q_age"]').fill("14")
    expect(page.locator(".read-aloud").first).to_be_hidden()
    _to_the_end(page, world, language, check_read_aloud=False)
    context.close()
    (stored,) = responses(database)
    assert stored.language == language and stored.answers["gender"] == 2


def test_without_a_voice_the_buttons_are_hidden_and_the_page_says_so(
    world, browser, live_server
) -> None:
    context = _context(browser, live_server, voices=("nl-NL",))
    page = context.new_page()
    _enter(page, world, "uk")
    expect(page.locator(".read-aloud").first).to_be_hidden()
    expect(page.locator("[data-read-aloud-unavailable]")).to_be_visible()
    expect(page.locator("[data-read-aloud-unavailable]")).to_contain_text("голосу")
    context.close()


def test_an_out_of_range_age_gets_okos_message_not_the_browsers(world, browser, live_server):
    context = _context(browser, live_server)
    page = context.new_page()
    _enter(page, world, "tr")
    page.locator('input[name="q_age"]').fill("99")
    page.locator("button.next").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("10 ile 20 arasında bir sayı yaz. Bu, şu soruyla ilgili:")
    context.close()


@pytest.mark.parametrize(
    ("language", "viewport", "device"),
    [
        ("ar", PHONE, "phone"),
        ("ar", CHROMEBOOK, "chromebook"),
        ("uk", PHONE, "phone"),
        ("uk", CHROMEBOOK, "chromebook"),
    ],
)
def test_arabic_and_ukrainian_pages_on_a_phone_and_a_chromebook(
    world, browser, live_server, tmp_path: Path, language: str, viewport, device: str
) -> None:
    """Mirrored for Arabic, no horizontal scroll, and for Arabic no axe-core violations."""
    folder = DOCS if os.environ.get("OKO_UPDATE_SCREENSHOTS") == "1" else tmp_path
    phone = device == "phone"
    context = _context(
        browser,
        live_server,
        viewport=viewport,
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    shots = []

    def look(name: str) -> None:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        if language == "ar":
            results = Axe().run(page)
            assert results.violations_count == 0, results.generate_report()
        path = folder / f"survey-{language}-{name}-{device}.png"
        page.screenshot(path=str(path), full_page=name != "grid")
        shots.append(path)

    page.goto(f"/?lang={language}")
    look("entry")
    _enter(page, world, language)
    if language == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        # Mirrored: the Next button sits left of Back, the options' radios on the right.
        nxt, back = page.locator("button.next"), page.locator("button.back")
        page.evaluate(FILL, FIRST_PAGE)
        page.locator("button.next").click()
        page.wait_for_url(re.compile(r"/p/wellbeing$"))
        assert nxt.bounding_box()["x"] < back.bounding_box()["x"]
    else:
        page.evaluate(FILL, FIRST_PAGE)
        page.locator("button.next").click()
        page.wait_for_url(re.compile(r"/p/wellbeing$"))
    grid = page.locator("#el-mood")
    grid.scroll_into_view_if_needed()
    page.evaluate(
        "(y) => window.scrollTo(0, y - 12)", grid.bounding_box()["y"] + page.evaluate("scrollY")
    )
    look("grid")
    while "/p/" in page.url:
        page.locator("button.next").click()
        page.wait_for_load_state()
    page.locator("button.next").click()
    page.wait_for_url(re.compile(r"/thanks/"))
    look("thanks")
    context.close()
    for path in shots:
        assert path.stat().st_size > 10_000
