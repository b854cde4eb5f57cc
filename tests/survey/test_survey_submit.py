"""Handing in: exactly once, in one transaction, with quality flags; never half-written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import DateTime, Time, update

from oko.models import Draft, Response, Wave, utcnow
from oko.services.research.microdata import load_records
from oko.services.results.durations import median_duration
from oko.services.survey import class_sessions, submissions
from tests.survey.survey_factories import (
    Student,
    World,
    class_session,
    core_answers,
    count,
    drafts,
    responses,
)


def test_the_same_post_twice_stores_one_response(student: Student, database, world) -> None:
    student.start()
    student.answer_everything(core_answers())
    first = student.send("d" * 32)
    second = student.send("d" * 32)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location == "/thanks/" + "d" * 32
    assert count(database, Response) == 1
    assert class_session(database, world.session_id).finished_count == 1


def test_a_replay_from_another_client_after_the_cookie_is_gone_stores_nothing(
    student: Student, app, database
) -> None:
    student.start()
    student.answer_everything(core_answers())
    student.send("e" * 32)
    replay = app.test_client().post(
        f"/s/{student.code}/finish", data={"submission_id": "e" * 32, "action": "send"}
    )
    assert replay.status_code == 302 and replay.location == "/thanks/" + "e" * 32
    assert count(database, Response) == 1


def test_without_javascript_the_server_supplies_a_stable_submission_id(
    student: Student, database
) -> None:
    from tests.survey.html_tree import parse

    student.start()
    student.answer_everything(core_answers())
    ids = {
        parse(student.client.get(f"/s/{student.code}/finish").data)
        .find("input", name="submission_id")
        .attrs["value"]
        for _ in range(2)
    }
    (submission_id,) = ids
    assert submissions.valid_submission_id(submission_id)
    student.send(submission_id)
    student.send(submission_id)
    assert [r.submission_id for r in responses(database)] == [submission_id]


def test_a_double_click_race_stores_one_response(student: Student, database, world) -> None:
    """Two requests load the same draft before either commits; the loser of the insert race
    finds the winner's response and answers the same (IntegrityError handled)."""
    student.start()
    student.answer_everything(core_answers())
    questionnaire = world.questionnaire
    with database.session() as one, database.session() as two:
        draft_one = one.get(Draft, drafts(database)[0].id)
        draft_two = two.get(Draft, draft_one.id)
        session_one = class_sessions.get(one, world.session_id)
        session_two = class_sessions.get(two, world.session_id)
        now = utcnow()
        # The second request checks for an existing response before the first commits.
        real_find = submissions.find
        calls = []

        def find_nothing_first(session, submission_id):
            calls.append(submission_id)
            return None if len(calls) == 1 else real_find(session, submission_id)

        first = submissions.submit(
            one, draft_one, session_one, questionnaire, submission_id="r" * 32, now=now
        )
        submissions.find = find_nothing_first
        try:
            second = submissions.submit(
                two, draft_two, session_two, questionnaire, submission_id="r" * 32, now=now
            )
        finally:
            submissions.find = real_find
    assert first.created and not second.created
    assert count(database, Response) == 1
    assert class_session(database, world.session_id).finished_count == 1


def test_a_submission_id_of_another_questionnaire_is_refused(
    student: Student, app, database, world: World
) -> None:
    student.complete(core_answers(), submission_id="s" * 32)
    other = Student(app.test_client(), world)
    other.start()
    other.answer_everything(core_answers())
    response = other.send("s" * 32)
    assert response.status_code == 400
    assert count(database, Response) == 1 and count(database, Draft) == 1


@pytest.mark.parametrize("submission_id", ["", "short", "x" * 65, "has space in it....", "ü" * 20])
def test_a_malformed_submission_id_is_refused(student: Student, database, submission_id) -> None:
    student.start()
    student.answer_everything(core_answers())
    response = student.send(submission_id)
    assert response.status_code == 400
    assert count(database, Response) == 0 and count(database, Draft) == 1


def test_a_server_error_during_submit_leaves_nothing_half_written(
    student: Student, database, world, monkeypatch
) -> None:
    student.start()
    student.answer_everything(core_answers())

    def fail(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(class_sessions, "record_finished", fail)
    with pytest.raises(RuntimeError):
        student.send("h" * 32)
    assert count(database, Response) == 0
    assert count(database, Draft) == 1
    assert class_session(database, world.session_id).finished_count == 0
    monkeypatch.undo()
    assert student.send("h" * 32).status_code == 302
    assert count(database, Response) == 1 and count(database, Draft) == 0


def test_a_failing_commit_rolls_back_everything(
    student: Student, database, world, monkeypatch
) -> None:
    """The response insert, the draft deletion and the counter are one transaction."""
    from sqlalchemy.orm import Session

    student.start()
    student.answer_everything(core_answers())
    real_commit = Session.commit

    def commit_then_fail(self):
        if any(isinstance(obj, Response) for obj in self.identity_map.values()):
            self.flush()  # everything has reached the database, uncommitted
            raise RuntimeError("connection lost at commit")
        return real_commit(self)

    monkeypatch.setattr(Session, "commit", commit_then_fail)
    with pytest.raises(RuntimeError):
        student.send("k" * 32)
    monkeypatch.undo()
    assert count(database, Response) == 0 and count(database, Draft) == 1
    assert class_session(database, world.session_id).finished_count == 0


def test_students_inside_may_finish_after_the_session_is_closed(
    student: Student, database, world
) -> None:
    student.start()
    student.answer_everything(core_answers())
    with database.session() as session:
        class_sessions.close_session(
            session, class_sessions.get(session, world.session_id), actor=None
        )
    assert student.send().status_code == 302
    assert count(database, Response) == 1


def test_a_closed_wave_takes_nothing_more(student: Student, database, world) -> None:
    student.start()
    student.answer_everything(core_answers())
    with database.transaction() as session:
        session.execute(update(Wave).values(status="closed"))
    response = student.send()
    assert response.status_code == 410
    assert "closed" in response.data.decode()
    assert count(database, Response) == 0


FLAG_CASES = [
    ({"relevin_lifetime": 2}, ["fictitious_drug"]),
    # Never drank alcohol in 30 days but drunk in 30 days: inconsistent.
    ({"alc_lifetime": 3, "alc_30d": 1, "drunk_lifetime": 2, "drunk_30d": 3}, ["inconsistent"]),
    (
        {
            **{f"mood_{r}": 3 for r in ("cheerful", "sad", "calm", "worried", "lonely")},
            **{
                f"sch_{r}": 3
                for r in ("teachers_care", "safe", "belong", "teachers_fair", "rules_clear")
            },
            **{f"par_know_{r}": 3 for r in ("where", "with_whom", "friends", "friends_parents")},
        },
        ["straightlining"],
    ),
]


@pytest.mark.parametrize(("overrides", "flags"), FLAG_CASES)
def test_quality_flags_are_stored_with_the_response(
    student: Student, database, overrides, flags
) -> None:
    student.complete(core_answers(**overrides))
    assert responses(database)[0].quality_flags == flags


def test_too_many_missing_core_items_is_flagged(student: Student, database) -> None:
    student.start()
    student.answer_everything({})  # Next through every page without answering
    student.send()
    stored = responses(database)[0]
    assert stored.quality_flags == ["too_many_missing"]
    assert stored.answers["gender"] is None and "alc_30d" not in stored.answers


def _timed_response(world, number: int, seconds: int) -> Response:
    return Response(
        submission_id=f"earlier-{number:0>16}",
        wave_id=world.wave_id,
        school_id=world.school_id,
        grade=2,
        questionnaire_id="oko-core",
        questionnaire_version=world.questionnaire.version,
        language="nl",
        answers={},
        duration_seconds=seconds,
    )


def test_too_fast_is_judged_at_analysis_against_the_waves_median(
    student: Student, app, database, world
) -> None:
    # Three earlier students took 18-25 minutes; this one takes a few seconds.
    with database.transaction() as session:
        session.add_all(_timed_response(world, n, m * 60) for n, m in enumerate((18, 20, 25)))
    student.complete(core_answers())
    assert responses(database)[-1].quality_flags == [], "the submit does not judge it"
    with database.session() as session:
        assert median_duration(session, world.wave_id) == 19 * 60
        wave = session.get(Wave, world.wave_id)
        records = load_records(session, wave, world.questionnaire.quality.too_fast_share_of_median)
    assert [record.quality_flags for record in records] == [(), (), (), ("too_fast",)]


def test_the_first_response_of_a_wave_is_not_judged_too_fast(student: Student, database) -> None:
    with database.session() as session:
        assert median_duration(session, 1) is None
    student.complete(core_answers())
    assert responses(database)[0].quality_flags == []


def test_the_median_of_an_even_number_of_durations(database, world) -> None:
    with database.transaction() as session:
        session.add_all(_timed_response(world, n, s) for n, s in enumerate((100, 400, 200, 300)))
    with database.session() as session:
        assert median_duration(session, world.wave_id) == 250


def test_the_completion_time_runs_from_start_to_submit(student: Student, database) -> None:
    student.start()
    student.answer_everything(core_answers())
    with database.transaction() as session:
        session.execute(update(Draft).values(started_at=utcnow() - timedelta(minutes=17)))
    before = utcnow()
    student.send()
    stored = responses(database)[0]
    assert stored.duration_seconds in (17 * 60, 17 * 60 + 10), "rounded to ten seconds"
    assert stored.submitted_on in (before.date(), utcnow().date())


def test_a_response_keeps_no_exact_instant(student: Student, database) -> None:
    """Only the day and a rounded duration: nothing to match a response to who sat where."""
    assert not [
        column.name
        for column in Response.__table__.columns
        if isinstance(column.type, DateTime | Time)
    ]
    student.complete(core_answers())
    assert count(database, Draft) == 0, "the draft's start time goes with the draft"
