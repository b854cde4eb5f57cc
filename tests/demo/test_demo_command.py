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
    assert 5000 <= found["Response"] <= 9000
    assert found["User"] == 4
    assert found["ClassSession"] == 1
    assert CODE.search(result.output)
    for account in demo_service.ACCOUNTS:
        assert account.email in result.output and account.password in result.output
    assert "synthetic" in result.output
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
