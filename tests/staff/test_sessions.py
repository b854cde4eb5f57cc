"""Logging out, changing a password, a reset and disabling end every session of the account
on the server: a cookie copied before stops working, in any browser."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from oko.cli import main
from oko.services.staff import accounts
from tests.staff import staff_factories as f

NEW_PASSWORD = "brand new secret"


def _setup(app: Flask) -> None:
    with app.extensions["oko.db"].session() as session:
        town = f.municipality(session)
        f.user(session, "coalition", municipality_row=town)
        f.user(session, "admin")


def _logged_in(
    app: Flask, email: str = "coalition@example.org", password: str = f.PASSWORD
) -> FlaskClient:
    client = app.test_client()
    assert f.login(client, email, password).status_code == 302
    assert client.get("/staff/").status_code == 200
    return client


def _copy(client: FlaskClient, app: Flask) -> FlaskClient:
    """A second browser holding the same session cookie (as if it had been stolen)."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def _goes_to_login(client: FlaskClient) -> bool:
    response = client.get("/staff/")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_cookie_copied_before_logout_does_not_work_after_it(app) -> None:
    _setup(app)
    client = _logged_in(app)
    thief = _copy(client, app)
    assert thief.get("/staff/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert _goes_to_login(thief)
    assert _goes_to_login(client)


def test_logout_ends_the_accounts_sessions_in_other_browsers(app) -> None:
    _setup(app)
    laptop = _logged_in(app)
    phone = _logged_in(app)
    admin = _logged_in(app, "admin@example.org")
    laptop.post("/logout")
    assert _goes_to_login(phone)
    assert admin.get("/staff/").status_code == 200  # another account is not affected


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(app) -> None:
    _setup(app)
    client = _logged_in(app)
    thief = _copy(client, app)
    response = client.post(
        "/account/password",
        data={"current": f.PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert _goes_to_login(thief)


def test_a_reset_and_disabling_end_every_session(app) -> None:
    _setup(app)
    client = _logged_in(app)
    database = app.extensions["oko.db"]
    with database.session() as session:
        user = accounts.get_by_email(session, "coalition@example.org")
        accounts.reset_password(session, user, NEW_PASSWORD, actor_id=None)
    assert _goes_to_login(client)
    client = _logged_in(app, password=NEW_PASSWORD)
    with database.session() as session:
        user = accounts.get_by_email(session, "coalition@example.org")
        accounts.set_active(session, user, False, actor_id=None)
        accounts.set_active(session, user, True, actor_id=None)
    assert _goes_to_login(client)  # enabling again does not revive the old cookie


def test_disabling_from_the_command_line_ends_every_session(app, runner) -> None:
    _setup(app)
    client = _logged_in(app)
    thief = _copy(client, app)
    result = runner.invoke(main, ["user", "disable", "coalition@example.org"])
    assert result.exit_code == 0, result.output
    assert _goes_to_login(client)
    assert _goes_to_login(thief)


def test_a_stale_epoch_in_the_cookie_is_refused(app) -> None:
    _setup(app)
    client = _logged_in(app)
    with app.extensions["oko.db"].session() as session:
        user = accounts.get_by_email(session, "coalition@example.org")
        accounts.log_out(session, user)
    assert _goes_to_login(client)
