"""The coalition dashboard: results of a municipality's latest closed wave, by domain, with
charts, and the PDF report and aggregate tables to download."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, redirect, render_template, request, url_for

from oko.reporting import LANGUAGES as REPORT_LANGUAGES
from oko.services.results import dashboard
from oko.services.results.engine import Settings
from oko.services.rows import Municipality, User, Wave, utcnow
from oko.web.auth import current_user, login_required
from oko.web.coalition import bp
from oko.web.coalition.charts import bar_chart, bar_rows, trend_chart
from oko.web.context import db_session
from oko.web.i18n import current_language

READERS = ("coalition",)
#: The aggregate tables download (research pages), scoped to the reader's municipality.
AGGREGATES = "research.aggregates"


def _user() -> User:
    user = current_user()
    assert user is not None  # login_required ran first
    return user


def _municipality(slug: str) -> Municipality:
    try:
        return dashboard.require_municipality(db_session(), _user(), slug)
    except LookupError:
        abort(404)


def _options() -> dict[str, Any]:
    config = current_app.config
    return {
        "settings": Settings.from_config(config),
        "reports_dir": str(config["REPORTS_DIR"]),
        "today": utcnow().date(),
    }


@bp.get("/dashboard/")
@login_required(*READERS)
def dashboard_home():
    """A coalition member goes straight to their municipality; an admin picks one."""
    towns = dashboard.municipalities_for(db_session(), _user())
    if len(towns) == 1:
        return redirect(url_for("coalition.municipality_results", municipality_slug=towns[0].slug))
    return render_template("coalition/dashboard_choose.html", municipalities=towns)


@bp.get("/dashboard/<municipality_slug>/")
@login_required(*READERS)
def municipality_results(municipality_slug: str):
    town = _municipality(municipality_slug)
    waves = dashboard.result_waves(db_session(), town)
    if not waves:
        return render_template("coalition/dashboard_empty.html", municipality=town)
    return redirect(
        url_for("coalition.wave_results", municipality_slug=town.slug, wave_slug=waves[0].slug)
    )


def wave_board(municipality_slug: str, wave_slug: str) -> tuple[dashboard.Dashboard, list[Wave]]:
    """A wave's dashboard for the reader, and the waves with results to switch to; 404 for
    a municipality or wave without results (every dashboard page of a wave starts here)."""
    session = db_session()
    town = _municipality(municipality_slug)
    try:
        wave = dashboard.require_result_wave(session, town, wave_slug)
        board = dashboard.municipality_dashboard(
            session, _user(), town, wave, language=current_language(), **_options()
        )
    except dashboard.NoResults:
        abort(404)
    return board, dashboard.result_waves(session, town)


@bp.get("/dashboard/<municipality_slug>/<wave_slug>")
@login_required(*READERS)
def wave_results(municipality_slug: str, wave_slug: str):
    board, waves = wave_board(municipality_slug, wave_slug)
    chosen = board.domain(request.args.get("domain", "")) or board.content.domains[0]
    return render_template(
        "coalition/dashboard.html",
        board=board,
        domain=chosen,
        waves=waves,
        report_languages=REPORT_LANGUAGES,
        bar_chart=bar_chart,
        bar_rows=bar_rows,
        trend_chart=trend_chart,
        aggregates_endpoint=AGGREGATES if AGGREGATES in current_app.view_functions else None,
    )


@bp.get("/dashboard/<municipality_slug>/<wave_slug>/report-<any(nl, en):language>.pdf")
@login_required(*READERS)
def report_pdf(municipality_slug: str, wave_slug: str, language: str):
    session = db_session()
    town = _municipality(municipality_slug)
    try:
        wave = dashboard.require_result_wave(session, town, wave_slug)
        pdf = dashboard.report_pdf(session, _user(), town, wave, language=language, **_options())
    except dashboard.NoResults:
        abort(404)
    filename = f"oko-{wave.slug}-{town.slug}-{language}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
