"""Steps of the student's way through the survey, shared by the survey browser tests.

The factories of tests/survey are reused, so the browser tests build the same rows.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.survey.survey_factories import core_answers, drafts, make_world, responses

__all__ = [
    "FILL",
    "core_answers",
    "drafts",
    "enter",
    "fill_until",
    "make_world",
    "page_id",
    "responses",
]

#: Sets the answers of the items on the current page as a student's clicks would, then lets
#: the page's own script see the change.
FILL = """(answers) => {
  for (const [id, value] of Object.entries(answers)) {
    const inputs = document.querySelectorAll(`[name="q_${id}"]`);
    for (const input of inputs) {
      if (input.type === "radio") input.checked = String(value) === input.value;
      else if (input.type === "checkbox")
        input.checked = Array.isArray(value) && value.map(String).includes(input.value);
      else input.value = value === null ? "" : String(value);
    }
    if (inputs.length) inputs[0].dispatchEvent(new Event("change", {bubbles: true}));
  }
}"""


def page_id(page) -> str:
    match = re.search(r"/p/([a-z_]+)", page.url)
    assert match, page.url
    return match.group(1)


def fill_until(page, world, answers, stop_at: str | None = None) -> None:
    """Fill in and Next through pages until the page ``stop_at`` (or the finish step)."""
    while "/p/" in page.url and page_id(page) != stop_at:
        on_page = {item.id for item in world.questionnaire.page(page_id(page)).items}
        page.evaluate(FILL, {k: v for k, v in answers.items() if k in on_page})
        page.get_by_role("button", name="Next").click()
        page.wait_for_load_state()


def enter(page, world) -> None:
    """Type the code (lower case, with the dash) on the entry page, in English (the browser's
    language), read the intro, Start."""
    page.goto("/")
    shown = f"{world.code[:3]}-{world.code[3:]}".lower()
    page.get_by_label("Class code").fill(shown)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How are you doing?")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/p/about_you$"))
