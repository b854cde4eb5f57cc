from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from oko.services.rows import ClassSession, User, utcnow
from oko.services.survey import class_links, class_sessions
from oko.web.auth import current_user, login_required
from oko.web.context import db_session
from oko.web.i18n import refusal_text, translate
from oko.web.sessions import bp
from oko.web.sessions.forms import (
    AttendanceForm,
    CloseSessionForm,
    HeldResponsesForm,
    OpenSessionForm,
)

ROLES = ("coordinator",)


def _user() -> User:
    user = current_user()
    assert user is not None  # login_required ran first
    return user


def _session_or_404(session_id: int) -> ClassSession:
    """The session, if this account may see it (another school's session is a 403)."""
    row = class_sessions.get(db_session(), session_id)
    if row is None:
        abort(404)
    class_sessions.require_view(_user(), row)
    return row


def _open_form() -> OpenSessionForm:
    session = db_session()
    form = OpenSessionForm()
    form.wave_id.choices = [
        SelectChoice(str(w.id), w.name) for w in class_sessions.open_waves(session)
    ]
    form.school_id.choices = [
        SelectChoice(str(s.id), s.name) for s in class_sessions.schools_for(session, _user())
    ]
    grades = class_sessions.offered_grades(session, current_app.config["QUESTIONNAIRE_DIR"])
    form.grade.choices = [SelectChoice(str(grade), str(grade)) for grade in grades]
    return form


def _base_url() -> str:
    return current_app.config["PUBLIC_URL"] or request.url_root


@bp.get("/sessions/")
@login_required(*ROLES)
def index():
    return _render_index(_open_form())


def _render_index(form: OpenSessionForm, *, repeat_warned: bool = False):
    """The list of sessions, with each one's held responses (beyond the class size);
    ``repeat_warned``: the class already has a session, offer to open one anyway."""
    session = db_session()
    rows = class_sessions.list_sessions(session, actor=_user())
    return render_template(
        "sessions/index.html",
        form=form,
        sessions=rows,
        held=class_sessions.held_counts(session, [row.id for row in rows]),
        close_form=CloseSessionForm(),
        held_form=HeldResponsesForm(),
        attendance_form=AttendanceForm(),
        repeat_warned=repeat_warned,
    )


@bp.post("/sessions/")
@login_required(*ROLES)
def open_session():
    form = _open_form()
    session = db_session()
    if form.validate():
        try:
            row = class_sessions.open_by_ids(
                session,
                wave_id=form.wave_id.data,
                school_id=form.school_id.data,
                grade=form.grade.data,
                label=form.label.data or "",
                pupils=form.pupils.data,
                is_test=form.is_test.data,
                confirm_repeat=form.confirm_repeat.data,
                questionnaire_dir=current_app.config["QUESTIONNAIRE_DIR"],
                actor=_user(),
            )
        except class_sessions.SessionError as exc:
            form.form_errors.append(refusal_text(exc))
            return _render_index(form, repeat_warned=exc.code == "session_repeat"), 422
        else:
            return redirect(url_for("sessions.screen", session_id=row.id))
    return _render_index(form), 400


@bp.get("/sessions/<int:session_id>")
@login_required(*ROLES)
def screen(session_id: int):
    """The page for the class screen: code, address, QR code and live counts."""
    row = _session_or_404(session_id)
    url = class_links.student_url(_base_url(), row.code)
    refusal = class_sessions.refusal(
        row, now=utcnow(), ttl_hours=current_app.config["CLASS_CODE_TTL_HOURS"]
    )
    return render_template(
        "sessions/screen.html",
        row=row,
        code=class_sessions.format_code(row.code),
        address=class_links.entry_address(_base_url()),
        url=url,
        qr=class_links.qr_svg(url, row.code),
        refusal=refusal,
        close_form=CloseSessionForm(),
    )


@bp.get("/api/sessions/<int:session_id>/counts")
@login_required(*ROLES)
def counts(session_id: int):
    """What the class screen polls: started, finished and status; nothing per student."""
    _session_or_404(session_id)
    figures = class_sessions.counts(db_session(), session_id)
    assert figures is not None
    return {
        "started": figures.started,
        "finished": figures.finished,
        "in_progress": figures.in_progress,
        "status": figures.status,
    }


@bp.post("/sessions/<int:session_id>/close")
@login_required(*ROLES)
def close(session_id: int):
    row = _session_or_404(session_id)
    if not CloseSessionForm().validate():
        abort(400)
    class_sessions.close_session(db_session(), row, actor=_user())
    flash(translate("sessions.closed", code=class_sessions.format_code(row.code)), "info")
    return redirect(url_for("sessions.index"))


@bp.post("/sessions/<int:session_id>/held")
@login_required(*ROLES)
def decide_held(session_id: int):
    """Accept or reject the session's held responses (the school's coordinators, admins)."""
    row = _session_or_404(session_id)
    form = HeldResponsesForm()
    if not form.validate():
        abort(400)
    accept = form.decision.data == "accept"
    decided = class_sessions.decide_held(db_session(), row, accept=accept, actor=_user())
    key = "sessions.held_accepted" if accept else "sessions.held_rejected"
    flash(translate(key, count=decided, code=class_sessions.format_code(row.code)), "info")
    back = "coalition.monitor_home" if form.back.data == "monitor" else "sessions.index"
    return redirect(url_for(back))


@bp.post("/sessions/<int:session_id>/attendance")
@login_required(*ROLES)
def attendance(session_id: int):
    """The class's pupils, opt-outs and absentees (numbers, never names)."""
    row = _session_or_404(session_id)
    form = AttendanceForm()
    if not form.validate():
        abort(400)
    try:
        class_sessions.record_attendance(
            db_session(),
            row,
            pupils=form.pupils.data,
            opt_outs=form.opt_outs.data,
            absentees=form.absentees.data,
            actor=_user(),
        )
    except class_sessions.SessionError as exc:
        flash(refusal_text(exc), "error")
        return _render_index(_open_form()), 422
    flash(translate("sessions.attendance_saved", code=class_sessions.format_code(row.code)), "info")
    return redirect(url_for("sessions.index"))


@bp.post("/sessions/<int:session_id>/test-responses/delete")
@login_required(*ROLES)
def delete_test_responses(session_id: int):
    """Delete a test session's answers (the school's coordinators, admins)."""
    row = _session_or_404(session_id)
    if not CloseSessionForm().validate():
        abort(400)
    try:
        deleted = class_sessions.delete_test_responses(db_session(), row, actor=_user())
    except class_sessions.SessionError as exc:
        flash(refusal_text(exc), "error")
        return _render_index(_open_form()), 422
    code = class_sessions.format_code(row.code)
    flash(translate("sessions.test_deleted", count=deleted, code=code), "info")
    return redirect(url_for("sessions.index"))
