"""``oko demo`` end to end on a fresh SQLite instance (without serving)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from oko.cli import main
from oko.db import Database
from oko.models import ClassSession, Municipality, Response, School, User, Wave
from oko.services import demo as demo_service

CODE = re.compile(r"class code ([A-Z0-9]{3}-[A-Z0-9]{4})")


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("OKO_DATABASE_URL", raising=False)
    monkeypatch.delenv("OKO_INSTANCE_PATH", raising=False)
    return tmp_path / "instance"


def run(instance: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--instance", str(instance), "demo", "--no-serve", *args])
    assert result.exit_code == 0, result.output
    return result


def counts(instance: Path) -> dict[str, int]:
    database = Database(f"sqlite:///{instance / 'oko.db'}")
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


def test_first_run_builds_everything(instance: Path) -> None:
    result = run(instance)
    found = counts(instance)
    assert found["Municipality"] == 3
    assert found["School"] == 16
    assert found["Wave"] == 4  # three closed, one open
    assert 6000 <= found["Response"] <= 9000
    assert found["User"] == 4
    # Four schools x two grades already took part in the open wave; one class is open now.
    assert found["ClassSession"] == 9
    assert CODE.search(result.output)
    for account in demo_service.ACCOUNTS:
        assert account.email in result.output and account.password in result.output
    assert "synthetic" in result.output
    # The story of the data, told by the indicator engine on the latest closed wave.
    assert re.search(r"Zilverhaven \(synthetisch\) +\d+%.*trend better", result.output)
    assert "not starting the server" in result.output


def test_second_run_reuses_and_reset_starts_over(instance: Path) -> None:
    first = run(instance)
    before = counts(instance)
    started = time.monotonic()
    second = run(instance)
    assert time.monotonic() - started < 5
    assert "reusing" in second.output
    assert counts(instance) == before
    assert CODE.search(second.output)[1] == CODE.search(first.output)[1]

    third = run(instance, "--reset")
    assert "starting over" in third.output
    assert counts(instance) == before
    assert CODE.search(third.output)[1] != CODE.search(first.output)[1]


def test_refuses_a_database_that_is_not_the_demos(instance: Path) -> None:
    database_url = f"sqlite:///{instance / 'oko.db'}"
    instance.mkdir()
    runner = CliRunner()
    assert runner.invoke(main, ["--instance", str(instance), "db", "upgrade"]).exit_code == 0
    database = Database(database_url)
    with database.transaction() as session:
        session.add(Municipality(slug="real", name="Real place", region=""))
    database.dispose()
    result = runner.invoke(main, ["--instance", str(instance), "demo", "--no-serve"])
    assert result.exit_code == 1
    assert "only runs on an empty database" in result.output
    assert counts(instance)["Response"] == 0


def test_reset_deletes_only_sqlite(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKO_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/elsewhere")
    result = CliRunner().invoke(
        main, ["--instance", str(instance), "demo", "--no-serve", "--reset"]
    )
    assert result.exit_code == 1
    assert "--reset only deletes a SQLite demo database" in result.output


def test_open_wave_has_fieldwork_in_progress(instance: Path) -> None:
    run(instance)
    database = Database(f"sqlite:///{instance / 'oko.db'}")
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
            (open_session,) = [s for s in sessions if s.status == "open"]
            assert open_session.school.slug == demo_service.SESSION_SCHOOL
            assert open_session.finished_count == 0
    finally:
        database.dispose()
