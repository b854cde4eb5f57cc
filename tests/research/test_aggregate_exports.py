"""Aggregate downloads (CSV package, JSON, XLSX, API, CLI) carry the engine's numbers and its
suppression, and nothing else."""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from frictionless import Package
from sqlalchemy import select

from oko.cli import main
from oko.indicators import EngineConfig, compute_wave
from oko.models import AuditEntry, Wave
from oko.research.aggregates import IDENTITY_COLUMNS, RESULT_FIELDS
from oko.services.research import exports
from oko.services.results import engine as results
from oko.services.results.engine import Settings
from tests.research.research_factories import (
    committing,
    municipality,
    responses,
    school,
    token,
    user,
    wave,
)

EVIL_NAME = '=HYPERLINK("http://evil.example","click")'
SIZES = {"school-a": 45, "school-b": 38, "school-c": 24, "school-d": 8, "school-e": 50}
SETTINGS = Settings(
    questionnaire_dir=str(Path(__file__).parents[1] / "data" / "research"),
    min_group_size=30,
    min_school_size=20,
)


def build_wave(database) -> str:
    """Two municipalities in one region, five schools (one too small), a researcher token."""
    with committing(database) as session:
        north = municipality(session, "north")
        south = municipality(session, "south")
        row = wave(session)
        for slug, size in SIZES.items():
            town = south if slug == "school-e" else north
            place = school(session, town, slug)
            if slug == "school-c":
                place.name = EVIL_NAME
            responses(session, row, place, size)
        researcher = user(session, "researcher", wave_ids=(row.id,))
        return token(session, researcher)


def load(database):
    with database.session() as session:
        row = session.execute(select(Wave)).scalar_one()
        return results.wave_results(session, row, SETTINGS), exports.wave_aggregates(
            session, row, exports.Scope(), SETTINGS
        )


def files(database, file_format: str) -> dict[str, bytes]:
    with database.session() as session:
        row = session.execute(select(Wave)).scalar_one()
        out, _rows = exports.aggregate_files(session, row, exports.Scope(), file_format, SETTINGS)
        return out


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_csv_equals_engine_results(app: Flask, database) -> None:
    build_wave(database)
    loaded, _ = load(database)
    engine = loaded.results
    by_id = {name.id: area for area, name in loaded.areas.items()}
    rows = csv_rows(files(database, "csv")["results.csv"])
    assert rows, "no results"
    engine_rows = {
        (r["indicator"], r["level"], r["area"], r["group"], r["group_code"]): r
        for r in engine.to_rows()
    }
    published = 0
    for row in rows:
        area = by_id[row["area"]]
        group_kind, _, code = row["group"].partition("=")
        key = (
            row["indicator"],
            area.level.value,
            area.code,
            group_kind,
            int(code) if code else None,
        )
        expected = engine_rows[key]
        assert (row["suppressed"] == "true") == expected["suppressed"]
        # One neutral reason, whatever the engine's cause: it must not tell the hidden value.
        assert row["suppression_reason"] == ("hidden" if expected["suppressed"] else "")
        if expected["suppressed"]:
            continue
        published += 1
        for ours, theirs in (
            ("estimate", "value"),
            ("ci_lower", "lower"),
            ("ci_upper", "upper"),
            ("se", "se"),
            ("n_effective", "n_effective"),
        ):
            assert float(row[ours]) == expected[theirs], (ours, key)
        assert int(row["n"]) == expected["n"]
        assert int(row["df"]) == expected["df"]
        for name in ("previous_wave", "rest_of_parent", "reference", "trend"):
            for column in ("other_value", "difference", "p_value", "p_adjusted"):
                value = expected[f"{name}_{column}"]
                cell = row[f"{name}_{column}"]
                assert (cell == "") == (value is None)
                if value is not None:
                    assert float(cell) == value
    assert published > 0
    # Every engine row is present except empty groups and the too-small school's rows.
    kept = [
        r
        for r in engine.to_rows()
        if r["reason"] != "no_data"
        and not (r["level"] == "school" and r["area"] == _id(loaded, "school:school-d"))
    ]
    assert len(rows) == len(kept)


def _id(loaded, area_id: str) -> int:
    return next(area.code for area, name in loaded.areas.items() if name.id == area_id)


def test_small_school_never_published(app: Flask, database) -> None:
    build_wave(database)
    for file_format in ("csv", "json", "xlsx"):
        for content in files(database, file_format).values():
            if file_format == "xlsx":
                book = openpyxl.load_workbook(io.BytesIO(content))
                text = " ".join(
                    str(c)
                    for s in book.worksheets
                    for r in s.iter_rows(values_only=True)
                    for c in r
                )
            else:
                text = content.decode("utf-8")
            assert "school-d" not in text and "School D" not in text


#: Result columns holding numbers computed from answers (sizes and df are counts).
VALUE_COLUMNS = tuple(
    f.name for f in RESULT_FIELDS if f.type == "number" and f.name not in ("n_weighted",)
)


def _values(records: list[dict]) -> list[float]:
    out = []
    for record in records:
        for column in VALUE_COLUMNS:
            cell = record[column]
            if cell not in (None, ""):
                out.append(float(cell))
    return out


def _sheet_records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def hidden_values(database, loaded) -> set[float]:
    """What suppressed cells would have shown: the same wave computed with no suppression."""
    with database.session() as session:
        row = session.execute(select(Wave)).scalar_one()
        questionnaire = loaded.questionnaire
        regions = results._region_codes(session)
        current = results._wave_input(session, row, questionnaire, loaded.indicators, regions)
    open_config = EngineConfig(
        min_denominator=1,
        min_school_respondents=1,
        sensitive_small_count=0,
        max_interval_width=2.0,
        max_relative_width=1e9,
    )
    unsuppressed = compute_wave(current, (), loaded.indicators, open_config)
    # Numbers the engine itself publishes somewhere (an estimate, an interval limit, a
    # comparison) are not evidence of a leak when a hidden value happens to equal one.
    published = {
        value
        for row in loaded.results.to_rows()
        if not row["suppressed"]
        for value in row.values()
        if isinstance(value, float) and not math.isnan(value)
    }
    hidden = set()
    for estimate in loaded.results.estimates():
        if estimate.suppressed and estimate.reason.value != "no_data":
            true = unsuppressed.estimate(estimate.indicator, estimate.area, estimate.group)
            if not math.isnan(true.value) and true.value not in published:
                hidden.add(true.value)
    return hidden


def test_no_suppressed_value_in_any_format(app: Flask, client: FlaskClient, database) -> None:
    secret = build_wave(database)
    loaded, aggregates = load(database)
    hidden = hidden_values(database, loaded)
    assert hidden, "the fixture should make the engine suppress something"
    suppressed = [r for r in aggregates.results.records() if r["suppressed"]]
    assert suppressed
    for record in suppressed:
        assert record["suppression_reason"]
        assert all(v is None for k, v in record.items() if k not in IDENTITY_COLUMNS)
    document = json.loads(next(iter(files(database, "json").values())))
    book = openpyxl.load_workbook(io.BytesIO(next(iter(files(database, "xlsx").values()))))
    api_rows = []
    page = 1
    while True:
        body = client.get(
            f"/api/v1/results?wave=2026-autumn&per_page=500&page={page}",
            headers={"Authorization": f"Bearer {secret}"},
        ).get_json()
        api_rows.extend(body["data"])
        if body["links"]["next"] is None:
            break
        page += 1
    assert len(api_rows) == len(aggregates.results.rows)
    numbers = {
        "csv": _values(csv_rows(files(database, "csv")["results.csv"])),
        "json": _values(document["results"]["rows"]),
        "xlsx": _values(_sheet_records(book["results"])),
        "api": _values(api_rows),
    }
    for fmt, found in numbers.items():
        leaked = [
            v for v in found if any(math.isclose(v, h, rel_tol=0, abs_tol=1e-12) for h in hidden)
        ]
        assert not leaked, (fmt, leaked[:5])
    for row in api_rows:
        if row["suppressed"]:
            assert all(v is None for k, v in row.items() if k not in IDENTITY_COLUMNS)


def test_csv_package_validates_and_neutralises_formulas(
    app: Flask, database, tmp_path: Path
) -> None:
    build_wave(database)
    package = files(database, "csv")
    assert set(package) == {
        "results.csv",
        "areas.csv",
        "indicators.csv",
        "items.csv",
        "codes.csv",
        "goals.csv",
        "actions.csv",
        "datapackage.json",
        "README.txt",
    }
    for name, content in package.items():
        (tmp_path / name).write_bytes(content)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    areas = csv_rows(package["areas.csv"])
    names = {row["area"]: row["area_name"] for row in areas}
    assert names["school:school-c"] == "'" + EVIL_NAME
    results_rows = csv_rows(package["results.csv"])
    assert any(r["area_name"] == "'" + EVIL_NAME for r in results_rows)
    assert all(not r["estimate"].startswith("'") for r in results_rows)
    book = openpyxl.load_workbook(io.BytesIO(next(iter(files(database, "xlsx").values()))))
    cells = [c for row in book["areas"].iter_rows(min_row=2) for c in row if c.value == EVIL_NAME]
    assert cells and all(c.data_type == "s" for c in cells)
    numeric = [
        r[RESULT_FIELDS.index(next(f for f in RESULT_FIELDS if f.name == "estimate"))]
        for r in book["results"].iter_rows(min_row=2, values_only=True)
    ]
    assert all(v is None or isinstance(v, float) for v in numeric)


def test_json_and_xlsx_hold_the_same_rows(app: Flask, database) -> None:
    build_wave(database)
    document = json.loads(next(iter(files(database, "json").values())))
    assert set(document) == {
        "about",
        "results",
        "areas",
        "indicators",
        "items",
        "codes",
        "goals",
        "actions",
    }
    csv_table = csv_rows(files(database, "csv")["results.csv"])
    assert len(document["results"]["rows"]) == len(csv_table)
    book = openpyxl.load_workbook(io.BytesIO(next(iter(files(database, "xlsx").values()))))
    sheet_rows = list(book["results"].iter_rows(values_only=True))
    assert list(sheet_rows[0]) == [f.name for f in RESULT_FIELDS]
    # Spreadsheets keep at most 16 significant digits (Excel shows 15): compare floats closely.
    for record, sheet_row in zip(document["results"]["rows"], sheet_rows[1:], strict=True):
        for ours, theirs in zip(record.values(), sheet_row, strict=True):
            if isinstance(ours, float):
                assert math.isclose(ours, theirs, rel_tol=1e-15)
            else:
                assert ours == theirs


def test_api_filters_and_pages(app: Flask, client: FlaskClient, database) -> None:
    secret = build_wave(database)
    headers = {"Authorization": f"Bearer {secret}"}
    base = "/api/v1/results?wave=2026-autumn"
    body = client.get(
        f"{base}&indicator=feels_safe&area=municipality:north&group=all", headers=headers
    ).get_json()
    assert body["meta"]["total"] == 1
    (row,) = body["data"]
    assert (row["indicator"], row["area"], row["group"]) == (
        "feels_safe",
        "municipality:north",
        "all",
    )
    assert row["suppressed"] or 0 <= row["estimate"] <= 1
    page = client.get(f"{base}&per_page=7&page=2", headers=headers).get_json()
    assert page["meta"]["page"] == 2 and len(page["data"]) == 7
    assert page["links"]["prev"] and page["links"]["next"]
    for bad, status in (
        ("indicator=nope", 404),
        ("area=school:school-d", 404),
        ("group=gender=9", 404),
        ("group=everyone", 400),
        ("area=north", 400),
        ("indicator=DROP%20TABLE", 400),
    ):
        response = client.get(f"{base}&{bad}", headers=headers)
        assert response.status_code == status, bad
        assert response.get_json()["error"]["message"]
    total = client.get(base, headers=headers).get_json()["meta"]["pages"]
    assert client.get(f"{base}&page={total + 1}", headers=headers).status_code == 404
    areas = client.get("/api/v1/areas?wave=2026-autumn", headers=headers).get_json()["data"]
    assert {a["area"] for a in areas} >= {
        "municipality:north",
        "municipality:south",
        "school:school-a",
    }
    assert "school:school-d" not in {a["area"] for a in areas}
    indicators = client.get("/api/v1/indicators?wave=2026-autumn", headers=headers).get_json()
    assert [i["indicator"] for i in indicators["data"]][:2] == ["alcohol_lifetime", "alcohol_30d"]


def test_coalition_sees_only_its_municipality(app: Flask, client: FlaskClient, database) -> None:
    build_wave(database)
    with committing(database) as session:
        from oko.models import Municipality

        south = session.execute(
            select(Municipality).where(Municipality.slug == "south")
        ).scalar_one()
        secret = token(
            session, user(session, "coalition", "c@example.org", municipality_id=south.id)
        )
    headers = {"Authorization": f"Bearer {secret}"}
    areas = client.get("/api/v1/areas?wave=2026-autumn", headers=headers).get_json()["data"]
    assert {a["area"] for a in areas} == {
        "region:flevoland",
        "municipality:south",
        "school:school-e",
    }


def test_web_download_is_audited(app: Flask, client: FlaskClient, database) -> None:
    from tests.research.test_api_access import _login_without_csrf

    build_wave(database)
    _login_without_csrf(client, database)
    response = client.get("/research/waves/2026-autumn/aggregates.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "oko-2026-autumn-aggregates/results.csv" in archive.namelist()
    assert client.get("/research/waves/2026-autumn/aggregates.xlsx").status_code == 200
    assert client.get("/research/waves/2026-autumn/aggregates.pdf").status_code == 404
    assert client.get("/research/waves/2026-autumn/aggregates.csv").status_code == 404
    assert client.get("/research/waves/nope/aggregates.zip").status_code == 404
    with database.session() as session:
        entries = (
            session.execute(select(AuditEntry).where(AuditEntry.action == "export.aggregates"))
            .scalars()
            .all()
        )
        assert [e.detail["format"] for e in entries] == ["csv", "xlsx"]


def test_cli_export_aggregates(runner: CliRunner, database, tmp_path: Path) -> None:
    build_wave(database)
    env = {"OKO_QUESTIONNAIRE_DIR": SETTINGS.questionnaire_dir}
    out = tmp_path / "out"
    result = runner.invoke(
        main,
        ["export", "aggregates", "--wave", "2026-autumn", "--format", "csv", "--out", str(out)],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert (out / "datapackage.json").exists() and (out / "results.csv").exists()
    for fmt in ("json", "xlsx"):
        result = runner.invoke(
            main,
            ["export", "aggregates", "--wave", "2026-autumn", "--format", fmt, "--out", str(out)],
            env=env,
        )
        assert result.exit_code == 0, result.output
    assert (out / "oko-2026-autumn-aggregates.xlsx").exists()
    bad = tmp_path / "bad"
    for args in (
        ["--wave", "nope", "--format", "csv"],
        ["--wave", "2026-autumn", "--format", "pdf"],
    ):
        result = runner.invoke(main, ["export", "aggregates", *args, "--out", str(bad)], env=env)
        assert result.exit_code != 0
        assert "Traceback" not in result.output
    assert not bad.exists()


@pytest.mark.parametrize("status", ["open", "planned"])
def test_cli_refuses_unclosed_wave(
    runner: CliRunner, database, tmp_path: Path, status: str
) -> None:
    with committing(database) as session:
        wave(session, status=status)
    result = runner.invoke(
        main, ["export", "aggregates", "--wave", "2026-autumn", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code != 0 and "closes" in result.output
    assert not (tmp_path / "x").exists()
