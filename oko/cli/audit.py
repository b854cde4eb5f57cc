"""``oko audit disclosure``: can anything a closed wave publishes give a hidden value away?

Runs the disclosure audit (:mod:`oko.services.research.disclosure`) over everything the wave
publishes, or over what one municipality's coalition reads, prints a summary and every hidden
value whose feasible range is narrower than its protection interval, and exits with status 1
when there is any (CI runs it on the demo).
"""

from __future__ import annotations

from typing import Any

import click

from oko.cli.app import app_session
from oko.indicators.disclosure import CellRange, InconsistentTable
from oko.services.research import disclosure, microdata
from oko.services.results.engine import IndicatorsMissing, Settings
from oko.services.survey.questionnaires import QuestionnaireMissing


@click.group()
def audit() -> None:
    """Audits of what is published."""


@audit.command("disclosure")
@click.option("--wave", "slug", required=True, help="Wave slug (see `oko wave list`).")
@click.option(
    "--municipality",
    default=None,
    help="Audit only what this municipality's coalition reads (short name).",
)
@click.pass_context
def disclosure_audit(ctx: click.Context, slug: str, municipality: str | None) -> None:
    """Check that no hidden value of a closed wave can be worked out from published ones."""
    with app_session(ctx) as (app, session):
        wave = microdata.wave_by_slug(session, slug)
        if wave is None:
            raise click.ClickException(f"Unknown wave {slug!r} (see `oko wave list`).")
        if wave.status != "closed":
            raise click.ClickException(
                f"Wave {slug} is {wave.status}; its results are published once it closes."
            )
        try:
            scope, label = disclosure.scope_for(session, municipality)
            result = disclosure.audit_wave(
                session, wave, Settings.from_config(app.config), scope, label
            )
        except (disclosure.UnknownMunicipality, QuestionnaireMissing, IndicatorsMissing) as exc:
            raise click.ClickException(str(exc)) from exc
        except InconsistentTable as exc:
            raise click.ClickException(f"Wave {slug}: {exc}") from exc
    failures = result.failures
    click.echo(
        f"Wave {result.wave} ({result.scope}): {result.published_values} published values, "
        f"{result.published_rest_values} rest-of-parent values, {result.equations} equations; "
        f"{len(result.ranges)} hidden values checked, {len(failures)} not protected "
        f"({result.seconds:.1f} s)."
    )
    for failure in failures:
        click.echo(_describe(failure))
    if failures:
        ctx.exit(1)


def _describe(failure: CellRange) -> str:
    key: Any = failure.cell.key
    low, high = failure.cell.protection or (failure.lowest, failure.highest)
    return (
        f"  NOT PROTECTED {key.indicator} {key.area} {key.group} ({key.reason}): "
        f"can only lie in {failure.lowest:.4f}..{failure.highest:.4f}, "
        f"must be able to lie anywhere in {low:.4f}..{high:.4f}"
    )
