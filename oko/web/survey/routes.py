"""The student's way through: code, language, introduction, pages, finish, thank-you.

Views parse the request, call ``oko.services`` and render. Pages follow post/redirect/get, so
reloading never re-posts; the draft cookie names the student's questionnaire in progress.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from flask import (
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from oko.questionnaire import Answer, Page, Questionnaire
from oko.services import ratelimit
from oko.services.rows import ClassSession, Draft, utcnow
from oko.services.survey import class_sessions, drafts, questionnaires, submissions
from oko.web.context import db_session
from oko.web.i18n import LANGUAGES, translate
from oko.web.survey import bp
from oko.web.survey.forms import (
    CodeForm,
    FinishForm,
    PageForm,
    RestoreError,
    StartForm,
    field_name,
    page_form,
    parse_restore,
)
from oko.web.survey.pages import browser_context, element_views, progress_percent
from oko.web.survey.text import blocks, unbroken_numbers

#: HTTP status for each reason a code is refused (all friendly pages, never a stack trace).
REFUSAL_STATUS = {
    "unknown": 404,
    "closed": 410,
    "expired": 410,
    "wave_closed": 410,
    "wave_not_open": 403,
}
#: Furthest back a restored local copy may date its start (for the completion time).
MAX_RESTORED_AGE = timedelta(hours=24)


@bp.after_request
def _no_store(response: Response) -> Response:
    """Answers are in these pages: never keep them in a shared computer's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(413)
def _too_large(_error: Exception):
    """An oversized body is a malformed form like any other: 400, nothing stored."""
    return _error_page("survey.error.too_large", 400)


@bp.app_template_global()
def survey_field_name(item_id: str) -> str:
    return field_name(item_id)


@bp.app_template_filter("text_blocks")
def text_blocks_filter(text: str) -> list[tuple[str, object]]:
    return blocks(text)


@bp.app_template_filter("unbroken_numbers")
def unbroken_numbers_filter(text: str) -> Markup:
    return unbroken_numbers(text)


# Entry: the class code.


@bp.get("/")
def entry():
    draft = _cookie_draft()
    resume = None
    if draft is not None:
        class_session = class_sessions.get(db_session(), draft.class_session_id)
        resume = class_session.code if class_session is not None else None
    return render_template("survey/entry.html", form=CodeForm(), resume_code=resume)


@bp.post("/")
def enter_code():
    form = CodeForm()
    if not form.validate():
        expired = bool(form.meta.csrf and form.csrf_token.errors)
        return _entry_error(form, "survey.code.again" if expired else "survey.code.empty", 400)
    class_session = _admit(form.code.data, form)
    return redirect(url_for("survey.choose_language", code=class_session.code))


@bp.get("/s/<code>")
def choose_language(code: str):
    class_session, draft = _resolve(code)
    if draft is not None:
        return _redirect_to_resume(class_session, draft)
    return render_template("survey/language.html", class_session=class_session)


@bp.get("/s/<code>/intro")
def intro(code: str):
    class_session, draft = _resolve(code)
    if draft is not None:
        return _redirect_to_resume(class_session, draft)
    return _render_intro(class_session, StartForm())


@bp.post("/s/<code>/start")
def start(code: str):
    class_session, draft = _resolve(code)
    if draft is not None:
        return _redirect_to_resume(class_session, draft)
    form = StartForm()
    if not form.validate():
        return _render_intro(class_session, form, notice="survey.notice.expired_form", status=400)
    token, draft = drafts.start(
        db_session(),
        class_session,
        language=g.lang,
        ttl_minutes=current_app.config["DRAFT_TTL_MINUTES"],
        now=utcnow(),
    )
    return _with_cookie(_redirect_to_resume(class_session, draft), token)


@bp.get("/declined")
def declined():
    return render_template("survey/declined.html")


# The questionnaire pages.


@bp.get("/s/<code>/p/<page_id>")
def page(code: str, page_id: str):
    class_session, draft = _resolve(code)
    questionnaire = _questionnaire(class_session)
    current = _page(questionnaire, page_id)
    if draft is None:
        return _render_expired(class_session, questionnaire)
    _use_draft_language(draft)
    if not drafts.may_visit(questionnaire, draft, current):
        return _redirect_to_resume(class_session, draft)
    form = page_form(questionnaire, current.id)(formdata=None, data=_field_data(draft.answers))
    return _render_page(class_session, questionnaire, current, form, draft.answers, draft)


@bp.post("/s/<code>/p/<page_id>")
def save_page(code: str, page_id: str):
    class_session, draft = _resolve(code)
    questionnaire = _questionnaire(class_session)
    current = _page(questionnaire, page_id)
    if draft is not None:
        _use_draft_language(draft)
    form = page_form(questionnaire, current.id)()
    form.language = g.lang
    _refuse_unknown_fields(form)
    valid = form.validate()
    known = draft.answers if draft is not None else {}
    posted = drafts.merge(questionnaire, known, form.answers())
    if form.csrf_failed():
        expired = "survey.notice.expired_form"
        return _render_page(
            class_session, questionnaire, current, form, posted, draft, expired, 400
        )
    if not valid:
        return _render_page(
            class_session, questionnaire, current, form, posted, draft, None, 400, form.invalid()
        )
    notice: str | None = None
    token = request.cookies.get(drafts.COOKIE_NAME)
    if draft is None:
        token, draft = _recover(
            class_session, questionnaire, form, questionnaire.page_index(current.id)
        )
        notice = "survey.notice.recovered" if form.restore.data else "survey.notice.recovered_page"
    result = drafts.save_page(
        db_session(),
        draft,
        questionnaire,
        current,
        form.answers(),
        forward=not form.going_back,
        ttl_minutes=current_app.config["DRAFT_TTL_MINUTES"],
        now=utcnow(),
    )
    if result.missing:
        answers = drafts.merge(questionnaire, draft.answers, form.answers())
        errors = {item_id: translate("survey.error.required") for item_id in result.missing}
        page = _render_page(
            class_session, questionnaire, current, form, answers, draft, notice, 200, errors
        )
        return _with_cookie(make_response(page), token)
    destination = _step_url(class_session, questionnaire, result.target, notice)
    return _with_cookie(redirect(destination), token)


@bp.post("/s/<code>/recover")
def recover(code: str):
    """The expired page's Continue button: a new draft from the browser's local copy."""
    class_session, draft = _resolve(code)
    if draft is not None:
        return _redirect_to_resume(class_session, draft)
    questionnaire = _questionnaire(class_session)
    form = StartForm()
    form.language = g.lang
    _refuse_unknown_fields(form)
    if not form.validate():
        return _render_expired(class_session, questionnaire, "survey.notice.expired_form", 400)
    token, draft = _recover(class_session, questionnaire, form)
    return _with_cookie(_redirect_to_resume(class_session, draft), token)


# Finishing.


@bp.get("/s/<code>/finish")
def finish(code: str):
    class_session, draft = _resolve(code)
    questionnaire = _questionnaire(class_session)
    if draft is None:
        return _render_expired(class_session, questionnaire)
    _use_draft_language(draft)
    if draft.page_index < drafts.finish_index(questionnaire):
        return _redirect_to_resume(class_session, draft)
    secret = current_app.config["SECRET_KEY"]
    form = FinishForm(formdata=None, submission_id=drafts.default_submission_id(draft, secret))
    return _render_finish(class_session, questionnaire, form, draft)


@bp.post("/s/<code>/finish")
def submit(code: str):
    form = FinishForm()
    submission_id = (form.submission_id.data or "").strip()
    stored = submissions.find(db_session(), submission_id)
    if stored is not None and _cookie_draft() is None:
        # The same submit again (double click, retry, replay): it is in already.
        return _thanks_redirect(submission_id)
    class_session, draft = _resolve(code)
    questionnaire = _questionnaire(class_session)
    if draft is not None:
        _use_draft_language(draft)
    form.language = g.lang
    _refuse_unknown_fields(form)
    if not form.validate():
        notice = "survey.notice.expired_form" if form.csrf_failed() else None
        return _render_finish(class_session, questionnaire, form, draft, notice, 400)
    if form.going_back:
        answers = draft.answers if draft is not None else {}
        target = drafts.last_shown_index(questionnaire, answers)
        return redirect(_step_url(class_session, questionnaire, target))
    if draft is None:
        if not form.restore.data:
            return _render_expired(class_session, questionnaire, "survey.notice.lost", 410)
        _token, draft = _recover(
            class_session, questionnaire, form, drafts.finish_index(questionnaire)
        )
    try:
        receipt = submissions.submit(
            db_session(),
            draft,
            class_session,
            questionnaire,
            submission_id=submission_id,
            now=utcnow(),
        )
    except submissions.SubmitRefused as refused:
        status = 410 if refused.reason == "wave_closed" else 400
        return _render_finish(
            class_session, questionnaire, form, draft, f"survey.submit.{refused.reason}", status
        )
    return _thanks_redirect(receipt.submission_id)


@bp.get("/thanks/<submission_id>")
def thanks(submission_id: str):
    stored = submissions.find(db_session(), submission_id)
    if stored is None:
        abort(404)
    questionnaire = questionnaires.find(
        stored.questionnaire_id,
        stored.questionnaire_version,
        current_app.config["QUESTIONNAIRE_DIR"],
    )
    return render_template("survey/thanks.html", questionnaire=questionnaire)


# Stopping.


@bp.get("/s/<code>/stop")
def stop(code: str):
    class_session, draft = _resolve(code)
    if draft is None:
        return redirect(url_for("survey.declined"))
    _use_draft_language(draft)
    back = _resume_url(class_session, draft)
    return render_template("survey/stop.html", form=StartForm(), code=class_session.code, back=back)


@bp.post("/s/<code>/stop")
def confirm_stop(code: str):
    class_session, draft = _resolve(code)
    form = StartForm()
    _refuse_unknown_fields(form)
    if draft is not None:
        _use_draft_language(draft)
        if not form.validate():
            back = _resume_url(class_session, draft)
            return render_template(
                "survey/stop.html",
                form=form,
                code=class_session.code,
                back=back,
                notice="survey.notice.expired_form",
            ), 400
        drafts.discard(db_session(), draft)
    response = redirect(url_for("survey.declined"))
    response.delete_cookie(drafts.COOKIE_NAME, path="/")
    return response


# Helpers: codes and drafts.


def _attempt_key() -> str:
    secret = current_app.config["SECRET_KEY"]
    return ratelimit.client_key(secret, "class-code", request.remote_addr or "")


def _admit(raw_code: str, form: CodeForm | None = None) -> ClassSession:
    """The open class session for a code, or a friendly refusal page.

    Only unknown codes count against the client's limit (a whole class behind one school
    address types the right code at once); a client over its limit learns nothing more.
    """
    session = db_session()
    key = _attempt_key()
    limit = current_app.config["CODE_ATTEMPTS_PER_MINUTE"]
    form = form or CodeForm(formdata=None, code=raw_code)
    if not class_sessions.attempts_left(session, key, limit, now=utcnow()):
        _abort_with(_entry_error(form, "survey.code.too_many", 429))
    try:
        return class_sessions.admit(
            session, raw_code, now=utcnow(), ttl_hours=current_app.config["CLASS_CODE_TTL_HOURS"]
        )
    except class_sessions.CodeRefused as refused:
        if refused.reason == "unknown":
            ratelimit.hit(session, key, limit)
        _abort_with(
            _entry_error(form, f"survey.code.{refused.reason}", REFUSAL_STATUS[refused.reason])
        )


def _cookie_draft() -> Draft | None:
    if "survey_draft" not in g:
        token = request.cookies.get(drafts.COOKIE_NAME)
        g.survey_draft = drafts.find(db_session(), token, now=utcnow())
    return g.survey_draft


def _resolve(code: str) -> tuple[ClassSession, Draft | None]:
    """The class session of a URL and the student's draft in it, if any.

    With a live draft for this class the student goes on even after the teacher closed the
    session (they were inside already); without one the code must admit them.
    """
    draft = _cookie_draft()
    if draft is not None:
        class_session = class_sessions.by_code(db_session(), code)
        if class_session is not None and class_session.id == draft.class_session_id:
            return class_session, draft
    return _admit(code), None


def _recover(
    class_session: ClassSession,
    questionnaire: Questionnaire,
    form: PageForm | StartForm,
    index: int | None = None,
) -> tuple[str, Draft]:
    """A new draft from the browser's local copy, after the server's one expired.

    ``index`` is the page being posted; without one (the expired page's Continue button) the
    student continues from the furthest page their browser had reached.
    """
    try:
        restored = parse_restore(form.restore.data, questionnaire, g.lang)
    except RestoreError:
        _abort_with(_error_page("survey.error.restore", 400))
    if restored.submission and submissions.find(db_session(), restored.submission) is not None:
        # Sent already; the thank-you page was lost (a timeout): never store it twice.
        _abort_with(_thanks_redirect(restored.submission))
    now = utcnow()
    started = now
    if restored.started_epoch is not None:
        claimed = datetime.fromtimestamp(restored.started_epoch, UTC).replace(tzinfo=None)
        if now - MAX_RESTORED_AGE <= claimed <= now:
            started = claimed
    return drafts.recover(
        db_session(),
        class_session,
        language=g.lang,
        answers=questionnaire.prune(restored.answers),
        page_index=restored.furthest if index is None else index,
        started_at=started,
        ttl_minutes=current_app.config["DRAFT_TTL_MINUTES"],
        now=now,
    )


def _use_draft_language(draft: Draft) -> None:
    """The draft's language, unless the student switches with ``?lang=`` (kept from then on)."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        drafts.set_language(db_session(), draft, chosen)
    g.lang = draft.language


def _questionnaire(class_session: ClassSession) -> Questionnaire:
    return questionnaires.for_wave(class_session.wave, current_app.config["QUESTIONNAIRE_DIR"])


def _page(questionnaire: Questionnaire, page_id: str) -> Page:
    try:
        return questionnaire.page(page_id)
    except KeyError:
        abort(404)


def _field_data(answers: dict[str, Answer]) -> dict[str, Answer]:
    return {field_name(item_id): value for item_id, value in answers.items()}


def _refuse_unknown_fields(form: PageForm | StartForm) -> None:
    if form.unknown_fields(request.form):
        _abort_with(_error_page("survey.error.unknown_field", 400))


# Helpers: where to go.


def _step_url(
    class_session: ClassSession, questionnaire: Questionnaire, index: int, notice: str | None = None
) -> str:
    args: dict[str, Any] = {"code": class_session.code}
    if notice:
        args["notice"] = notice.rsplit(".", 1)[-1]
    if index >= drafts.finish_index(questionnaire):
        return url_for("survey.finish", **args)
    return url_for("survey.page", page_id=questionnaire.pages[index].id, **args)


def _resume_url(class_session: ClassSession, draft: Draft) -> str:
    questionnaire = _questionnaire(class_session)
    return _step_url(class_session, questionnaire, drafts.resume_index(questionnaire, draft))


def _redirect_to_resume(class_session: ClassSession, draft: Draft) -> BaseResponse:
    return redirect(_resume_url(class_session, draft))


def _thanks_redirect(submission_id: str) -> BaseResponse:
    response = redirect(url_for("survey.thanks", submission_id=submission_id))
    response.delete_cookie(drafts.COOKIE_NAME, path="/")
    return response


def _with_cookie(response: BaseResponse, token: str | None) -> BaseResponse:
    """(Re)set the draft cookie; its lifetime follows the draft's, moved on at every save."""
    if token:
        response.set_cookie(
            drafts.COOKIE_NAME,
            token,
            max_age=current_app.config["DRAFT_TTL_MINUTES"] * 60,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


# Helpers: rendering.


def _abort_with(response: BaseResponse | tuple[str, int]) -> NoReturn:
    abort(make_response(response))


def _entry_error(form: CodeForm, message_key: str, status: int) -> tuple[str, int]:
    return render_template("survey/entry.html", form=form, error=translate(message_key)), status


def _error_page(message_key: str, status: int) -> tuple[str, int]:
    return render_template("errors.html", status=status, message=translate(message_key)), status


def _render_intro(
    class_session: ClassSession, form: StartForm, notice: str | None = None, status: int = 200
):
    questionnaire = _questionnaire(class_session)
    return render_template(
        "survey/intro.html",
        questionnaire=questionnaire,
        class_session=class_session,
        form=form,
        notice=notice,
    ), status


def _render_expired(
    class_session: ClassSession,
    questionnaire: Questionnaire,
    notice: str | None = None,
    status: int = 200,
):
    return render_template(
        "survey/expired.html",
        class_session=class_session,
        questionnaire=questionnaire,
        form=StartForm(formdata=None),
        notice=notice,
    ), status


def _local_copy(draft: Draft | None) -> dict[str, object]:
    """What the script needs to keep and restore a local copy of this draft."""
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


def _render_page(
    class_session: ClassSession,
    questionnaire: Questionnaire,
    current: Page,
    form: PageForm,
    answers: dict[str, Answer],
    draft: Draft | None,
    notice: str | None = None,
    status: int = 200,
    errors: dict[str, str] | None = None,
):
    views = element_views(questionnaire, current, answers)
    index = questionnaire.page_index(current.id)
    notice = notice or _notice_from_args()
    return render_template(
        "survey/page.html",
        questionnaire=questionnaire,
        page=current,
        form=form,
        views=views,
        errors=errors or {},
        notice=notice,
        progress=progress_percent(questionnaire, index),
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


def _render_finish(
    class_session: ClassSession,
    questionnaire: Questionnaire,
    form: FinishForm,
    draft: Draft | None,
    notice: str | None = None,
    status: int = 200,
):
    return render_template(
        "survey/finish.html",
        questionnaire=questionnaire,
        form=form,
        notice=notice or _notice_from_args(),
        code=class_session.code,
        script_data={
            "code": class_session.code,
            "page": "finish",
            "index": drafts.finish_index(questionnaire),
            **_local_copy(draft),
        },
    ), status


def _notice_from_args() -> str | None:
    """A notice carried over a redirect (only our own keys: the URL cannot inject text)."""
    name = request.args.get("notice", "")
    return f"survey.notice.{name}" if name in ("recovered", "recovered_page") else None
