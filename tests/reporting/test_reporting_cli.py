"""``oko report build`` and the report service, against a database holding synthetic data."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from oko import PROJECT_ROOT
from oko.cli import main
from oko.cli import reports as report_cli
from oko.config import DEFAULTS
from oko.db import Database
from oko.indicators import AreaLevel
from oko.models import Municipality, School
from oko.questionnaire import load
from oko.reporting import render_report
from oko.services.demo.synthetic_data import load_sample
from oko.services.results import engine as results
from oko.services.results import reports
from oko.services.results.engine import Settings
from oko.synthetic import generate
from tests.reporting.reporting_helpers import collapse, small_scenario

WAVE = "2026-najaar"


@pytest.fixture
def loaded(runner: CliRunner, database: Database) -> Database:
    """The small scenario (a big and a small municipality, two waves) in the database."""
    results.clear_cache()
    questionnaire = load(PROJECT_ROOT / "questionnaires" / "oko-core.yaml")
    with database.session() as session:
        load_sample(session, generate(small_scenario(), seed=5), questionnaire, seed=5)
    return database


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty folder for output (tmp_path also holds the instance folder)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def build(runner: CliRunner, *args: str):
    return runner.invoke(main, ["report", "build", "--date", "2026-11-23", *args])


def test_builds_a_municipality_report(runner: CliRunner, loaded: Database, out_dir: Path):
    out = out_dir / "groot.pdf"
    result = build(runner, "--municipality", "groot", "--wave", WAVE, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    reader = pypdf.PdfReader(out)
    assert "Grootdorp" in reader.metadata.title
    assert "Hoe gaat het met jongeren in Grootdorp" in collapse(reader.pages[0].extract_text())
    assert sorted(p.name for p in out_dir.iterdir()) == ["groot.pdf"], "no temporary files"


def test_builds_a_school_report_in_english(runner: CliRunner, loaded: Database, out_dir: Path):
    out = out_dir / "school.pdf"
    args = ["--municipality", "groot", "--school", "groot-a", "--lang", "en"]
    result = build(runner, *args, "--wave", WAVE, "--out", str(out))
    assert result.exit_code == 0, result.output
    first = collapse(pypdf.PdfReader(out).pages[0].extract_text())
    assert "How are the students of Groot College A doing?" in first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "nergens"], "Unknown municipality 'nergens'. Known: groot, klein."),
        (["--municipality", "groot", "--wave", "1999"], "Unknown wave '1999'. Known waves: "),
        (
            ["--municipality", "groot", "--school", "nope"],
            "Unknown school 'nope'. Schools of groot: groot-a, groot-b, groot-c.",
        ),
        (
            ["--municipality", "groot", "--school", "klein-a"],
            "School 'klein-a' is not in municipality 'groot'.",
        ),
    ],
)
def test_unknown_names_are_clear_errors(
    runner: CliRunner, loaded: Database, out_dir: Path, args: list[str], message: str
):
    if "--wave" not in args:
        args = [*args, "--wave", WAVE]
    result = build(runner, *args, "--out", str(out_dir / "x.pdf"))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not list(out_dir.iterdir())


def test_school_below_minimum_size_is_refused(
    runner: CliRunner, loaded: Database, out_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("OKO_MIN_SCHOOL_SIZE", "60")
    args = ["--municipality", "klein", "--school", "klein-b", "--wave", WAVE]
    result = build(runner, *args, "--out", str(out_dir / "x.pdf"))
    assert result.exit_code == 1
    assert "School 'klein-b' has" in result.output
    assert "a school report needs at least 60 (MIN_SCHOOL_SIZE)" in result.output
    assert not list(out_dir.iterdir())


def test_unwritable_output_is_refused_before_any_work(runner: CliRunner, out_dir: Path):
    blocker = out_dir / "file.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    for out, message in (
        (out_dir / "missing" / "x.pdf", "does not exist"),
        (blocker / "x.pdf", "does not exist"),
        (out_dir, "is a folder; give a file name"),
    ):
        result = build(runner, "--municipality", "groot", "--wave", WAVE, "--out", str(out))
        assert result.exit_code == 2, result.output
        assert message in result.output
    result = build(runner, "--all", "--wave", WAVE, "--out", str(blocker / "sub"))
    assert result.exit_code == 2
    assert "cannot create folder" in result.output


def test_usage_errors(runner: CliRunner, out_dir: Path):
    out = str(out_dir / "x")
    cases = (
        (["--all", "--municipality", "groot"], "leave out --municipality/--school"),
        ([], "Give --municipality (and optionally --school), or --all."),
        (["--municipality", "groot", "--schools"], "--schools goes with --all"),
    )
    for args, message in cases:
        result = build(runner, *args, "--wave", WAVE, "--out", out)
        assert result.exit_code == 2
        assert message in result.output


def test_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old complete report")

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        report_cli._write_atomically(target, b"%PDF new")
    assert target.read_bytes() == b"old complete report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_all_reports_in_parallel(runner: CliRunner, loaded: Database, out_dir: Path):
    out = out_dir / "reports"
    result = build(runner, "--all", "--schools", "--wave", WAVE, "--jobs", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "2026-najaar-groot-groot-a-nl.pdf",
        "2026-najaar-groot-groot-b-nl.pdf",
        "2026-najaar-groot-groot-c-nl.pdf",
        "2026-najaar-groot-nl.pdf",
        "2026-najaar-klein-klein-a-nl.pdf",
        "2026-najaar-klein-klein-b-nl.pdf",
        "2026-najaar-klein-nl.pdf",
    ]
    assert "Building 7 reports" in result.output
    assert "Wrote 7 reports" in result.output
    for path in out.iterdir():
        assert len(pypdf.PdfReader(path).pages) > 3


def test_service_data_match_the_database(loaded: Database):
    settings = Settings.from_config(DEFAULTS)
    with loaded.session() as session:
        data = reports.report_data(
            session,
            wave=WAVE,
            municipality="groot",
            settings=settings,
            report_date=date(2026, 11, 23),
        )
        town = session.execute(
            select(Municipality).where(Municipality.slug == "groot")
        ).scalar_one()
        schools = session.execute(select(School).where(School.municipality_id == town.id)).scalars()
        pupils = sum(c.pupils for s in schools for c in s.pupil_counts)
        batch = reports.wave_reports(
            session, wave=WAVE, settings=settings, report_date=date(2026, 11, 23), schools=True
        )
    assert data.area.level is AreaLevel.MUNICIPALITY and data.area.code == town.id
    assert data.area_name == town.name and data.region_name == town.region
    assert [w.short for w in data.waves] == ["2024", "2026"]
    assert [r.wave for r in data.results] == ["2024-najaar", WAVE]
    assert data.participation.schools == 3
    assert data.participation.grades == (2, 4)
    assert data.participation.pupils == pupils
    assert data.synthetic and data.weighted
    assert data.questionnaire == "oko-core"
    assert [target.name for target, _ in batch] == [
        "groot",
        "groot-groot-a",
        "groot-groot-b",
        "groot-groot-c",
        "klein",
        "klein-klein-a",
        "klein-klein-b",
    ]
    assert render_report(batch[0][1], "nl") == render_report(data, "nl")


def test_check_reports(runner: CliRunner, out_dir: Path):
    result = runner.invoke(main, ["report", "check"])
    assert result.exit_code == 0, result.output
    assert "OK (2 indicator file(s))" in result.output  # oko-core and oko-basis
    broken = out_dir / "reports"
    shutil.copytree(PROJECT_ROOT / "reports", broken)
    texts = broken / "texts" / "nl.yaml"
    texts.write_text(
        texts.read_text(encoding="utf-8").replace("{previous}:", "{vorige}:"), encoding="utf-8"
    )
    result = runner.invoke(main, ["report", "check", "--reports-dir", str(broken)])
    assert result.exit_code == 1
    assert f"{texts}: key_messages.change: unknown placeholder {{vorige}}" in result.output
    assert "must use the placeholder {previous}" in result.output
