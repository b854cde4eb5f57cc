"""``oko session``: class sessions and their codes, for coordinators working from a terminal.

Waves and schools are referred to by their short names (slugs). Every refusal exits non-zero
with a one-line message and stores nothing.
"""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy.orm import Session

from oko.cli.app import app_session
from oko.models import ClassSession, utcnow
from oko.services.staff import admin
from oko.services.survey import class_links, class_sessions


@click.group()
def session() -> None:
    """Class sessions: open one (get a code), close it, list them, show progress, print a QR."""


def _by_code(db: Session, code: str) -> ClassSession:
    row = class_sessions.by_code(db, code)
    if row is None:
        raise click.ClickException(f"No class session has the code {code!r}.")
    return row


def _address(app: Flask, row: ClassSession) -> str:
    base = app.config["PUBLIC_URL"]
    if not base:
        return f"/s/{row.code} (set OKO_PUBLIC_URL to print the full address)"
    return class_links.student_url(base, row.code)


@session.command("open")
@click.option("--wave", "wave_slug", required=True, help="Short name of an open wave.")
@click.option("--school", "school_slug", required=True, help="Short name of the school.")
@click.option("--grade", required=True, type=int, help="School year of the class (1-6).")
@click.option("--label", default="", help="A name you recognise, e.g. 2B (never a student's).")
@click.option(
    "--pupils",
    type=int,
    default=None,
    help="Pupils in the class; responses beyond it (10%, at least 2 extra) are held.",
)
@click.pass_context
def open_(
    ctx: click.Context,
    wave_slug: str,
    school_slug: str,
    grade: int,
    label: str,
    pupils: int | None,
) -> None:
    """Open a class session and print its code."""
    with app_session(ctx) as (app, db):
        wave = admin.wave_by_slug(db, wave_slug)
        if wave is None:
            raise click.ClickException(f"Unknown wave {wave_slug!r}.")
        school = admin.school_by_slug(db, school_slug)
        if school is None:
            raise click.ClickException(f"Unknown school {school_slug!r}.")
        try:
            row = class_sessions.open_session(
                db, wave=wave, school=school, grade=grade, label=label, pupils=pupils, actor=None
            )
        except class_sessions.SessionError as exc:
            raise click.ClickException(str(exc)) from exc
        hours = app.config["CLASS_CODE_TTL_HOURS"]
        click.echo(f"Code: {class_sessions.format_code(row.code)}")
        click.echo(f"Students open: {_address(app, row)}")
        click.echo(
            f"{school.name}, grade {grade}{f' ({label})' if label else ''}, wave {wave.slug}."
        )
        click.echo(f"The code works for {hours} hours or until: oko session close {row.code}")


@session.command("close")
@click.argument("code")
@click.pass_context
def close(ctx: click.Context, code: str) -> None:
    """Close the session with CODE: the code stops working (students inside may finish)."""
    with app_session(ctx) as (_app, db):
        row = class_sessions.close_session(db, _by_code(db, code), actor=None)
        click.echo(
            f"Closed {class_sessions.format_code(row.code)}: "
            f"{row.started_count} started, {row.finished_count} finished."
        )


@session.command("list")
@click.option("--wave", "wave_slug", help="Only this wave.")
@click.option("--school", "school_slug", help="Only this school.")
@click.option("--open", "only_open", is_flag=True, help="Only sessions still open.")
@click.pass_context
def list_(
    ctx: click.Context, wave_slug: str | None, school_slug: str | None, only_open: bool
) -> None:
    """Sessions, newest first: code, status, school, grade, label, started, finished."""
    with app_session(ctx) as (_app, db):
        wave_id = school_id = None
        if wave_slug:
            wave = admin.wave_by_slug(db, wave_slug)
            if wave is None:
                raise click.ClickException(f"Unknown wave {wave_slug!r}.")
            wave_id = wave.id
        if school_slug:
            school = admin.school_by_slug(db, school_slug)
            if school is None:
                raise click.ClickException(f"Unknown school {school_slug!r}.")
            school_id = school.id
        rows = class_sessions.list_sessions(
            db, actor=None, wave_id=wave_id, school_id=school_id, only_open=only_open
        )
        for row in rows:
            click.echo(
                "\t".join(
                    str(value)
                    for value in (
                        class_sessions.format_code(row.code),
                        row.status,
                        row.wave.slug,
                        row.school.slug,
                        row.grade,
                        row.label or "-",
                        row.started_count,
                        row.finished_count,
                    )
                )
            )
        if not rows:
            click.echo("No class sessions.", err=True)


@session.command("show")
@click.argument("code")
@click.pass_context
def show(ctx: click.Context, code: str) -> None:
    """Status and progress of the session with CODE."""
    with app_session(ctx) as (app, db):
        row = _by_code(db, code)
        refusal = class_sessions.refusal(
            row, now=utcnow(), ttl_hours=app.config["CLASS_CODE_TTL_HOURS"]
        )
        click.echo(f"Code: {class_sessions.format_code(row.code)} ({row.status})")
        click.echo(f"Students open: {_address(app, row)}")
        click.echo(f"School: {row.school.name}, grade {row.grade} {row.label}".rstrip())
        click.echo(f"Wave: {row.wave.slug} ({row.wave.status})")
        click.echo(f"Started: {row.started_count}  Finished: {row.finished_count}")
        click.echo(
            "The code works now." if refusal is None else f"The code does not work: {refusal}."
        )


@session.command("qr")
@click.argument("code")
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
@click.option("--base-url", help="Address of this oko (default: the PUBLIC_URL setting).")
@click.pass_context
def qr(ctx: click.Context, code: str, output: str, base_url: str | None) -> None:
    """Write a QR code of the session's address to OUTPUT (.svg, .png or .pdf), for printing."""
    with app_session(ctx) as (app, db):
        row = _by_code(db, code)
        base = base_url or app.config["PUBLIC_URL"]
        if not base:
            raise click.ClickException("Give --base-url or set OKO_PUBLIC_URL.")
        url = class_links.student_url(base, row.code)
    try:
        class_links.save_qr(url, output)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"Cannot write {output}: {exc}") from exc
    click.echo(f"Wrote {output} ({url}).")
