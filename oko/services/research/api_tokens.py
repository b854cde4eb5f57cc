"""Personal API tokens: created and revoked by their owner, stored as a SHA-256 hash only.

The secret is shown once, at creation. It has 256 random bits, so a fast hash is enough (no
password-style key stretching is needed to resist guessing). A token acts with its owner's
role and scope; disabling the account or revoking the token stops it at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oko.models import ApiToken, User, utcnow
from oko.services import audit
from oko.services.refusal import Refusal
from oko.services.transactions import commits

#: Every secret starts with this, so it is recognisable in a leaked file or a secret scanner.
SECRET_PREFIX = "oko_"
#: Characters of the secret kept in clear (with the prefix) to tell tokens apart in a list.
SHOWN_CHARS = 8
MAX_NAME_LENGTH = 100
#: Active tokens one account may hold; a script per machine is plenty.
MAX_ACTIVE_PER_USER = 20
#: ``last_used_at`` is written at most this often, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)
#: Largest id an integer primary key holds (PostgreSQL refuses larger numbers outright).
MAX_ID = 2**31 - 1


class TokenError(Refusal):
    """A token request cannot be carried out; the message says why."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "token_name_required": "Give the token a name, e.g. the machine or script that uses it.",
        "token_name_long": "A token name has at most {length} characters.",
        "token_name_control": "A token name cannot hold control characters.",
        "token_account_disabled": "A disabled account cannot create tokens.",
        "token_limit": "You already have {count} active tokens; revoke one you no longer use.",
        "token_unknown": "There is no such token among yours.",
    }


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def is_active(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > now)


def list_for(session: Session, user: User) -> list[ApiToken]:
    """The account's tokens, newest first, revoked and expired ones included (for the record)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(session.execute(query).scalars())


@commits
def create(session: Session, user: User, name: str, *, ttl_days: int) -> tuple[ApiToken, str]:
    """A new token and its secret, to show once (commits).

    ``ttl_days`` 0 means the token does not expire.
    """
    name = " ".join(name.split())
    if not name:
        raise TokenError("token_name_required")
    if len(name) > MAX_NAME_LENGTH:
        raise TokenError("token_name_long", length=MAX_NAME_LENGTH)
    if not name.isprintable():
        raise TokenError("token_name_control")
    if not user.active:
        raise TokenError("token_account_disabled")
    now = utcnow()
    active = session.execute(
        select(func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
        )
    ).scalar_one()
    if active >= MAX_ACTIVE_PER_USER:
        raise TokenError("token_limit", count=MAX_ACTIVE_PER_USER)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_secret(secret),
        prefix=secret[: len(SECRET_PREFIX) + SHOWN_CHARS],
        created_at=now,
        expires_at=now + timedelta(days=ttl_days) if ttl_days > 0 else None,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        "api_token.create",
        user_id=user.id,
        target=f"api_token:{token.id}",
        detail={"name": name, "prefix": token.prefix},
    )
    return token, secret


@commits
def revoke(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (commits); revoking twice is harmless."""
    token = session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if token is None or token.user_id != user.id:
        raise TokenError("token_unknown")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            "api_token.revoke",
            user_id=user.id,
            target=f"api_token:{token.id}",
            detail={"name": token.name, "prefix": token.prefix},
        )
    return token


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """The active token for ``secret`` whose owner is active, or None (may flush a usage time).

    Only well-formed secrets reach the database; the lookup is by hash, so timing reveals
    nothing about stored secrets.
    """
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    token = session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))
    ).scalar_one_or_none()
    now = utcnow()
    if token is None or not is_active(token, now) or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token
