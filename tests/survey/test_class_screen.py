"""The coordinator's side: open a session on the web, show the class screen, watch the counts,
close it. Coordinators see their own schools only."""

from __future__ import annotations

import pytest

from oko.services.survey.class_sessions import normalise_code
from tests.survey.html_tree import parse
from tests.survey.survey_factories import (
    Student,
    World,
    class_session,
    core_answers,
    log_in,
    make_world,
    staff,
)


@pytest.fixture
def coordinator(client, database, world: World):
    staff(database, "coordinator", "coord@example.org", (world.school_id,))
    log_in(client, "coord@example.org")
    return client


def test_a_coordinator_opens_a_session_and_sees_the_class_screen(
    coordinator, database, world: World
) -> None:
    page = coordinator.get("/sessions/")
    assert page.status_code == 200
    form = parse(page.data).find("form", class_="open-session")
    assert form.find("select", name="wave_id") and form.find("select", name="school_id")
    response = coordinator.post(
        "/sessions/",
        data={"wave_id": world.wave_id, "school_id": world.school_id, "grade": 4, "label": "4H"},
    )
    assert response.status_code == 302
    screen = coordinator.get(response.location)
    assert screen.status_code == 200
    tree = parse(screen.data)
    shown = tree.find("p", class_="screen-code").text
    code = normalise_code(shown)
    assert code is not None and shown == f"{code[:3]}-{code[3:]}"
    assert tree.find("strong", class_="screen-address").text == "localhost"
    assert f"http://localhost/s/{code}" in tree.find("span", class_="screen-url").text
    svg = tree.find("svg")
    assert svg.attrs["class"] == "qr" and svg.find("title").text == f"QR {shown}"
    assert 'style="' not in screen.data.decode()  # the CSP allows no inline style
    assert tree.find("script", src="/static/js/class-screen.js")


def test_the_counts_follow_students_live(coordinator, app, database, world: World) -> None:
    counts_url = f"/api/sessions/{world.session_id}/counts"
    assert coordinator.get(counts_url).json == {
        "started": 0,
        "finished": 0,
        "in_progress": 0,
        "status": "open",
    }
    first, second = Student(app.test_client(), world), Student(app.test_client(), world)
    first.start()
    second.complete(core_answers())
    assert coordinator.get(counts_url).json == {
        "started": 2,
        "finished": 1,
        "in_progress": 1,
        "status": "open",
    }


def test_closing_on_the_web_stops_the_code(coordinator, app, database, world: World) -> None:
    response = coordinator.post(f"/sessions/{world.session_id}/close")
    assert response.status_code == 302
    assert class_session(database, world.session_id).status == "closed"
    assert app.test_client().post("/", data={"code": world.code}).status_code == 410
    screen = coordinator.get(f"/sessions/{world.session_id}").data.decode()
    assert "no longer works" in screen or "werkt niet meer" in screen


def test_a_coordinator_cannot_see_or_run_another_schools_sessions(
    coordinator, database, world: World
) -> None:
    other = make_world(database, school_slug="school-b")
    for method, url in (
        ("get", f"/sessions/{other.session_id}"),
        ("get", f"/api/sessions/{other.session_id}/counts"),
        ("post", f"/sessions/{other.session_id}/close"),
    ):
        assert getattr(coordinator, method)(url).status_code == 403
    response = coordinator.post(
        "/sessions/", data={"wave_id": other.wave_id, "school_id": other.school_id, "grade": 2}
    )
    assert response.status_code in (400, 403)
    listed = coordinator.get("/sessions/").data.decode()
    assert other.code[:3] + "-" not in listed and world.code[:3] + "-" in listed
    assert class_session(database, other.session_id).status == "open"
    assert coordinator.get("/sessions/999").status_code == 404


def test_admins_see_every_school(client, database, world: World) -> None:
    other = make_world(database, school_slug="school-b")
    staff(database, "admin", "admin@example.org")
    log_in(client, "admin@example.org")
    listed = client.get("/sessions/").data.decode()
    assert world.code[:3] + "-" in listed and other.code[:3] + "-" in listed
    assert client.get(f"/sessions/{other.session_id}").status_code == 200


@pytest.mark.parametrize("role", ["coalition", "researcher"])
def test_other_roles_have_no_access(client, database, world: World, role) -> None:
    staff(database, role, f"{role}@example.org")
    log_in(client, f"{role}@example.org")
    assert client.get("/sessions/").status_code == 403
    assert client.get(f"/sessions/{world.session_id}").status_code == 403
    assert client.get(f"/api/sessions/{world.session_id}/counts").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, world: World) -> None:
    assert client.get("/sessions/").status_code == 302
    assert client.get(f"/api/sessions/{world.session_id}/counts").status_code == 401


def test_a_refused_session_is_explained(coordinator, world: World) -> None:
    response = coordinator.post(
        "/sessions/",
        data={
            "wave_id": world.wave_id,
            "school_id": world.school_id,
            "grade": 2,
            "label": "x" * 41,
        },
    )
    assert response.status_code == 400
