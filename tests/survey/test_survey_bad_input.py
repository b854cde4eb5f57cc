"""Bad input gets a clear answer and nothing half-stored: tampered values, unknown fields,
oversized bodies, expired CSRF tokens and expired drafts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import update

from oko.models import ClassSession, Draft, Response, utcnow
from oko.services.survey import class_sessions
from tests.survey.html_tree import parse
from tests.survey.survey_factories import (
    Student,
    World,
    class_session,
    core_answers,
    count,
    drafts,
    responses,
)


def _answers(database) -> dict:
    return drafts(database)[0].answers


@pytest.mark.parametrize(
    ("page_id", "fields", "message"),
    [
        ("about_you", {"q_gender": "9"}, "Please choose one of the answers."),
        ("about_you", {"q_gender": "1; DROP TABLE response"}, "Please choose one of the answers."),
        ("about_you", {"q_gender": ["1", "2"]}, "Please choose one answer."),
        ("about_you", {"q_age": "99"}, "Please enter a number from 10 to 20."),
        ("about_you", {"q_age": "-3"}, "Please enter a number from 10 to 20."),
        ("about_you", {"q_age": "fourteen"}, "Please enter a whole number."),
        ("about_you", {"q_lives_with": ["1", "8"]}, "Please choose one of the answers."),
        ("wellbeing", {"q_mood_sad": "6"}, "Please choose one of the answers."),
        ("closing", {"q_comments": "x" * 501}, "at most 500 characters"),
    ],
)
def test_a_tampered_value_is_refused_and_nothing_is_written(
    student: Student, database, page_id, fields, message
) -> None:
    student.start()
    student.answer_everything(core_answers())
    before = _answers(database)
    valid = {"action": "next"}
    response = student.client.post(student.page_url(page_id), data=valid | fields)
    assert response.status_code == 400
    assert message in response.data.decode()
    assert _answers(database) == before


def test_the_page_comes_back_with_the_message_next_to_the_question(student: Student) -> None:
    student.start()
    response = student.post("about_you", {"gender": 2, "age": 99})
    tree = parse(response.data)
    age = tree.by_id("el-age")
    assert "has-error" in age.classes
    assert tree.by_id("q_age").attrs["value"] == "99"
    assert tree.by_id("q_age").attrs["aria-invalid"] == "true"
    assert "checked" in tree.by_id("q_gender-2").attrs  # the valid answer is still there


def test_an_unknown_field_is_refused(student: Student, database) -> None:
    student.start()
    for extra in ({"q_alc_lifetime": "2"}, {"q_nonsense": "1"}, {"is_admin": "1"}):
        response = student.post("about_you", {"gender": 2}, **extra)
        assert response.status_code == 400
        assert "unknown field" in response.data.decode()
    assert _answers(database) == {}


def test_an_oversized_body_is_refused(student: Student, app, database) -> None:
    student.start()
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = student.post("closing", {"comments": "x" * 20_000})
    assert response.status_code == 400
    assert "too large" in response.data.decode()
    assert _answers(database) == {}


def test_a_post_without_a_csrf_token_keeps_the_answers_and_writes_nothing(
    csrf_student: Student, database
) -> None:
    student = csrf_student
    intro = parse(student.client.get("/").data)  # a session cookie, as a browser has
    assert intro.find("input", name="csrf_token")
    student.client.post("/", data={"code": student.code, "csrf_token": _token(student, "/")})
    student.client.get(f"/s/{student.code}/intro?lang=en")
    start = student.client.post(
        f"/s/{student.code}/start", data={"csrf_token": _token(student, f"/s/{student.code}/intro")}
    )
    assert start.status_code == 302
    response = student.post("about_you", {"gender": 3, "age": 15}, csrf_token="expired-token")
    assert response.status_code == 400
    tree = parse(response.data)
    assert "This page had expired" in tree.text
    assert "checked" in tree.by_id("q_gender-3").attrs
    assert tree.by_id("q_age").attrs["value"] == "15"
    fresh = tree.find("input", name="csrf_token").attrs["value"]
    assert _answers(database) == {}
    # Pressing Next again with the fresh token stores the answers.
    again = student.post("about_you", {"gender": 3, "age": 15}, csrf_token=fresh)
    assert again.status_code == 302
    assert _answers(database)["gender"] == 3


def _token(student: Student, url: str) -> str:
    return parse(student.client.get(url).data).find("input", name="csrf_token").attrs["value"]


@pytest.mark.parametrize(
    "url", ["/", "/s/{code}/start", "/s/{code}/p/about_you", "/s/{code}/finish", "/s/{code}/stop"]
)
def test_every_post_checks_the_csrf_token(csrf_student: Student, database, url) -> None:
    student = csrf_student
    response = student.client.post(url.format(code=student.code), data={"code": student.code})
    assert response.status_code in (400, 302)
    if response.status_code == 302:  # only the code entry and stop pages redirect...
        assert url in ("/s/{code}/stop",)
    assert count(database, Draft) == 0 and count(database, Response) == 0


def _expire(database) -> None:
    with database.transaction() as session:
        session.execute(update(Draft).values(expires_at=utcnow() - timedelta(minutes=1)))


def test_an_expired_draft_is_rebuilt_from_the_browsers_copy(student: Student, database) -> None:
    student.start()
    everything = core_answers()
    student.answer_everything(everything)
    _expire(database)
    restore = json.dumps({"answers": everything, "started": 0, "furthest": 3})
    response = student.post("closing", {"honesty": 2}, action="next", restore=restore)
    assert response.status_code == 302
    assert "notice=recovered" in response.location
    live = [d for d in drafts(database) if d.expires_at > utcnow()]
    # The posted page wins over the local copy (its comment box was emptied).
    expected = everything | {"honesty": 2, "comments": None}
    assert len(live) == 1 and live[0].answers == expected
    assert student.send().status_code == 302
    assert responses(database)[0].answers == expected


def test_without_javascript_an_expired_draft_keeps_the_page_posted(
    student: Student, database, world: World
) -> None:
    student.start()
    student.answer_everything(core_answers())
    _expire(database)
    response = student.post("closing", {"honesty": 2, "comments": "hi"})
    assert response.status_code == 302 and "notice=recovered" in response.location
    page = student.client.get(response.location)
    assert "We restored them" in page.data.decode()
    # The server kept the expired draft: every answer is back, the posted page on top.
    live = [d for d in drafts(database) if d.expires_at > utcnow()]
    assert live[0].answers == core_answers() | {"honesty": 2, "comments": "hi"}
    # Recovering does not count the student twice.
    assert class_session(database, world.session_id).started_count == 1


def test_a_tampered_local_copy_is_refused(student: Student, database) -> None:
    student.start()
    _expire(database)
    for restore in ("not json", '{"answers": {"gender": 7}}', '{"answers": {"ghost": 1}}', "[1]"):
        response = student.post("about_you", {"gender": 2}, restore=restore)
        assert response.status_code == 400
    assert all(d.expires_at < utcnow() for d in drafts(database))
    assert count(database, Response) == 0


def test_an_expired_draft_of_a_closed_session_cannot_be_rebuilt(
    student: Student, database, world: World
) -> None:
    student.start()
    student.post("about_you", {"gender": 2})
    _expire(database)
    with database.session() as session:
        class_sessions.close_session(
            session, session.get(ClassSession, world.session_id), actor=None
        )
    response = student.post("wellbeing", {"health": 1}, restore='{"answers": {"gender": 2}}')
    assert response.status_code == 410
    assert "closed" in response.data.decode()
    assert count(database, Draft) == 1 and count(database, Response) == 0


def test_the_expired_page_offers_to_carry_on(student: Student, database) -> None:
    student.start()
    student.post("about_you", {"gender": 2})
    _expire(database)
    page = student.client.get(student.page_url("wellbeing"))
    assert page.status_code == 200
    tree = parse(page.data)
    assert tree.find("form", id="recover-form").attrs["action"] == f"/s/{student.code}/recover"
    restore = json.dumps({"answers": {"gender": 2, "age": 13}, "furthest": 1})
    carry_on = student.client.post(f"/s/{student.code}/recover", data={"restore": restore})
    assert carry_on.status_code == 302 and carry_on.location.endswith("/p/wellbeing")
    live = [d for d in drafts(database) if d.expires_at > utcnow()]
    # The server's draft (the page posted, items left empty included) and the copy's age.
    answered = {k: v for k, v in live[0].answers.items() if v is not None}
    assert answered == {"gender": 2, "age": 13}


def test_sending_after_expiry_without_a_local_copy_sends_the_kept_draft(
    student: Student, database
) -> None:
    student.start()
    everything = core_answers()
    student.answer_everything(everything)
    _expire(database)
    assert student.send().status_code == 302
    assert responses(database)[0].answers == everything


def test_sending_without_the_draft_or_its_cookie_is_explained(student: Student, database) -> None:
    student.start()
    everything = core_answers()
    student.answer_everything(everything)
    _expire(database)
    student.client.delete_cookie("oko_draft")
    response = student.send(restore=json.dumps({"answers": everything, "furthest": 12}))
    assert response.status_code == 410
    assert "could not be restored" in response.data.decode()
    assert count(database, Response) == 0


def test_sending_after_expiry_with_the_local_copy_stores_the_answers(
    student: Student, database
) -> None:
    student.start()
    everything = core_answers()
    student.answer_everything(everything)
    _expire(database)
    response = student.send(restore=json.dumps({"answers": everything}))
    assert response.status_code == 302
    assert responses(database)[0].answers == everything


def test_a_copy_that_was_sent_already_is_not_rebuilt(student: Student, database) -> None:
    """Send timed out in the browser but was stored; the student reloads and the expired page
    offers the local copy: the server recognises the submission id and shows the thank-you."""
    student.start()
    everything = core_answers()
    student.answer_everything(everything)
    student.send("w" * 32)
    restore = json.dumps({"answers": everything, "furthest": 12, "submission": "w" * 32})
    for url in (f"/s/{student.code}/recover", student.page_url("closing")):
        response = student.client.post(url, data={"restore": restore})
        assert response.status_code == 302 and response.location == "/thanks/" + "w" * 32
    assert count(database, Draft) == 0 and count(database, Response) == 1
    bad = json.dumps({"answers": {}, "submission": "not an id"})
    assert (
        student.client.post(f"/s/{student.code}/recover", data={"restore": bad}).status_code == 400
    )
