"""The questionnaire preview: every page in every language, skip logic working, no code.

Nothing is stored: no draft, no cookie, no response. The answers given so far travel with
each page as a hidden JSON field, checked item by item like the survey's local copy
(:func:`oko.web.survey.forms.parse_restore`), and pruned to the path taken; the same
routing rules as the student's survey decide where Next and Back lead.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request

from oko.questionnaire import Answers, Questionnaire, routing
from oko.services.rows import Wave
from oko.services.staff import admin, kit
from oko.services.survey import class_sessions, questionnaires
from oko.web.auth import add_nav_item, current_user, login_required
from oko.web.context import db_session
from oko.web.i18n import translate
from oko.web.survey.forms import RestoreError, page_form, parse_restore
from oko.web.survey.pages import browser_context, element_views, progress

bp = Blueprint("fieldwork", __name__)

KIT_ROLES = ("coordinator", "coalition")

add_nav_item(bp, "fieldwork.home", "nav.fieldwork", roles=KIT_ROLES, order=35)


def kit_wave(slug: str) -> Wave:
    """A wave the kit is for (planned or open; a closed one too, for reference)."""
    wave = admin.wave_by_slug(db_session(), slug)
    if wave is None:
        abort(404)
    return wave


def wave_questionnaire(wave: Wave) -> Questionnaire | None:
    try:
        return questionnaires.for_wave(wave, current_app.config["QUESTIONNAIRE_DIR"])
    except questionnaires.QuestionnaireMissing:
        return None


def _language(questionnaire: Questionnaire) -> str:
    lang = request.args.get("lang", "")
    offered = questionnaire.student_languages
    return lang if lang in offered else offered[0]


def _render(
    wave: Wave,
    questionnaire: Questionnaire,
    index: int,
    answers: Answers,
    lang: str,
    errors: dict[str, str] | None = None,
):
    carried = json.dumps({"answers": dict(answers)}, sort_keys=True)
    if index >= routing.finish_index(questionnaire):
        return render_template(
            "fieldwork/preview_end.html", wave=wave, questionnaire=questionnaire, lang=lang
        )
    page = questionnaire.pages[index]
    views = element_views(questionnaire, page, answers)
    form = page_form(questionnaire, page.id)(formdata=None, data=_field_data(answers))
    return render_template(
        "fieldwork/preview.html",
        wave=wave,
        questionnaire=questionnaire,
        page=page,
        form=form,
        views=views,
        errors=errors or {},
        lang=lang,
        carried=carried,
        progress=progress(questionnaire, index),
        has_previous=questionnaire.previous_page(page.id, answers) is not None,
        script_data={
            "code": "preview",
            "page": page.id,
            "index": index,
            "context": browser_context(questionnaire, page, views, answers),
        },
    )


def _field_data(answers: Answers) -> dict[str, object]:
    return {f"q_{item_id}": value for item_id, value in answers.items()}


@bp.get("/fieldwork/")
@login_required(*KIT_ROLES)
def home():
    """The waves a kit can be made for, with the preview and (for a school) its documents."""
    session = db_session()
    user = current_user()
    schools = class_sessions.schools_for(session, user) if user and user.role != "coalition" else []
    waves = [(wave, wave_questionnaire(wave)) for wave in admin.waves(session)]
    texts_dir = Path(current_app.config["REPORTS_DIR"]) / "fieldwork"
    letters = {
        wave.slug: kit.letter_formats(questionnaire, texts_dir)
        for wave, questionnaire in waves
        if questionnaire is not None
    }
    return render_template("fieldwork/index.html", waves=waves, schools=schools, letters=letters)


@bp.get("/fieldwork/<wave_slug>/preview")
@login_required(*KIT_ROLES)
def preview(wave_slug: str):
    wave = kit_wave(wave_slug)
    questionnaire = wave_questionnaire(wave)
    if questionnaire is None:
        return render_template("fieldwork/no_questionnaire.html", wave=wave), 404
    first = questionnaire.next_page(None, {})
    index = questionnaire.page_index(first.id) if first else routing.finish_index(questionnaire)
    return _render(wave, questionnaire, index, {}, _language(questionnaire))


@bp.post("/fieldwork/<wave_slug>/preview/<page_id>")
@login_required(*KIT_ROLES)
def preview_page(wave_slug: str, page_id: str):
    """Next or Back: the posted page's answers join those carried, then the routing decides."""
    wave = kit_wave(wave_slug)
    questionnaire = wave_questionnaire(wave)
    if questionnaire is None:
        abort(404)
    lang = _language(questionnaire)
    try:
        page = questionnaire.page(page_id)
        carried = parse_restore(request.form.get("carried"), questionnaire, lang)
    except (KeyError, RestoreError):
        abort(400)
    form = page_form(questionnaire, page.id)()
    form.language = lang
    here = questionnaire.page_index(page.id)
    if not form.validate():
        answers = routing.merge(questionnaire, carried.answers, {})
        return _render(wave, questionnaire, here, answers, lang, form.invalid()), 400
    answers = routing.merge(questionnaire, carried.answers, form.answers())
    missing = routing.missing_required(questionnaire, page, answers)
    if missing and not form.going_back:
        errors = {item_id: translate("survey.error.required", lang) for item_id in missing}
        return _render(wave, questionnaire, here, answers, lang, errors)
    target = routing.destination(questionnaire, page, answers, forward=not form.going_back)
    return _render(wave, questionnaire, target, answers, lang)
