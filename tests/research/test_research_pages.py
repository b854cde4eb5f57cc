"""Researcher pages: downloads, tokens shown once, microdata requests and admin decisions."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

import pyreadstat
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from jinja2.filters import do_filesizeformat
from sqlalchemy import select

from oko.cli import main
from oko.models import ApiToken, AuditEntry, MicrodataDownload, MicrodataGrant, Wave, utcnow
from tests.research.research_factories import (
    PASSWORD,
    committing,
    municipality,
    responses,
    school,
    user,
    wave,
)


def login(client: FlaskClient, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.data


def setup(database, *, closed_days_ago: int = 400) -> None:
    with committing(database) as session:
        town = municipality(session, "zeewolde")
        row = wave(session, closes_at=utcnow() - timedelta(days=closed_days_ago))
        for slug, count in (("school-a", 40), ("school-b", 30), ("school-c", 6)):
            responses(session, row, school(session, town, slug), count)
        user(session, "researcher", wave_ids=(row.id,))
        user(session, "admin")


def test_research_page_lists_granted_waves(app: Flask, client: FlaskClient, database) -> None:
    setup(database)
    login(client, "researcher@example.org")
    page = client.get("/research/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Wave 2026-autumn" in html
    assert "/research/waves/2026-autumn/aggregates.zip" in html


def test_research_page_links_api_openapi_and_codebook(
    app: Flask, client: FlaskClient, database
) -> None:
    setup(database)
    login(client, "researcher@example.org")
    html = client.get("/research/").get_data(as_text=True)
    assert 'href="/api/v1/"' in html and "http://localhost/api/v1/" in html
    assert 'href="/api/v1/openapi.json"' in html
    assert 'href="/research/waves/2026-autumn/codebook.zip"' in html
    assert client.get("/api/v1/openapi.json").status_code == 200

    codebook = client.get("/research/waves/2026-autumn/codebook.zip")
    assert codebook.status_code == 200
    assert codebook.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(codebook.data)).namelist()
    assert sorted(name.rsplit("/", 1)[1] for name in names) == [
        "codes.csv",
        "datapackage.json",
        "indicators.csv",
        "items.csv",
    ]
    assert client.get("/research/waves/nope/codebook.zip").status_code == 404


def test_research_page_shows_the_size_of_every_download(
    app: Flask, client: FlaskClient, database
) -> None:
    """The size shown is the size of the file the link gives."""
    setup(database)
    login(client, "researcher@example.org")
    html = client.get("/research/").get_data(as_text=True)
    links = re.findall(
        r'href="(/research/waves/2026-autumn/[a-z]+\.[a-z]+)">[^<]*'
        r'<span class="file-size">([^<]+)</span>',
        html,
    )
    assert [url.rsplit("/", 1)[1] for url, _ in links] == [
        "aggregates.zip",
        "aggregates.json",
        "aggregates.xlsx",
        "codebook.zip",
    ]
    for url, shown in links:
        size = len(client.get(url).data)
        assert shown == do_filesizeformat(size), url


def test_token_page_shows_secret_once(app: Flask, client: FlaskClient, database) -> None:
    setup(database)
    login(client, "researcher@example.org")
    created = client.post("/research/tokens", data={"name": "laptop"})
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    secret = re.search(r"oko_[A-Za-z0-9_-]{40,}", created.get_data(as_text=True)).group(0)
    again = client.get("/research/tokens").get_data(as_text=True)
    assert secret not in again and secret[:12] in again
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    with database.session() as session:
        token_id = session.execute(select(ApiToken.id)).scalar_one()
    assert client.post(f"/research/tokens/{token_id}/revoke").status_code == 302
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )
    assert client.post("/research/tokens", data={"name": ""}).status_code == 200
    with database.session() as session:
        assert len(session.execute(select(ApiToken)).scalars().all()) == 1


def test_revoke_form_needs_csrf(csrf_client: FlaskClient, database) -> None:
    setup(database)
    page = csrf_client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    csrf_client.post(
        "/login",
        data={"email": "researcher@example.org", "password": PASSWORD, "csrf_token": csrf},
    )
    assert csrf_client.post("/research/tokens", data={"name": "x"}).status_code in (200, 400)
    with database.session() as session:
        assert session.execute(select(ApiToken)).scalars().all() == []


def test_request_approve_download_sav(app: Flask, client: FlaskClient, database) -> None:
    setup(database)
    login(client, "researcher@example.org")
    assert (
        client.post(
            "/research/microdata/request", data={"wave": "2026-autumn", "purpose": "too short"}
        ).status_code
        == 302
    )
    client.post(
        "/research/microdata/request",
        data={"wave": "2026-autumn", "purpose": "Does parental monitoring relate to drinking?"},
    )
    with database.session() as session:
        grant = session.execute(select(MicrodataGrant)).scalar_one()
        assert grant.status == "requested"
    assert client.get(f"/research/microdata/{grant.id}/sav").status_code == 403
    client.post("/logout")
    client.get("/")
    login(client, "admin@example.org")
    assert "Does parental monitoring" in client.get("/research/grants").get_data(as_text=True)
    assert client.post(f"/research/grants/{grant.id}/approve").status_code == 302
    client.post("/logout")
    login(client, "researcher@example.org")
    shown = dict(
        re.findall(
            r'href="/research/microdata/\d+/([a-z]+)">[^<]*<span class="file-size">([^<]+)</span>',
            client.get("/research/").get_data(as_text=True),
        )
    )
    assert set(shown) == {"zip", "sav"}
    for file_format, size in shown.items():
        data = client.get(f"/research/microdata/{grant.id}/{file_format}").data
        assert size == do_filesizeformat(len(data))
    response = client.get(f"/research/microdata/{grant.id}/sav")
    assert response.status_code == 200
    frame, meta = _read_sav(response.data)
    assert len(frame) == 76
    assert meta.variable_value_labels["gender"][1]
    bundle = client.get(f"/research/microdata/{grant.id}/zip")
    names = zipfile.ZipFile(io.BytesIO(bundle.data)).namelist()
    assert {n.split("/")[-1] for n in names} >= {"microdata.csv", "microdata.sav", "values.csv"}
    with database.session() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
        assert {"microdata.request", "microdata.grant", "microdata.download"} <= set(actions)
        assert len(session.execute(select(MicrodataDownload)).scalars().all()) == 4


def _read_sav(data: bytes):
    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(data)
        handle.flush()
        return pyreadstat.read_sav(handle.name)


def test_refused_request_is_explained_in_the_pages_language(
    app: Flask, client: FlaskClient, database
) -> None:
    """The service's refusal reaches a Dutch page in Dutch and an English page in English."""
    setup(database)
    login(client, "researcher@example.org")
    purpose = {"wave": "2026-autumn", "purpose": "Does parental monitoring relate to drinking?"}
    client.post("/research/microdata/request", data=purpose)
    for lang, text in (
        ("nl", "heeft al een lopende aanvraag of toegang voor microdata van meting 2026-autumn"),
        ("en", "already has a requested microdata grant for wave 2026-autumn"),
    ):
        client.get(f"/research/?lang={lang}")
        client.post("/research/microdata/request", data=purpose)
        assert text in client.get("/research/").get_data(as_text=True)
    with database.session() as session:
        assert len(session.execute(select(MicrodataGrant)).all()) == 1


def test_refused_token_name_is_explained_in_dutch(
    app: Flask, client: FlaskClient, database
) -> None:
    setup(database)
    login(client, "researcher@example.org")
    client.get("/research/?lang=nl")
    page = client.post("/research/tokens", data={"name": "lap\x07top"}).get_data(as_text=True)
    assert "Een tokennaam mag geen stuurtekens bevatten." in page
    with database.session() as session:
        assert session.execute(select(ApiToken)).first() is None


def test_other_researchers_grant_is_not_found(app: Flask, client: FlaskClient, database) -> None:
    setup(database)
    runner = CliRunner()
    with committing(database) as session:
        user(session, "researcher", "other@example.org")
    result = runner.invoke(
        main,
        [
            "microdata",
            "grant",
            "--user",
            "other@example.org",
            "--wave",
            "2026-autumn",
            "--purpose",
            "A different project on school climate.",
        ],
        env={
            "OKO_DATABASE_URL": app.config["DATABASE_URL"],
            "OKO_INSTANCE_PATH": app.instance_path,
        },
    )
    assert result.exit_code == 0, result.output
    login(client, "researcher@example.org")
    with database.session() as session:
        grant_id = session.execute(select(MicrodataGrant.id)).scalar_one()
    assert client.get(f"/research/microdata/{grant_id}/zip").status_code == 404


def test_cli_grant_embargo_export_and_revoke(runner: CliRunner, database, tmp_path) -> None:
    setup(database, closed_days_ago=30)
    env = {"OKO_QUESTIONNAIRE_DIR": str(Path(__file__).parents[1] / "data" / "research")}
    purpose = "Parental monitoring and alcohol use, 2026."
    grant = runner.invoke(
        main,
        [
            "microdata",
            "grant",
            "--user",
            "researcher@example.org",
            "--wave",
            "2026-autumn",
            "--purpose",
            purpose,
        ],
        env=env,
    )
    assert grant.exit_code == 0, grant.output
    again = runner.invoke(
        main,
        [
            "microdata",
            "grant",
            "--user",
            "researcher@example.org",
            "--wave",
            "2026-autumn",
            "--purpose",
            purpose,
        ],
        env=env,
    )
    assert again.exit_code != 0 and "already" in again.output
    out = tmp_path / "out"
    early = runner.invoke(main, ["export", "microdata", "--grant", "1", "--out", str(out)], env=env)
    assert early.exit_code != 0 and "embargo" in early.output
    assert not out.exists()
    with committing(database) as session:
        row = session.execute(select(Wave)).scalar_one()
        row.closes_at = utcnow() - timedelta(days=400)
    done = runner.invoke(
        main, ["export", "microdata", "--grant", "1", "--format", "sav", "--out", str(out)], env=env
    )
    assert done.exit_code == 0, done.output
    frame, meta = pyreadstat.read_sav(str(out / "oko-2026-autumn-microdata.sav"))
    assert len(frame) == 76 and "comments" not in meta.column_names
    listing = runner.invoke(main, ["microdata", "list"], env=env)
    assert "approved" in listing.output and "1 downloads" in listing.output
    assert runner.invoke(main, ["microdata", "revoke", "1"], env=env).exit_code == 0
    revoked = runner.invoke(
        main, ["export", "microdata", "--grant", "1", "--out", str(out)], env=env
    )
    assert revoked.exit_code != 0 and "no approved" in revoked.output
    for args in (
        ["microdata", "approve", "99"],
        ["microdata", "revoke", "1"],
        ["export", "microdata", "--grant", "99", "--out", str(out)],
    ):
        result = runner.invoke(main, args, env=env)
        assert result.exit_code != 0 and "Traceback" not in result.output
