"""coarse response times: the day and a rounded duration instead of two exact instants

A start and submit time to the microsecond next to school, grade and class lets whoever watched
the class match a response to a student. The existing rows keep the day they were handed in
and their duration rounded to ten seconds; ``too_fast`` is no longer stored (it is decided at
analysis from the duration and the wave's median), so it is taken out of the stored flags.

Revision ID: 08aff9b01a29
Revises: 5e1c0a7d9b3f
Create Date: 2026-12-05 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "08aff9b01a29"
down_revision: str | None = "5e1c0a7d9b3f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: As ``oko.questionnaire.quality.DURATION_STEP_SECONDS`` when this revision was written.
DURATION_STEP_SECONDS = 10
TOO_FAST = "too_fast"
#: Flag lists rewritten per statement.
BATCH = 1000

_json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_response = sa.table(
    "response",
    sa.column("id", sa.Integer()),
    sa.column("submitted_at", sa.DateTime()),
    sa.column("submitted_on", sa.Date()),
    sa.column("started_at", sa.DateTime()),
    sa.column("duration_seconds", sa.Integer()),
    sa.column("quality_flags", _json),
)


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_on", sa.Date(), nullable=True))
    # SQLite stores a DateTime as text and a Date as its first ten characters; CAST there
    # would read the text as a number.
    day = (
        sa.func.date(_response.c.submitted_at)
        if bind.dialect.name == "sqlite"
        else sa.cast(_response.c.submitted_at, sa.Date)
    )
    step = DURATION_STEP_SECONDS
    op.execute(
        _response.update().values(
            submitted_on=day,
            duration_seconds=(_response.c.duration_seconds + step // 2) // step * step,
        )
    )
    _drop_too_fast(bind)
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.alter_column("submitted_on", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("started_at")


def _drop_too_fast(bind: sa.Connection) -> None:
    """Take ``too_fast`` out of every stored flag list (a few percent of the rows have it)."""
    flagged = sa.cast(_response.c.quality_flags, sa.Text).like(f'%"{TOO_FAST}"%')
    rows = bind.execute(sa.select(_response.c.id, _response.c.quality_flags).where(flagged)).all()
    updates = [
        {"row_id": row_id, "flags": [flag for flag in flags if flag != TOO_FAST]}
        for row_id, flags in rows
    ]
    statement = (
        _response.update()
        .where(_response.c.id == sa.bindparam("row_id"))
        .values(quality_flags=sa.bindparam("flags", type_=_json))
    )
    for start in range(0, len(updates), BATCH):
        bind.execute(statement, updates[start : start + BATCH])


def downgrade() -> None:
    """The day comes back as midnight; the start time and the ``too_fast`` flags do not."""
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
    midnight = (
        sa.func.datetime(_response.c.submitted_on)
        if op.get_bind().dialect.name == "sqlite"
        else sa.cast(_response.c.submitted_on, sa.DateTime)
    )
    op.execute(_response.update().values(submitted_at=midnight))
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.alter_column("submitted_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_column("submitted_on")
