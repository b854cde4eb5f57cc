"""The documents of a school, for its coordinators (and admins): downloaded as PDF, or, for a
letter to parents written right to left, shown as a printable web page."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request

from oko.services.rows import School, Wave
from oko.services.staff import admin, authz, kit
from oko.web.auth import current_user, login_required
from oko.web.context import db_session
from oko.web.fieldwork.preview import bp, kit_wave
from oko.web.i18n import refusal_text


@bp.get(
    "/fieldwork/<wave_slug>/documents/<school_slug>/"
    "<any('parent-letter', 'teacher-sheets', 'paper-questionnaire'):name>.<lang>.pdf"
)
@login_required("coordinator")
def document(wave_slug: str, school_slug: str, name: str, lang: str):
    """One document; a refusal (no sessions, no questionnaire) is a page that says why."""
    wave, school, settings = _context(wave_slug, school_slug)
    try:
        data = kit.school_kit(db_session(), wave, school, settings, actor=current_user())
        pdf = kit.document(data, name, lang, settings, wave.slug)
    except authz.Forbidden:
        abort(403)
    except kit.KitError as exc:
        return _refused(exc)
    filename = f"{name}-{school.slug}-{wave.slug}.{lang}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/fieldwork/<wave_slug>/documents/<school_slug>/parent-letter.<lang>.html")
@login_required("coordinator")
def letter_page(wave_slug: str, school_slug: str, lang: str):
    """The letter to parents as a page to print, for languages the PDFs cannot lay out."""
    wave, school, settings = _context(wave_slug, school_slug)
    try:
        data = kit.school_kit(db_session(), wave, school, settings, actor=current_user())
        letter = kit.letter_page(data, lang, settings, wave.slug)
    except authz.Forbidden:
        abort(403)
    except kit.KitError as exc:
        return _refused(exc)
    return render_template("fieldwork/letter.html", letter=letter)


def _context(wave_slug: str, school_slug: str) -> tuple[Wave, School, kit.KitSettings]:
    wave = kit_wave(wave_slug)
    school = admin.school_by_slug(db_session(), school_slug)
    if school is None:
        abort(404)
    base_url = current_app.config["PUBLIC_URL"] or request.url_root
    return wave, school, kit.KitSettings.from_config(current_app.config, base_url)


def _refused(exc: kit.KitError) -> tuple[str, int]:
    return render_template("fieldwork/refused.html", message=refusal_text(exc)), 409
