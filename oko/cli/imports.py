"""``oko import responses``: responses collected elsewhere (paper, another survey tool), from CSV.

The command only reads the file and prints; checking and storing is
:func:`oko.services.survey.imports.import_responses`, so the rules are the same for any
other caller.
Problems go to standard error, one per line with row and column, and the exit status is 1
whenever nothing was imported because of them.
"""

from __future__ import annotations

from typing import BinaryIO

import click

from oko.cli.app import app_session
from oko.models import utcnow
from oko.services.staff import admin
from oko.services.survey import imports, questionnaires


@click.group("import")
def import_group() -> None:
    """Import data collected outside the web survey."""


@import_group.command("responses")
@click.argument("file", type=click.File("rb"))
@click.option("--wave", "wave_slug", required=True, help="Short name of an open wave.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the valid rows and list the invalid ones, instead of importing nothing.",
)
@click.option("--dry-run", is_flag=True, help="Check everything, store nothing.")
@click.option(
    "--language",
    help="Language the students answered in (default: the questionnaire's first language).",
)
@click.pass_context
def responses(
    ctx: click.Context,
    file: BinaryIO,
    wave_slug: str,
    skip_invalid: bool,
    dry_run: bool,
    language: str | None,
) -> None:
    """Import one response per row of FILE (CSV, UTF-8) into a wave.

    Columns: school (short name), grade, then one column per item id. The format is described
    in questionnaires/README.md.
    """
    data = file.read()
    name = getattr(file, "name", "-")
    with app_session(ctx) as (app, session):
        wave = admin.wave_by_slug(session, wave_slug)
        if wave is None:
            raise click.ClickException(f"Unknown wave {wave_slug!r}.")
        try:
            questionnaire = questionnaires.for_wave(wave, app.config["QUESTIONNAIRE_DIR"])
        except questionnaires.QuestionnaireMissing as exc:
            raise click.ClickException(str(exc)) from exc
        language = language or questionnaire.languages[0]
        if language not in questionnaire.languages:
            choices = ", ".join(questionnaire.languages)
            raise click.BadParameter(f"use one of {choices}", param_hint="--language")
        try:
            result = imports.import_responses(
                session,
                wave,
                questionnaire,
                data,
                language=language,
                now=utcnow(),
                skip_invalid=skip_invalid,
                dry_run=dry_run,
            )
        except imports.ImportRefused as exc:
            for problem in exc.problems:
                click.echo(f"{name}: {problem}", err=True)
            raise click.ClickException(str(exc)) from exc
    for problem in result.problems:
        click.echo(f"{name}: {problem}", err=True)
    if result.skipped:
        rows = imports.describe_rows(result.skipped)
        click.echo(f"Skipped {_rows(result.skipped)}, invalid: {rows}.")
    if result.already_imported:
        rows = imports.describe_rows(result.already_imported)
        click.echo(f"Already imported, left as they are: {_rows(result.already_imported)}: {rows}.")
    count = len(result.imported)
    stored = f"{count} response{'' if count == 1 else 's'}"
    if dry_run:
        click.echo(f"Dry run: {stored} would be imported into wave {wave_slug}; nothing stored.")
    else:
        click.echo(f"Imported {stored} into wave {wave_slug}.")


def _rows(rows: tuple[int, ...]) -> str:
    return f"{len(rows)} row{'' if len(rows) == 1 else 's'}"
