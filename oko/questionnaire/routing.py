"""A student's way through a questionnaire: where Next and Back lead, what may be visited.

Pure functions of the questionnaire, the answers and the furthest position reached, so the
web survey, its tests and any other front end share one set of rules. A position is a page
index; ``finish_index`` (one past the last page) means "all pages done, ready to send".

The rules that make a response trustworthy live here: a page may be visited *or posted*
only up to the furthest position reached, and that position moves on one Next at a time.
"""

from __future__ import annotations

from oko.questionnaire.model import Page, Questionnaire
from oko.questionnaire.values import Answer, Answers


def finish_index(questionnaire: Questionnaire) -> int:
    return len(questionnaire.pages)


def merge(
    questionnaire: Questionnaire, answers: Answers, page_answers: Answers
) -> dict[str, Answer]:
    """Answers after a page was posted: the page's values win, then everything on a path no
    longer taken is dropped (an earlier change can hide later items, chains included)."""
    return questionnaire.prune({**answers, **page_answers})


def reached(questionnaire: Questionnaire, answers: Answers, furthest: int) -> dict[str, Answer]:
    """Only the answers to items on pages up to ``furthest``, on the path taken.

    A copy of the answers from elsewhere (the browser's, after the server's draft expired)
    cannot answer pages the student never reached.
    """
    allowed = {item.id for page in questionnaire.pages[: furthest + 1] for item in page.items}
    return questionnaire.prune({k: v for k, v in answers.items() if k in allowed})


def missing_required(questionnaire: Questionnaire, page: Page, answers: Answers) -> list[str]:
    """Required items shown on ``page`` that have no answer."""
    return [
        item.id
        for item in questionnaire.visible_items(page, answers)
        if item.required and answers.get(item.id) is None
    ]


def destination(
    questionnaire: Questionnaire, page: Page, answers: Answers, *, forward: bool
) -> int:
    """Index of the page Next or Back leads to (Next after the last page: the finish step)."""
    if forward:
        target = questionnaire.next_page(page.id, answers)
        return (
            finish_index(questionnaire) if target is None else questionnaire.page_index(target.id)
        )
    target = questionnaire.previous_page(page.id, answers)
    return questionnaire.page_index((target or page).id)


def last_shown_index(questionnaire: Questionnaire, answers: Answers) -> int:
    """The last page with something shown: where Back leads from the finish step."""
    for index in range(len(questionnaire.pages) - 1, -1, -1):
        if questionnaire.visible_elements(questionnaire.pages[index], answers):
            return index
    return 0


def resume_index(questionnaire: Questionnaire, furthest: int, answers: Answers) -> int:
    """Where a returning student continues: the furthest page reached, or the next one shown."""
    index = min(furthest, finish_index(questionnaire))
    if index == finish_index(questionnaire):
        return index
    page = questionnaire.pages[index]
    if questionnaire.visible_elements(page, answers):
        return index
    target = questionnaire.next_page(page.id, answers)
    return finish_index(questionnaire) if target is None else questionnaire.page_index(target.id)


def may_visit(questionnaire: Questionnaire, furthest: int, answers: Answers, page: Page) -> bool:
    """Pages up to the furthest reached, if something on them is shown: for showing a page
    and for taking its answers alike (a POST cannot jump ahead where a GET cannot)."""
    return questionnaire.page_index(page.id) <= furthest and bool(
        questionnaire.visible_elements(page, answers)
    )


def may_finish(questionnaire: Questionnaire, furthest: int) -> bool:
    """Only a student who went Next through the last page shown reaches the finish step."""
    return furthest >= finish_index(questionnaire)
