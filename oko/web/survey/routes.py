"""The student's way through: code, language, introduction, pages, finish, thank-you.

Views parse the request, call ``oko.services`` and render. Pages follow post/redirect/get, so
reloading never re-posts; the draft cookie names the student's questionnaire in progress.
Who the student is and where they go: ``student``; what the pages look like: ``render``.
"""

from __future__ import annotations

from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for

from oko.questionnaire import Answer, routing
from oko.services.rows import utcnow
from oko.services.survey import admission, class_sessions, drafts, questionnaires, submissions
from oko.web.context import db_session
from oko.web.i18n import translate
from oko.web.survey import bp, student
from oko.web.survey.forms import CodeForm, FinishForm, StartForm, field_name, page_form
from oko.web.survey.render import (
    entry_error,
    render_expired,
    render_finish,
    render_intro,
    render_page,
    render_stop,
)

#: HTTP status of each refused submit that the finish page explains.
SUBMIT_STATUS = {"wave_closed": 410, "burst": 429}


# Entry: the class code.


@bp.get("/")
def entry():
    draft = student.cookie_draft()
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
        return entry_error(form, "survey.code.again" if expired else "survey.code.empty", 400)
    class_session = student.admit(form.code.data, form)
    return redirect(url_for("survey.choose_language", code=class_session.code))


@bp.get("/s/<code>")
def choose_language(code: str):
    """On to the introduction in the language chosen on the entry page; only when this wave
    does not offer that language does the student choose again, among the wave's."""
    class_session, draft = student.resolve(code)
    if draft is not None:
        return student.redirect_to_resume(class_session, draft)
    offered = class_session.wave.language_codes
    if g.lang in offered:
        return redirect(url_for("survey.intro", code=class_session.code))
    return render_template("survey/language.html", class_session=class_session, languages=offered)


@bp.get("/s/<code>/intro")
def intro(code: str):
    class_session, draft = student.resolve(code)
    if draft is not None:
        return student.redirect_to_resume(class_session, draft)
    if g.lang not in class_session.wave.language_codes:
        return redirect(url_for("survey.choose_language", code=class_session.code))
    return render_intro(class_session, StartForm())


@bp.post("/s/<code>/start")
def start(code: str):
    class_session, draft = student.resolve(code)
    if draft is not None:
        return student.redirect_to_resume(class_session, draft)
    form = StartForm()
    if not form.validate():
        return render_intro(class_session, form, notice="survey.notice.expired_form", status=400)
    token, draft = drafts.start(
        db_session(),
        class_session,
        language=g.lang,
        ttl_minutes=current_app.config["DRAFT_TTL_MINUTES"],
        now=utcnow(),
    )
    return student.with_cookie(student.redirect_to_resume(class_session, draft), token)


@bp.get("/declined")
def declined():
    return render_template("survey/declined.html")


# The questionnaire pages.


@bp.get("/s/<code>/p/<page_id>")
def page(code: str, page_id: str):
    class_session, draft = student.resolve(code)
    questionnaire = student.questionnaire_of(class_session)
    current = student.page_of(questionnaire, page_id)
    if draft is None:
        return render_expired(class_session, questionnaire)
    student.use_draft_language(draft)
    if not routing.may_visit(questionnaire, draft.page_index, draft.answers, current):
        return student.redirect_to_resume(class_session, draft)
    form = page_form(questionnaire, current.id)(formdata=None, data=_field_data(draft.answers))
    return render_page(class_session, questionnaire, current, form, draft.answers, draft)


@bp.post("/s/<code>/p/<page_id>")
def save_page(code: str, page_id: str):
    class_session, draft = student.resolve(code)
    questionnaire = student.questionnaire_of(class_session)
    current = student.page_of(questionnaire, page_id)
    if draft is not None:
        student.use_draft_language(draft)
    form = page_form(questionnaire, current.id)()
    form.language = g.lang
    student.refuse_unknown_fields(form)
    if not form.validate():
        # Shown again as posted, on top of what the draft holds; nothing is saved.
        posted = routing.merge(questionnaire, draft.answers if draft else {}, form.answers())
        if form.csrf_failed():
            return render_page(
                class_session,
                questionnaire,
                current,
                form,
                posted,
                draft,
                "survey.notice.expired_form",
                400,
            )
        errors = form.invalid()
        return render_page(
            class_session, questionnaire, current, form, posted, draft, None, 400, errors
        )
    notice = None
    if draft is None:
        draft = student.revive(class_session, questionnaire, form)
        notice = "survey.notice.recovered"
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
    token = request.cookies.get(drafts.COOKIE_NAME)
    if result.missing:
        errors = {item_id: translate("survey.error.required") for item_id in result.missing}
        shown = render_page(
            class_session, questionnaire, current, form, result.answers, draft, notice, 200, errors
        )
        return student.with_cookie(make_response(shown), token)
    destination = student.step_url(class_session, questionnaire, result.target, notice)
    return student.with_cookie(redirect(destination), token)


@bp.post("/s/<code>/recover")
def recover(code: str):
    """The expired page's Continue button: the draft brought back with the local copy."""
    class_session, draft = student.resolve(code)
    if draft is not None:
        return student.redirect_to_resume(class_session, draft)
    questionnaire = student.questionnaire_of(class_session)
    form = StartForm()
    form.language = g.lang
    student.refuse_unknown_fields(form)
    if not form.validate():
        return render_expired(class_session, questionnaire, "survey.notice.expired_form", 400)
    draft = student.revive(class_session, questionnaire, form)
    token = request.cookies.get(drafts.COOKIE_NAME)
    return student.with_cookie(student.redirect_to_resume(class_session, draft), token)


# Finishing.


@bp.get("/s/<code>/finish")
def finish(code: str):
    class_session, draft = student.resolve(code)
    questionnaire = student.questionnaire_of(class_session)
    if draft is None:
        return render_expired(class_session, questionnaire)
    student.use_draft_language(draft)
    if not routing.may_finish(questionnaire, draft.page_index):
        return student.redirect_to_resume(class_session, draft)
    secret = current_app.config["SECRET_KEY"]
    form = FinishForm(formdata=None, submission_id=drafts.default_submission_id(draft, secret))
    return render_finish(class_session, questionnaire, form, draft)


@bp.post("/s/<code>/finish")
def submit(code: str):
    form = FinishForm()
    submission_id = (form.submission_id.data or "").strip()
    stored = submissions.find(db_session(), submission_id)
    if stored is not None and student.cookie_draft() is None:
        # The same submit again (double click, retry, replay): it is in already.
        return student.thanks_redirect(submission_id)
    class_session, draft = student.resolve(code)
    questionnaire = student.questionnaire_of(class_session)
    if draft is not None:
        student.use_draft_language(draft)
    form.language = g.lang
    student.refuse_unknown_fields(form)
    if not form.validate():
        notice = "survey.notice.expired_form" if form.csrf_failed() else None
        return render_finish(class_session, questionnaire, form, draft, notice, 400)
    if form.going_back:
        target = routing.last_shown_index(questionnaire, draft.answers if draft else {})
        return redirect(student.step_url(class_session, questionnaire, target))
    if draft is None:
        draft = student.revive(class_session, questionnaire, form)
    try:
        receipt = admission.submit(
            db_session(),
            draft,
            class_session,
            questionnaire,
            submission_id=submission_id,
            client=student.client_key(f"finish|{class_session.id}"),
            limit=current_app.config["FINISHES_PER_MINUTE"],
            now=utcnow(),
        )
    except submissions.SubmitRefused as refused:
        if refused.reason == "out_of_order":
            return student.redirect_to_resume(class_session, draft)
        status = SUBMIT_STATUS.get(refused.reason, 400)
        notice = f"survey.submit.{refused.reason}"
        return render_finish(class_session, questionnaire, form, draft, notice, status)
    return student.thanks_redirect(receipt.submission_id)


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
    class_session, draft = student.resolve(code)
    if draft is None:
        return redirect(url_for("survey.declined"))
    student.use_draft_language(draft)
    return render_stop(StartForm(), class_session.code, student.resume_url(class_session, draft))


@bp.post("/s/<code>/stop")
def confirm_stop(code: str):
    class_session, draft = student.resolve(code)
    form = StartForm()
    student.refuse_unknown_fields(form)
    if draft is not None:
        student.use_draft_language(draft)
        if not form.validate():
            back = student.resume_url(class_session, draft)
            notice = "survey.notice.expired_form"
            return render_stop(form, class_session.code, back, notice, 400)
        drafts.discard(db_session(), draft)
    response = redirect(url_for("survey.declined"))
    response.delete_cookie(drafts.COOKIE_NAME, path="/")
    return response


def _field_data(answers: dict[str, Answer]) -> dict[str, Answer]:
    return {field_name(item_id): value for item_id, value in answers.items()}
