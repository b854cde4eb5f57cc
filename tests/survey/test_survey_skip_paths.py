"""Every skip path of oko-core: answers that lead to a follow-up keep it, answers that lead
past it remove it (chains included), and "not asked" stays distinct from "not answered"."""

from __future__ import annotations

import json

import pytest

from oko.questionnaire import Answer, load
from tests.survey.html_tree import parse
from tests.survey.survey_factories import CORE, Student, core_answers, drafts, responses

# element id -> (answers that show it, answers that route past it)
SKIPS: list[tuple[str, dict[str, Answer], dict[str, Answer]]] = [
    ("adult_outside_who", {"adult_outside": 1}, {"adult_outside": 2}),
    ("adult_outside_who", {"adult_outside": 1}, {"adult_outside": 3}),
    ("bullied_told", {"bullied_school": 2, "bullied_online": 1}, {"bullied_school": 1}),
    ("bullied_told", {"bullied_school": 1, "bullied_online": 4}, {"bullied_online": 1}),
    ("alc_30d", {"alc_lifetime": 2}, {"alc_lifetime": 1}),
    ("binge_4w", {"alc_lifetime": 3}, {"alc_lifetime": 1}),
    ("drunk_lifetime", {"alc_lifetime": 7}, {"alc_lifetime": 1}),
    ("drunk_30d", {"alc_lifetime": 3, "drunk_lifetime": 2}, {"drunk_lifetime": 1}),
    ("drunk_age", {"alc_lifetime": 3, "drunk_lifetime": 2}, {"drunk_lifetime": 1}),
    # Chains: never drank hides "ever drunk", which hides its own follow-ups.
    ("drunk_30d", {"alc_lifetime": 3, "drunk_lifetime": 2}, {"alc_lifetime": 1}),
    ("drunk_age", {"alc_lifetime": 3, "drunk_lifetime": 3}, {"alc_lifetime": 1}),
    ("alc_source", {"alc_lifetime": 3, "alc_30d": 2}, {"alc_30d": 1}),
    ("alc_source", {"alc_lifetime": 3, "alc_30d": 2}, {"alc_lifetime": 1}),
    ("cig_30d", {"cig_lifetime": 2}, {"cig_lifetime": 1}),
    ("vape_30d", {"vape_lifetime": 2}, {"vape_lifetime": 1}),
    ("vape_nicotine", {"vape_lifetime": 5}, {"vape_lifetime": 1}),
    # A follow-up of a grid row.
    ("cannabis_30d", {"cannabis_lifetime": 2}, {"cannabis_lifetime": 1}),
]


def _answer_for(item_id: str) -> Answer:
    item = load(CORE).items[item_id]
    return [item.codes[-1]] if item.type == "multiple" else item.codes[1]


def test_every_condition_of_the_core_questionnaire_is_covered() -> None:
    questionnaire = load(CORE)
    conditional = {
        element.id
        for page in questionnaire.pages
        for element in page.elements
        if element.show_if is not None
    }
    assert conditional == {element_id for element_id, _, _ in SKIPS}


@pytest.mark.parametrize(("element_id", "shown", "hidden"), SKIPS)
def test_skip_path(student: Student, database, element_id, shown, hidden) -> None:
    questionnaire = student.questionnaire
    follow_up = _answer_for(element_id)
    page_id = questionnaire.items[element_id].page
    on_page = {item.id for item in questionnaire.page(page_id).items}

    # The path leads to the follow-up: it is asked, and its answer kept.
    student.start()
    everything = core_answers(**shown, **{element_id: follow_up})
    student.answer_everything(everything)
    assert drafts(database)[0].answers[element_id] == follow_up

    # The student goes back and changes the earlier answer (without JavaScript the follow-up is
    # still on the page and still posted): the follow-up's answer is removed, not kept as None.
    changed = {k: v for k, v in everything.items() if k in on_page} | hidden
    assert student.post(page_id, changed).status_code == 302
    answers = drafts(database)[0].answers
    assert element_id not in answers
    expected = questionnaire.prune(everything | hidden)
    assert answers == expected

    # Changing back asks again: shown but unanswered is None, distinct from "not asked".
    assert (
        student.post(
            page_id, {k: v for k, v in everything.items() if k in on_page and k != element_id}
        ).status_code
        == 302
    )
    answers = drafts(database)[0].answers
    assert element_id in answers and answers[element_id] is None

    # What is stored follows the last path taken.
    assert student.post(page_id, changed).status_code == 302
    assert student.send().status_code == 302
    stored = responses(database)[0].answers
    assert element_id not in stored
    assert stored == expected


def test_a_hidden_follow_up_is_marked_for_the_script_and_a_shown_one_is_not(
    student: Student,
) -> None:
    student.start()
    student.answer_everything(core_answers())
    follow_up = parse(student.client.get(student.page_url("alcohol")).data).by_id("el-alc_30d")
    assert "cond-off" in follow_up.classes
    assert json.loads(follow_up.attrs["data-show-if"]) == {">": [{"var": "alc_lifetime"}, 1]}
    student.post("alcohol", {"alc_lifetime": 4})
    follow_up = parse(student.client.get(student.page_url("alcohol")).data).by_id("el-alc_30d")
    assert "cond-off" not in follow_up.classes
