"""``oko demo`` end to end on a fresh SQLite instance (without serving).

The demo is built once per module (it renders six PDF reports); each test reads that instance
or works on a copy of it.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader
from sqlalchemy import func, select

from oko.cli import main
from oko.db import Database
from oko.models import ClassSession, Municipality, Response, School, User, Wave
from oko.services.demo import instance as demo_service

CODE = re.compile(r"class code ([A-Z0-9]{3}-[A-Z0-9]{4})")


@pytest.fixture(scope="module", autouse=True)
def sqlite_in_the_instance() -> Iterator[None]:
    """The demo's own database: SQLite in the instance folder, whatever the suite uses."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("OKO_DATABASE_URL", raising=False)
        patch.delenv("OKO_INSTANCE_PATH", raising=False)
        yield


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    instance = tmp_path_factory.mktemp("demo") / "instance"
    return instance, run(instance)


def run(instance: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--instance", str(instance), "demo", "--no-serve", *args])
    assert result.exit_code == 0, result.output
    return result


def open_database(instance: Path) -> Database:
    return Database(f"sqlite:///{instance / 'oko.db'}")


def counts(instance: Path) -> dict[str, int]:
    database = open_database(instance)
    try:
        with database.session() as session:
            return {
                model.__name__: session.execute(
                    select(func.count()).select_from(model)
                ).scalar_one()
                for model in (Municipality, School, Wave, Response, User, ClassSession)
            }
    finally:
        database.dispose()


def test_first_run_builds_everything(built: tuple[Path, Result]) -> None:
    instance, result = built
    found = counts(instance)
    assert found["Municipality"] == 3
    assert found["School"] == 16
    assert found["Wave"] == 4  # three closed, one open
    assert 6000 <= found["Response"] <= 9000
    assert found["User"] == 4
    # Four schools x two grades already took part in the open wave; one class is open now,
    # and the coordinator's test session.
    assert found["ClassSession"] == 33  # one per class of the open wave's fieldwork, + test
    assert CODE.search(result.output)
    for account in demo_service.ACCOUNTS:
        assert account.email in result.output and account.password in result.output
    assert "synthetic" in result.output
    # The story of the data, told by the indicator engine on the latest closed wave.
    assert re.search(r"Zilverhaven \(synthetisch\) +\d+%.*trend better", result.output)
    assert "not starting the server" in result.output


def test_reports_are_written_and_labelled_synthetic(built: tuple[Path, Result]) -> None:
    instance, _ = built
    pdfs = sorted((instance / "reports").glob("*.pdf"))
    assert [p.name for p in pdfs] == sorted(
        f"2026-najaar-{town}-{lang}.pdf"
        for town in ("zilverhaven", "duinrade", "elzenmeer")
        for lang in ("nl", "en")
    )
    first_page = PdfReader(instance / "reports" / "2026-najaar-zilverhaven-nl.pdf").pages[0]
    assert "SYNTHETISCHE DEMODATA" in first_page.extract_text()


def test_open_wave_has_fieldwork_in_progress(built: tuple[Path, Result]) -> None:
    database = open_database(built[0])
    try:
        with database.session() as session:
            wave = session.scalars(select(Wave).where(Wave.status == "open")).one()
            assert wave.slug == demo_service.OPEN_WAVE_SLUG
            sessions = session.scalars(
                select(ClassSession).where(ClassSession.wave_id == wave.id)
            ).all()
            done = [s for s in sessions if s.status == "closed"]
            assert {s.school.slug for s in done} == set(demo_service.FIELDWORK_DONE)
            for class_session in done:
                stored = session.execute(
                    select(func.count()).where(Response.class_session_id == class_session.id)
                ).scalar_one()
                assert stored == class_session.finished_count <= class_session.started_count
                assert wave.opens_at < class_session.opened_at < class_session.closed_at
            (open_session,) = [s for s in sessions if s.status == "open" and not s.is_test]
            assert open_session.school.slug == demo_service.SESSION_SCHOOL
            assert open_session.finished_count == 0
            (trial,) = [s for s in sessions if s.is_test]
            assert trial.school.slug == demo_service.SESSION_SCHOOL
    finally:
        database.dispose()


def test_the_coordinators_fieldwork_documents_are_written(built: tuple[Path, Result]) -> None:
    instance, result = built
    assert "test session" in result.output and "answers never counted" in result.output
    names = sorted(p.name for p in (instance / "fieldwork").glob("*.pdf"))
    assert names == sorted(
        [
            *(
                f"{name}.{lang}.pdf"
                for name in ("parent-letter", "teacher-sheets", "paper-questionnaire")
                for lang in ("nl", "en")
            ),
            *(f"parent-letter.{lang}.pdf" for lang in ("pl", "tr", "uk")),
        ]
    )
    typed_in = (instance / "fieldwork" / "typed-in-example.csv").read_text(encoding="utf-8")
    header, *rows = typed_in.splitlines()
    assert header.startswith("school,grade,") and len(rows) == 4
    assert all(row.startswith(f"{demo_service.SESSION_SCHOOL},") for row in rows)
    assert "typed-in paper questionnaires to try the upload page with" in result.output
    database = open_database(instance)
    try:
        with database.session() as session:
            codes = session.scalars(
                select(ClassSession.code).where(ClassSession.status == "open")
            ).all()
        sheet = " ".join(
            page.extract_text()
            for page in PdfReader(instance / "fieldwork" / "teacher-sheets.en.pdf").pages
        )
        for code in codes:
            assert f"{code[:3]}-{code[3:]}" in sheet
    finally:
        database.dispose()


def test_second_run_reuses_everything(built: tuple[Path, Result]) -> None:
    instance, first = built
    before = counts(instance)
    written = {p: p.stat().st_mtime_ns for p in (instance / "reports").glob("*.pdf")}
    started = time.monotonic()
    second = run(instance)
    assert time.monotonic() - started < 15
    assert "reusing" in second.output and "(reused)" in second.output
    assert counts(instance) == before
    assert {p: p.stat().st_mtime_ns for p in (instance / "reports").glob("*.pdf")} == written
    assert CODE.search(second.output)[1] == CODE.search(first.output)[1]


def test_reset_starts_over(built: tuple[Path, Result], tmp_path: Path) -> None:
    instance = tmp_path / "copy"
    shutil.copytree(built[0], instance)
    before = counts(instance)
    reset = run(instance, "--reset")
    assert "starting over" in reset.output
    assert counts(instance) == before
    assert CODE.search(reset.output)[1] != CODE.search(built[1].output)[1]
    assert "6 PDFs" in reset.output and "6 written" in reset.output


def test_refuses_a_database_that_is_not_the_demos(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    runner = CliRunner()
    assert runner.invoke(main, ["--instance", str(instance), "db", "upgrade"]).exit_code == 0
    database = open_database(instance)
    with database.transaction() as session:
        session.add(Municipality(slug="real", name="Real place", region=""))
    database.dispose()
    result = runner.invoke(main, ["--instance", str(instance), "demo", "--no-serve"])
    assert result.exit_code == 1
    assert "only runs on an empty database" in result.output
    assert counts(instance)["Response"] == 0


def test_reset_deletes_only_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKO_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/elsewhere")
    result = CliRunner().invoke(
        main, ["--instance", str(tmp_path), "demo", "--no-serve", "--reset"]
    )
    assert result.exit_code == 1
    assert "--reset only deletes a SQLite demo database" in result.output
