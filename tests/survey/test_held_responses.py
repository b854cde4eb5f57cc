"""Responses beyond the class size are stored but held out of results until a coordinator
accepts or rejects them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from oko.cli import main
from oko.models import AuditEntry, ClassSession, Response
from oko.services.research import microdata
from oko.services.results import response_columns
from oko.services.survey.class_sessions import response_bound
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


@pytest.mark.parametrize(
    ("pupils", "bound"), [(None, None), (1, 3), (10, 12), (20, 22), (25, 28), (30, 33)]
)
def test_the_bound_is_the_class_size_plus_ten_percent_at_least_two(pupils, bound) -> None:
    assert response_bound(pupils) == bound


def _class_of(database, world: World, pupils: int) -> None:
    with database.transaction() as session:
        session.execute(
            update(ClassSession).where(ClassSession.id == world.session_id).values(pupils=pupils)
        )


def _send_four(app, world: World) -> None:
    """Four students of a class of one (bound 3) send their questionnaire."""
    for n in range(4):
        student = Student(app.test_client(), world)
        student.complete(ANSWERS, submission_id=f"held{n:028d}")


def test_responses_beyond_the_bound_are_held_out_of_results(app, database, world: World) -> None:
    _class_of(database, world, 1)
    _send_four(app, world)
    assert [r.status for r in responses(database)] == ["accepted"] * 3 + ["held"]
    assert class_session(database, world.session_id).finished_count == 4
    with database.session() as session:
        wave = session.get(ClassSession, world.session_id).wave
        assert len(microdata.load_records(session, wave, 0.33)) == 3
        columns = response_columns.wave_columns(
            session, wave, ["gender"], "gender", {"Flevoland": 0}, too_fast_share=0.33
        )
        assert len(columns.psu) == 3


@pytest.fixture
def coordinator(client, database, world: World):
    staff(database, "coordinator", "coord@example.org", (world.school_id,))
    log_in(client, "coord@example.org")
    return client


def test_the_coordinator_sees_held_responses_and_accepts_them(
    coordinator, app, database, world: World
) -> None:
    _class_of(database, world, 1)
    _send_four(app, world)
    listed = coordinator.get("/sessions/?lang=en").data.decode()
    assert "1 held (class of 1)" in listed
    url = f"/sessions/{world.session_id}/held"
    for bad in ({}, {"decision": "maybe"}):
        assert coordinator.post(url, data=bad).status_code == 400
    assert [r.status for r in responses(database)].count("held") == 1
    response = coordinator.post(url, data={"decision": "accept"})
    assert response.status_code == 302
    assert [r.status for r in responses(database)] == ["accepted"] * 4
    with database.session() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
    assert "class_session.accept_held" in actions
    assert "held" not in coordinator.get("/sessions/?lang=en").data.decode().split("<tbody>")[1]


def test_rejected_responses_stay_stored_and_never_count(
    coordinator, app, database, world: World
) -> None:
    _class_of(database, world, 1)
    _send_four(app, world)
    coordinator.post(f"/sessions/{world.session_id}/held", data={"decision": "reject"})
    assert [r.status for r in responses(database)] == ["accepted"] * 3 + ["rejected"]
    assert count(database, Response) == 4


def test_another_schools_coordinator_cannot_decide(coordinator, app, database) -> None:
    other = make_world(database, school_slug="school-b")
    _class_of(database, other, 1)
    _send_four(app, other)
    response = coordinator.post(f"/sessions/{other.session_id}/held", data={"decision": "accept"})
    assert response.status_code == 403
    assert [r.status for r in responses(database)].count("held") == 1


def test_the_class_size_is_entered_when_opening_a_session(
    coordinator, database, world: World
) -> None:
    base = {"wave_id": world.wave_id, "school_id": world.school_id, "grade": 4}
    before = count(database, ClassSession)
    for bad in ("0", "61", "many", "-3"):
        assert coordinator.post("/sessions/", data=base | {"pupils": bad}).status_code == 400
    assert count(database, ClassSession) == before
    response = coordinator.post("/sessions/", data=base | {"pupils": "27"})
    assert response.status_code == 302
    new_id = int(response.location.rsplit("/", 1)[1])
    assert class_session(database, new_id).pupils == 27


def test_the_command_line_takes_the_class_size(runner: CliRunner, database) -> None:
    make_world(database)
    args = ["session", "open", "--wave", "2026-autumn", "--school", "school-a", "--grade", "4"]
    refused = runner.invoke(main, [*args, "--pupils", "0"])
    assert refused.exit_code != 0 and "number of pupils" in refused.output
    assert count(database, ClassSession) == 1
    result = runner.invoke(main, [*args, "--pupils", "24"])
    assert result.exit_code == 0, result.output
    with database.session() as session:
        pupils = session.execute(select(ClassSession.pupils).order_by(ClassSession.id)).all()
    assert [row[0] for row in pupils] == [None, 24]
