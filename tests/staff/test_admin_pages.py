from pathlib import Path

import pytest
from sqlalchemy import select

from oko.models import AuditEntry, ClassSession, School, User, Wave
from tests.staff import staff_factories as f

DATA = Path(__file__).parent / "data"


@pytest.fixture
def admin_client(app_config, request):
    app_config["QUESTIONNAIRE_DIR"] = str(DATA)
    app = request.getfixturevalue("app")
    with app.extensions["oko.db"].session() as session:
        f.user(session, "admin")
        f.municipality(session)
        session.commit()
    client = app.test_client()
    f.login(client, "admin@example.org")
    return client


def _actions(app) -> list[str]:
    with app.extensions["oko.db"].session() as session:
        return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_admin_pages_render_in_both_languages(admin_client) -> None:
    for path in [
        "/admin/",
        "/admin/municipalities",
        "/admin/schools",
        "/admin/waves",
        "/admin/users",
        "/admin/audit",
        "/admin/municipalities/new",
        "/admin/schools/new",
        "/admin/waves/new",
        "/admin/users/new",
    ]:
        nl = admin_client.get(path + "?lang=nl")
        assert nl.status_code == 200, path
        en = admin_client.get(path + "?lang=en")
        assert en.status_code == 200, path
        assert nl.data != en.data


def test_create_school_with_pupil_counts_and_edit_it(admin_client) -> None:
    app = admin_client.application
    response = admin_client.post(
        "/admin/schools/new",
        data={
            "name": "Het Baken",
            "slug": "het-baken",
            "municipality_id": 1,
            "school_type": "havo",
            "pupils_2": 120,
            "pupils_4": "98",
        },
    )
    assert response.status_code == 302
    with app.extensions["oko.db"].session() as session:
        school = session.execute(select(School)).scalar_one()
        assert {c.grade: c.pupils for c in school.pupil_counts} == {2: 120, 4: 98}
        school_id = school.id
    page = admin_client.get(f"/admin/schools/{school_id}")
    assert b'value="120"' in page.data
    admin_client.post(
        f"/admin/schools/{school_id}",
        data={
            "name": "Het Baken",
            "slug": "het-baken",
            "municipality_id": 1,
            "pupils_2": 121,
            "pupils_4": "",
        },
    )
    with app.extensions["oko.db"].session() as session:
        school = session.execute(select(School)).scalar_one()
        assert {c.grade: c.pupils for c in school.pupil_counts} == {2: 121}
    assert _actions(app)[-2:] == ["school.create", "school.update"]


def test_duplicate_slug_is_refused_in_the_visitors_language(admin_client) -> None:
    response = admin_client.post(
        "/admin/municipalities/new?lang=nl", data={"name": "Z", "slug": "zeewolde"}
    )
    assert response.status_code == 200
    assert b"De korte naam 'zeewolde' is al in gebruik." in response.data.replace(b"&#39;", b"'")


def test_wave_lifecycle_and_closed_wave_is_read_only(admin_client) -> None:
    app = admin_client.application
    data = {"name": "Autumn 2026", "slug": "2026-autumn", "questionnaire": "staff-mini@1.0"}
    assert admin_client.post("/admin/waves/new", data=data).status_code == 302
    with app.extensions["oko.db"].session() as session:
        wave = session.execute(select(Wave)).scalar_one()
        town = session.execute(select(School)).scalar_one_or_none()
        assert town is None
        school = f.school(session, f.municipality(session, "elsewhere"))
        f.class_session(session, wave, school)
        session.commit()
        wave_id = wave.id
    assert admin_client.post(f"/admin/waves/{wave_id}/open").status_code == 302
    assert admin_client.post(f"/admin/waves/{wave_id}/close").status_code == 302
    with app.extensions["oko.db"].session() as session:
        assert session.get(Wave, wave_id).status == "closed"
        assert session.execute(select(ClassSession.status)).scalar_one() == "closed"
    response = admin_client.post(f"/admin/waves/{wave_id}", data={**data, "name": "Changed"})
    assert response.status_code == 200
    with app.extensions["oko.db"].session() as session:
        assert session.get(Wave, wave_id).name == "Autumn 2026"
    response = admin_client.post(f"/admin/waves/{wave_id}/open", follow_redirects=True)
    assert response.status_code == 200
    assert _actions(app)[-3:] == ["wave.create", "wave.open", "wave.close"]


def test_unknown_questionnaire_is_not_offered(admin_client) -> None:
    data = {"name": "W", "slug": "w", "questionnaire": "made-up@9"}
    response = admin_client.post("/admin/waves/new", data=data)
    assert response.status_code == 200
    with admin_client.application.extensions["oko.db"].session() as session:
        assert session.execute(select(Wave)).first() is None


def test_create_user_shows_password_once_and_scope_is_checked(admin_client) -> None:
    app = admin_client.application
    response = admin_client.post(
        "/admin/users/new",
        data={
            "email": "coal@example.org",
            "name": "Coal",
            "role": "coalition",
            "municipality_id": 0,
        },
    )
    assert response.status_code == 200
    assert (
        b"coalition member needs a municipality" in response.data.lower()
        or b"heeft een gemeente nodig" in response.data
    )
    response = admin_client.post(
        "/admin/users/new",
        data={
            "email": "coal@example.org",
            "name": "Coal",
            "role": "coalition",
            "municipality_id": 1,
        },
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    with app.extensions["oko.db"].session() as session:
        user = session.execute(select(User).where(User.email == "coal@example.org")).scalar_one()
        user_id = user.id
    password = response.data.split(b"<code>")[1].split(b"</code>")[0].decode()
    other = app.test_client()
    assert f.login(other, "coal@example.org", password).status_code == 302
    # disable ends the other session, enable lets them back in; reset shows a new password
    assert admin_client.post(f"/admin/users/{user_id}/disable").status_code == 302
    assert other.get("/staff/").status_code == 302
    admin_client.post(f"/admin/users/{user_id}/enable")
    reset = admin_client.post(f"/admin/users/{user_id}/reset")
    new_password = reset.data.split(b"<code>")[1].split(b"</code>")[0].decode()
    assert new_password != password
    assert f.login(other, "coal@example.org", new_password).status_code == 302
    assert {"user.create", "user.disable", "user.enable", "user.reset_password"} <= set(
        _actions(app)
    )


def test_admin_cannot_disable_themselves(admin_client) -> None:
    response = admin_client.post("/admin/users/1/disable", follow_redirects=True)
    assert response.status_code == 200
    assert admin_client.get("/admin/").status_code == 200


def test_user_entered_names_are_escaped(admin_client) -> None:
    evil = '<script>alert("x")</script>'
    admin_client.post("/admin/municipalities/new", data={"name": evil, "slug": "evil"})
    page = admin_client.get("/admin/municipalities")
    assert evil.encode() not in page.data
    assert b"&lt;script&gt;" in page.data


def test_audit_log_filter(admin_client) -> None:
    page = admin_client.get("/admin/audit?action=login")
    assert b"login.success" in page.data
    assert b"user.create" not in page.data
