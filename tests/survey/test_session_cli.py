"""``oko session``: what a coordinator does from a terminal."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, update

from oko.cli import main
from oko.models import AuditEntry, ClassSession, Wave
from oko.services.survey.class_sessions import normalise_code
from tests.survey.survey_factories import class_session, make_world


def _invoke(runner: CliRunner, *args: str, **env: str):
    return runner.invoke(main, list(args), env=env or None)


def test_open_prints_a_readable_code_that_works(runner: CliRunner, database) -> None:
    world = make_world(database)
    result = _invoke(
        runner,
        "session",
        "open",
        "--wave",
        "2026-autumn",
        "--school",
        "school-a",
        "--grade",
        "4",
        "--label",
        "4H",
        OKO_PUBLIC_URL="https://oko.example.nl",
    )
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    shown = first.removeprefix("Code: ")
    assert len(shown) == 8 and shown[3] == "-"
    code = normalise_code(shown)
    assert f"Students open: https://oko.example.nl/s/{code}" in result.output
    with database.session() as session:
        row = session.execute(select(ClassSession).where(ClassSession.code == code)).scalar_one()
        assert (row.grade, row.label, row.status, row.wave_id) == (4, "4H", "open", world.wave_id)
        actions = [e.action for e in session.execute(select(AuditEntry)).scalars()]
    assert actions.count("class_session.open") == 2  # the world's session and this one


def test_open_refuses_unknown_names_and_closed_waves(runner: CliRunner, database) -> None:
    make_world(database)
    for args, message in (
        (["--wave", "nope", "--school", "school-a", "--grade", "2"], "Unknown wave 'nope'"),
        (["--wave", "2026-autumn", "--school", "nope", "--grade", "2"], "Unknown school 'nope'"),
        (["--wave", "2026-autumn", "--school", "school-a", "--grade", "9"], "Grade must be 1 to 6"),
    ):
        result = _invoke(runner, "session", "open", *args)
        assert result.exit_code == 1 and message in result.output
    with database.transaction() as session:
        session.execute(update(Wave).values(status="closed"))
    result = _invoke(
        runner, "session", "open", "--wave", "2026-autumn", "--school", "school-a", "--grade", "2"
    )
    assert result.exit_code == 1 and "sessions need an open wave" in result.output


def test_close_list_and_show(runner: CliRunner, database) -> None:
    world = make_world(database)
    shown = f"{world.code[:3]}-{world.code[3:]}"
    result = _invoke(runner, "session", "show", shown.lower())
    assert result.exit_code == 0, result.output
    assert "Started: 0  Finished: 0" in result.output and "The code works now." in result.output
    listed = _invoke(runner, "session", "list", "--open")
    assert listed.output.split("\t")[:5] == [shown, "open", "2026-autumn", "school-a", "2"]
    closed = _invoke(runner, "session", "close", world.code)
    assert closed.exit_code == 0 and f"Closed {shown}: 0 started, 0 finished." in closed.output
    assert class_session(database, world.session_id).status == "closed"
    assert (
        "The code does not work: closed." in _invoke(runner, "session", "show", world.code).output
    )
    assert _invoke(runner, "session", "list", "--open").output == "No class sessions.\n"
    assert _invoke(runner, "session", "close", "ZZZZZZZ").exit_code == 1


def test_qr_writes_a_printable_file(runner: CliRunner, database, tmp_path: Path) -> None:
    world = make_world(database)
    target = tmp_path / "class.svg"
    result = _invoke(
        runner, "session", "qr", world.code, str(target), "--base-url", "https://oko.example.nl/"
    )
    assert result.exit_code == 0, result.output
    assert target.read_text().lstrip().startswith("<?xml") and "<svg" in target.read_text()
    missing = _invoke(runner, "session", "qr", world.code, str(target))
    assert missing.exit_code == 1 and "--base-url" in missing.output
