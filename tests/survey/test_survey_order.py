"""A response comes only from a draft that went through the pages in order.

Posting is checked like visiting: a page beyond the furthest one reached is not saved, the
finish step takes nothing before the last page, and a local copy cannot move a draft on.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import update

from oko.models import Draft, Response, utcnow
from tests.survey.survey_factories import Student, World, core_answers, count, drafts, responses


def _expire(database) -> None:
    with database.transaction() as session:
        session.execute(update(Draft).values(expires_at=utcnow() - timedelta(minutes=1)))


def test_finishing_from_the_first_page_stores_nothing(student: Student, database) -> None:
    """The flood: a client with only the class code starts and sends, again and again."""
    for n in range(20):
        student.client.delete_cookie("oko_draft")
        student.start()
        response = student.send(f"flood{n:027d}")
        assert response.status_code == 302 and response.location.endswith("/p/about_you")
    assert count(database, Response) == 0


def test_finishing_without_a_draft_or_a_copy_stores_nothing(client, database, world: World) -> None:
    assert client.post("/", data={"code": world.code}).status_code == 302
    data = {"submission_id": "b" * 32, "action": "send"}
    response = client.post(f"/s/{world.code}/finish", data=data)
    assert response.status_code == 410
    assert count(database, Response) == 0 and count(database, Draft) == 0


def test_a_page_post_cannot_jump_ahead(routing_student: Student, database) -> None:
    student = routing_student
    student.start()
    response = student.post("mixed", {"feel_school": 2})
    assert response.status_code == 302 and response.location.endswith("/p/first")
    (draft,) = drafts(database)
    assert draft.answers == {} and draft.page_index == 0


def test_the_last_page_only_reaches_the_finish_step_in_order(
    routing_student: Student, database
) -> None:
    student = routing_student
    student.start()
    student.post("first", {"pet": 1})
    assert student.post("mixed", {"feel_school": 2}).location.endswith("/finish")
    assert student.send().status_code == 302
    assert responses(database)[0].answers["pet"] == 1


def test_a_forged_local_copy_without_a_draft_is_refused(client, database, world: World) -> None:
    """A copy claiming every page done, from a client that never went through them."""
    client.get("/?lang=en")
    assert client.post("/", data={"code": world.code}).status_code == 302
    forged = json.dumps({"answers": core_answers(), "furthest": 12})
    for url, extra in (
        (f"/s/{world.code}/recover", {}),
        (f"/s/{world.code}/p/closing", {"action": "next"}),
        (f"/s/{world.code}/finish", {"action": "send", "submission_id": "c" * 32}),
    ):
        response = client.post(url, data={"restore": forged} | extra)
        assert response.status_code == 410, url
        assert "could not be restored" in response.data.decode()
    assert count(database, Response) == 0 and count(database, Draft) == 0


def test_a_local_copy_cannot_move_an_expired_draft_on(student: Student, database) -> None:
    """The copy brings answers back; how far the student got is the server's record."""
    student.start()
    student.post("about_you", {"gender": 2})
    _expire(database)
    forged = json.dumps({"answers": core_answers(), "furthest": 12})
    response = student.send(restore=forged)
    assert response.status_code == 302 and response.location.endswith("/p/wellbeing")
    assert count(database, Response) == 0
    (draft,) = drafts(database)
    assert draft.page_index == 1
    # Answers to pages beyond the one the student was on are not taken from the copy.
    reached = [item.id for page in student.questionnaire.pages[:2] for item in page.items]
    assert set(draft.answers) <= set(reached) and draft.answers["health"] is not None


def test_a_revived_draft_is_sent_once(student: Student, database) -> None:
    student.start()
    everything = core_answers()
    student.answer_everything(everything)
    _expire(database)
    copy = json.dumps({"answers": everything, "furthest": 12})
    assert student.send("d" * 32, restore=copy).status_code == 302
    again = student.send("e" * 32, restore=copy)
    assert again.status_code == 410
    assert count(database, Response) == 1
