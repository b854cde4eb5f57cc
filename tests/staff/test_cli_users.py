from pathlib import Path

import pytest
from sqlalchemy import func, select

from oko.cli import main
from oko.models import AuditEntry, School, User, Wave

DATA = Path(__file__).parent / "data"


@pytest.fixture
def oko(runner, monkeypatch):
    monkeypatch.setenv("OKO_QUESTIONNAIRE_DIR", str(DATA))

    def run(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), input=input)

    return run


def _count(database, model) -> int:
    with database.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_set_up_a_survey_from_the_command_line(oko, database) -> None:
    assert (
        oko("municipality", "add", "zeewolde", "Zeewolde", "--region", "Flevoland").exit_code == 0
    )
    result = oko(
        "school",
        "add",
        "het-baken",
        "Het Baken",
        "--municipality",
        "zeewolde",
        "--type",
        "havo/vwo",
        "--pupils",
        "2=120",
        "--pupils",
        "4=98",
    )
    assert result.exit_code == 0, result.output
    assert (
        oko(
            "wave",
            "add",
            "2026-autumn",
            "Autumn 2026",
            "--questionnaire",
            "staff-mini",
            "--version",
            "1.0",
        ).exit_code
        == 0
    )
    assert "now open" in oko("wave", "open", "2026-autumn").output
    assert "now closed" in oko("wave", "close", "2026-autumn").output
    result = oko("wave", "open", "2026-autumn")
    assert result.exit_code == 1
    assert "Only a planned wave can be opened" in result.output
    with database.session() as session:
        school = session.execute(select(School)).scalar_one()
        assert {c.grade: c.pupils for c in school.pupil_counts} == {2: 120, 4: 98}
        assert session.execute(select(Wave.status)).scalar_one() == "closed"


def test_wave_needs_a_known_questionnaire(oko, database) -> None:
    result = oko("wave", "add", "w1", "Wave", "--questionnaire", "nope", "--version", "9")
    assert result.exit_code == 1
    assert "no valid questionnaire 'nope' version '9'" in result.output
    assert _count(database, Wave) == 0


def test_user_add_prints_a_password_once_and_logs_in(oko, app, client) -> None:
    oko("municipality", "add", "zeewolde", "Zeewolde")
    result = oko(
        "user",
        "add",
        "Anna@Example.org",
        "--role",
        "coalition",
        "--municipality",
        "zeewolde",
        "--name",
        "Anna",
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("Password (shown once): ")[1].strip()
    assert (
        client.post("/login", data={"email": "anna@example.org", "password": password}).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "coalition", "--municipality", "atlantis"], "Unknown municipality 'atlantis'"),
        (["--role", "coalition"], "A coalition member needs a municipality"),
        (["--role", "coordinator"], "A coordinator needs at least one school"),
        (["--role", "coordinator", "--school", "nowhere"], "Unknown school 'nowhere'"),
        (["--role", "researcher", "--wave", "never"], "Unknown wave 'never'"),
        (["--role", "admin", "--municipality", "zeewolde"], "Only coalition members"),
        (["--role", "wizard"], "Invalid value for '--role'"),
    ],
)
def test_user_add_refuses_bad_input_and_stores_nothing(oko, database, args, message) -> None:
    oko("municipality", "add", "zeewolde", "Zeewolde")
    result = oko("user", "add", "x@example.org", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert _count(database, User) == 0


def test_duplicate_email_and_weak_password(oko, database) -> None:
    assert oko("user", "add", "root@example.org", "--role", "admin").exit_code == 0
    result = oko("user", "add", "ROOT@example.org", "--role", "admin")
    assert result.exit_code == 1
    assert "already exists" in result.output
    result = oko(
        "user", "add", "b@example.org", "--role", "admin", "--password-stdin", input="short\n"
    )
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert _count(database, User) == 1


def test_disable_enable_and_reset(oko, database, client) -> None:
    oko(
        "user",
        "add",
        "root@example.org",
        "--role",
        "admin",
        "--password-stdin",
        input="first password\n",
    )
    assert oko("user", "disable", "root@example.org").exit_code == 0
    login = {"email": "root@example.org", "password": "first password"}
    assert client.post("/login", data=login).status_code == 401
    assert oko("user", "enable", "root@example.org").exit_code == 0
    assert client.post("/login", data=login).status_code == 302
    result = oko("user", "reset", "root@example.org", "--password-stdin", input="second password\n")
    assert result.exit_code == 0
    assert client.get("/staff/").status_code == 302  # the reset ended the session
    assert "root@example.org\tadmin\tactive" in oko("user", "list").output
    result = oko("user", "disable", "ghost@example.org")
    assert result.exit_code == 1
    assert "no account with email 'ghost@example.org'" in result.output
    with database.session() as session:
        actions = list(session.execute(select(AuditEntry.action)).scalars())
    assert {"user.create", "user.disable", "user.enable", "user.reset_password"} <= set(actions)
