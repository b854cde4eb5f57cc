"""``oko demo``: a ready-to-explore instance on SQLite, served on http://127.0.0.1:5000.

The first run migrates a fresh database and fills it with synthetic data (three fictional
municipalities, sixteen schools, three closed waves and a pilot wave in progress), computes
the latest wave's results, writes the coalition reports to ``instance/reports/``, creates one
account per role and opens a class session. Later runs reuse all that and start in a couple of
seconds; ``--reset`` deletes the demo's SQLite database and reports and starts over.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from oko import migrations
from oko.cli.app import app_for
from oko.cli.serve import require_free_port
from oko.models import ClassSession, Wave, utcnow
from oko.questionnaire import Questionnaire, QuestionnaireError, load
from oko.reporting import LANGUAGES, render_report
from oko.services.demo import instance as demo_service
from oko.services.demo import plans as demo_plans
from oko.services.demo import typed_in as typed_in_demo
from oko.services.demo.synthetic_data import count_synthetic
from oko.services.results import reports
from oko.services.results.engine import Settings
from oko.services.staff import kit
from oko.services.survey import class_sessions
from oko.synthetic import SYNTHETIC_MARK, demo_scenario

#: The questionnaire the synthetic data answer.
QUESTIONNAIRE_FILE = "oko-basis.yaml"
#: Where the demo's PDF reports go, inside the instance folder.
REPORTS_FOLDER = "reports"
#: The demo school's fieldwork documents (parent letter, teacher's sheets, paper questionnaire).
FIELDWORK_FOLDER = "fieldwork"
#: The example of typed-in paper questionnaires for the upload page, in the fieldwork folder.
TYPED_IN = "typed-in-example.csv"


@click.command(name="demo")
@click.option("--reset", is_flag=True, help="Delete the demo database and reports, start over.")
@click.option("--no-serve", is_flag=True, help="Prepare everything, then exit.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def demo(ctx: click.Context, reset: bool, no_serve: bool, port: int) -> None:
    """Fill a fresh instance with synthetic demo data and serve it."""
    if not no_serve:
        require_free_port("127.0.0.1", port)
    started = time.monotonic()
    app = app_for(ctx, check_migrations=False)
    if reset:
        app = _reset(ctx, app)
    database = app.extensions["oko.db"]
    click.echo(f"oko demo: everything you will see is synthetic {SYNTHETIC_MARK}, made up.\n")
    _step("Instance", app.instance_path)
    _step("Database", _describe(database.url))
    migrations.upgrade(database.url)
    questionnaire = _questionnaire(app)
    with database.session() as session:
        _data(session, questionnaire)
        class_session = _open_wave(app, session, questionnaire)
        _fieldwork(app, session, class_session.wave, f"http://127.0.0.1:{port}")
        code = class_sessions.format_code(class_session.code)
        _results(app, session)
        _plans(app, session)
        _reports(app, session)
        logins = demo_service.ensure_accounts(session)
    _step("Ready in", f"{time.monotonic() - started:.1f} s\n")

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


def _step(name: str, text: str) -> None:
    click.echo(f"  {name:<14} {text}")


def _data(session: Session, questionnaire: Questionnaire) -> None:
    """Synthetic areas, schools, closed waves and responses: generated once, then reused."""
    try:
        demo_service.check_usable(session)
    except demo_service.DemoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    stored = count_synthetic(session)
    if stored:
        _step("Data", f"reusing {stored:,} synthetic responses (--reset starts over)")
        return
    loading = time.monotonic()
    loaded = demo_service.load_data(session, questionnaire)
    _step(
        "Data",
        f"{loaded.municipalities} municipalities, {loaded.schools} schools, {loaded.waves} "
        f"closed waves, {loaded.responses:,} synthetic responses ({loaded.flagged} flagged by "
        f"the quality checks) in {time.monotonic() - loading:.1f} s",
    )


def _open_wave(app: Flask, session: Session, questionnaire: Questionnaire) -> ClassSession:
    """The pilot wave in progress and a class session whose code works now."""
    now = utcnow()
    directory = Path(app.config["QUESTIONNAIRE_DIR"])
    wave = demo_service.ensure_open_wave(session, questionnaire, directory, now=now)
    demo_service.ensure_fieldwork(session, wave, questionnaire, now=now)
    class_session = demo_service.ensure_class_session(
        session, wave, now=now, ttl_hours=app.config["CLASS_CODE_TTL_HOURS"]
    )
    _step(
        "Open wave",
        f"{wave.name}: {len(demo_service.FIELDWORK_DONE)} schools done "
        f"({count_synthetic(session, wave.id):,} responses), class {class_session.label} of "
        f"{class_session.school.name} open",
    )
    return class_session


def _fieldwork(app: Flask, session: Session, wave: Wave, url: str) -> None:
    """The coordinator's test session and the fieldwork documents of the demo school."""
    trial = demo_service.ensure_class_session(
        session, wave, now=utcnow(), ttl_hours=app.config["CLASS_CODE_TTL_HOURS"], is_test=True
    )
    folder = Path(app.instance_path) / FIELDWORK_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    settings = kit.KitSettings.from_config(app.config, app.config["PUBLIC_URL"] or url)
    data = kit.school_kit(session, wave, trial.school, settings, actor=None)
    written = 0
    for name, language in kit.pdf_documents(data, settings):
        pdf = kit.document(data, name, language, settings, wave.slug)
        _write_atomically(folder / f"{name}.{language}.pdf", pdf)
        written += 1
    typed_in = folder / TYPED_IN
    _write_atomically(
        typed_in, typed_in_demo.example_csv(data.questionnaire, trial.school.slug, trial.grade)
    )
    _step(
        "Fieldwork kit",
        f"test session {class_sessions.format_code(trial.code)} (answers never counted); "
        f"{written} documents of {trial.school.name} in {folder}; typed-in paper "
        f"questionnaires to try the upload page with: {typed_in}",
    )


def _results(app: Flask, session: Session) -> None:
    """The latest closed wave's results (now cached for the server) and their headline."""
    computing = time.monotonic()
    loaded, headlines = demo_service.headlines(session, Settings.from_config(app.config))
    label = loaded.indicators[demo_service.HEADLINE_INDICATOR].label("en").lower()
    _step(
        "Results",
        f"{loaded.wave.name} computed in {time.monotonic() - computing:.1f} s; {label}:",
    )
    for line in headlines:
        click.echo(f"{'':<19}{line.municipality:<28} {_headline(line)}")


def _headline(line: demo_service.Headline) -> str:
    if line.value is None:
        return "not published (too few answers)"
    text = f"{line.value:4.0%}"
    if line.previous is not None:
        text += f"   previous wave {line.previous:.0%}"
    return text + (f", trend {line.trend}" if line.trend else ", no clear trend")


def _plans(app: Flask, session: Session) -> None:
    """The demo coalition's goals and actions, set after an earlier wave."""
    settings = Settings.from_config(app.config)
    goals = demo_plans.ensure_plans(session, settings, demo_service.COALITION_MUNICIPALITY)
    _step("Plans", f"{goals} goals and their actions for {demo_service.COALITION_MUNICIPALITY}")


def _reports(app: Flask, session: Session) -> None:
    """Every municipality's PDF report of the latest closed wave, in Dutch and English."""
    building = time.monotonic()
    folder = Path(app.instance_path) / REPORTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    wave = demo_service.latest_closed_wave(session)
    batch = reports.wave_reports(
        session,
        wave=wave.slug,
        settings=Settings.from_config(app.config),
        report_date=date.today(),
    )
    written = kept = 0
    for target, data in batch:
        for language in LANGUAGES:
            path = folder / f"{wave.slug}-{target.name}-{language}.pdf"
            if path.exists():
                kept += 1
                continue
            _write_atomically(path, render_report(data, language, app.config["REPORTS_DIR"]))
            written += 1
    done = f"{written} written in {time.monotonic() - building:.1f} s" if written else "reused"
    _step("Reports", f"{written + kept} PDFs in {folder} ({done})")


def _write_atomically(path: Path, content: bytes) -> None:
    """A reader (or an interrupted run) never sees half a PDF."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _reset(ctx: click.Context, app: Flask) -> Flask:
    """Delete the SQLite database file (and its WAL files) and the demo's reports; a database
    that is not a SQLite file is refused."""
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
    folder = Path(app.instance_path) / REPORTS_FOLDER
    for wave in demo_scenario().waves:
        for report in folder.glob(f"{wave.slug}-*.pdf"):
            report.unlink()
    click.echo(f"Deleted {path} and the demo's reports: starting over.")
    return app_for(ctx, check_migrations=False)


def _questionnaire(app: Flask) -> Questionnaire:
    try:
        return load(Path(app.config["QUESTIONNAIRE_DIR"]) / QUESTIONNAIRE_FILE)
    except QuestionnaireError as exc:
        raise click.ClickException(f"The demo needs the oko-basis questionnaire: {exc}") from exc


def _describe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite {parsed.database}"
    return parsed.render_as_string(hide_password=True)
