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
from oko.web.i18n import refusal_text, translate


@bp.app_context_processor
def staff_context() -> dict[str, object]:
    return {"current_user": current_user, "staff_nav": items_for, "LogoutForm": LogoutForm}


@bp.app_errorhandler(authz.Forbidden)
def forbidden(_error: authz.Forbidden):
    """A service refused: the same 403 page as a role check in a view."""
    return errors.handle_http_error(HTTPForbidden())


def _failure_keys(email: str) -> tuple[str, str]:
    """Rate-limit keys for failed logins: one per email (account), one per client address."""
    secret = current_app.config["SECRET_KEY"]
    return (
        ratelimit.client_key(secret, "login-email", email.strip().lower()),
        ratelimit.client_key(secret, "login", request.remote_addr or ""),
    )


def _lockout_message(account_key: str, address_key: str) -> str | None:
    """Why this attempt is refused unread, or None. Reads the failure counts without counting."""
    session = db_session()
    config = current_app.config
    if not ratelimit.within_limit(session, account_key, config["LOGIN_ATTEMPTS_PER_MINUTE"]):
        return translate("auth.account_locked")
    limit = config["LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE"]
    if not ratelimit.within_limit(session, address_key, limit):
        return translate("auth.throttled")
    return None


def _count_failure(account_key: str, address_key: str) -> None:
    session = db_session()
    config = current_app.config
    ratelimit.hit(session, account_key, config["LOGIN_ATTEMPTS_PER_MINUTE"])
    ratelimit.hit(session, address_key, config["LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE"])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Only failures count against the limits, so colleagues behind one school or office
    address can all log in, while guessing one account's password or many accounts' passwords
    from one address is stopped."""
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        keys = _failure_keys(form.email.data)
        refused = _lockout_message(*keys)
        if refused is not None:
            form.form_errors.append(refused)
            status = 429
        else:
            user = accounts.authenticate(db_session(), form.email.data, form.password.data)
            if user is not None:
                log_in(user)
                return redirect(safe_next(form.next.data) or url_for("auth.home"))
            _count_failure(*keys)
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
        accounts.log_out(db_session(), user)
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
        except accounts.AccountError as exc:
            if exc.code == "wrong_password":
                form.current.errors = [translate("auth.wrong_password")]
            else:
                form.new.errors = [refusal_text(exc)]
        else:
            log_in(user)
            flash(translate("auth.password_changed"))
            return redirect(url_for("auth.home"))
    return render_template("auth/password.html", form=form)
