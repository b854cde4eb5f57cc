"""``oko user``: staff accounts from the command line (there is no self-registration).

Every refusal (duplicate email, unknown municipality, school or wave, bad role, weak
password) exits non-zero with a one-line message and stores nothing.
"""

from __future__ import annotations

import sys

import click

from oko.cli.app import app_session
from oko.models import ROLES
from oko.services.staff import accounts


def _read_password(from_stdin: bool) -> str | None:
    if not from_stdin:
        return None
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise click.ClickException("No password on standard input.")
    return password


@click.group()
def user() -> None:
    """Staff accounts: add, list, disable, enable, reset a password."""


@user.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may do.")
@click.option("--name", default="", help="Name shown in the menu and the audit log.")
@click.option("--municipality", help="Short name of a coalition member's municipality.")
@click.option("--school", "schools", multiple=True, help="A coordinator's school (repeatable).")
@click.option("--wave", "waves", multiple=True, help="A wave granted to a researcher (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def add(
    ctx: click.Context,
    email: str,
    role: str,
    name: str,
    municipality: str | None,
    schools: tuple[str, ...],
    waves: tuple[str, ...],
    password_stdin: bool,
) -> None:
    """Create an account; without --password-stdin a random password is printed once."""
    password = _read_password(password_stdin)
    with app_session(ctx) as (_app, session):
        try:
            scope = accounts.resolve_scope(
                session, role, municipality=municipality, schools=schools, waves=waves
            )
            generated = password is None
            password = password or accounts.generate_password(email)
            created = accounts.create_user(
                session, email=email, password=password, role=role, name=name, scope=scope
            )
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {created.role} account {created.email}.")
    if generated:
        click.echo(f"Password (shown once): {password}")


@user.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Every account with its role, scope and status."""
    with app_session(ctx) as (_app, session):
        for account in accounts.list_users(session):
            scope = (
                ", ".join([account.municipality.slug] if account.municipality else [])
                or ", ".join(s.slug for s in account.schools)
                or ", ".join(w.slug for w in account.waves)
            )
            status = "active" if account.active else "disabled"
            click.echo(f"{account.email}\t{account.role}\t{status}\t{scope}")


def _set_active(ctx: click.Context, email: str, active: bool) -> None:
    with app_session(ctx) as (_app, session):
        try:
            account = accounts.require(session, email)
            accounts.set_active(session, account, active, actor_id=None)
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"{'Enabled' if active else 'Disabled'} {account.email}.")


@user.command()
@click.argument("email")
@click.pass_context
def disable(ctx: click.Context, email: str) -> None:
    """Disable an account; its open sessions end at once."""
    _set_active(ctx, email, False)


@user.command()
@click.argument("email")
@click.pass_context
def enable(ctx: click.Context, email: str) -> None:
    """Enable a disabled account again."""
    _set_active(ctx, email, True)


@user.command()
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@click.pass_context
def reset(ctx: click.Context, email: str, password_stdin: bool) -> None:
    """Set a new password (printed once unless read from standard input)."""
    wanted = _read_password(password_stdin)
    with app_session(ctx) as (_app, session):
        try:
            account = accounts.require(session, email)
            password = accounts.reset_password(session, account, wanted, actor_id=None)
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Password of {account.email} reset; open sessions have ended.")
    if wanted is None:
        click.echo(f"New password (shown once): {password}")
