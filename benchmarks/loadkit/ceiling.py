"""The ceiling: a bare Flask + SQLAlchemy app whose one endpoint inserts one JSON row.

Served by the same gunicorn configuration against the same database as the survey, it shows
what this stack can do per request on this machine when a request does nothing but store a
response-sized JSON document. The engine comes from :func:`oko.db.make_engine`, so SQLite gets
the same pragmas (WAL, busy timeout) and PostgreSQL the same driver and pool as the app.

Run by gunicorn as ``loadkit.ceiling:create_app()`` with ``CEILING_DATABASE_URL`` set.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, request
from sqlalchemy import JSON, Column, Integer, MetaData, Table, func, insert, select

from oko.db import make_engine, normalise_url

metadata = MetaData()
rows = Table(
    "ceiling_row",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("payload", JSON, nullable=False),
)


def create_app() -> Flask:
    engine = make_engine(normalise_url(os.environ["CEILING_DATABASE_URL"]))
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/insert")
    def insert_row() -> tuple[str, int]:
        payload: Any = request.get_json()
        with engine.begin() as connection:
            connection.execute(insert(rows).values(payload=payload))
        return "stored", 201

    return app


def prepare(database_url: str) -> None:
    """Create the table (empty)."""
    engine = make_engine(normalise_url(database_url))
    metadata.drop_all(engine)
    metadata.create_all(engine)
    engine.dispose()


def count(database_url: str) -> int:
    engine = make_engine(normalise_url(database_url))
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(rows)).scalar_one()
    engine.dispose()
    return total
