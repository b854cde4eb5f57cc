"""The fieldwork monitor: a page, and the JSON it polls to update itself."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for

from oko.services.rows import Wave
from oko.services.staff import admin, fieldwork
from oko.web.auth import current_user, login_required
from oko.web.coalition import bp
from oko.web.coalition.presenters import fieldwork_payload, percent
from oko.web.context import db_session
from oko.web.sessions.forms import HeldResponsesForm

MONITOR_ROLES = ("coordinator", "coalition")


def _wave(slug: str) -> Wave:
    wave = admin.wave_by_slug(db_session(), slug)
    if wave is None or wave.status == "planned":
        abort(404)
    return wave


def _municipality_filter() -> int | None:
    """Admins may narrow the monitor to one municipality with ``?municipality=slug``."""
    slug = request.args.get("municipality")
    if not slug:
        return None
    town = admin.municipality_by_slug(db_session(), slug)
    if town is None:
        abort(404)
    return town.id


def _carried_args() -> dict[str, Any]:
    """The query parameters the monitor's own links keep: only the municipality filter, never
    whatever else a visitor typed (which could clash with ``url_for``'s own arguments)."""
    slug = request.args.get("municipality")
    return {"municipality": slug} if slug else {}


@bp.get("/monitor/")
@login_required(*MONITOR_ROLES)
def monitor_home():
    wave = fieldwork.default_wave(db_session())
    if wave is None:
        return render_template("coalition/monitor_empty.html")
    return redirect(url_for("coalition.monitor", wave_slug=wave.slug, **_carried_args()))


@bp.get("/monitor/<wave_slug>")
@login_required(*MONITOR_ROLES)
def monitor(wave_slug: str):
    session = db_session()
    wave = _wave(wave_slug)
    user = current_user()
    assert user is not None  # login_required ran first
    report = fieldwork.progress(session, user, wave, _municipality_filter())
    return render_template(
        "coalition/monitor.html",
        report=report,
        waves=fieldwork.monitor_waves(session),
        municipalities=admin.municipalities(session) if user.role == "admin" else [],
        percent=percent,
        carried_args=_carried_args(),
        interval_ms=current_app.config["MONITOR_POLL_SECONDS"] * 1000,
        held_form=HeldResponsesForm(),
    )


@bp.get("/api/monitor/<wave_slug>")
@login_required(*MONITOR_ROLES)
def monitor_data(wave_slug: str):
    wave = _wave(wave_slug)
    report = fieldwork.progress(db_session(), current_user(), wave, _municipality_filter())
    response = current_app.json.response(fieldwork_payload(report))
    response.headers["Cache-Control"] = "no-store"
    return response
