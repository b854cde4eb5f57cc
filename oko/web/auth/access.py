"""The logged-in account and the ``login_required`` decorator.

The session cookie holds the account id, a fingerprint of its session epoch, password hash and
active flag (checked on every request, so logout, a password change or reset and disabling end
every open session of the account on the server: a copied cookie stops working) and the login
time (so a staff session ends after ``STAFF_SESSION_HOURS`` even if the browser stays open).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for

from oko.services.rows import User
from oko.services.staff import accounts, authz
from oko.web.context import db_session

F = TypeVar("F", bound=Callable[..., Any])

SESSION_KEYS = ("user_id", "user_fp", "login_at")


def log_in(user: User) -> None:
    """Start a fresh session for ``user`` (keeps only the language choice)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session["user_id"] = user.id
    session["user_fp"] = accounts.session_fingerprint(user, current_app.config["SECRET_KEY"])
    session["login_at"] = int(time.time())
    g.current_user = user


def log_out() -> None:
    for key in SESSION_KEYS:
        session.pop(key, None)
    g.current_user = None


def current_user() -> User | None:
    """The account of this request, or None (anonymous, disabled, reset or expired)."""
    if "current_user" not in g:
        g.current_user = _load_user()
    return g.current_user


def _load_user() -> User | None:
    user_id = session.get("user_id")
    if not isinstance(user_id, int):
        return None
    max_age = current_app.config["STAFF_SESSION_HOURS"] * 3600
    if time.time() - session.get("login_at", 0) > max_age:
        log_out()
        return None
    user = accounts.get(db_session(), user_id)
    secret = current_app.config["SECRET_KEY"]
    if (
        user is None
        or not user.active
        or session.get("user_fp") != accounts.session_fingerprint(user, secret)
    ):
        log_out()
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """A local path to return to after login; anything pointing elsewhere, or holding a control
    character (a line break would split the Location header), is dropped."""
    if not target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def login_required(*roles: str) -> Callable[[F], F]:
    """Anonymous visitors go to the login page (401 under /api/); other roles get 403.

    Without ``roles`` any active account passes; admins pass every role check. Scope checks
    (which municipality, which school) are the services' job, via ``oko.services.staff.authz``.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                if request.path.startswith("/api/"):
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if roles:
                try:
                    authz.require_role(user, *roles)
                except authz.Forbidden:
                    abort(403)
            return view(*args, **kwargs)

        wrapped.login_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
