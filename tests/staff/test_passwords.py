"""Password rules wherever a password is set: at least 10 characters, hard to guess by
zxcvbn's estimate (common, leaked and pattern passwords are refused) and not containing the
account's email."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from oko.cli import main
from oko.models import User
from oko.services.staff import accounts
from tests.staff import staff_factories as f

EMAIL = "marieke.devries@example.org"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "password_short"),
        ("password123", "password_weak"),
        ("Welkom01!!", "password_weak"),
        ("qwertyuiop", "password_weak"),
        ("1234567890", "password_weak"),
        ("aaaaaaaaaaaa", "password_weak"),
        ("iloveyou2024", "password_weak"),
        ("marieke.devries!", "password_has_email"),
        ("Marieke.DeVries1990", "password_has_email"),
        ("x marieke.devries@example.org x", "password_has_email"),
    ],
)
def test_weak_passwords_are_refused(password: str, code: str) -> None:
    with pytest.raises(accounts.AccountError) as refused:
        accounts.check_password_strength(password, EMAIL)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "password",
    ["correct horse battery", "tangerine quarry lantern", "correct horse battery staple " * 30],
)
def test_strong_passwords_pass(password: str) -> None:
    accounts.check_password_strength(password, EMAIL)


def test_a_short_name_part_of_the_email_is_not_refused() -> None:
    accounts.check_password_strength("jo walks the harbour dog", "jo@example.org")


def test_generated_passwords_pass_the_rules() -> None:
    for _ in range(20):
        accounts.check_password_strength(accounts.generate_password(EMAIL), EMAIL)


def test_every_service_that_sets_a_password_applies_the_rules(app) -> None:
    with app.extensions["oko.db"].session() as session:
        with pytest.raises(accounts.AccountError, match="too easy to guess"):
            accounts.create_user(session, email=EMAIL, password="password123", role="admin")
        assert session.execute(select(func.count()).select_from(User)).scalar_one() == 0
        user = f.user(session, "admin")
        with pytest.raises(accounts.AccountError, match="must not contain"):
            accounts.reset_password(session, user, "admin at work 2026", actor_id=None)
        with pytest.raises(accounts.AccountError, match="too easy to guess"):
            accounts.change_own_password(session, user, f.PASSWORD, "qwertyuiop")
        session.rollback()
        assert accounts.check_password_hash(user.password_hash, f.PASSWORD)


@pytest.mark.parametrize(
    ("lang", "new", "message"),
    [
        ("en", "password123", b"too easy to guess"),
        ("nl", "password123", b"te makkelijk te raden"),
        ("en", "admin-example-2026", b"must not contain the account"),
        ("nl", "admin-example-2026", b"mag het e-mailadres van het account niet bevatten"),
    ],
)
def test_the_password_page_explains_a_refusal(app, client, lang, new, message) -> None:
    with app.extensions["oko.db"].session() as session:
        f.user(session, "admin")
    f.login(client, "admin@example.org")
    response = client.post(
        f"/account/password?lang={lang}",
        data={"current": f.PASSWORD, "new": new, "repeat": new},
    )
    assert response.status_code == 200
    assert message in response.data.replace(b"&#39;", b"'")
    client.post("/logout")
    assert f.login(client, "admin@example.org").status_code == 302  # the old password holds


@pytest.mark.parametrize(
    ("command", "password", "message"),
    [
        (["user", "add", "root@example.org", "--role", "admin"], "password123", "too easy"),
        (["user", "add", "root@example.org", "--role", "admin"], "root-access-99", "must not"),
        (["user", "reset", "admin@example.org"], "qwertyuiop", "too easy"),
    ],
)
def test_the_command_line_refuses_weak_passwords(app, runner, command, password, message) -> None:
    with app.extensions["oko.db"].session() as session:
        f.user(session, "admin")
    result = runner.invoke(main, [*command, "--password-stdin"], input=f"{password}\n")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    with app.extensions["oko.db"].session() as session:
        assert [u.email for u in session.execute(select(User)).scalars()] == ["admin@example.org"]
        user = accounts.get_by_email(session, "admin@example.org")
        assert accounts.check_password_hash(user.password_hash, f.PASSWORD)
