"""The revision that coarsens response times converts the rows already stored."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, Table, insert, inspect, select

from oko import migrations
from oko.db import Database

BEFORE = "5e1c0a7d9b3f"
COARSE = "08aff9b01a29"
STARTED = datetime(2026, 11, 23, 10, 14, 7, 123456)
#: (submitted at, duration in seconds as stored before, stored flags)
ROWS = [
    (datetime(2026, 11, 23, 10, 31, 12, 654321), 1025, ["too_fast"]),
    (datetime(2026, 11, 23, 23, 59, 59, 999999), 1024, ["fictitious_drug", "too_fast"]),
    (datetime(2026, 11, 24, 0, 0, 0), 0, []),
    (datetime(2026, 11, 25, 8, 5, 0), None, ["inconsistent"]),
]


def test_existing_rows_keep_the_day_and_a_rounded_duration(unmigrated_database_url: str) -> None:
    url = unmigrated_database_url
    migrations.upgrade(url, BEFORE)
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            tables = MetaData()
            tables.reflect(connection)
            _store_rows(connection, tables)
        migrations.upgrade(url, COARSE)
        with database.engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("response")}
            response = Table("response", MetaData(), autoload_with=connection)
            stored = connection.execute(
                select(
                    response.c.submitted_on, response.c.duration_seconds, response.c.quality_flags
                ).order_by(response.c.id)
            ).all()
    finally:
        database.dispose()
    assert {"started_at", "submitted_at"}.isdisjoint(columns)
    assert [tuple(row) for row in stored] == [
        (date(2026, 11, 23), 1030, []),
        (date(2026, 11, 23), 1020, ["fictitious_drug"]),
        (date(2026, 11, 24), 0, []),
        (date(2026, 11, 25), None, ["inconsistent"]),
    ]


@pytest.mark.parametrize("rows", [0, 1])
def test_the_revision_goes_down_again(unmigrated_database_url: str, rows: int) -> None:
    """Down: the day comes back as midnight; the schema is the previous one again."""
    url = unmigrated_database_url
    migrations.upgrade(url, BEFORE)
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            tables = MetaData()
            tables.reflect(connection)
            _store_rows(connection, tables, ROWS[:rows])
        migrations.upgrade(url, COARSE)
        command.downgrade(migrations.alembic_config(url), BEFORE)
        with database.engine.connect() as connection:
            response = Table("response", MetaData(), autoload_with=connection)
            submitted = connection.execute(select(response.c.submitted_at)).scalars().all()
    finally:
        database.dispose()
    assert submitted == [datetime(2026, 11, 23)][:rows]


def _store_rows(connection, tables: MetaData, rows=ROWS) -> None:
    """A municipality, a school, a wave and ``rows`` responses, as the previous revision had."""
    t = tables.tables
    connection.execute(insert(t["municipality"]).values(id=1, slug="m", name="M", region="R"))
    connection.execute(
        insert(t["school"]).values(id=1, slug="s", name="S", municipality_id=1, school_type="vo")
    )
    connection.execute(
        insert(t["wave"]).values(
            id=1,
            slug="w",
            name="W",
            questionnaire_id="q",
            questionnaire_version="1",
            status="open",
            created_at=STARTED,
        )
    )
    for number, (submitted, duration, flags) in enumerate(rows):
        connection.execute(
            insert(t["response"]).values(
                submission_id=f"s-{number:0>16}",
                wave_id=1,
                school_id=1,
                grade=2,
                questionnaire_id="q",
                questionnaire_version="1",
                language="nl",
                answers={"a": number},
                started_at=STARTED,
                submitted_at=submitted,
                duration_seconds=duration,
                quality_flags=flags,
                source="web",
            )
        )
