from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from oko.services.closing import batches
from oko.services.rows import ROLES, User
from oko.services.staff import accounts, admin
from oko.web.admin import bp, feedback
from oko.web.admin.forms import (
    ActionForm,
    AuditFilterForm,
    MunicipalityForm,
    SchoolForm,
    UserForm,
    WaveForm,
)
from oko.web.auth import current_user, login_required
from oko.web.context import db_session
from oko.web.i18n import current_language, refusal_text, translate

AUDIT_PAGE_SIZE = 100
#: Beyond any real log; a larger page number would overflow the database's OFFSET.
MAX_AUDIT_PAGE = 1_000_000
WAVE_CHANGED = {"open": "admin.wave_opened", "close": "admin.wave_closed"}
USER_CHANGED = {"disable": "admin.user_disabled", "enable": "admin.user_enabled"}


@bp.before_request
@login_required("admin")
def require_admin() -> None:
    """Every admin page is for admins only: anonymous visitors go to login, others get 403."""


def _actor_id() -> int:
    user = current_user()
    assert user is not None
    return user.id


def _found(row: Any) -> Any:
    if row is None:
        abort(404)
    return row


def _as_datetime(day: date | None) -> datetime | None:
    return datetime.combine(day, time()) if day else None


@bp.get("/")
def index():
    return render_template("admin/index.html", overview=admin.overview(db_session()))


# Municipalities ---------------------------------------------------------------------------


@bp.get("/municipalities")
def municipalities():
    rows = admin.municipalities(db_session())
    return render_template("admin/municipalities.html", municipalities=rows)


@bp.route("/municipalities/new", methods=["GET", "POST"], defaults={"municipality_id": None})
@bp.route("/municipalities/<int:municipality_id>", methods=["GET", "POST"])
def municipality(municipality_id: int | None):
    session = db_session()
    row = None
    if municipality_id is not None:
        row = _found(admin.get_municipality(session, municipality_id))
    form = MunicipalityForm(obj=row)
    if form.validate_on_submit():
        try:
            admin.save_municipality(
                session,
                slug=form.slug.data,
                name=form.name.data,
                region=form.region.data or "",
                actor_id=_actor_id(),
                municipality=row,
            )
        except admin.AdminError as exc:
            form.form_errors.append(refusal_text(exc))
        else:
            flash(translate("admin.saved"))
            return redirect(url_for("admin.municipalities"))
    return render_template("admin/municipality_form.html", form=form, row=row)


# Schools ----------------------------------------------------------------------------------


@bp.get("/schools")
def schools():
    return render_template("admin/schools.html", schools=admin.schools(db_session()))


@bp.route("/schools/new", methods=["GET", "POST"], defaults={"school_id": None})
@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
def school(school_id: int | None):
    session = db_session()
    row = None
    data: dict[str, Any] = {}
    if school_id is not None:
        row = _found(admin.get_school(session, school_id))
        data = {f"pupils_{count.grade}": count.pupils for count in row.pupil_counts}
    form = SchoolForm(obj=row, data=data or None)
    form.municipality_id.choices = [(m.id, m.name) for m in admin.municipalities(session)]
    if form.validate_on_submit():
        try:
            admin.save_school(
                session,
                slug=form.slug.data,
                name=form.name.data,
                municipality_id=form.municipality_id.data,
                school_type=form.school_type.data or "",
                pupils=form.pupils(),
                actor_id=_actor_id(),
                school=row,
            )
        except admin.AdminError as exc:
            form.form_errors.append(refusal_text(exc))
        else:
            flash(translate("admin.saved"))
            return redirect(url_for("admin.schools"))
    return render_template("admin/school_form.html", form=form, row=row)


# Waves ------------------------------------------------------------------------------------


@bp.get("/waves")
def waves():
    return render_template(
        "admin/waves.html", waves=admin.waves(db_session()), action_form=ActionForm()
    )


@bp.route("/waves/new", methods=["GET", "POST"], defaults={"wave_id": None})
@bp.route("/waves/<int:wave_id>", methods=["GET", "POST"])
def wave(wave_id: int | None):
    session = db_session()
    row = _found(admin.get_wave(session, wave_id)) if wave_id is not None else None
    data: dict[str, object] = {"language_codes": ["nl", "en"]}
    if row is not None:
        data = {
            "questionnaire": f"{row.questionnaire_id}@{row.questionnaire_version}",
            "opens_at": row.opens_at.date() if row.opens_at else None,
            "closes_at": row.closes_at.date() if row.closes_at else None,
        }
    form = WaveForm(obj=row, data=data)
    choices = admin.questionnaire_choices(current_app.config["QUESTIONNAIRE_DIR"])
    lang = current_language()
    form.questionnaire.choices = [
        (c.key, f"{c.titles.get(lang, c.id)} ({c.id} {c.version})") for c in choices
    ]
    form.language_codes.choices = _language_choices(choices)
    read_only = row is not None and row.status == "closed"
    if not read_only and form.validate_on_submit():
        questionnaire_id, _, version = form.questionnaire.data.partition("@")
        try:
            admin.save_wave(
                session,
                slug=form.slug.data,
                name=form.name.data,
                questionnaire_id=questionnaire_id,
                questionnaire_version=version,
                questionnaire_dir=current_app.config["QUESTIONNAIRE_DIR"],
                opens_at=_as_datetime(form.opens_at.data),
                closes_at=_as_datetime(form.closes_at.data),
                languages=tuple(form.language_codes.data or ()),
                actor_id=_actor_id(),
                wave=row,
            )
        except admin.AdminError as exc:
            form.form_errors.append(refusal_text(exc))
        else:
            flash(translate("admin.saved"))
            return redirect(url_for("admin.waves"))
    elif read_only and request.method == "POST":
        form.form_errors.append(refusal_text(admin.AdminError("wave_closed")))
    return render_template(
        "admin/wave_form.html", form=form, row=row, read_only=read_only, action_form=ActionForm()
    )


def _language_choices(choices: list[admin.QuestionnaireChoice]) -> list[tuple[str, str]]:
    """Every language any questionnaire offers, each with its review status, for the wave
    form's checkboxes (the service refuses one the chosen questionnaire lacks)."""
    seen: dict[str, str] = {}
    for choice in choices:
        for language in choice.languages:
            status = language.review_status or translate("admin.language_written")
            seen.setdefault(language.code, f"{language.name} ({language.code}): {status}")
    return list(seen.items())


@bp.post("/waves/<int:wave_id>/<any(open, close):change>")
def wave_status(wave_id: int, change: str):
    session = db_session()
    row = _found(admin.get_wave(session, wave_id))
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if change == "open":
            admin.open_wave(session, row, actor_id=_actor_id())
        else:
            batch = batches.close_wave(
                session, row, actor_id=_actor_id(), base_url=request.host_url
            )
            feedback.start(batch.id)
    except admin.AdminError as exc:
        flash(refusal_text(exc), "error")
        return redirect(url_for("admin.waves"))
    flash(translate(WAVE_CHANGED[change], name=row.name))
    return redirect(url_for("admin.feedback" if change == "close" else "admin.waves"))


# Accounts ---------------------------------------------------------------------------------


@bp.get("/users")
def users():
    return render_template(
        "admin/users.html", users=accounts.list_users(db_session()), action_form=ActionForm()
    )


def _user_form(row: User | None) -> UserForm:
    session = db_session()
    data: dict[str, Any] = {}
    if row is not None:
        data = {
            "municipality_id": row.municipality_id or 0,
            "school_ids": [s.id for s in row.schools],
            "wave_ids": [w.id for w in row.waves],
        }
    form = UserForm(obj=row, data=data or None)
    form.role.choices = [(role, translate(f"auth.role.{role}")) for role in ROLES]
    form.municipality_id.choices = [(0, "—")] + [
        (m.id, m.name) for m in admin.municipalities(session)
    ]
    form.school_ids.choices = [
        (s.id, f"{s.name} ({s.municipality.name})") for s in admin.schools(session)
    ]
    form.wave_ids.choices = [(w.id, w.name) for w in admin.waves(session)]
    return form


@bp.route("/users/new", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int | None):
    session = db_session()
    row = _found(accounts.get(session, user_id)) if user_id is not None else None
    form = _user_form(row)
    if row is not None:
        form.email.data = row.email  # the email is the login name: it does not change here
    new_password = None
    if form.validate_on_submit():
        try:
            scope = accounts.resolve_scope(
                session,
                form.role.data,
                municipality=form.municipality_id.data or None,
                schools=form.school_ids.data or (),
                waves=form.wave_ids.data or (),
            )
            if row is None:
                new_password = accounts.generate_password(form.email.data or "")
                row = accounts.create_user(
                    session,
                    email=form.email.data,
                    password=new_password,
                    role=form.role.data,
                    name=form.name.data or "",
                    scope=scope,
                    actor_id=_actor_id(),
                )
            else:
                accounts.update_user(
                    session,
                    row,
                    name=form.name.data or "",
                    role=form.role.data,
                    scope=scope,
                    actor_id=_actor_id(),
                )
        except accounts.AccountError as exc:
            form.form_errors.append(refusal_text(exc))
            new_password = None
        else:
            if new_password:
                return _show_password(row, new_password)
            flash(translate("admin.saved"))
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, row=row, action_form=ActionForm())


def _show_password(row: User, password: str):
    """The new password, shown once; never cached by the browser or a proxy."""
    response = make_response(
        render_template("admin/password_shown.html", row=row, password=password)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/users/<int:user_id>/<any(disable, enable, reset):change>")
def user_change(user_id: int, change: str):
    session = db_session()
    row = _found(accounts.get(session, user_id))
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if change == "reset":
            password = accounts.reset_password(session, row, actor_id=_actor_id())
            return _show_password(row, password)
        accounts.set_active(session, row, change == "enable", actor_id=_actor_id())
    except accounts.AccountError as exc:
        flash(refusal_text(exc), "error")
    else:
        flash(translate(USER_CHANGED[change], email=row.email))
    return redirect(url_for("admin.users"))


# Audit log --------------------------------------------------------------------------------


@bp.get("/audit")
def audit_log():
    form = AuditFilterForm(request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    if page > MAX_AUDIT_PAGE:
        abort(404)
    rows = admin.audit_log(
        db_session(),
        action_prefix=(form.action.data or "").strip() if form.validate() else "",
        limit=AUDIT_PAGE_SIZE + 1,
        offset=(page - 1) * AUDIT_PAGE_SIZE,
    )
    return render_template(
        "admin/audit.html",
        form=form,
        rows=rows[:AUDIT_PAGE_SIZE],
        page=page,
        has_next=len(rows) > AUDIT_PAGE_SIZE,
    )
