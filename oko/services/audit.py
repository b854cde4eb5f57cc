"""The audit log: who changed what, who logged in, who downloaded which report or export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from oko.models import AuditEntry


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the caller's transaction (it is committed with the change it describes)."""
    entry = AuditEntry(action=action, user_id=user_id, target=target[:200], detail=detail or {})
    session.add(entry)
    return entry


def recent(session: Session, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(session.execute(query).scalars())
