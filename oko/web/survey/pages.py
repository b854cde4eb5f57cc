"""What a questionnaire page shows, for the templates and for ``static/js/survey.js``.

Skip logic works without JavaScript: an element whose condition depends only on earlier pages
is rendered only when shown. An element whose condition reads an item on the same page (the
follow-up "in the last 30 days?" after "ever?") is always rendered; the script hides and shows
it live from the same condition tree, and without the script the student sees it and the
server drops the answer if the path does not lead there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from oko.questionnaire import Answer, Answers, Element, Grid, Page, Questionnaire
from oko.questionnaire.conditions import referenced_items


@dataclass(frozen=True)
class ElementView:
    """One question or grid as rendered: shown now or not, and its condition for the script."""

    element: Element
    shown: bool
    condition: Mapping[str, object] | None
    #: Its condition reads an answer on the same page, so it can change while the student is
    #: here (without the script, a note says to skip it if it does not apply).
    live: bool = False

    @property
    def is_grid(self) -> bool:
        return isinstance(self.element, Grid)


def element_views(questionnaire: Questionnaire, page: Page, answers: Answers) -> list[ElementView]:
    visible = questionnaire.visible_ids(answers)
    rendered_items: set[str] = set()
    views: list[ElementView] = []
    for element in page.elements:
        shown = element.id in visible
        depends_here = element.show_if is not None and any(
            item_id in rendered_items for item_id in referenced_items(element.show_if)
        )
        if not (shown or depends_here):
            continue
        condition = element.show_if.to_json() if element.show_if is not None else None
        views.append(ElementView(element, shown, condition, depends_here))
        rows = element.rows if isinstance(element, Grid) else (element,)
        rendered_items.update(row.id for row in rows)
    return views


def browser_context(
    questionnaire: Questionnaire, page: Page, views: list[ElementView], answers: Answers
) -> dict[str, Answer]:
    """Answers from other pages that the rendered conditions read, so the script can evaluate
    them exactly as the server does."""
    on_page = {item.id for item in page.items}
    needed = {
        item_id
        for view in views
        if view.element.show_if is not None
        for item_id in referenced_items(view.element.show_if)
        if item_id not in on_page
    }
    return {item_id: answers[item_id] for item_id in sorted(needed) if item_id in answers}


@dataclass(frozen=True)
class Progress:
    """Where the student is, counted in questions (a grid's statements each count), so a long
    page does not jump like a short one and the first page is question 1, not "0% done"."""

    #: The first question on this page, from 1.
    number: int
    total: int


def progress(questionnaire: Questionnaire, page_index: int) -> Progress:
    before = sum(len(page.items) for page in questionnaire.pages[:page_index])
    return Progress(number=before + 1, total=len(questionnaire.items))
