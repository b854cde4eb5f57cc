"""Error pages: friendly HTML for people, JSON under /api/, never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from oko.web.auth.access import current_user
from oko.web.i18n import catalogue, translate


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, message: str):
    if _wants_json():
        return {"error": {"status": status, "message": message}}, status
    return render_template("errors.html", status=status, message=message), status


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if status == 403 and not _wants_json() and current_user() is not None:
        # A logged-in account outside its scope: explain, and keep the staff menu.
        return render_template("auth/forbidden.html"), 403
    key = f"error.{status}"
    message = translate(key) if key in catalogue() else (error.description or error.name)
    return _render(status, message)


def handle_csrf_error(_error: CSRFError):
    return _render(400, translate("error.csrf"))


def handle_unexpected(error: Exception):
    # Logged with its traceback for operators; the visitor sees a plain message.
    current_app.logger.exception("Unhandled error", exc_info=error)
    return _render(500, translate("error.500"))


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.config.get("TESTING"):
        app.register_error_handler(InternalServerError, handle_unexpected)
        app.register_error_handler(Exception, handle_unexpected)
