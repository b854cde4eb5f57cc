import pytest
from sqlalchemy import select

from oko.models import AuditEntry
from oko.services.staff import accounts
from tests.staff import staff_factories as f


def _setup(app):
    database = app.extensions["oko.db"]
    with database.session() as session:
        town = f.municipality(session)
        f.user(session, "coalition", municipality_row=town)
        f.user(session, "admin")
    return database


def test_password_is_hashed_with_scrypt(app) -> None:
    database = _setup(app)
    with database.session() as session:
        user = accounts.get_by_email(session, "admin@example.org")
        assert user.password_hash.startswith("scrypt:")
        assert f.PASSWORD not in user.password_hash


def test_login_logout_and_audit(app, client) -> None:
    database = _setup(app)
    assert client.get("/staff/").status_code == 302
    response = f.login(client, "Admin@Example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/staff/").status_code == 302
    with database.session() as session:
        actions = session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
        assert list(actions)[-2:] == ["login.success", "logout"]


def test_wrong_password_and_unknown_account_fail_the_same_way(app, client) -> None:
    database = _setup(app)
    wrong = f.login(client, "admin@example.org", "wrong password!!")
    unknown = f.login(client, "nobody@example.org", "wrong password!!")
    assert wrong.status_code == unknown.status_code == 401
    assert b"do not match" in wrong.data or b"horen niet" in wrong.data
    with database.session() as session:
        entries = session.execute(
            select(AuditEntry).where(AuditEntry.action == "login.failure")
        ).scalars()
        assert sorted(e.detail["reason"] for e in entries) == ["password", "unknown"]


def test_failed_logins_lock_the_account_with_a_clear_message(app, client) -> None:
    _setup(app)
    limit = app.config["LOGIN_ATTEMPTS_PER_MINUTE"]
    for _ in range(limit):
        assert f.login(client, "admin@example.org", "wrong password!!").status_code == 401
    response = f.login(client, "Admin@example.org")  # even the right password, any spelling
    assert response.status_code == 429
    assert b"locked for a minute" in response.data or b"een minuut geblokkeerd" in response.data


def test_successful_logins_are_not_counted(app, client) -> None:
    _setup(app)
    for _ in range(app.config["LOGIN_ATTEMPTS_PER_MINUTE"] * 2):
        assert f.login(client, "admin@example.org").status_code == 302
        client.post("/logout")


def test_a_locked_account_does_not_lock_others_on_the_same_address(app, client) -> None:
    _setup(app)
    for _ in range(app.config["LOGIN_ATTEMPTS_PER_MINUTE"]):
        f.login(client, "admin@example.org", "wrong password!!")
    assert f.login(client, "admin@example.org").status_code == 429
    assert f.login(client, "coalition@example.org").status_code == 302


def test_many_failures_from_one_address_across_accounts_are_stopped(app) -> None:
    _setup(app)
    guesser, colleague = app.test_client(), app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    colleague.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    for n in range(app.config["LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE"]):
        assert f.login(guesser, f"user{n}@example.org", "wrong password!!").status_code == 401
    response = f.login(guesser, "admin@example.org")
    assert response.status_code == 429
    assert b"from this address" in response.data or b"vanaf dit adres" in response.data
    assert f.login(colleague, "admin@example.org").status_code == 302


def test_next_is_followed_only_within_the_site(app, client) -> None:
    _setup(app)
    response = client.post(
        "/login",
        data={"email": "admin@example.org", "password": f.PASSWORD, "next": "//evil.example/x"},
    )
    assert response.headers["Location"] == "/staff/"
    client.post("/logout")
    response = client.post(
        "/login",
        data={"email": "admin@example.org", "password": f.PASSWORD, "next": "/account/password"},
    )
    assert response.headers["Location"] == "/account/password"


@pytest.mark.parametrize(
    "target", ["/staff/\r\nSet-Cookie: x=1", "/\n/evil.example", "/staff/\x00", "/" + "x" * 2000]
)
def test_a_junk_next_falls_back_to_the_overview(app, client, target: str) -> None:
    _setup(app)
    assert client.get("/login", query_string={"next": target}).status_code in (200, 404)  # NUL: 404
    response = client.post(
        "/login", data={"email": "admin@example.org", "password": f.PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] in ("/staff/", target)
    assert "Set-Cookie: x" not in str(response.headers)


def test_disabled_account_and_reset_password_end_open_sessions(app, client) -> None:
    database = _setup(app)
    f.login(client, "coalition@example.org")
    assert client.get("/staff/").status_code == 200
    with database.session() as session:
        user = accounts.get_by_email(session, "coalition@example.org")
        accounts.reset_password(session, user, "another password", actor_id=None)
    assert client.get("/staff/").status_code == 302
    f.login(client, "coalition@example.org", "another password")
    assert client.get("/staff/").status_code == 200
    with database.session() as session:
        user = accounts.get_by_email(session, "coalition@example.org")
        accounts.set_active(session, user, False, actor_id=None)
    assert client.get("/staff/").status_code == 302
    assert f.login(client, "coalition@example.org", "another password").status_code == 401


def test_change_own_password(app, client) -> None:
    _setup(app)
    f.login(client, "admin@example.org")
    response = client.post(
        "/account/password",
        data={"current": f.PASSWORD, "new": "brand new secret", "repeat": "brand new secret"},
    )
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200  # the session was renewed
    client.post("/logout")
    assert f.login(client, "admin@example.org", "brand new secret").status_code == 302


def test_csrf_is_required_on_login_and_logout(csrf_client) -> None:
    _setup(csrf_client.application)
    response = f.login(csrf_client, "admin@example.org")
    assert response.status_code == 400
    assert b"verlopen" in response.data or b"expired" in response.data
    assert csrf_client.post("/logout").status_code == 400


def test_session_cookie_flags(app, client) -> None:
    _setup(app)
    response = f.login(client, "admin@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_staff_session_ends_after_the_configured_hours(app, client) -> None:
    _setup(app)
    f.login(client, "admin@example.org")
    assert client.get("/staff/").status_code == 200
    hours = app.config["STAFF_SESSION_HOURS"]
    with client.session_transaction() as cookie:
        cookie["login_at"] -= hours * 3600 + 1
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/")


def test_a_forged_user_id_without_fingerprint_is_anonymous(app, client) -> None:
    _setup(app)
    with client.session_transaction() as cookie:
        cookie["user_id"] = 1
        cookie["login_at"] = 10**10
    assert client.get("/staff/").status_code == 302
