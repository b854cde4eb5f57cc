"""The student's pages as rendered: templates, their context, the script's data, and the
headers and template helpers every survey page shares."""

from __future__ import annotations

from datetime import UTC, timedelta

from flask import Response, current_app, render_template, request
from markupsafe import Markup

from oko.questionnaire import Answers, Item, Page, Questionnaire, routing
from oko.services.rows import ClassSession, Draft
from oko.services.survey import drafts, questionnaires
from oko.web.i18n import translate
from oko.web.survey import bp
from oko.web.survey.forms import (
    CodeForm,
    FieldBuilder,
    FinishForm,
    PageForm,
    StartForm,
    field_builder,
    field_name,
)
from oko.web.survey.pages import browser_context, element_views, progress
from oko.web.survey.text import blocks, tappable

Rendered = tuple[str, int]


@bp.after_request
def _no_store(response: Response) -> Response:
    """Answers are in these pages: never keep them in a shared computer's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(413)
def _too_large(_error: Exception):
    """An oversized body is a malformed form like any other: 400, nothing stored."""
    return error_page("survey.error.too_large", 400)


@bp.app_template_global()
def survey_field_name(item_id: str) -> str:
    return field_name(item_id)


@bp.app_template_global()
def survey_field_builder(item: Item) -> FieldBuilder:
    """Which partial and macro render the item's input (see ``survey/page.html``)."""
    return field_builder(item)


@bp.app_template_filter("text_blocks")
def text_blocks_filter(text: str) -> list[tuple[str, object]]:
    return blocks(text)


@bp.app_template_filter("tappable")
def tappable_filter(text: str) -> Markup:
    return tappable(text)


def entry_error(form: CodeForm, message_key: str, status: int) -> Rendered:
    return render_template("survey/entry.html", form=form, error=translate(message_key)), status


def error_page(message_key: str, status: int) -> Rendered:
    return render_template("errors.html", status=status, message=translate(message_key)), status


def render_intro(
    class_session: ClassSession, form: StartForm, notice: str | None = None, status: int = 200
) -> Rendered:
    questionnaire = questionnaires.for_wave(
        class_session.wave, current_app.config["QUESTIONNAIRE_DIR"]
    )
    return render_template(
        "survey/intro.html",
        questionnaire=questionnaire,
        class_session=class_session,
        form=form,
        notice=notice,
    ), status


def render_expired(
    class_session: ClassSession,
    questionnaire: Questionnaire,
    notice: str | None = None,
    status: int = 200,
) -> Rendered:
    return render_template(
        "survey/expired.html",
        class_session=class_session,
        questionnaire=questionnaire,
        form=StartForm(formdata=None),
        notice=notice,
    ), status


def _local_copy(draft: Draft | None) -> dict[str, object]:
    """What the script needs to keep and restore a local copy of this draft: it keeps it as
    long as the server keeps the expired draft it can bring back."""
    if draft is None:
        return {}
    ttl = timedelta(minutes=current_app.config["DRAFT_TTL_MINUTES"])
    keep_until = (draft.expires_at + ttl).replace(tzinfo=UTC)
    return {
        "key": drafts.local_key(draft, current_app.config["SECRET_KEY"]),
        "answers": draft.answers,
        "started": int(draft.started_at.replace(tzinfo=UTC).timestamp()),
        "keepUntil": int(keep_until.timestamp() * 1000),
    }


def render_page(
    class_session: ClassSession,
    questionnaire: Questionnaire,
    current: Page,
    form: PageForm,
    answers: Answers,
    draft: Draft | None,
    notice: str | None = None,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Rendered:
    views = element_views(questionnaire, current, answers)
    index = questionnaire.page_index(current.id)
    return render_template(
        "survey/page.html",
        questionnaire=questionnaire,
        page=current,
        form=form,
        views=views,
        errors=errors or {},
        notice=notice or _notice_from_args(),
        progress=progress(questionnaire, index),
        has_previous=questionnaire.previous_page(current.id, answers) is not None,
        code=class_session.code,
        script_data={
            "code": class_session.code,
            "page": current.id,
            "index": index,
            "context": browser_context(questionnaire, current, views, answers),
            **_local_copy(draft),
        },
    ), status


def render_finish(
    class_session: ClassSession,
    questionnaire: Questionnaire,
    form: FinishForm,
    draft: Draft | None,
    notice: str | None = None,
    status: int = 200,
) -> Rendered:
    return render_template(
        "survey/finish.html",
        questionnaire=questionnaire,
        form=form,
        notice=notice or _notice_from_args(),
        code=class_session.code,
        script_data={
            "code": class_session.code,
            "page": "finish",
            "index": routing.finish_index(questionnaire),
            **_local_copy(draft),
        },
    ), status


def render_stop(
    form: StartForm, code: str, back: str, notice: str | None = None, status: int = 200
) -> Rendered:
    """The "stop here?" question, with the way back to where the student was."""
    return render_template(
        "survey/stop.html", form=form, code=code, back=back, notice=notice
    ), status


def _notice_from_args() -> str | None:
    """A notice carried over a redirect (only our own key: the URL cannot inject text)."""
    return "survey.notice.recovered" if request.args.get("notice") == "recovered" else None
