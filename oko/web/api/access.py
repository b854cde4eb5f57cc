"""Who is calling the API, how often, and the JSON error answers.

A request carries a personal token (``Authorization: Bearer oko_…``) or a staff login
cookie, never both kinds of trust at once: with a header present the cookie is ignored. Each
account has a request budget per minute; failed token checks count against the caller's
address, so guessing costs a 429 soon (though with 256-bit secrets guessing is hopeless).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request
from werkzeug.exceptions import HTTPException

from oko.services import ratelimit
from oko.services.research import api_tokens
from oko.services.rows import ApiToken, User
from oko.services.staff import authz
from oko.web.api import bp
from oko.web.auth import current_user
from oko.web.context import db_session
from oko.web.errors import handle_http_error
from oko.web.extensions import csrf

#: Endpoints anyone may read: the API's description of itself.
PUBLIC_ENDPOINTS = frozenset({"api.openapi", "api.index"})


class ApiError(Exception):
    """A 4xx answer with a message that tells the caller what to change."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Caller:
    user: User | None
    token: ApiToken | None = None

    @property
    def via_token(self) -> bool:
        return self.token is not None


def caller() -> Caller:
    return g.api_caller


def require_user() -> User:
    """The calling account; 401 for an anonymous caller."""
    user = caller().user
    if user is None:
        raise ApiError(
            401,
            "Authentication required: send 'Authorization: Bearer <token>' with a personal "
            "API token, or log in.",
            {"WWW-Authenticate": 'Bearer realm="oko"'},
        )
    return user


def error_body(status: int, message: str) -> dict[str, dict[str, object]]:
    return {"error": {"status": status, "message": message}}


def _too_many() -> ApiError:
    return ApiError(429, "Too many requests: wait a minute and try again.", {"Retry-After": "60"})


def _hit(purpose: str, who: str, limit: int) -> bool:
    secret = current_app.config["SECRET_KEY"]
    return ratelimit.hit(db_session(), ratelimit.client_key(secret, purpose, who), limit)


@bp.before_request
def authenticate() -> None:
    """Establish the caller, apply the rate limits, and check CSRF for cookie logins."""
    config = current_app.config
    address = request.remote_addr or ""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "Malformed Authorization header: use 'Bearer <token>'.")
        token = api_tokens.authenticate(db_session(), secret.strip())
        if token is None:
            if not _hit("api-auth-failure", address, config["API_AUTH_FAILURES_PER_MINUTE"]):
                raise _too_many()
            raise ApiError(
                401,
                "The API token is unknown, revoked or expired.",
                {"WWW-Authenticate": 'Bearer realm="oko", error="invalid_token"'},
            )
        g.current_user = token.user  # so role checks shared with the web pages see it
        g.api_caller = Caller(token.user, token)
    else:
        g.api_caller = Caller(current_user())
    user = g.api_caller.user
    who = f"user:{user.id}" if user is not None else f"addr:{address}"
    if not _hit("api", who, config["API_REQUESTS_PER_MINUTE"]):
        raise _too_many()
    if (
        user is not None
        and not g.api_caller.via_token
        and config.get("WTF_CSRF_ENABLED", True)
        and request.method not in ("GET", "HEAD", "OPTIONS")
    ):
        csrf.protect()
    if request.endpoint not in PUBLIC_ENDPOINTS:
        require_user()


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return error_body(error.status, error.message), error.status, error.headers


@bp.errorhandler(authz.Forbidden)
def forbidden(error: authz.Forbidden):
    return error_body(403, f"Forbidden: {error}."), 403


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Werkzeug's errors (404, 405, 413, CSRF …) as JSON, keeping a specific description."""
    if error.description and error.description != type(error).description:
        status = error.code or 500
        return error_body(status, error.description), status
    return handle_http_error(error)
