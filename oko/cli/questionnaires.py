"""``oko questionnaire``: check questionnaire definitions before they are used in a wave."""

from __future__ import annotations

import click

from oko.questionnaire import check_files


@click.group()
def questionnaire() -> None:
    """Questionnaire definitions (questionnaires/*.yaml)."""


@questionnaire.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check(paths: tuple[str, ...]) -> None:
    """Validate PATHS; print every problem and exit non-zero if there is any."""
    errors = check_files(paths)
    for error in errors:
        click.echo(error, err=True)
    if errors:
        raise click.ClickException(f"{len(errors)} problem(s) found")
    click.echo(f"{len(paths)} questionnaire file(s) OK")
