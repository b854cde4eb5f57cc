from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import Forbidden as HTTPForbidden

from oko.services import ratelimit
from oko.services.staff import accounts, authz
from oko.web import errors
from oko.web.auth import bp
from oko.web.auth.access import current_user, log_in, log_out, login_required, safe_next
from oko.web.auth.forms import LoginForm, LogoutForm, PasswordForm
from oko.web.auth.nav import items_for
from oko.web.context import db_session
from oko.web.i18n import translate


@bp.app_context_processor
def staff_context() -> dict[str, object]:
    return {"current_user": current_user, "staff_nav": items_for, "LogoutForm": LogoutForm}


@bp.app_errorhandler(authz.Forbidden)
def forbidden(_error: authz.Forbidden):
    """A service refused: the same 403 page as a role check in a view."""
    return errors.handle_http_error(HTTPForbidden())


def _throttled(email: str) -> bool:
    """Count this attempt per client address and per email; True when either is over limit."""
    session = db_session()
    secret = current_app.config["SECRET_KEY"]
    limit = current_app.config["LOGIN_ATTEMPTS_PER_MINUTE"]
    address = request.remote_addr or ""
    by_addr = ratelimit.hit(session, ratelimit.client_key(secret, "login", address), limit)
    by_email = ratelimit.hit(
        session, ratelimit.client_key(secret, "login-email", email.strip().lower()), limit
    )
    return not (by_addr and by_email)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        if _throttled(form.email.data):
            form.form_errors.append(translate("auth.throttled"))
            status = 429
        else:
            user = accounts.authenticate(db_session(), form.email.data, form.password.data)
            if user is not None:
                log_in(user)
                return redirect(safe_next(form.next.data) or url_for("auth.home"))
            form.form_errors.append(translate("auth.invalid"))
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user()
    if user is not None:
        accounts.record_logout(db_session(), user)
    log_out()
    flash(translate("auth.logged_out"))
    return redirect(url_for("auth.login"))


@bp.get("/staff/")
@login_required()
def home():
    """Where staff land after login: the pages their role may use."""
    return render_template("auth/home.html")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required()
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user()
        assert user is not None
        try:
            accounts.change_own_password(db_session(), user, form.current.data, form.new.data)
        except accounts.AccountError:
            form.current.errors = [translate("auth.wrong_password")]
        else:
            log_in(user)
            flash(translate("auth.password_changed"))
            return redirect(url_for("auth.home"))
    return render_template("auth/password.html", form=form)
