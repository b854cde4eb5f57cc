"""``oko microdata``: an admin's decisions on response-level data (all audited)."""

from __future__ import annotations

import click

from oko.cli.app import app_session
from oko.services.research import microdata
from oko.services.staff import accounts


@click.group("microdata")
def microdata_group() -> None:
    """Microdata grants: list, grant, approve, reject, revoke."""


@microdata_group.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Every request and grant, newest first."""
    with app_session(ctx) as (app, session):
        embargo = app.config["MICRODATA_EMBARGO_DAYS"]
        for row in microdata.all_grants(session):
            opens = microdata.available_from(row.wave, embargo)
            when = f"{opens:%Y-%m-%d}" if opens else "after close"
            click.echo(
                f"{row.id}\t{row.status}\t{row.user.email}\t{row.wave.slug}\tfrom {when}"
                f"\t{len(row.downloads)} downloads"
            )


@microdata_group.command("grant")
@click.option("--user", "email", required=True, help="The researcher's email.")
@click.option("--wave", "slug", required=True, help="Wave slug.")
@click.option("--purpose", required=True, help="The approved research purpose.")
@click.pass_context
def grant(ctx: click.Context, email: str, slug: str, purpose: str) -> None:
    """Grant a researcher a wave's microdata (delivered once the embargo has passed)."""
    with app_session(ctx) as (_app, session):
        researcher = accounts.get_by_email(session, email)
        if researcher is None:
            raise click.ClickException(f"There is no account with email {email!r}.")
        wave = microdata.wave_by_slug(session, slug)
        if wave is None:
            raise click.ClickException(f"Unknown wave {slug!r}.")
        try:
            row = microdata.grant(session, researcher, wave, purpose, admin=None)
        except microdata.MicrodataError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Granted {email} microdata of wave {slug} (grant {row.id}).")


def _decide(ctx: click.Context, grant_id: int, decision: str) -> None:
    with app_session(ctx) as (_app, session):
        try:
            row = microdata.get(session, grant_id)
            if decision == "revoke":
                microdata.revoke(session, row, admin=None)
            else:
                microdata.decide(session, row, decision == "approve", admin=None)
        except microdata.MicrodataError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Grant {grant_id} is now {row.status}.")


@microdata_group.command("approve")
@click.argument("grant_id", type=int)
@click.pass_context
def approve(ctx: click.Context, grant_id: int) -> None:
    """Approve a pending request."""
    _decide(ctx, grant_id, "approve")


@microdata_group.command("reject")
@click.argument("grant_id", type=int)
@click.pass_context
def reject(ctx: click.Context, grant_id: int) -> None:
    """Reject a pending request."""
    _decide(ctx, grant_id, "reject")


@microdata_group.command("revoke")
@click.argument("grant_id", type=int)
@click.pass_context
def revoke(ctx: click.Context, grant_id: int) -> None:
    """Withdraw a grant or a pending request."""
    _decide(ctx, grant_id, "revoke")
