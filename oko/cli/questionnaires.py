"""``oko questionnaire``: check questionnaire definitions before they are used in a wave."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from oko.cli.app import app_for
from oko.questionnaire import QuestionnaireError, check_files, translation_template


@click.group()
def questionnaire() -> None:
    """Questionnaire definitions (questionnaires/*.yaml)."""


@questionnaire.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...]) -> None:
    """Validate PATHS (default: the questionnaires in QUESTIONNAIRE_DIR); print every problem
    and exit non-zero if there is any."""
    if not paths:
        paths = _configured_questionnaires(ctx)
    errors = check_files(paths)
    for error in errors:
        click.echo(error, err=True)
    if errors:
        raise click.ClickException(f"{len(errors)} problem(s) found")
    click.echo(f"{len(paths)} questionnaire file(s) OK")


def _configured_questionnaires(ctx: click.Context) -> tuple[str, ...]:
    """The questionnaires the app offers for a wave (indicator definition files are skipped)."""
    directory = Path(app_for(ctx, check_migrations=False).config["QUESTIONNAIRE_DIR"])
    paths = tuple(
        str(path)
        for path in sorted(directory.glob("*.yaml"))
        if not path.name.endswith(".indicators.yaml")
    )
    if not paths:
        raise click.ClickException(f"No questionnaire (*.yaml) in QUESTIONNAIRE_DIR {directory}.")
    return paths


@questionnaire.command("translation-todo")
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@click.option("--language", required=True, help="Language code, e.g. ti for Tigrinya.")
def translation_todo(path: str, language: str) -> None:
    """Print the texts of PATH still to translate into LANGUAGE (missing or stale), as YAML
    entries with today's source hash, ready to paste into the translation file."""
    try:
        todo = translation_template(path, language)
    except QuestionnaireError as exc:
        raise click.ClickException("\n".join(exc.errors)) from None
    click.echo(yaml.safe_dump(todo, allow_unicode=True, sort_keys=False, width=100), nl=False)
