"""Fixed-window rate limits shared by every app server (the counters live in the database).

The client is identified by a keyed hash of its address and the purpose, so the stored key
reveals neither; rows are removed once their window has passed and are never linked to a
response.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oko.models import RateLimitCounter, utcnow

WINDOW = timedelta(minutes=1)
#: Counters older than this are deleted by any hit; no caller's window may be longer.
LONGEST_WINDOW = timedelta(hours=1)


def client_key(secret: str, purpose: str, client: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}|{client}".encode(), hashlib.sha256).hexdigest()


def within_limit(session: Session, key: str, limit: int) -> bool:
    """Whether ``key`` has been counted fewer than ``limit`` times this window. Reads without
    counting, so a caller that counts only failures can ask before trying."""
    return used(session, key) < limit


def hit(session: Session, key: str, limit: int, *, window: timedelta = WINDOW) -> bool:
    """Count one attempt; False when the client is over ``limit`` in the current window.

    A counter whose window has passed starts a new one. Commits, so the count holds even if
    the caller's own work fails afterwards.
    """
    now = utcnow()
    session.execute(
        delete(RateLimitCounter).where(RateLimitCounter.window_start < now - LONGEST_WINDOW)
    )
    counter = session.execute(
        select(RateLimitCounter).where(RateLimitCounter.key == key).with_for_update()
    ).scalar_one_or_none()
    if counter is None:
        session.add(RateLimitCounter(key=key, window_start=now, count=1))
        try:
            session.commit()
        except IntegrityError:  # another server created it at the same moment
            session.rollback()
            return hit(session, key, limit, window=window)
        return True
    if counter.window_start < now - window:
        counter.window_start, counter.count = now, 0
    counter.count += 1
    allowed = counter.count <= limit
    session.commit()
    return allowed


def used(session: Session, key: str, *, window: timedelta = WINDOW) -> int:
    """Attempts counted for ``key`` in its current window; reads without counting, so a limit
    can be checked before the work whose outcome decides whether it counts."""
    count = session.execute(
        select(RateLimitCounter.count).where(
            RateLimitCounter.key == key, RateLimitCounter.window_start >= utcnow() - window
        )
    ).scalar_one_or_none()
    return count or 0
