"""API authentication, tokens, rate limits, CSRF and microdata access, with JSON errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from oko.models import ApiToken, AuditEntry, MicrodataDownload, utcnow
from oko.services.research import api_tokens, microdata
from tests.research.research_factories import (
    PASSWORD,
    committing,
    municipality,
    responses,
    school,
    token,
    user,
    wave,
)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def assert_json_error(response, status: int) -> None:
    assert response.status_code == status, response.data
    assert response.is_json
    body = response.get_json()
    assert body["error"]["status"] == status
    assert body["error"]["message"]


def test_anonymous_gets_401_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/waves")
    assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer oko_unknown", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer", "Bearer  "],
)
def test_bad_or_unknown_token_gets_401(client: FlaskClient, header: str) -> None:
    assert_json_error(client.get("/api/v1/waves", headers={"Authorization": header}), 401)


def test_token_works_until_revoked(app: Flask, client: FlaskClient, database) -> None:
    with committing(database) as session:
        owner = user(session, "researcher")
        secret = token(session, owner)
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200
    assert response.get_json()["authenticated_by"] == "token"
    token_id = response.get_json()["token"]["id"]
    # A token may revoke itself (no CSRF: it is not a cookie).
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(secret)).status_code == 204
    assert_json_error(client.get("/api/v1/me", headers=bearer(secret)), 401)
    with committing(database) as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
        assert "api_token.revoke" in actions


def test_expired_token_and_disabled_account_refused(client: FlaskClient, database) -> None:
    with committing(database) as session:
        owner = user(session, "researcher")
        secret = token(session, owner)
        other = user(session, "researcher", "other@example.org")
        other_secret = token(session, other)
        row = session.execute(select(ApiToken).where(ApiToken.user_id == owner.id)).scalar_one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        other.active = False
    assert_json_error(client.get("/api/v1/me", headers=bearer(secret)), 401)
    assert_json_error(client.get("/api/v1/me", headers=bearer(other_secret)), 401)


def test_token_is_stored_hashed(app: Flask, database) -> None:
    with committing(database) as session:
        owner = user(session, "researcher")
        secret = token(session, owner)
    with committing(database) as session:
        row = session.execute(select(ApiToken)).scalar_one()
        assert secret not in (row.token_hash, row.prefix)
        assert row.token_hash == api_tokens.hash_secret(secret)
        assert secret.startswith(row.prefix)


def test_tokens_cannot_mint_tokens(client: FlaskClient, database) -> None:
    with committing(database) as session:
        secret = token(session, user(session, "researcher"))
    response = client.post("/api/v1/tokens", json={"name": "x"}, headers=bearer(secret))
    assert_json_error(response, 403)
    with committing(database) as session:
        assert session.execute(select(func.count(ApiToken.id))).scalar_one() == 1


def test_session_token_creation_needs_csrf(csrf_client: FlaskClient, database) -> None:
    with committing(database) as session:
        user(session, "researcher")
    csrf_client.post("/login", data={"email": "researcher@example.org", "password": PASSWORD})
    # The login form itself needs CSRF; log in through the session directly instead.
    with csrf_client.session_transaction() as cookie:
        logged_in = "user_id" in cookie
    if not logged_in:
        _login_without_csrf(csrf_client, database)
    response = csrf_client.post("/api/v1/tokens", json={"name": "laptop"})
    assert_json_error(response, 400)
    with committing(database) as session:
        assert session.execute(select(func.count(ApiToken.id))).scalar_one() == 0


def _login_without_csrf(client: FlaskClient, database) -> None:
    import time

    from oko.services.staff import accounts

    with committing(database) as session:
        account = accounts.get_by_email(session, "researcher@example.org")
        assert account is not None
        secret = client.application.config["SECRET_KEY"]
        with client.session_transaction() as cookie:
            cookie["user_id"] = account.id
            cookie["user_fp"] = accounts.session_fingerprint(account, secret)
            cookie["login_at"] = int(time.time())


def test_session_creates_token_shown_once(client: FlaskClient, database) -> None:
    with committing(database) as session:
        user(session, "researcher")
    _login_without_csrf(client, database)
    response = client.post("/api/v1/tokens", json={"name": "laptop"})
    assert response.status_code == 201
    secret = response.get_json()["secret"]
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    listing = client.get("/api/v1/tokens").get_json()
    assert listing["meta"]["total"] == 1
    assert "secret" not in listing["data"][0]
    for body in ({"name": ""}, {"name": 5}, {"nom": "x"}, ["x"], {"name": "x" * 101}):
        assert_json_error(client.post("/api/v1/tokens", json=body), 400)
    assert_json_error(client.post("/api/v1/tokens", data="{", content_type="application/json"), 400)


def test_cannot_revoke_someone_elses_token(client: FlaskClient, database) -> None:
    with committing(database) as session:
        mine = token(session, user(session, "researcher"))
        other = user(session, "researcher", "b@example.org")
        token(session, other)
        other_id = session.execute(
            select(ApiToken.id).where(ApiToken.user_id == other.id)
        ).scalar_one()
    assert_json_error(client.delete(f"/api/v1/tokens/{other_id}", headers=bearer(mine)), 404)
    assert_json_error(client.delete("/api/v1/tokens/99999", headers=bearer(mine)), 404)


def test_rate_limit_per_account(app_config, request, database) -> None:
    app_config["API_REQUESTS_PER_MINUTE"] = 3
    client = request.getfixturevalue("client")
    with committing(database) as session:
        secret = token(session, user(session, "researcher"))
    statuses = [client.get("/api/v1/me", headers=bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert_json_error(response, 429)
    assert response.headers["Retry-After"] == "60"


def test_failed_token_checks_are_limited(app_config, request) -> None:
    app_config["API_AUTH_FAILURES_PER_MINUTE"] = 2
    client = request.getfixturevalue("client")
    statuses = [
        client.get("/api/v1/me", headers=bearer(f"oko_guess{i}")).status_code for i in range(3)
    ]
    assert statuses == [401, 401, 429]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/waves?page=0",
        "/api/v1/waves?page=abc",
        "/api/v1/waves?per_page=100000",
        "/api/v1/waves?page=-1",
        "/api/v1/waves?colour=red",
        "/api/v1/waves?page=1&page=2",
        "/api/v1/results",
        "/api/v1/results?wave=",
        "/api/v1/areas",
        "/api/v1/waves/2026-autumn/microdata?format=pdf",
    ],
)
def test_bad_parameters_get_400(client: FlaskClient, database, path: str) -> None:
    with committing(database) as session:
        secret = token(session, user(session, "researcher"))
        wave(session)
    assert_json_error(client.get(path, headers=bearer(secret)), 400)


def test_unknown_things_get_404(client: FlaskClient, database) -> None:
    with committing(database) as session:
        secret = token(session, user(session, "researcher"))
    for path in (
        "/api/v1/waves/nope",
        "/api/v1/results?wave=nope",
        "/api/v1/indicators?wave=nope",
        "/api/v1/waves/nope/microdata",
        "/api/v1/no-such-endpoint",
        "/api/v1/waves?page=2",
    ):
        assert_json_error(client.get(path, headers=bearer(secret)), 404)
    assert_json_error(client.post("/api/v1/waves", headers=bearer(secret)), 405)


def test_researcher_sees_only_granted_closed_waves(client: FlaskClient, database) -> None:
    with committing(database) as session:
        granted = wave(session, "granted")
        wave(session, "other")
        still_open = wave(session, "open", status="open")
        owner = user(session, "researcher", wave_ids=(granted.id, still_open.id))
        secret = token(session, owner)
    listing = client.get("/api/v1/waves", headers=bearer(secret)).get_json()
    assert [w["slug"] for w in listing["data"]] == ["granted"]
    assert_json_error(client.get("/api/v1/waves/other", headers=bearer(secret)), 403)
    assert_json_error(client.get("/api/v1/results?wave=other", headers=bearer(secret)), 403)
    assert_json_error(client.get("/api/v1/waves/open", headers=bearer(secret)), 403)


def test_coordinator_token_reads_nothing(client: FlaskClient, database) -> None:
    with committing(database) as session:
        town = municipality(session, "zeewolde")
        place = school(session, town, "school-a")
        secret = token(session, user(session, "coordinator", school_ids=(place.id,)))
    assert_json_error(client.get("/api/v1/waves", headers=bearer(secret)), 403)


def _microdata_setup(database, *, approved: bool, closed_days_ago: int = 400):
    with committing(database) as session:
        town = municipality(session, "zeewolde")
        row = wave(session, closes_at=utcnow() - timedelta(days=closed_days_ago))
        for slug, count in (("school-a", 40), ("school-b", 30), ("school-c", 6)):
            responses(session, row, school(session, town, slug), count)
        researcher = user(session, "researcher", wave_ids=(row.id,))
        admin = user(session, "admin")
        if approved:
            microdata.grant(
                session, researcher, row, "Parental monitoring and alcohol use.", admin=admin
            )
        return token(session, researcher)


def test_researcher_without_grant_gets_403_on_microdata(client: FlaskClient, database) -> None:
    secret = _microdata_setup(database, approved=False)
    assert_json_error(
        client.get("/api/v1/waves/2026-autumn/microdata", headers=bearer(secret)), 403
    )
    with committing(database) as session:
        assert session.execute(select(func.count(MicrodataDownload.id))).scalar_one() == 0


def test_microdata_waits_for_the_embargo(client: FlaskClient, database) -> None:
    secret = _microdata_setup(database, approved=True, closed_days_ago=10)
    response = client.get("/api/v1/waves/2026-autumn/microdata", headers=bearer(secret))
    assert_json_error(response, 403)
    assert "embargo" in response.get_json()["error"]["message"]


def test_approved_researcher_downloads_microdata_audited(client: FlaskClient, database) -> None:
    secret = _microdata_setup(database, approved=True)
    response = client.get("/api/v1/waves/2026-autumn/microdata?format=csv", headers=bearer(secret))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.data.decode()
    assert "comments" not in text.splitlines()[0] and "HYPERLINK" not in text
    assert len(text.splitlines()) == 1 + 76
    assert client.get("/api/v1/waves/2026-autumn/microdata", headers=bearer(secret)).mimetype == (
        "application/zip"
    )
    with committing(database) as session:
        downloads = session.execute(select(MicrodataDownload)).scalars().all()
        assert [d.file_format for d in downloads] == ["csv", "zip"]
        actions = session.execute(select(AuditEntry.action)).scalars().all()
        assert actions.count("microdata.download") == 2
        assert "microdata.grant" in actions


def test_control_characters_are_refused_not_crashing(client: FlaskClient, database) -> None:
    """PostgreSQL refuses NUL in text: such input is a clean 4xx on every database."""
    with committing(database) as session:
        user(session, "researcher")
        secret = token(session, user(session, "researcher", "r2@example.org"))
    _login_without_csrf(client, database)
    assert_json_error(client.post("/api/v1/tokens", json={"name": "a\x00b"}), 400)
    assert_json_error(client.get("/api/v1/waves/a%00b", headers=bearer(secret)), 404)
    assert_json_error(client.get("/api/v1/results?wave=a%00b", headers=bearer(secret)), 404)
    assert_json_error(client.get("/api/v1/waves/a%00b/microdata", headers=bearer(secret)), 404)


def test_huge_ids_are_not_found(client: FlaskClient, database) -> None:
    with committing(database) as session:
        secret = token(session, user(session, "researcher"))
    for token_id in (0, 2**31, 90043951584, 10**30):
        assert_json_error(client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(secret)), 404)


def test_csrf_applies_to_cookies_only(csrf_client: FlaskClient, database) -> None:
    """With CSRF on: a token request needs no CSRF token, a cookie request does."""
    with committing(database) as session:
        owner = user(session, "researcher")
        secret = token(session, owner)
        second = token(session, owner, "second")
        ids = session.execute(select(ApiToken.id).order_by(ApiToken.id)).scalars().all()
    assert csrf_client.delete(f"/api/v1/tokens/{ids[0]}", headers=bearer(secret)).status_code == 204
    _login_without_csrf(csrf_client, database)
    assert_json_error(csrf_client.delete(f"/api/v1/tokens/{ids[1]}"), 400)
    assert csrf_client.get("/api/v1/me", headers=bearer(second)).status_code == 200
