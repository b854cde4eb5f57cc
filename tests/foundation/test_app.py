from pathlib import Path

import pytest

from oko.migrations import NotMigratedError
from oko.web import create_app


def test_refuses_unmigrated_database(tmp_path: Path) -> None:
    with pytest.raises(NotMigratedError, match="Run `oko db upgrade` first"):
        create_app(
            {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
        )


def test_sqlite_runs_in_wal_mode(app) -> None:
    database = app.extensions["oko.db"]
    if not database.is_sqlite:
        pytest.skip("SQLite only")
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_healthz(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_security_headers(client) -> None:
    headers = client.get("/healthz").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_not_found_page_is_friendly_and_translated(client) -> None:
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    assert b"This page does not exist." in response.data
    assert b'<html lang="en">' in response.data
    response = client.get("/no-such-page?lang=nl")
    assert b"Deze pagina bestaat niet." in response.data


def test_api_errors_are_json(client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["status"] == 404


def test_oversized_body_is_refused(client) -> None:
    response = client.post("/healthz", data=b"x" * (300 * 1024))
    assert response.status_code in (405, 413)


def test_database_backend_is_the_one_asked_for(app) -> None:
    """CI runs the suite twice; this fails if the PostgreSQL run silently fell back."""
    import os

    expected = "postgresql" if os.environ.get("OKO_TEST_DATABASE_URL") else "sqlite"
    assert app.extensions["oko.db"].engine.dialect.name == expected
