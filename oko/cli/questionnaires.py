"""``oko questionnaire``: check questionnaire definitions before they are used in a wave."""

from __future__ import annotations

from pathlib import Path

import click

from oko.cli.app import app_for
from oko.questionnaire import check_files


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
