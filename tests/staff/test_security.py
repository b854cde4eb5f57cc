"""Security properties of the whole app: CSRF on every state-changing route, error pages
without stack traces in production, security headers and escaping on the staff pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from oko.models import AuditEntry
from oko.web import create_app
from tests.staff import staff_factories as f

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
EVIL = '<img src=x onerror="alert(1)">'


def _csrf_login(client, email: str) -> None:
    page = client.get("/login").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": email, "password": f.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_every_state_changing_route_refuses_a_request_without_csrf_token(csrf_client) -> None:
    app = csrf_client.application
    with app.extensions["oko.db"].session() as session:
        town = f.municipality(session)
        school = f.school(session, town)
        wave = f.wave(session)
        f.class_session(session, wave, school, code="ABCDEFG")
        f.user(session, "admin")
        session.commit()
    _csrf_login(csrf_client, "admin@example.org")
    with app.extensions["oko.db"].session() as session:
        before = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    checked = []
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & STATE_CHANGING
        if not methods or rule.endpoint == "auth.login":
            continue
        values = {name: (1 if name.endswith("_id") else "x") for name in rule.arguments}
        for name, converter in rule._converters.items():
            if hasattr(converter, "items"):
                values[name] = sorted(converter.items)[0]
        url = rule.build(values, append_unknown=False)[1]
        for method in methods:
            response = csrf_client.open(url, method=method, data={"name": "x"})
            assert response.status_code in (400, 401, 403, 404), f"{method} {url}"
            checked.append(rule.endpoint)
    assert {"admin.municipality", "admin.user_change", "auth.logout"} <= set(checked)
    with app.extensions["oko.db"].session() as session:
        after = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    assert after == before, "a request without a CSRF token changed something"


@pytest.fixture
def production_app(app_config, database):
    config = dict(app_config)
    config.pop("TESTING")
    config.update({"ENV": "production", "WTF_CSRF_ENABLED": True})
    app = create_app(config)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    @app.get("/api/boom")
    def api_boom():
        raise RuntimeError("secret internals: password=hunter2")

    yield app
    app.extensions["oko.db"].dispose()


def test_production_errors_leak_no_stack_trace(production_app, caplog) -> None:
    client = production_app.test_client()
    for path in ("/boom", "/api/boom"):
        response = client.get(path + "?lang=en")
        assert response.status_code == 500
        body = response.data.decode()
        for leak in ("Traceback", "RuntimeError", "hunter2", 'File "', "werkzeug"):
            assert leak not in body, (path, leak)
    assert "went wrong on our side" in client.get("/boom?lang=en").data.decode()
    assert client.get("/api/boom").json["error"]["status"] == 500
    assert "hunter2" in caplog.text  # operators still get the details in the log


def test_production_session_cookie_is_secure(production_app) -> None:
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    assert production_app.config["SESSION_COOKIE_HTTPONLY"] is True
    response = production_app.test_client().get("/login?lang=nl")
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_staff_pages_send_security_headers(app, client) -> None:
    with app.extensions["oko.db"].session() as session:
        f.user(session, "admin")
        session.commit()
    f.login(client, "admin@example.org")
    for path in ("/login", "/staff/", "/admin/users", "/monitor/", "/dashboard/"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_names_are_escaped_on_every_staff_page(app, client) -> None:
    with app.extensions["oko.db"].session() as session:
        town = f.municipality(session, "evil", EVIL)
        school = f.school(session, town, "evil-school")
        school.name = EVIL
        wave = f.wave(session, "w1")
        wave.name = EVIL
        f.class_session(session, wave, school).label = EVIL
        admin = f.user(session, "admin")
        admin.name = EVIL
        session.commit()
    f.login(client, "admin@example.org")
    for path in (
        "/staff/",
        "/admin/municipalities",
        "/admin/schools",
        "/admin/waves",
        "/admin/users",
        "/admin/audit",
        "/monitor/w1",
        "/dashboard/",
        "/admin/users/1",
        "/admin/schools/1",
    ):
        body = client.get(path).data.decode()
        assert EVIL not in body, path
    data = client.get("/api/monitor/w1").json
    assert data["schools"][0]["name"] == EVIL  # JSON carries text; monitor.js sets textContent
