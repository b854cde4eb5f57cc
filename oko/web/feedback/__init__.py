"""The reports a closing wave built, behind the login: what the feedback mails link to."""

from flask import Blueprint, Response, abort, current_app

from oko.services.closing import status
from oko.services.staff import authz
from oko.web.auth import current_user, login_required
from oko.web.context import db_session

bp = Blueprint("feedback", __name__)


@bp.get("/reports/<wave_slug>/<target>.<any(nl, en):language>.pdf")
@login_required("coalition", "coordinator")
def report(wave_slug: str, target: str, language: str):
    try:
        path = status.report_file(
            db_session(), current_user(), current_app.instance_path, wave_slug, target, language
        )
    except authz.Forbidden:
        abort(403)
    if path is None:
        abort(404)
    return Response(
        path.read_bytes(),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="oko-{wave_slug}-{path.name}"',
            "Cache-Control": "no-store",
        },
    )
