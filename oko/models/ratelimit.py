"""Rate-limit counters in the database, so every app server sees the same counts.

The key is a keyed hash of the client address and the purpose; it is deleted when its
window has passed and is never linked to a response.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from oko.models.base import Base


class RateLimitCounter(Base):
    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime]
    count: Mapped[int] = mapped_column(default=0)
