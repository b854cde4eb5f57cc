"""``oko export``: aggregate results and approved microdata written to a folder.

Run by an operator on the server, so it reads every area of a closed wave (admin scope); the
same builders as the web and API downloads are used, and every export is audited.
"""

from __future__ import annotations

from pathlib import Path

import click

from oko.cli.app import app_session
from oko.services.research import exports, microdata
from oko.services.results.engine import IndicatorsMissing
from oko.services.staff import authz
from oko.services.survey.questionnaires import QuestionnaireMissing


@click.group()
def export() -> None:
    """Research exports: aggregate tables and approved microdata."""


def _out_dir(out: str) -> Path:
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise click.ClickException(f"{out} exists and is not a folder.")
    return folder


def _write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
        click.echo(f"wrote {folder / name} ({len(content)} bytes)")


@export.command("aggregates")
@click.option("--wave", "slug", required=True, help="Wave slug (see `oko wave list`).")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(exports.FORMATS),
    default="csv",
    show_default=True,
    help="csv: a Frictionless data package; json: one document; xlsx: one workbook.",
)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.pass_context
def aggregates(ctx: click.Context, slug: str, file_format: str, out: str) -> None:
    """Write the tidy results table of a closed wave, with its codebook."""
    folder = _out_dir(out)
    with app_session(ctx) as (app, session):
        wave = microdata.wave_by_slug(session, slug)
        if wave is None:
            raise click.ClickException(f"Unknown wave {slug!r}.")
        if wave.status != "closed":
            raise click.ClickException(
                f"Wave {slug} is {wave.status}; results are exported once it closes."
            )
        try:
            files, rows = exports.aggregate_files(
                session,
                wave,
                exports.Scope(),
                file_format,
                exports.Settings.from_config(app.config),
            )
        except (QuestionnaireMissing, IndicatorsMissing) as exc:
            raise click.ClickException(str(exc)) from exc
        _write(folder, files)
        exports.record_export(session, wave, file_format, rows, user_id=None, channel="cli")
        session.commit()
    click.echo(f"{rows} result rows for wave {slug}.")


@export.command("microdata")
@click.option("--grant", "grant_id", required=True, type=int, help="Grant number.")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(microdata.FORMATS),
    default="zip",
    show_default=True,
)
@click.option("--language", default="en", show_default=True, help="Language of SPSS labels.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.pass_context
def microdata_export(
    ctx: click.Context, grant_id: int, file_format: str, language: str, out: str
) -> None:
    """Write the microdata of an approved grant whose embargo has passed (audited)."""
    folder = _out_dir(out)
    with app_session(ctx) as (app, session):
        try:
            row = microdata.get(session, grant_id)
            grant = microdata.require_download(
                session, row.user, row.wave, app.config["MICRODATA_EMBARGO_DAYS"]
            )
        except (microdata.MicrodataError, authz.Forbidden) as exc:
            raise click.ClickException(str(exc)) from exc
        delivery = microdata.deliver(
            session,
            grant,
            file_format,
            microdata.Settings.from_config(app.config),
            language=language,
            channel="cli",
        )
        _write(folder, {delivery.filename: delivery.data})
    click.echo(f"{delivery.rows} responses for grant {grant_id}.")
