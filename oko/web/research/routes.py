from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for

from oko.services.research import api_tokens, exports, microdata
from oko.services.rows import User, Wave, utcnow
from oko.services.staff import authz
from oko.web.auth import current_user, login_required
from oko.web.context import db_session
from oko.web.i18n import current_language, refusal_text, translate
from oko.web.research import bp
from oko.web.research.forms import ConfirmForm, MicrodataRequestForm, TokenForm

READERS = ("researcher", "coalition")


def _user() -> User:
    user = current_user()
    assert user is not None  # login_required ran first
    return user


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        mimetype=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/")
@login_required(*READERS)
def index():
    session = db_session()
    user = _user()
    waves = exports.readable_waves(session, user)
    grants = microdata.grants_of(session, user)
    embargo = current_app.config["MICRODATA_EMBARGO_DAYS"]
    form = _request_form(user, waves)
    now = utcnow()
    available_from = {g.id: microdata.available_from(g.wave, embargo) for g in grants}
    # Approved and past the embargo: the grants whose files can be downloaded (and measured).
    ready = [
        g
        for g in grants
        if g.status == "approved" and (opens := available_from[g.id]) is not None and opens <= now
    ]
    settings = microdata.Settings.from_config(current_app.config)
    return render_template(
        "research/index.html",
        waves=waves,
        grants=grants,
        available_from=available_from,
        microdata_sizes={
            g.id: microdata.download_sizes(session, g, settings, language=current_language())
            for g in ready
        },
        extensions=exports.EXTENSIONS,
        sizes={
            wave.slug: exports.download_sizes(session, wave, user, _export_settings())
            for wave in waves
        },
        request_form=form,
        confirm=ConfirmForm(),
    )


def _request_form(user: User, waves: list) -> MicrodataRequestForm | None:
    if user.role != "researcher" or not waves:
        return None
    form = MicrodataRequestForm()
    form.wave.choices = [(w.slug, w.name) for w in waves]
    return form


def _export_settings() -> exports.Settings:
    return exports.Settings.from_config(current_app.config)


def _readable_wave(slug: str) -> Wave:
    try:
        return exports.readable_wave(db_session(), _user(), slug)
    except exports.UnknownWave:
        abort(404)


@bp.get("/waves/<slug>/aggregates.<file_format>")
@login_required(*READERS)
def aggregates(slug: str, file_format: str):
    """``file_format`` is the file's extension: ``zip`` is the CSV data package."""
    formats = {extension: name for name, extension in exports.EXTENSIONS.items()}
    if file_format not in formats:
        abort(404)
    wave = _readable_wave(slug)
    session = db_session()
    download = exports.aggregate_download(
        session, wave, _user(), formats[file_format], _export_settings(), channel="web"
    )
    return _attachment(download.data, download.media_type, download.filename)


@bp.get("/waves/<slug>/codebook.zip")
@login_required(*READERS)
def codebook(slug: str):
    wave = _readable_wave(slug)
    download = exports.codebook_download(db_session(), wave, _user(), _export_settings())
    return _attachment(download.data, download.media_type, download.filename)


@bp.post("/microdata/request")
@login_required("researcher")
def request_microdata():
    session = db_session()
    user = _user()
    waves = exports.readable_waves(session, user)
    form = _request_form(user, waves)
    if form is None or not form.validate_on_submit():
        flash(translate("research.request_invalid"), "error")
        return redirect(url_for("research.index"))
    wave = next(w for w in waves if w.slug == form.wave.data)
    try:
        microdata.request(session, user, wave, form.purpose.data)
    except microdata.MicrodataError as exc:
        flash(refusal_text(exc), "error")
    else:
        flash(translate("research.requested"))
    return redirect(url_for("research.index"))


@bp.get("/microdata/<int:grant_id>/<file_format>")
@login_required("researcher")
def download_microdata(grant_id: int, file_format: str):
    if file_format not in microdata.FORMATS:
        abort(404)
    session = db_session()
    user = _user()
    try:
        row = microdata.get(session, grant_id)
    except microdata.MicrodataError:
        abort(404)
    if row.user_id != user.id:
        abort(404)
    config = current_app.config
    grant = microdata.require_download(session, user, row.wave, config["MICRODATA_EMBARGO_DAYS"])
    delivery = microdata.deliver(
        session,
        grant,
        file_format,
        microdata.Settings.from_config(config),
        language=current_language(),
        channel="web",
    )
    return _attachment(delivery.data, delivery.media_type, delivery.filename)


@bp.route("/tokens", methods=["GET", "POST"])
@login_required()
def tokens():
    session = db_session()
    user = _user()
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = api_tokens.create(
                session, user, form.name.data, ttl_days=current_app.config["API_TOKEN_TTL_DAYS"]
            )
        except api_tokens.TokenError as exc:
            form.name.errors = [refusal_text(exc)]
        else:
            form = TokenForm(formdata=None)
    response = Response(
        render_template(
            "research/tokens.html",
            form=form,
            secret=secret,
            tokens=api_tokens.list_for(session, user),
            is_active=api_tokens.is_active,
            confirm=ConfirmForm(),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the secret must not stay in a cache
    return response


@bp.post("/tokens/<int:token_id>/revoke")
@login_required()
def revoke_token(token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = db_session()
    try:
        api_tokens.revoke(session, _user(), token_id)
    except api_tokens.TokenError:
        abort(404)
    flash(translate("research.token_revoked"))
    return redirect(url_for("research.tokens"))


@bp.get("/grants")
@login_required("admin")
def grants():
    session = db_session()
    embargo = current_app.config["MICRODATA_EMBARGO_DAYS"]
    rows = microdata.all_grants(session)
    return render_template(
        "research/grants.html",
        grants=rows,
        available_from={g.id: microdata.available_from(g.wave, embargo) for g in rows},
        confirm=ConfirmForm(),
    )


@bp.post("/grants/<int:grant_id>/<decision>")
@login_required("admin")
def decide(grant_id: int, decision: str):
    if decision not in ("approve", "reject", "revoke") or not ConfirmForm().validate_on_submit():
        abort(400)
    session = db_session()
    admin = _user()
    try:
        row = microdata.get(session, grant_id)
        if decision == "revoke":
            microdata.revoke(session, row, admin=admin)
        else:
            microdata.decide(session, row, decision == "approve", admin=admin)
    except microdata.MicrodataError as exc:
        flash(refusal_text(exc), "error")
    except authz.Forbidden:
        abort(403)
    else:
        flash(translate(f"research.grant_{decision}d"))
    return redirect(url_for("research.grants"))
