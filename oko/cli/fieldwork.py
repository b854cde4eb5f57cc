"""``oko fieldwork documents``: the parent letter, teacher's sheets and paper questionnaire of
each school of a wave, as PDF files in every language of the wave's questionnaire."""

from __future__ import annotations

from pathlib import Path

import click

from oko.cli.app import app_session
from oko.services.staff import admin, kit


@click.group("fieldwork")
def fieldwork_group() -> None:
    """The fieldwork kit: documents for schools before the survey."""


@fieldwork_group.command("documents")
@click.option("--wave", "wave_slug", required=True, help="Short name of the wave.")
@click.option(
    "--school", "school_slug", help="Only this school (default: every school with sessions)."
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write to."
)
@click.pass_context
def documents(ctx: click.Context, wave_slug: str, school_slug: str | None, out_dir: str) -> None:
    """Write <out>/<school>/<document>.<language>.pdf for each school of the wave."""
    with app_session(ctx) as (app, db):
        wave = admin.wave_by_slug(db, wave_slug)
        if wave is None:
            raise click.ClickException(f"Unknown wave {wave_slug!r}.")
        if school_slug:
            school = admin.school_by_slug(db, school_slug)
            if school is None:
                raise click.ClickException(f"Unknown school {school_slug!r}.")
            schools = [school]
        else:
            schools = kit.schools_with_sessions(db, wave)
            if not schools:
                raise click.ClickException(
                    f"No school has class sessions in wave {wave_slug!r}; "
                    "give --school to make one school's letter and paper questionnaire."
                )
        base_url = app.config["PUBLIC_URL"] or "http://localhost:5000"
        settings = kit.KitSettings.from_config(app.config, base_url)
        written = 0
        for school in schools:
            try:
                data = kit.school_kit(db, wave, school, settings, actor=None)
            except kit.KitError as exc:
                raise click.ClickException(str(exc)) from exc
            folder = Path(out_dir) / school.slug
            folder.mkdir(parents=True, exist_ok=True)
            for name, language in kit.pdf_documents(data, settings):
                try:
                    pdf = kit.document(data, name, language, settings, wave.slug)
                except kit.KitError as exc:
                    click.echo(f"{school.slug}: {exc}", err=True)
                    continue
                (folder / f"{name}.{language}.pdf").write_bytes(pdf)
                written += 1
        click.echo(f"Wrote {written} documents for {len(schools)} school(s) to {out_dir}.")
