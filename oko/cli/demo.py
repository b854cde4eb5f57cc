"""``oko demo``: a ready-to-explore instance on SQLite, served on http://127.0.0.1:5000.

The first run migrates a fresh database and fills it with synthetic data (three fictional
municipalities, a dozen schools, three closed waves and a wave in progress), creates one
account per role and opens a class session; later runs reuse all that and start in about a
second. ``--reset`` deletes the demo's SQLite database and starts over.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import make_url

from oko import migrations
from oko.cli.app import app_for
from oko.models import utcnow
from oko.questionnaire import Questionnaire, QuestionnaireError, load
from oko.services import class_sessions
from oko.services import demo as demo_service
from oko.services.results import Settings
from oko.services.synthetic_data import count_synthetic
from oko.synthetic import SYNTHETIC_MARK

#: The questionnaire the synthetic data answer.
QUESTIONNAIRE_FILE = "oko-core.yaml"


@click.command(name="demo")
@click.option("--reset", is_flag=True, help="Delete the demo database and start over.")
@click.option("--no-serve", is_flag=True, help="Prepare everything, then exit.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def demo(ctx: click.Context, reset: bool, no_serve: bool, port: int) -> None:
    """Fill a fresh instance with synthetic demo data and serve it."""
    started = time.monotonic()
    app = app_for(ctx, check_migrations=False)
    if reset:
        app = _reset(ctx, app)
    database = app.extensions["oko.db"]
    click.echo(f"oko demo: everything you will see is synthetic {SYNTHETIC_MARK}, made up.\n")
    click.echo(f"  Instance       {app.instance_path}")
    click.echo(f"  Database       {_describe(database.url)}")
    migrations.upgrade(database.url)
    questionnaire = _questionnaire(app)
    with database.session() as session:
        try:
            demo_service.check_usable(session)
        except demo_service.DemoRefused as exc:
            raise click.ClickException(str(exc)) from exc
        if count_synthetic(session):
            click.echo(
                f"  Data           reusing {count_synthetic(session):,} synthetic responses "
                "(--reset starts over)"
            )
        else:
            loading = time.monotonic()
            loaded = demo_service.load_data(session, questionnaire)
            click.echo(
                f"  Data           {loaded.municipalities} municipalities, {loaded.schools} "
                f"schools, {loaded.waves} closed waves, {loaded.responses:,} synthetic responses "
                f"({loaded.flagged} flagged by the quality checks) in "
                f"{time.monotonic() - loading:.1f} s"
            )
        now = utcnow()
        wave = demo_service.ensure_open_wave(
            session, questionnaire, Path(app.config["QUESTIONNAIRE_DIR"]), now=now
        )
        demo_service.ensure_fieldwork(session, wave, questionnaire, now=now)
        logins = demo_service.ensure_accounts(session)
        class_session = demo_service.ensure_class_session(
            session, wave, now=now, ttl_hours=app.config["CLASS_CODE_TTL_HOURS"]
        )
        code = class_sessions.format_code(class_session.code)
        click.echo(
            f"  Open wave      {wave.name}: {len(demo_service.FIELDWORK_DONE)} schools done "
            f"({count_synthetic(session, wave.id):,} responses), class {class_session.label} "
            f"of {class_session.school.name} open"
        )
        computing = time.monotonic()
        loaded, headlines = demo_service.headlines(session, Settings.from_config(app.config))
        indicator = loaded.indicators[demo_service.HEADLINE_INDICATOR].label("en")
        click.echo(
            f"  Results        {loaded.wave.name} computed in {time.monotonic() - computing:.1f} s;"
            f" {indicator.lower()}:"
        )
        for line in headlines:
            click.echo(f"                   {line.municipality:<28} {_headline(line)}")
    click.echo(f"  Ready in       {time.monotonic() - started:.1f} s\n")

    url = f"http://127.0.0.1:{port}"
    click.echo(f"Take the survey as a student: open {url}/ and type the class code {code}")
    click.echo(f"                              (or go straight to {url}/s/{class_session.code})")
    click.echo(f"\nStaff sign in at {url}/login with one of these demo accounts:")
    for account in logins:
        click.echo(
            f"  {account.role:<12} {account.email:<30} {account.password:<24} {account.scope}"
        )
    if no_serve:
        click.echo("\n--no-serve: not starting the server. `oko demo` serves this instance.")
        return
    click.echo(f"\noko is running on {url}/  (Ctrl+C stops it)")
    app.run(host="127.0.0.1", port=port, threaded=True, load_dotenv=False)


def _headline(line: demo_service.Headline) -> str:
    if line.value is None:
        return "not published (too few answers)"
    text = f"{line.value:4.0%}"
    if line.previous is not None:
        text += f"   previous wave {line.previous:.0%}"
    return text + (f", trend {line.trend}" if line.trend else ", no clear trend")


def _reset(ctx: click.Context, app: Flask) -> Flask:
    """Delete the SQLite database file (and its WAL files); anything else is refused."""
    database = app.extensions["oko.db"]
    url = make_url(database.url)
    if not database.is_sqlite or not url.database or url.database == ":memory:":
        raise click.ClickException(
            "--reset only deletes a SQLite demo database; this instance uses "
            f"{_describe(database.url)}. Drop that database yourself if you mean it."
        )
    database.dispose()
    path = Path(url.database)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    click.echo(f"Deleted {path}: starting over.")
    return app_for(ctx, check_migrations=False)


def _questionnaire(app: Flask) -> Questionnaire:
    try:
        return load(Path(app.config["QUESTIONNAIRE_DIR"]) / QUESTIONNAIRE_FILE)
    except QuestionnaireError as exc:
        raise click.ClickException(f"The demo needs the core questionnaire: {exc}") from exc


def _describe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite {parsed.database}"
    return parsed.render_as_string(hide_password=True)
