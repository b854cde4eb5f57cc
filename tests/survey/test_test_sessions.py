"""A test session: students' answers flow exactly as in a real session, but are stored as
"test" and never reach the monitor, results, reports, exports, the API or microdata; the
coordinator can delete them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from oko.models import AuditEntry, ClassSession, Municipality, Response, User, Wave
from oko.services.plans import reading
from oko.services.research import exports, microdata
from oko.services.results import dashboard, durations, reports, response_columns
from oko.services.staff import accounts, fieldwork
from tests.survey.survey_factories import (
    Student,
    World,
    class_session,
    count,
    log_in,
    make_world,
    responses,
    staff,
)

ANSWERS = {"gender": 2}


@pytest.fixture
def coordinator(client, database, world: World):
    staff(database, "coordinator", "coord@example.org", (world.school_id,))
    log_in(client, "coord@example.org")
    return client


def _open(coordinator, database, world: World, **extra: str) -> World:
    """A session opened on the coordinator's page; returns the world around it."""
    form = {"wave_id": world.wave_id, "school_id": world.school_id, "grade": 2} | extra
    response = coordinator.post("/sessions/", data=form)
    assert response.status_code == 302, response.data.decode()
    session_id = int(response.location.rsplit("/", 1)[1])
    code = class_session(database, session_id).code
    return World(world.wave_id, world.school_id, session_id, code, world.questionnaire)


def _send(app, world: World, n: int, prefix: str) -> None:
    for i in range(n):
        Student(app.test_client(), world).complete(ANSWERS, submission_id=f"{prefix}{i:030d}")


def test_answers_in_a_test_session_are_stored_as_test(
    coordinator, app, database, world: World
) -> None:
    trial = _open(coordinator, database, world, is_test="y")
    assert class_session(database, trial.session_id).is_test
    _send(app, trial, 2, "tt")
    assert [r.status for r in responses(database)] == ["test", "test"]
    assert class_session(database, trial.session_id).finished_count == 2
    assert "test" in coordinator.get("/sessions/?lang=en").data.decode().split("<tbody>")[1]


def _outputs(database, world: World) -> dict[str, object]:
    """What every output counts of the wave: monitor, results' input, report, microdata,
    durations, and (with the wave closed) dashboard, exports and the API's plans."""
    with database.session() as session:
        wave = session.get(Wave, world.wave_id)
        admin = session.execute(select(User).where(User.role == "admin")).scalar_one()
        coalition = session.execute(select(User).where(User.role == "coalition")).scalar_one()
        town = session.execute(select(Municipality)).scalar_one()
        monitor = fieldwork.progress(session, admin, wave).total
        columns = response_columns.wave_columns(
            session, wave, ["gender"], "gender", {"Flevoland": 0}, too_fast_share=0.33
        )
        figures: dict[str, object] = {
            "monitor": (monitor.sessions_opened, monitor.started, monitor.finished),
            "results": len(columns.psu),
            "report": dict(reports._taking(session, wave).responses),
            "microdata": len(microdata.load_records(session, wave, 0.33)),
            "durations": durations.median_duration(session, wave.id),
        }
        wave.status = "closed"
        session.flush()
        figures["dashboard"] = [w.slug for w in dashboard.result_waves(session, town)]
        figures["exports"] = [w.slug for w in exports.readable_waves(session, coalition)]
        figures["api"] = reading.for_research(session, admin, wave)
        session.rollback()
    return figures


def test_test_responses_appear_in_no_output(coordinator, app, database, world: World) -> None:
    staff(database, "admin", "admin@example.org")
    with database.transaction() as session:
        town = session.execute(select(Municipality)).scalar_one()
        accounts.create_user(
            session,
            email="coalition@example.org",
            password="long enough password",
            role="coalition",
            scope=accounts.Scope(municipality_id=town.id),
        )
    before = _outputs(database, world)
    assert before["monitor"] == (1, 0, 0) and before["dashboard"] == []
    trial = _open(coordinator, database, world, is_test="y")
    _send(app, trial, 3, "tx")
    assert count(database, Response) == 3
    assert _outputs(database, world) == before


def test_the_coordinator_deletes_test_answers_but_not_real_ones(
    coordinator, app, database, world: World
) -> None:
    trial = _open(coordinator, database, world, is_test="y")
    _send(app, trial, 2, "td")
    _send(app, world, 1, "rl")
    refused = coordinator.post(f"/sessions/{world.session_id}/test-responses/delete")
    assert refused.status_code == 422
    assert count(database, Response) == 3
    deleted = coordinator.post(f"/sessions/{trial.session_id}/test-responses/delete")
    assert deleted.status_code == 302
    assert [r.status for r in responses(database)] == ["accepted"]
    assert class_session(database, trial.session_id).finished_count == 0
    with database.session() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
    assert "class_session.delete_test_responses" in actions


def test_another_schools_coordinator_cannot_delete_test_answers(
    coordinator, app, database, world: World
) -> None:
    trial = _open(coordinator, database, world, is_test="y")
    _send(app, trial, 1, "tz")
    elsewhere = make_world(database, school_slug="school-b")
    staff(database, "coordinator", "other@example.org", (elsewhere.school_id,))
    other = app.test_client()
    log_in(other, "other@example.org")
    assert other.post(f"/sessions/{trial.session_id}/test-responses/delete").status_code == 403
    assert count(database, Response) == 1


def test_a_second_session_for_the_same_class_needs_a_confirmation(
    coordinator, database, world: World
) -> None:
    before = count(database, ClassSession)
    form = {"wave_id": world.wave_id, "school_id": world.school_id, "grade": 2, "label": "2B"}
    warned = coordinator.post("/sessions/?lang=en", data=form)
    assert warned.status_code == 422
    assert "already has a session" in warned.data.decode()
    assert 'name="confirm_repeat"' in warned.data.decode()
    assert count(database, ClassSession) == before
    confirmed = coordinator.post("/sessions/", data=form | {"confirm_repeat": "y"})
    assert confirmed.status_code == 302
    assert count(database, ClassSession) == before + 1


def test_only_grades_the_wave_surveys_are_offered(coordinator, database, world: World) -> None:
    page = coordinator.get("/sessions/").data.decode()
    grade_select = page.split('name="grade"', 1)[1].split("</select>", 1)[0]
    offered = [int(v) for v in grade_select.split('value="')[1:] for v in [v.split('"')[0]]]
    codes = world.questionnaire.items["grade"].codes
    assert offered == list(codes)


@pytest.mark.parametrize(
    ("figures", "status"),
    [
        ({"pupils": "20", "opt_outs": "3", "absentees": "2"}, 302),
        ({"pupils": "20", "opt_outs": "15", "absentees": "6"}, 422),
        ({"opt_outs": "1"}, 422),
        ({"pupils": "20", "opt_outs": "-1"}, 400),
        ({"pupils": "many"}, 400),
    ],
)
def test_pupils_opt_outs_and_absentees_are_numbers_that_add_up(
    coordinator, database, world: World, figures, status
) -> None:
    response = coordinator.post(f"/sessions/{world.session_id}/attendance", data=figures)
    assert response.status_code == status
    row = class_session(database, world.session_id)
    stored = (row.pupils, row.opt_outs, row.absentees)
    if status == 302:
        assert stored == (20, 3, 2)
    else:
        assert stored == (None, None, None)
