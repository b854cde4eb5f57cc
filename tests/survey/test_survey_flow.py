"""The whole way through as a student: code, language, introduction, every page, send."""

from __future__ import annotations

from oko.models import Draft, Response
from tests.survey.survey_factories import (
    Student,
    World,
    class_session,
    core_answers,
    count,
    drafts,
    responses,
)


def test_entry_page_asks_for_the_class_code(client, world: World) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.data.decode()
    assert '<label for="code">' in html and 'name="code"' in html


def test_a_student_completes_the_questionnaire(student: Student, database, world: World) -> None:
    answers = core_answers(comments="Nice <b>survey</b>")
    student.complete(answers, submission_id="f" * 32)

    (stored,) = responses(database)
    assert stored.submission_id == "f" * 32
    assert stored.answers == answers
    assert stored.language == "en"
    assert (stored.wave_id, stored.school_id, stored.grade) == (
        world.wave_id,
        world.school_id,
        2,
    )
    assert stored.class_session_id == world.session_id
    assert stored.questionnaire_id == "oko-core"
    assert stored.questionnaire_version == world.questionnaire.version
    assert stored.source == "web"
    assert stored.duration_seconds is not None and stored.duration_seconds >= 0
    assert stored.quality_flags == []
    assert count(database, Draft) == 0
    row = class_session(database, world.session_id)
    assert (row.started_count, row.finished_count) == (1, 1)


def test_the_thank_you_page_shows_where_to_find_help(student: Student) -> None:
    student.complete(core_answers(), submission_id="t" * 32)
    page = student.client.get("/thanks/" + "t" * 32)
    assert page.status_code == 200
    html = page.data.decode()
    assert "Kindertelefoon" in html and "0800-0432" in html
    assert "data-clear-local" in html
    assert student.client.get("/thanks/" + "u" * 32).status_code == 404


def test_dutch_is_stored_as_the_language(student: Student, database) -> None:
    student.start(language="nl")
    page = student.client.get(student.page_url("about_you"))
    assert '<html lang="nl">' in page.data.decode()
    assert "Ben je een jongen of een meisje?" in page.data.decode()
    student.answer_everything(core_answers())
    student.send()
    assert responses(database)[0].language == "nl"


def test_the_language_chosen_at_the_start_is_kept_to_the_end(student: Student, database) -> None:
    student.start(language="nl")
    page = student.client.get(student.page_url("about_you") + "?lang=en")
    assert "Ben je een jongen of een meisje?" in page.data.decode()
    assert 'class="lang-switch"' not in page.data.decode()
    assert drafts(database)[0].language == "nl"


def test_every_page_is_visited_in_order_without_skipped_content(student: Student) -> None:
    student.start()
    visited = student.answer_everything(core_answers())
    assert visited == [page.id for page in student.questionnaire.pages]


def test_starting_counts_the_student_and_declining_stores_nothing(
    client, database, world: World
) -> None:
    client.post("/", data={"code": world.code})
    intro = client.get(f"/s/{world.code}/intro?lang=en")
    assert "may stop" in intro.data.decode()
    assert client.get("/declined").status_code == 200
    assert count(database, Draft) == 0 and count(database, Response) == 0
    assert class_session(database, world.session_id).started_count == 0


def test_stopping_midway_deletes_the_draft(student: Student, database, world: World) -> None:
    student.start()
    student.post("about_you", {"gender": 2})
    assert student.client.get(f"/s/{student.code}/stop").status_code == 200
    response = student.client.post(f"/s/{student.code}/stop")
    assert response.status_code == 302 and response.location == "/declined"
    assert count(database, Draft) == 0 and count(database, Response) == 0
    assert class_session(database, world.session_id).finished_count == 0


def test_the_draft_cookie_is_http_only_and_random(student: Student, database) -> None:
    response = student.start()
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("oko_draft=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    (draft,) = drafts(database)
    assert draft.token_hash != token and len(token) >= 40


def test_pages_are_never_cached(student: Student) -> None:
    student.start()
    page = student.client.get(student.page_url("about_you"))
    assert page.headers["Cache-Control"] == "no-store"
