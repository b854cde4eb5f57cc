"""The JSON API under ``/api/v1/``: waves, areas, indicators and results, read with a personal
token (``Authorization: Bearer oko_…``) or a staff login; microdata for approved researchers.

Every answer is JSON, errors included (``{"error": {"status", "message"}}``); the OpenAPI 3
document at ``/api/v1/openapi.json`` describes exactly what the routes do, and a test walks
it. CSRF protection applies to cookie-authenticated requests only: a token in a header is not
sent by a browser on another site's behalf.
"""

from flask import Blueprint

from oko.web.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from oko.web.api import access, routes  # noqa: E402,F401  (hooks and routes attach to bp)
