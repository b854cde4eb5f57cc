from __future__ import annotations

from sqlalchemy import text

from oko.web.context import db_session
from oko.web.core import bp


@bp.get("/healthz")
def healthz():
    """For the reverse proxy and load balancer: the app runs and reaches its database."""
    db_session().execute(text("SELECT 1"))
    return {"status": "ok"}
