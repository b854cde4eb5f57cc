"""A student's way through (``oko.questionnaire.routing``), on tests/data's survey-routing.yaml:
page ``first`` (required ``pet``), ``pet_page`` (only with a pet), ``mixed``."""

from pathlib import Path

import pytest

from oko.questionnaire import Questionnaire, load, routing

FINISH = 3


@pytest.fixture
def survey(data_dir: Path) -> Questionnaire:
    return load(data_dir / "survey-routing.yaml")


def test_next_skips_a_page_routed_past_and_ends_on_the_finish_step(survey: Questionnaire) -> None:
    first, _pet_page, mixed = survey.pages
    assert routing.destination(survey, first, {"pet": 1}, forward=True) == 2
    assert routing.destination(survey, first, {"pet": 2}, forward=True) == 1
    assert routing.destination(survey, mixed, {"pet": 1}, forward=True) == FINISH
    assert routing.destination(survey, mixed, {"pet": 1}, forward=False) == 0
    assert routing.destination(survey, first, {}, forward=False) == 0
    assert routing.finish_index(survey) == FINISH
    assert routing.last_shown_index(survey, {"pet": 1}) == 2


def test_merge_lets_the_page_win_and_prunes_what_is_no_longer_asked(
    survey: Questionnaire,
) -> None:
    known = {"pet": 2, "pet_walks": 1, "feel_school": 1, "feel_why": "dog"}
    merged = routing.merge(survey, known, {"pet": 1})
    assert merged == {"pet": 1, "feel_school": 1}


def test_required_items_are_missing_only_where_shown(survey: Questionnaire) -> None:
    first = survey.pages[0]
    assert routing.missing_required(survey, first, {}) == ["pet"]
    assert routing.missing_required(survey, first, {"pet": 1}) == []


def test_pages_may_be_visited_and_posted_only_up_to_the_furthest(survey: Questionnaire) -> None:
    first, pet_page, mixed = survey.pages
    assert routing.may_visit(survey, 0, {}, first)
    assert not routing.may_visit(survey, 0, {}, mixed)
    assert routing.may_visit(survey, 2, {"pet": 1}, mixed)
    # Reached, but routed past: not a page to show.
    assert not routing.may_visit(survey, 2, {"pet": 1}, pet_page)
    assert not routing.may_finish(survey, 2)
    assert routing.may_finish(survey, FINISH)


def test_a_returning_student_resumes_at_the_furthest_page_shown(survey: Questionnaire) -> None:
    assert routing.resume_index(survey, 0, {}) == 0
    assert routing.resume_index(survey, 1, {"pet": 1}) == 2
    assert routing.resume_index(survey, 1, {"pet": 2}) == 1
    assert routing.resume_index(survey, 99, {}) == FINISH


def test_answers_from_a_copy_count_only_for_pages_reached(survey: Questionnaire) -> None:
    copy = {"pet": 2, "age": 12, "pet_walks": 2, "feel_school": 1, "ghost": 3}
    assert routing.reached(survey, copy, 0) == {"pet": 2, "age": 12}
    assert routing.reached(survey, copy, 1) == {"pet": 2, "age": 12, "pet_walks": 2}
    assert routing.reached(survey, copy, FINISH) == {
        "pet": 2,
        "age": 12,
        "pet_walks": 2,
        "feel_school": 1,
    }
