"""``oko municipality`` and ``oko school``: the areas a survey covers."""

from __future__ import annotations

import click

from oko.cli.app import app_session
from oko.services.staff import admin


@click.group()
def municipality() -> None:
    """Municipalities (a coalition's area)."""


@municipality.command("add")
@click.argument("slug")
@click.argument("name")
@click.option("--region", default="", help="Reference region, e.g. the GGD region.")
@click.pass_context
def add_municipality(ctx: click.Context, slug: str, name: str, region: str) -> None:
    """Add a municipality with short name SLUG."""
    with app_session(ctx) as (_app, session):
        try:
            row = admin.save_municipality(
                session, slug=slug, name=name, region=region, actor_id=None
            )
        except admin.AdminError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Added municipality {row.slug} ({row.name}).")


def _parse_pupils(values: tuple[str, ...]) -> dict[int, int]:
    pupils: dict[int, int] = {}
    for value in values:
        grade, sep, count = value.partition("=")
        if not sep or not grade.strip().isdigit() or not count.strip().isdigit():
            raise click.BadParameter(
                f"{value!r}: write GRADE=PUPILS, e.g. 2=120", param_hint="--pupils"
            )
        pupils[int(grade)] = int(count)
    return pupils


@click.group()
def school() -> None:
    """Schools and their pupil numbers per grade."""


@school.command("add")
@click.argument("slug")
@click.argument("name")
@click.option(
    "--municipality", "municipality_slug", required=True, help="Short name of the municipality."
)
@click.option("--type", "school_type", default="", help="School type, e.g. havo/vwo.")
@click.option(
    "--pupils", multiple=True, metavar="GRADE=N", help="Pupils enrolled in a grade (repeatable)."
)
@click.pass_context
def add_school(
    ctx: click.Context,
    slug: str,
    name: str,
    municipality_slug: str,
    school_type: str,
    pupils: tuple[str, ...],
) -> None:
    """Add a school with short name SLUG."""
    counts = _parse_pupils(pupils)
    with app_session(ctx) as (_app, session):
        town = admin.municipality_by_slug(session, municipality_slug)
        if town is None:
            raise click.ClickException(f"Unknown municipality {municipality_slug!r}.")
        try:
            row = admin.save_school(
                session,
                slug=slug,
                name=name,
                municipality_id=town.id,
                school_type=school_type,
                pupils=counts,
                actor_id=None,
            )
        except admin.AdminError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Added school {row.slug} ({row.name}) in {town.slug}.")
