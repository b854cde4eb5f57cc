"""Staff accounts: creating them, checking passwords, resetting and disabling.

There is no self-registration: accounts are made by an admin (web or ``oko user add``).
Passwords are hashed with scrypt (werkzeug), a memory-hard KDF; a login with an unknown email
still checks a dummy hash, so response time does not reveal which emails have an account.
Wherever a password is set (web, command line, reset) it must be hard to guess by zxcvbn's
estimate, which knows common and leaked passwords, names, keyboard patterns and dates, and it
must not contain the account's email or the name part of it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from oko.models import ROLES, Municipality, School, User, Wave, utcnow
from oko.services import audit
from oko.services.refusal import Refusal
from oko.services.staff import authz
from oko.services.transactions import commits

MIN_PASSWORD_LENGTH = 10
#: zxcvbn's score from 0 (guessed at once) to 4; 3 means "safely unguessable" online.
MIN_PASSWORD_SCORE = 3
#: zxcvbn refuses to estimate longer input (its running time grows with length); a longer
#: password is judged by its first this many characters.
ZXCVBN_MAX_LENGTH = 72
#: A shorter name part of an email (``jo@``) is too common to refuse in a password.
MIN_EMAIL_PART_LENGTH = 3
HASH_METHOD = "scrypt"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DUMMY_HASH = generate_password_hash("not a real password", method=HASH_METHOD)


class AccountError(Refusal):
    """A request about an account cannot be carried out; the message says why."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "password_short": "A password needs at least {length} characters.",
        "password_weak": (
            "This password is too easy to guess (a common or leaked password, a name, a word "
            "with small changes or a keyboard pattern); a few unrelated words are a good choice."
        ),
        "password_has_email": "A password must not contain the account's email address.",
        "bad_email": "'{email}' is not a valid email address.",
        "no_account": "There is no account with email '{email}'.",
        "email_taken": "An account with email '{email}' already exists.",
        "unknown_role": "Unknown role '{role}'; choose one of {roles}.",
        "unknown_municipality": "Unknown municipality '{key}'.",
        "unknown_school": "Unknown school '{key}'.",
        "unknown_wave": "Unknown wave '{key}'.",
        "coalition_needs_municipality": "A coalition member needs a municipality.",
        "coordinator_needs_school": "A coordinator needs at least one school.",
        "only_coalition_municipality": "Only coalition members are tied to a municipality.",
        "only_coordinator_schools": "Only coordinators are tied to schools.",
        "only_researcher_waves": "Only researchers are granted waves.",
        "own_role": "You cannot change your own role.",
        "own_disable": "You cannot disable your own account.",
        "wrong_password": "The current password is not correct.",
    }


@dataclass(frozen=True)
class Scope:
    """What an account may see besides its role: its municipality, schools or waves."""

    municipality_id: int | None = None
    school_ids: tuple[int, ...] = ()
    wave_ids: tuple[int, ...] = ()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def check_password_strength(password: str, email: str) -> None:
    """Refuse a password that is short, easy to guess or contains the account's email."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_short", length=MIN_PASSWORD_LENGTH)
    email = email.strip().lower()
    local_part = email.split("@", 1)[0]
    lowered = password.lower()
    if (email and email in lowered) or (
        len(local_part) >= MIN_EMAIL_PART_LENGTH and local_part in lowered
    ):
        raise AccountError("password_has_email")
    hints = [email, local_part, *re.split(r"[^a-z0-9]+", email)]
    estimate = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[h for h in hints if h])
    if estimate["score"] < MIN_PASSWORD_SCORE:
        raise AccountError("password_weak")


def generate_password(email: str) -> str:
    """A random password to hand over once (about 80 bits, no look-alike characters), drawn
    again in the rare case it happens to break the password rules for ``email``."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(14))
        try:
            check_password_strength(password, email)
        except AccountError:
            continue
        return password


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise AccountError("bad_email", email=email)
    return email


def session_fingerprint(user: User, secret: str) -> str:
    """Bound into the login cookie: logout, a password change or reset and disabling end every
    open session, because each of them changes the material (the epoch, hash or flag)."""
    material = f"{user.id}|{user.session_epoch}|{user.password_hash}|{user.active}".encode()
    return hmac.new(secret.encode(), material, hashlib.sha256).hexdigest()[:32]


def _end_sessions(user: User) -> None:
    """Every login cookie of ``user`` issued so far stops working (the caller commits)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def log_out(session: Session, user: User) -> None:
    """End every session of ``user`` on the server, so a copied cookie is of no use (commits)."""
    _end_sessions(user)
    audit.record(session, "logout", user_id=user.id, target=user.email)
    session.commit()


def get_by_email(session: Session, email: str) -> User | None:
    query = select(User).where(func.lower(User.email) == email.strip().lower())
    return session.execute(query).scalar_one_or_none()


def get(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def require(session: Session, email: str) -> User:
    user = get_by_email(session, email)
    if user is None:
        raise AccountError("no_account", email=email)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.role, User.email)).scalars())


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account with this email and password, or None. Records the attempt (commits)."""
    user = get_by_email(session, email)
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is not None and valid and user.active:
        user.last_login_at = utcnow()
        audit.record(session, "login.success", user_id=user.id, target=user.email)
        session.commit()
        return user
    reason = "unknown" if user is None else ("disabled" if not user.active else "password")
    audit.record(
        session,
        "login.failure",
        user_id=user.id if user else None,
        target=email.strip().lower(),
        detail={"reason": reason},
    )
    session.commit()
    return None


def resolve_scope(
    session: Session,
    role: str,
    *,
    municipality: str | int | None = None,
    schools: Iterable[str | int] = (),
    waves: Iterable[str | int] = (),
) -> Scope:
    """Turn slugs or ids into a checked scope for ``role``; unknown names are an AccountError."""
    if role not in ROLES:
        raise AccountError("unknown_role", role=role, roles=", ".join(ROLES))
    municipality_id = None
    if municipality not in (None, ""):
        municipality_id = _lookup(session, Municipality, municipality, "municipality").id
    school_ids = tuple(sorted({_lookup(session, School, s, "school").id for s in schools}))
    wave_ids = tuple(sorted({_lookup(session, Wave, w, "wave").id for w in waves}))
    if role == "coalition" and municipality_id is None:
        raise AccountError("coalition_needs_municipality")
    if role == "coordinator" and not school_ids:
        raise AccountError("coordinator_needs_school")
    if role != "coalition" and municipality_id is not None:
        raise AccountError("only_coalition_municipality")
    if role != "coordinator" and school_ids:
        raise AccountError("only_coordinator_schools")
    if role != "researcher" and wave_ids:
        raise AccountError("only_researcher_waves")
    return Scope(municipality_id, school_ids, wave_ids)


def _lookup(session: Session, model: type[Any], key: str | int, what: str):
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        row = session.get(model, int(key))
    else:
        row = session.execute(select(model).where(model.slug == key)).scalar_one_or_none()
    if row is None:
        raise AccountError(f"unknown_{what}", key=key)
    return row


@commits
def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    name: str = "",
    scope: Scope | None = None,
    actor_id: int | None = None,
) -> User:
    """Add an account (commits); a duplicate email, weak password or bad role: AccountError."""
    authz.require_admin(session, actor_id)
    email = normalise_email(email)
    check_password_strength(password, email)
    scope = scope or Scope()
    if role not in ROLES:
        raise AccountError("unknown_role", role=role, roles=", ".join(ROLES))
    if get_by_email(session, email) is not None:
        raise AccountError("email_taken", email=email)
    user = User(
        email=email, name=name.strip()[:200], role=role, password_hash=hash_password(password)
    )
    _apply_scope(session, user, scope)
    session.add(user)
    session.flush()
    audit.record(
        session,
        "user.create",
        user_id=actor_id,
        target=email,
        detail={"role": role, **_scope_detail(scope)},
    )
    return user


@commits
def update_user(
    session: Session,
    user: User,
    *,
    name: str,
    role: str,
    scope: Scope,
    actor_id: int | None,
) -> User:
    """Change name, role and scope (commits). An admin cannot change their own role."""
    authz.require_admin(session, actor_id)
    if role not in ROLES:
        raise AccountError("unknown_role", role=role, roles=", ".join(ROLES))
    if user.id == actor_id and role != user.role:
        raise AccountError("own_role")
    user.name = name.strip()[:200]
    user.role = role
    _apply_scope(session, user, scope)
    audit.record(
        session,
        "user.update",
        user_id=actor_id,
        target=user.email,
        detail={"role": role, **_scope_detail(scope)},
    )
    return user


@commits
def set_active(session: Session, user: User, active: bool, *, actor_id: int | None) -> None:
    """Disable or re-enable an account (commits); disabling ends its open sessions."""
    authz.require_admin(session, actor_id)
    if not active and user.id == actor_id:
        raise AccountError("own_disable")
    user.active = active
    if not active:
        _end_sessions(user)
    audit.record(
        session, "user.enable" if active else "user.disable", user_id=actor_id, target=user.email
    )


@commits
def reset_password(
    session: Session, user: User, password: str | None = None, *, actor_id: int | None
) -> str:
    """Set a new password (random when none is given) and return it (commits)."""
    authz.require_admin(session, actor_id)
    password = password or generate_password(user.email)
    check_password_strength(password, user.email)
    user.password_hash = hash_password(password)
    _end_sessions(user)
    audit.record(session, "user.reset_password", user_id=actor_id, target=user.email)
    return password


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    """A logged-in user changes their password (commits); their other sessions end, and the
    caller issues a fresh cookie for the current one."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("wrong_password")
    check_password_strength(new, user.email)
    user.password_hash = hash_password(new)
    _end_sessions(user)
    audit.record(session, "user.change_password", user_id=user.id, target=user.email)
    session.commit()


def _apply_scope(session: Session, user: User, scope: Scope) -> None:
    user.municipality_id = scope.municipality_id
    user.schools = [session.get_one(School, i) for i in scope.school_ids]
    user.waves = [session.get_one(Wave, i) for i in scope.wave_ids]


def _scope_detail(scope: Scope) -> dict[str, object]:
    return {
        "municipality_id": scope.municipality_id,
        "school_ids": list(scope.school_ids),
        "wave_ids": list(scope.wave_ids),
    }
