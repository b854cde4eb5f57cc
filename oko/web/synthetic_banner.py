"""The "synthetic demo data" banner, shown on every page while synthetic responses exist.

Made-up figures must never pass for real ones, whoever looks at a page or a screenshot. The
check is cached per app for a short while, so pages do not each pay for a query.
"""

from __future__ import annotations

import time

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from oko.services.demo.synthetic_data import has_synthetic_data
from oko.web.context import database

#: Seconds a yes/no answer is reused; loading or deleting demo data shows up within this.
CACHE_SECONDS = 30.0
_CACHE_KEY = "oko.synthetic_banner"


def synthetic_data_present() -> bool:
    checked_at, present = current_app.extensions.get(_CACHE_KEY, (float("-inf"), False))
    now = time.monotonic()
    if now - checked_at < CACHE_SECONDS:
        return present
    try:
        with database().session() as session:
            present = has_synthetic_data(session)
    except SQLAlchemyError:
        # An error page must still render when the database is away; keep the last answer.
        return present
    current_app.extensions[_CACHE_KEY] = (now, present)
    return present


def _inject() -> dict[str, object]:
    return {"synthetic_data": synthetic_data_present}


def init_app(app: Flask) -> None:
    app.context_processor(_inject)
