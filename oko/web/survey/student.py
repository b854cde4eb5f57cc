"""The student behind a request: their class session and draft, and where they go next.

The views of ``routes`` ask here who is asking (the code in the URL, the draft cookie) and
turn the answers of ``oko.services.survey`` into redirects, cookies and refusal pages; the
rules themselves (rate limits, recovery, routing) live in the services and in
``oko.questionnaire.routing``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NoReturn

from flask import abort, current_app, g, make_response, request, url_for
from flask import redirect as redirect_to
from werkzeug.wrappers import Response as BaseResponse

from oko.questionnaire import Page, Questionnaire, routing
from oko.services import ratelimit
from oko.services.rows import ClassSession, Draft, utcnow
from oko.services.survey import admission, class_sessions, drafts, questionnaires
from oko.web.context import db_session
from oko.web.survey.forms import CodeForm, PageForm, RestoreError, StartForm, parse_restore
from oko.web.survey.render import entry_error, error_page, render_expired

#: HTTP status for each reason a code is refused (all friendly pages, never a stack trace).
REFUSAL_STATUS = {
    "unknown": 404,
    "closed": 410,
    "expired": 410,
    "wave_closed": 410,
    "wave_not_open": 403,
    "too_many": 429,
}


def client_key(purpose: str) -> str:
    """The rate-limit key of this request's address for ``purpose``."""
    secret = current_app.config["SECRET_KEY"]
    return ratelimit.client_key(secret, purpose, request.remote_addr or "")


def admit(raw_code: str, form: CodeForm | None = None) -> ClassSession:
    """The open class session for a code, or a friendly refusal page (see ``admission``)."""
    config = current_app.config
    try:
        return admission.admit(
            db_session(),
            raw_code,
            client=client_key("class-code"),
            attempts=config["CODE_ATTEMPTS_PER_WINDOW"],
            window=timedelta(minutes=config["CODE_ATTEMPT_WINDOW_MINUTES"]),
            now=utcnow(),
            ttl_hours=config["CLASS_CODE_TTL_HOURS"],
        )
    except class_sessions.CodeRefused as refused:
        form = form or CodeForm(formdata=None, code=raw_code)
        message, status = f"survey.code.{refused.reason}", REFUSAL_STATUS[refused.reason]
        abort_with(entry_error(form, message, status))


def cookie_draft() -> Draft | None:
    if "survey_draft" not in g:
        token = request.cookies.get(drafts.COOKIE_NAME)
        g.survey_draft = drafts.find(db_session(), token, now=utcnow())
    return g.survey_draft


def resolve(code: str) -> tuple[ClassSession, Draft | None]:
    """The class session of a URL and the student's draft in it, if any.

    With a live draft for this class the student goes on even after the teacher closed the
    session (they were inside already); without one the code must admit them.
    """
    draft = cookie_draft()
    if draft is not None:
        class_session = class_sessions.by_code(db_session(), code)
        if class_session is not None and class_session.id == draft.class_session_id:
            return class_session, draft
    return admit(code), None


def revive(
    class_session: ClassSession, questionnaire: Questionnaire, form: PageForm | StartForm
) -> Draft:
    """The student's expired draft, brought back with the browser's local copy, or the page
    that says why not (a tampered copy: 400; no draft to bring back: 410; sent already: the
    thank-you page)."""
    try:
        restored = parse_restore(form.restore.data, questionnaire, g.lang)
    except RestoreError:
        abort_with(error_page("survey.error.restore", 400))
    try:
        draft = admission.recover(
            db_session(),
            class_session,
            questionnaire,
            token=request.cookies.get(drafts.COOKIE_NAME),
            copy=restored.answers,
            submission_id=restored.submission,
            ttl_minutes=current_app.config["DRAFT_TTL_MINUTES"],
            now=utcnow(),
        )
    except admission.NotRecovered as refused:
        if refused.submission_id is not None:
            abort_with(thanks_redirect(refused.submission_id))
        abort_with(render_expired(class_session, questionnaire, "survey.notice.lost", 410))
    g.survey_draft = draft
    return draft


def use_draft_language(draft: Draft) -> None:
    """The language chosen on the entry page, kept with the draft to the thank-you page."""
    g.lang = draft.language


def questionnaire_of(class_session: ClassSession) -> Questionnaire:
    return questionnaires.for_wave(class_session.wave, current_app.config["QUESTIONNAIRE_DIR"])


def page_of(questionnaire: Questionnaire, page_id: str) -> Page:
    try:
        return questionnaire.page(page_id)
    except KeyError:
        abort(404)


def refuse_unknown_fields(form: PageForm | StartForm) -> None:
    if form.unknown_fields(request.form):
        abort_with(error_page("survey.error.unknown_field", 400))


def step_url(
    class_session: ClassSession, questionnaire: Questionnaire, index: int, notice: str | None = None
) -> str:
    args: dict[str, Any] = {"code": class_session.code}
    if notice:
        args["notice"] = notice.rsplit(".", 1)[-1]
    if index >= routing.finish_index(questionnaire):
        return url_for("survey.finish", **args)
    return url_for("survey.page", page_id=questionnaire.pages[index].id, **args)


def resume_url(class_session: ClassSession, draft: Draft) -> str:
    questionnaire = questionnaire_of(class_session)
    index = routing.resume_index(questionnaire, draft.page_index, draft.answers)
    return step_url(class_session, questionnaire, index)


def redirect_to_resume(class_session: ClassSession, draft: Draft) -> BaseResponse:
    return redirect_to(resume_url(class_session, draft))


def thanks_redirect(submission_id: str) -> BaseResponse:
    response = redirect_to(url_for("survey.thanks", submission_id=submission_id))
    response.delete_cookie(drafts.COOKIE_NAME, path="/")
    return response


def with_cookie(response: BaseResponse, token: str | None) -> BaseResponse:
    """(Re)set the draft cookie, moved on at every save.

    It outlives the draft by as long again: an expired draft is kept that long, and the
    cookie is what lets the student (with or without the local copy) bring it back.
    """
    if token:
        response.set_cookie(
            drafts.COOKIE_NAME,
            token,
            max_age=2 * current_app.config["DRAFT_TTL_MINUTES"] * 60,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def abort_with(response: BaseResponse | tuple[str, int]) -> NoReturn:
    abort(make_response(response))
