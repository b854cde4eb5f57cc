import pytest

from oko.models import Response, School
from oko.services.staff import accounts, admin, authz, fieldwork
from tests.staff import staff_factories as f


def _response(session, wave, school, grade, n=1):
    for _ in range(n):
        session.add(
            Response(
                submission_id=f"s{wave.id}-{school.id}-{grade}-{session.info.setdefault('n', 0)}",
                wave_id=wave.id,
                school_id=school.id,
                grade=grade,
                questionnaire_id="oko-core",
                questionnaire_version="1",
                language="nl",
                answers={},
            )
        )
        session.info["n"] += 1


@pytest.fixture
def world(app):
    """Two municipalities, three schools, an open wave with some sessions and responses."""
    with app.extensions["oko.db"].session() as session:
        north = f.municipality(session, "north")
        south = f.municipality(session, "south")
        a = f.school(session, north, "north-a", pupils={2: 50, 4: 40})
        b = f.school(session, north, "north-b")
        c = f.school(session, south, "south-c", pupils={2: 30})
        wave = f.wave(session)
        s1 = f.class_session(session, wave, a, 2, "AAAAAAA")
        s1.started_count = 25
        f.class_session(session, wave, a, 2, "BBBBBBB").started_count = 3
        f.class_session(session, wave, c, 2, "CCCCCCC").started_count = 9
        _response(session, wave, a, 2, 20)
        _response(session, wave, a, 4, 2)  # imported without a session
        _response(session, wave, c, 2, 9)
        f.user(session, "admin")
        f.user(session, "coalition", "north@example.org", municipality_row=north)
        f.user(session, "coalition", "south@example.org", municipality_row=south)
        f.user(session, "coordinator", "coord-a@example.org", schools=(a,))
        f.user(session, "researcher", "res@example.org", waves=(wave,))
        session.commit()
        return {"wave": wave.slug, "a": a.id, "b": b.id, "c": c.id}


def _report(app, email):
    with app.extensions["oko.db"].session() as session:
        user = accounts.get_by_email(session, email)
        wave = fieldwork.default_wave(session)
        return fieldwork.progress(session, user, wave)


def test_counts_per_school_and_grade(app, world) -> None:
    report = _report(app, "north@example.org")
    assert [s.name for s in report.schools] == ["North A", "North B"]
    school_a = report.schools[0]
    grades = {row.grade: row.progress for row in school_a.grades}
    assert grades[2] == fieldwork.Progress(2, 2, 28, 20, 50, rated=20)
    assert grades[2].response_rate == pytest.approx(0.4)
    assert grades[4] == fieldwork.Progress(
        0, 0, 2, 2, 40, rated=2
    )  # started is never below finished
    assert school_a.total.finished == 22
    assert school_a.total.response_rate == pytest.approx(22 / 90)
    assert report.schools[1].grades == ()
    # North B has no pupil counts: counted, but it does not hide North A's rate.
    assert report.total.pupils == 90
    assert report.total.response_rate == pytest.approx(22 / 90)


def test_scope_per_role(app, world) -> None:
    assert [s.name for s in _report(app, "south@example.org").schools] == ["South C"]
    assert [s.name for s in _report(app, "coord-a@example.org").schools] == ["North A"]
    assert len(_report(app, "admin@example.org").schools) == 3
    with pytest.raises(authz.Forbidden):
        _report(app, "res@example.org")


def test_coalition_cannot_filter_to_another_municipality(app, world) -> None:
    with app.extensions["oko.db"].session() as session:
        user = accounts.get_by_email(session, "north@example.org")
        south_id = admin.municipality_by_slug(session, "south").id
        with pytest.raises(authz.Forbidden):
            fieldwork.scoped_schools(session, user, south_id)


def test_monitor_page_and_json(app, world, client) -> None:
    f.login(client, "north@example.org")
    assert client.get("/monitor/").headers["Location"] == f"/monitor/{world['wave']}"
    page = client.get(f"/monitor/{world['wave']}?lang=en")
    assert page.status_code == 200
    assert b"North A" in page.data and b"South C" not in page.data
    assert b"js/monitor.js" in page.data
    data = client.get(f"/api/monitor/{world['wave']}?lang=en").json
    assert [s["name"] for s in data["schools"]] == ["North A", "North B"]
    assert data["schools"][0]["grades"][0]["response_rate"] == "40%"
    assert data["total"]["finished"] == 22


def test_monitor_json_needs_login_and_the_right_role(app, world, client) -> None:
    assert client.get(f"/api/monitor/{world['wave']}").status_code == 401
    f.login(client, "res@example.org")
    assert client.get(f"/api/monitor/{world['wave']}").status_code == 403
    assert client.get("/monitor/").status_code == 403


def test_admin_can_narrow_to_one_municipality(app, world, client) -> None:
    f.login(client, "admin@example.org")
    data = client.get(f"/api/monitor/{world['wave']}?municipality=south").json
    assert [s["name"] for s in data["schools"]] == ["South C"]
    assert client.get(f"/api/monitor/{world['wave']}?municipality=atlantis").status_code == 404


def _hold(app, code: str, n: int) -> int:
    """Mark ``n`` of North A's grade-2 responses as held in session ``code``; its id."""
    from sqlalchemy import select

    from oko.models import ClassSession

    with app.extensions["oko.db"].session() as session:
        row = session.execute(select(ClassSession).where(ClassSession.code == code)).scalar_one()
        row.pupils = 18
        stored = session.execute(
            select(Response).where(Response.school_id == row.school_id, Response.grade == 2)
        ).scalars()
        for response in list(stored)[:n]:
            response.class_session_id, response.status = row.id, "held"
        session.commit()
        return row.id


def test_held_responses_are_listed_apart_and_not_counted(app, world, client) -> None:
    session_id = _hold(app, "AAAAAAA", 3)
    report = _report(app, "coord-a@example.org")
    assert report.schools[0].total.finished == 19
    (held,) = report.held
    assert (held.session_id, held.school, held.pupils, held.held) == (session_id, "North A", 18, 3)
    assert _report(app, "south@example.org").held == ()
    f.login(client, "north@example.org")
    page = client.get(f"/monitor/{world['wave']}?lang=en").data.decode()
    assert "More questionnaires than pupils" in page and "/held" not in page


def test_a_coordinator_accepts_held_responses_from_the_monitor(app, world, client) -> None:
    session_id = _hold(app, "AAAAAAA", 3)
    f.login(client, "coord-a@example.org")
    page = client.get(f"/monitor/{world['wave']}?lang=en").data.decode()
    assert f"/sessions/{session_id}/held" in page
    response = client.post(
        f"/sessions/{session_id}/held", data={"decision": "accept", "back": "monitor"}
    )
    assert response.status_code == 302 and response.location == "/monitor/"
    assert _report(app, "coord-a@example.org").schools[0].total.finished == 22


def test_class_sizes_opt_outs_and_test_sessions_in_the_monitor(app, world) -> None:
    """North B entered no enrolment: its sized class gives its pupils, its unsized grade is
    counted but left out of the rate, and a test session counts nowhere."""
    with app.extensions["oko.db"].session() as session:
        b = session.get(School, world["b"])
        wave = fieldwork.default_wave(session)
        sized = f.class_session(session, wave, b, 3, "DDDDDDD")
        sized.pupils, sized.opt_outs, sized.absentees = 25, 2, 1
        f.class_session(session, wave, b, 5, "EEEEEEE")
        trial = f.class_session(session, wave, b, 3, "FFFFFFF")
        trial.is_test, trial.started_count, trial.pupils = True, 7, 30
        _response(session, wave, b, 3, 20)
        _response(session, wave, b, 5, 4)
        session.commit()
    school_b = _report(app, "north@example.org").schools[1]
    grades = {row.grade: row.progress for row in school_b.grades}
    assert grades[3] == fieldwork.Progress(1, 1, 20, 20, 25, 2, 1, rated=20)
    assert grades[3].response_rate == pytest.approx(20 / 25)
    assert grades[5].pupils is None and grades[5].response_rate is None
    assert school_b.total.response_rate == pytest.approx(20 / 25)
    assert school_b.total.unrated == 1
    total = _report(app, "north@example.org").total
    assert total.response_rate == pytest.approx((22 + 20) / (90 + 25))


def test_the_monitor_says_how_the_rate_is_computed(app, world, client) -> None:
    f.login(client, "north@example.org")
    page = client.get(f"/monitor/{world['wave']}?lang=en").data.decode()
    assert "Opt-outs and absentees count as not taking part" in page
    assert "The dashboard and the report use the same calculation" in page
