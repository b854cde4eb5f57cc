"""Back and Next keep answers, required items, routing past empty pages, resuming later."""

from __future__ import annotations

import json

from tests.survey.html_tree import parse
from tests.survey.survey_factories import Student, drafts, responses


def _checked(html: bytes, name: str) -> list[str]:
    tree = parse(html)
    return [
        node.attrs["value"] for node in tree.find_all("input", name=name) if "checked" in node.attrs
    ]


def test_back_and_next_keep_answers(routing_student: Student, database) -> None:
    student = routing_student
    student.start()
    assert student.post("first", {"pet": 2, "age": 12, "kinds": [1, 3]}).location.endswith(
        "/p/pet_page"
    )
    back = student.post("pet_page", {"pet_walks": 2}, action="back")
    assert back.status_code == 302 and back.location.endswith("/p/first")
    first = student.client.get(back.location).data
    assert _checked(first, "q_pet") == ["2"]
    assert _checked(first, "q_kinds") == ["1", "3"]
    assert parse(first).by_id("q_age").attrs["value"] == "12"
    # Back saved the page it left, too.
    assert drafts(database)[0].answers["pet_walks"] == 2
    forward = student.post("first", {"pet": 2, "age": 12, "kinds": [1, 3]})
    assert _checked(student.client.get(forward.location).data, "q_pet_walks") == ["2"]


def test_a_required_item_is_asked_for_with_a_message(routing_student: Student, database) -> None:
    student = routing_student
    student.start()
    response = student.post("first", {"age": 12})
    assert response.status_code == 200
    tree = parse(response.data)
    assert "Please answer this question." in tree.by_id("el-pet").text
    assert "Do you have a pet?" in tree.find(class_="error-summary").text
    assert tree.by_id("q_age").attrs["value"] == "12"  # what was typed stays
    assert drafts(database)[0].answers == {}
    # Back is allowed without answering.
    assert student.post("first", {"age": 12}, action="back").status_code == 302


def test_a_page_whose_questions_are_all_routed_past_is_skipped(routing_student: Student) -> None:
    student = routing_student
    student.start()
    response = student.post("first", {"pet": 1})
    assert response.location.endswith("/p/mixed")
    # Asking for the skipped page leads back to where the student is.
    skipped = student.client.get(student.page_url("pet_page"))
    assert skipped.status_code == 302 and skipped.location.endswith("/p/mixed")
    back = student.post("mixed", {}, action="back")
    assert back.location.endswith("/p/first")


def test_a_follow_up_from_an_earlier_page_is_rendered_only_when_shown(
    routing_student: Student,
) -> None:
    student = routing_student
    student.start()
    student.post("first", {"pet": 1})
    tree = parse(student.client.get(student.page_url("mixed")).data)
    # feel_why also reads a grid row on its own page, so it is there for the script, hidden.
    why = tree.by_id("el-feel_why")
    assert "cond-off" in why.classes
    data = json.loads(tree.by_id("survey-form").attrs["data-survey"])
    assert data["context"] == {"pet": 1}
    assert data["page"] == "mixed"


def test_a_student_cannot_jump_ahead(routing_student: Student) -> None:
    student = routing_student
    student.start()
    ahead = student.client.get(student.page_url("mixed"))
    assert ahead.status_code == 302 and ahead.location.endswith("/p/first")
    finish = student.client.get(f"/s/{student.code}/finish")
    assert finish.status_code == 302 and finish.location.endswith("/p/first")
    assert student.client.get(student.page_url("nonsense")).status_code == 404


def test_back_from_the_finish_step_goes_to_the_last_page_shown(routing_student: Student) -> None:
    student = routing_student
    student.start()
    student.post("first", {"pet": 1})
    student.post("mixed", {"feel_school": 2})
    finish = student.client.get(f"/s/{student.code}/finish")
    assert finish.status_code == 200
    back = student.client.post(f"/s/{student.code}/finish", data={"action": "back"})
    assert back.status_code == 302 and back.location.endswith("/p/mixed")


def test_a_student_who_closed_the_tab_continues_where_they_were(
    routing_student: Student,
) -> None:
    student = routing_student
    student.start()
    student.post("first", {"pet": 2})
    student.post("pet_page", {"pet_walks": 1})
    # Back on the first page, then the tab is closed; the same browser comes back later.
    student.client.get(student.page_url("first"))
    entry = student.client.get("/")
    assert f'href="/s/{student.code}"' in entry.data.decode()
    for url in (f"/s/{student.code}", f"/s/{student.code}/intro"):
        resumed = student.client.get(url)
        assert resumed.status_code == 302 and resumed.location.endswith("/p/mixed")
    resumed = student.client.post(f"/s/{student.code}/start")
    assert resumed.location.endswith("/p/mixed")


def test_another_browser_starts_afresh(routing_student: Student, app, database) -> None:
    student = routing_student
    student.start()
    student.post("first", {"pet": 2})
    other = Student(app.test_client(), student.world)
    assert other.start().location.endswith("/p/first")
    assert len(drafts(database)) == 2


def test_required_items_routed_past_are_not_required(routing_student: Student, database) -> None:
    student = routing_student
    student.start()
    student.post("first", {"pet": 1})
    student.post("mixed", {})
    assert student.send().status_code == 302
    stored = responses(database)[0].answers
    # pet_walks was routed past (absent); the grid rows and remarks were shown (None).
    assert stored == {
        "pet": 1,
        "age": None,
        "kinds": None,
        "feel_school": None,
        "feel_home": None,
        "remarks": None,
    }
