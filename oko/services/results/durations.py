"""A wave's median completion time, for the "too fast" flag decided at analysis.

Why here and not at submit: a median over the wave at every submit made each submit cost grow
with the wave (200,000 responses: a sort per Send). An analysis reads the wave's responses
anyway and asks for the median once, so all its responses are judged against the same one.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oko.models import Response
from oko.models.responses import TEST


def median_duration(session: Session, wave_id: int) -> float | None:
    """Median duration of the wave's timed responses (None while there is none).

    Two small queries instead of loading every duration: the middle one or two values
    of the ordered list, which works the same on SQLite and PostgreSQL.
    """
    timed = (
        Response.wave_id == wave_id,
        Response.duration_seconds.is_not(None),
        Response.status != TEST,
    )
    count = session.execute(select(func.count()).where(*timed)).scalar_one()
    if not count:
        return None
    middle = session.execute(
        select(Response.duration_seconds)
        .where(*timed)
        .order_by(Response.duration_seconds)
        .offset((count - 1) // 2)
        .limit(2 - count % 2)
    ).scalars()
    values = [value for value in middle if value is not None]
    return sum(values) / len(values)
