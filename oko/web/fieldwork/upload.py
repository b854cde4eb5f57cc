"""Uploading typed-in paper questionnaires: the same checks as ``oko import responses``.

Every problem is shown with its row and column; nothing is stored unless the file is valid,
or the coordinator chose to skip the invalid rows. The upload has its own size limit
(``UPLOAD_MAX_BYTES``, 5 MB: some 10,000 typed-in questionnaires), larger than the app's
limit for forms; a larger file gets a page that says so (413), never a half-read import.
"""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField

from oko.services.rows import utcnow
from oko.services.staff import authz
from oko.services.survey import imports
from oko.web.auth import current_user, login_required
from oko.web.context import db_session
from oko.web.extensions import csrf
from oko.web.fieldwork.preview import bp, kit_wave, wave_questionnaire
from oko.web.i18n import refusal_text, translate

UPLOAD_MAX_BYTES = 5 * 1024 * 1024


class UploadForm(FlaskForm):
    """The CSV file, the language it was answered in, and whether to skip invalid rows."""

    file = FileField("fieldwork.upload_file", validators=[FileRequired()])
    language = SelectField("fieldwork.upload_language")
    skip_invalid = BooleanField("fieldwork.upload_skip")


@bp.errorhandler(413)
def _too_large(_error: Exception):
    """The plain error page: the staff menu's logout form would read the oversized body."""
    limit = current_app.config.get("UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES) // (1024 * 1024)
    message = translate("fieldwork.upload_too_large", megabytes=limit)
    return render_template("errors.html", status=413, message=message), 413


@bp.route("/fieldwork/<wave_slug>/upload", methods=["GET", "POST"])
@login_required("coordinator")
@csrf.exempt
def upload(wave_slug: str):
    """The CSRF token is checked by the form, after the size limit of this page is set (the
    app-wide check would read the body under the smaller limit for forms first)."""
    request.max_content_length = current_app.config.get("UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES)
    wave = kit_wave(wave_slug)
    questionnaire = wave_questionnaire(wave)
    if questionnaire is None:
        return render_template("fieldwork/no_questionnaire.html", wave=wave), 404
    form = UploadForm()
    form.language.choices = [(lang, lang) for lang in questionnaire.languages]
    if request.method == "GET":
        return render_template("fieldwork/upload.html", wave=wave, form=form)
    if not form.validate():
        return render_template("fieldwork/upload.html", wave=wave, form=form), 400
    user = current_user()
    assert user is not None  # login_required ran first
    data = form.file.data.read()
    try:
        result = imports.upload_responses(
            db_session(),
            wave,
            questionnaire,
            data,
            user=user,
            language=form.language.data,
            now=utcnow(),
            skip_invalid=form.skip_invalid.data,
        )
    except authz.Forbidden:
        abort(403)
    except imports.ImportRefused as exc:
        return render_template(
            "fieldwork/upload.html",
            wave=wave,
            form=form,
            refusal=refusal_text(exc),
            problems=exc.problems,
        ), 422
    return render_template(
        "fieldwork/upload.html",
        wave=wave,
        form=UploadForm(formdata=None, language=form.language.data),
        result=result,
        rows=imports.describe_rows,
    )
