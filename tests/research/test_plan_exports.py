"""Goals and actions in the aggregate downloads: the plans of the municipalities a reader may
read, in stable columns, and never those of a municipality outside the reader's access."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

import openpyxl
from flask import Flask
from flask.testing import FlaskClient
from frictionless import Package
from sqlalchemy import select

from oko.models import Action, Goal, Municipality, Wave
from oko.research.plans import ACTION_FIELDS, GOAL_FIELDS
from oko.services.research import exports
from tests.research import research_factories as make
from tests.research.research_factories import committing
from tests.research.test_aggregate_exports import SETTINGS, build_wave
from tests.research.test_api_access import _login_without_csrf


def add_plans(database) -> None:
    """North (in the researcher's wave) and east (only in an older, ungranted wave) each set a
    goal; north also records an action."""
    with committing(database) as session:
        granted = session.execute(select(Wave)).scalar_one()
        older = make.wave(session, "2024-autumn")
        east = make.municipality(session, "east")
        make.responses(session, older, make.school(session, east, "school-east"), 40)
        north = session.execute(
            select(Municipality).where(Municipality.slug == "north")
        ).scalar_one()
        for town, indicator in ((north, "alcohol_30d"), (east, "feels_safe")):
            session.add(
                Goal(
                    municipality=town,
                    indicator=indicator,
                    direction="down",
                    target=0.1,
                    baseline_wave=granted if town is north else older,
                    target_year=2028,
                    group="gender=2",
                    reason='=HYPERLINK("http://evil.example")',
                )
            )
        session.add(
            Action(
                municipality=north,
                what="Parent evenings",
                responsible="Youth work",
                starts_on=date(2026, 3, 1),
                indicator="alcohol_30d",
                status="running",
            )
        )


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_a_researcher_downloads_the_plans_of_the_municipalities_of_a_granted_wave(
    app: Flask, client: FlaskClient, database, tmp_path
) -> None:
    build_wave(database)
    add_plans(database)
    _login_without_csrf(client, database)
    response = client.get("/research/waves/2026-autumn/aggregates.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    stem = "oko-2026-autumn-aggregates"
    goals = rows(archive.read(f"{stem}/goals.csv"))
    actions = rows(archive.read(f"{stem}/actions.csv"))
    assert list(goals[0]) == [spec.name for spec in GOAL_FIELDS]
    assert list(actions[0]) == [spec.name for spec in ACTION_FIELDS]
    # East took part only in a wave this researcher may not read: none of its plans.
    assert [(g["municipality"], g["indicator"], g["group"]) for g in goals] == [
        ("north", "alcohol_30d", "gender=2")
    ]
    assert goals[0]["target"] == "0.1" and goals[0]["target_wave"] == ""
    assert goals[0]["reason"].startswith("'=")  # neutralised like every text cell
    assert [(a["municipality"], a["what"], a["status"]) for a in actions] == [
        ("north", "Parent evenings", "running")
    ]
    assert "goals.csv" in archive.read(f"{stem}/README.txt").decode()
    archive.extractall(tmp_path)
    report = Package(str(tmp_path / stem / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])
    descriptor = json.loads(archive.read(f"{stem}/datapackage.json"))
    described = {r["name"]: r["schema"]["fields"] for r in descriptor["resources"]}
    assert all(field["description"] for field in described["goals"] + described["actions"])

    document = json.loads(client.get("/research/waves/2026-autumn/aggregates.json").data)
    assert [g["municipality"] for g in document["goals"]["rows"]] == ["north"]
    assert document["actions"]["rows"][0]["starts_on"] == "2026-03-01"
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/research/waves/2026-autumn/aggregates.xlsx").data)
    )
    sheet = list(book["goals"].iter_rows(values_only=True))
    assert list(sheet[0]) == [spec.name for spec in GOAL_FIELDS] and len(sheet) == 2
    assert client.get("/research/waves/2024-autumn/aggregates.zip").status_code == 403


def test_a_coalition_member_gets_only_the_plans_of_their_own_municipality(
    app: Flask, client: FlaskClient, database
) -> None:
    build_wave(database)
    add_plans(database)
    with committing(database) as session:
        south = session.execute(
            select(Municipality).where(Municipality.slug == "south")
        ).scalar_one()
        secret = make.token(
            session, make.user(session, "coalition", "c@example.org", municipality_id=south.id)
        )
        south_id = south.id
    with database.session() as session:
        row = session.execute(select(Wave).where(Wave.slug == "2026-autumn")).scalar_one()
        files, _ = exports.aggregate_files(session, row, exports.Scope(south_id), "json", SETTINGS)
        document = json.loads(next(iter(files.values())))
        assert document["goals"]["rows"] == [] and document["actions"]["rows"] == []
        everything, _ = exports.aggregate_files(session, row, exports.Scope(), "csv", SETTINGS)
        assert [g["municipality"] for g in rows(everything["goals.csv"])] == ["north"]
    body = client.get(
        "/api/v1/plans?wave=2026-autumn", headers={"Authorization": f"Bearer {secret}"}
    ).get_json()
    assert body == {"wave": "2026-autumn", "goals": [], "actions": []}
