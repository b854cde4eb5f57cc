"""An example file of typed-in paper questionnaires, so the demo's coordinator can try the
upload page without keying in a stack of paper first.

Each row walks the questionnaire's routing as a student would: only items on the path are
filled (a value for an item the student would not have been asked is an import error), with
answers that vary from row to row. Free text and multiple-choice items stay empty: a typed-in
file may leave any item unanswered.
"""

from __future__ import annotations

import csv
import io

from oko.questionnaire import Answer, Item, Questionnaire
from oko.services.survey.imports import GRADE_COLUMN, SCHOOL_COLUMN


def example_csv(questionnaire: Questionnaire, school: str, grade: int, rows: int = 4) -> bytes:
    """``rows`` typed-in questionnaires of one class of ``school`` (its short name), as CSV."""
    answered = [_walk(questionnaire, grade, number) for number in range(rows)]
    columns = [
        item
        for item in questionnaire.items
        if item not in (SCHOOL_COLUMN, GRADE_COLUMN) and any(item in row for row in answered)
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([SCHOOL_COLUMN, GRADE_COLUMN, *columns])
    for row in answered:
        writer.writerow([school, grade, *(row.get(item, "") for item in columns)])
    return out.getvalue().encode("utf-8")


def _walk(questionnaire: Questionnaire, grade: int, number: int) -> dict[str, Answer]:
    # The file's grade column also answers an item called "grade", if the questionnaire has one.
    answers: dict[str, Answer] = (
        {GRADE_COLUMN: grade} if GRADE_COLUMN in questionnaire.items else {}
    )
    page = questionnaire.next_page(None, answers)
    while page is not None:
        for index, item in enumerate(questionnaire.visible_items(page, answers)):
            if item.id in answers:
                continue
            value = _value(item, number + index)
            if value is not None:
                answers[item.id] = value
        page = questionnaire.next_page(page.id, answers)
    return questionnaire.prune(answers)


def _value(item: Item, turn: int) -> Answer:
    if item.type == "multiple":
        return None
    if item.options:
        return item.options[turn % len(item.options)].code
    if item.type == "integer":
        low = item.min or 0
        high = item.max if item.max is not None else low + 2
        return min((low + high) // 2 + turn % 2, high)
    return None
