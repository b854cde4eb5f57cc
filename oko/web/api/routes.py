"""The API's routes: thin, each parses its parameters, calls a service and returns JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, current_app, request, url_for

from oko.services.plans import reading as plans
from oko.services.research import api_tokens, exports, microdata
from oko.services.rows import ApiToken, Wave
from oko.web.api import bp, params
from oko.web.api.access import ApiError, caller, require_user
from oko.web.api.openapi import document
from oko.web.context import db_session

RESULT_FILTERS = ("wave", "area", "group", "indicator")


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


@bp.get("/")
def index():
    params.check_known(())
    return {
        "name": "oko API",
        "version": "1",
        "links": {
            "openapi": url_for("api.openapi"),
            "waves": url_for("api.waves"),
            "results": url_for("api.results"),
        },
    }


@bp.get("/openapi.json")
def openapi():
    params.check_known(())
    return document(request.host_url.rstrip("/"))


@bp.get("/me")
def me():
    params.check_known(())
    user = require_user()
    token = caller().token
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "authenticated_by": "token" if token else "session",
        "token": _token_json(token) if token else None,
    }


def _token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": iso(token.created_at),
        "expires_at": iso(token.expires_at),
        "last_used_at": iso(token.last_used_at),
        "revoked_at": iso(token.revoked_at),
        "active": api_tokens.is_active(token),
    }


@bp.get("/tokens")
def tokens():
    params.check_known(("page", "per_page"))
    chosen = params.page()
    rows = [_token_json(t) for t in api_tokens.list_for(db_session(), require_user())]
    return params.paginate(rows, chosen, "api.tokens")


@bp.post("/tokens")
def create_token():
    """Logged-in users only: a token cannot mint tokens that would outlive its revocation."""
    params.check_known(())
    user = require_user()
    if caller().via_token:
        raise ApiError(403, "Forbidden: create tokens while logged in, not with a token.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != {"name"} or not isinstance(body["name"], str):
        raise ApiError(400, 'Send a JSON object {"name": "<what the token is for>"}.')
    session = db_session()
    try:
        token, secret = api_tokens.create(
            session, user, body["name"], ttl_days=current_app.config["API_TOKEN_TTL_DAYS"]
        )
    except api_tokens.TokenError as exc:
        raise ApiError(400, str(exc)) from exc
    return _token_json(token) | {"secret": secret}, 201


@bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int):
    params.check_known(())
    session = db_session()
    try:
        api_tokens.revoke(session, require_user(), token_id)
    except api_tokens.TokenError as exc:
        raise ApiError(404, str(exc)) from exc
    return Response(status=204)


def _wave_json(wave: Wave) -> dict[str, Any]:
    opens = microdata.available_from(wave, current_app.config["MICRODATA_EMBARGO_DAYS"])
    return {
        "slug": wave.slug,
        "name": wave.name,
        "status": wave.status,
        "opens_at": iso(wave.opens_at),
        "closes_at": iso(wave.closes_at),
        "questionnaire": {"id": wave.questionnaire_id, "version": wave.questionnaire_version},
        "microdata_available_from": iso(opens),
        "links": {
            "self": url_for("api.wave", slug=wave.slug),
            "results": url_for("api.results", wave=wave.slug),
            "areas": url_for("api.areas", wave=wave.slug),
            "indicators": url_for("api.indicators", wave=wave.slug),
        },
    }


def _readable_wave(slug: str) -> Wave:
    try:
        return exports.readable_wave(db_session(), require_user(), slug)
    except exports.UnknownWave as exc:
        raise ApiError(404, str(exc)) from exc


@bp.get("/waves")
def waves():
    params.check_known(("page", "per_page"))
    chosen = params.page()
    rows = [_wave_json(w) for w in exports.readable_waves(db_session(), require_user())]
    return params.paginate(rows, chosen, "api.waves")


@bp.get("/waves/<slug>")
def wave(slug: str):
    params.check_known(())
    return _wave_json(_readable_wave(slug))


def _aggregates(wave: Wave) -> exports.WaveAggregates:
    user = require_user()
    return exports.wave_aggregates(
        db_session(), wave, exports.scope_of(user), exports.Settings.from_config(current_app.config)
    )


@bp.get("/areas")
def areas():
    params.check_known(("wave", "page", "per_page"))
    wave = _readable_wave(params.required("wave"))
    chosen = params.page()
    return params.paginate(list(_aggregates(wave).areas), chosen, "api.areas")


@bp.get("/indicators")
def indicators():
    params.check_known(("wave", "page", "per_page"))
    wave = _readable_wave(params.required("wave"))
    chosen = params.page()
    return params.paginate(list(_aggregates(wave).indicators), chosen, "api.indicators")


@bp.get("/results")
def results():
    params.check_known((*RESULT_FILTERS, "page", "per_page"))
    wave = _readable_wave(params.required("wave"))
    chosen = params.page()
    aggregates = _aggregates(wave)
    try:
        rows = aggregates.filter(
            area=params.matching("area", params.AREA_PATTERN, "municipality:zeewolde"),
            group=params.matching("group", params.GROUP_PATTERN, "all or gender=2"),
            indicator=params.matching("indicator", params.INDICATOR_PATTERN, "drunk_30d"),
        )
    except exports.UnknownFilter as exc:
        raise ApiError(404, str(exc)) from exc
    return params.paginate(rows, chosen, "api.results")


@bp.get("/plans")
def wave_plans():
    """The goals and actions of the municipalities of a readable wave (their evaluation)."""
    params.check_known(("wave",))
    wave = _readable_wave(params.required("wave"))
    scope = exports.scope_of(require_user())
    return {"wave": wave.slug, **plans.for_research(db_session(), wave, scope.municipality_id)}


@bp.get("/waves/<slug>/microdata")
def wave_microdata(slug: str):
    """The approved researcher's pseudonymised responses (zip, csv or sav)."""
    params.check_known(("format", "language"))
    file_format = params.single("format") or "zip"
    if file_format not in microdata.FORMATS:
        raise ApiError(400, f"'format' must be one of {', '.join(microdata.FORMATS)}.")
    language = params.single("language") or "en"
    user = require_user()
    session = db_session()
    wave = microdata.wave_by_slug(session, slug)
    if wave is None:
        raise ApiError(404, f"There is no wave {slug!r}.")
    config = current_app.config
    grant = microdata.require_download(session, user, wave, config["MICRODATA_EMBARGO_DAYS"])
    delivery = microdata.deliver(
        session,
        grant,
        file_format,
        microdata.Settings.from_config(config),
        language=language,
        channel="api",
    )
    return Response(
        delivery.data,
        mimetype=delivery.media_type,
        headers={"Content-Disposition": f'attachment; filename="{delivery.filename}"'},
    )
