"""Every route of the app, visited as every role, with the ids and names of ANOTHER
municipality's data: 401 / 302-to-login / 403 / 404, never that data.

The routes come from ``app.url_map``, so a route added later is covered without touching this
file. The victim municipality's rows are created first (so they have id 1 in every table) and
carry the word CANARY in their names; no response to a non-admin may contain it. POSTs are
sent too (CSRF off, so they reach the view), and afterwards the audit log and the victim's
rows prove that nothing was changed.

A route meant for anonymous visitors (students, login, health check) must be listed in
PUBLIC_ENDPOINTS; an unlisted route that answers an anonymous visitor fails this test.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from oko.models import AuditEntry, ClassSession, Municipality, Response, School, User, Wave
from tests.staff.route_world import build_world, client_for, urls

CANARY = b"CANARY"

#: Endpoints anonymous visitors may use: the student survey, login, health check, static files.
PUBLIC_ENDPOINTS = {
    "static",
    "core.healthz",
    "auth.login",
    # The student survey: a class code, no account.
    "survey.entry",
    "survey.enter_code",
    "survey.choose_language",
    "survey.intro",
    "survey.start",
    "survey.declined",
    "survey.page",
    "survey.save_page",
    "survey.recover",
    "survey.finish",
    "survey.submit",
    "survey.thanks",
    "survey.stop",
    "survey.confirm_stop",
    # The research API's description of itself.
    "api.index",
    "api.openapi",
}
DENIED = {400, 401, 403, 404, 405}


@pytest.fixture
def matrix_app(app_config, request):
    app_config["LOGIN_ATTEMPTS_PER_MINUTE"] = 10_000
    app = request.getfixturevalue("app")
    build_world(app)
    return app


def test_every_route_is_covered(matrix_app) -> None:
    endpoints = {endpoint for endpoint, _, _ in urls(matrix_app)}
    assert {"admin.users", "coalition.monitor", "coalition.monitor_data"} <= endpoints


def test_anonymous_visitors_get_nothing_but_public_pages(matrix_app) -> None:
    client = client_for(matrix_app, None)
    problems = []
    for endpoint, method, url in urls(matrix_app):
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(url, method=method)
        status = response.status_code
        to_login = status == 302 and response.headers["Location"].startswith("/login")
        if not (to_login or status in DENIED) or CANARY in response.data:
            problems.append(f"{method} {url} ({endpoint}) -> {status}")
    assert not problems, "anonymous access not refused:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ["coordinator", "coalition", "researcher"])
def test_other_municipality_data_never_shown(matrix_app, role: str) -> None:
    client = client_for(matrix_app, role)
    problems = []
    for endpoint, method, url in urls(matrix_app):
        if endpoint in PUBLIC_ENDPOINTS or endpoint == "auth.logout":
            continue
        response = client.open(url, method=method)
        if response.status_code >= 500 or CANARY in response.data:
            problems.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
        if endpoint.startswith("admin.") and response.status_code != 403:
            problems.append(f"{method} {url} ({endpoint}) -> {response.status_code}, not 403")
    assert not problems, f"{role} saw another municipality's data:\n" + "\n".join(problems)
    _assert_nothing_changed(matrix_app)


def test_admin_reaches_every_page(matrix_app) -> None:
    client = client_for(matrix_app, "admin")
    problems = []
    for endpoint, method, url in urls(matrix_app):
        if method != "GET" or endpoint in PUBLIC_ENDPOINTS:
            continue
        status = client.get(url).status_code
        # Other blueprints may refuse for reasons of their own (e.g. a wave not yet closed).
        staff_page = endpoint.split(".")[0] in ("admin", "auth", "coalition")
        if status >= 500 or status == 401 or (staff_page and status == 403):
            problems.append(f"GET {url} ({endpoint}) -> {status}")
    assert not problems, "\n".join(problems)


def _assert_nothing_changed(app) -> None:
    with app.extensions["oko.db"].session() as session:
        actions = session.execute(
            select(AuditEntry.action).where(
                AuditEntry.user_id.is_not(None), ~AuditEntry.action.startswith("login.")
            )
        ).scalars()
        assert list(actions) == [], "a refused visitor changed something"
        assert session.get(Municipality, 1).name == "CANARY South Town"
        assert session.get(School, 1).name == "CANARY South School"
        assert session.get(Wave, 1).status == "open"
        assert session.get(ClassSession, 1).status == "open"
        assert session.get(User, 1).active
        assert len(session.execute(select(Response)).all()) == 1
