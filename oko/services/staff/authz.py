"""Who may do what: checked in the services, so every caller (web, CLI, API) gets the same rules.

Roles:
- admin: everything.
- coordinator: their schools (``user_school``): open and close class sessions, watch progress.
- coalition: their municipality: fieldwork progress, dashboard, reports, aggregate downloads.
- researcher: aggregate data of the waves granted to them (``user_wave``).

Each ``require_*`` raises :class:`Forbidden`, which the web layer turns into 403 (the view
decorator in ``oko.web.auth`` does the same for role checks before any service runs).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from oko.models import School, User


class Forbidden(PermissionError):
    """The account may not see or change this; the web layer answers 403."""


def is_admin(user: User | None) -> bool:
    return user is not None and user.active and user.role == "admin"


def require_role(user: User | None, *roles: str) -> User:
    """The user, if active and in one of ``roles`` (admins always pass)."""
    if user is None or not user.active:
        raise Forbidden("not logged in")
    if user.role != "admin" and user.role not in roles:
        raise Forbidden(f"role {user.role} may not do this")
    return user


def require_admin(session: Session, actor_id: int | None) -> None:
    """Set-up changes (areas, waves, accounts) are for admins. ``None`` is the command line:
    whoever runs it already holds the database."""
    if actor_id is not None:
        require_role(session.get(User, actor_id), "admin")


def school_ids(user: User) -> frozenset[int]:
    return frozenset(school.id for school in user.schools)


def require_municipality(user: User | None, municipality_id: int) -> User:
    """Results of a municipality: admins and that municipality's coalition members."""
    user = require_role(user, "coalition")
    if user.role == "coalition" and user.municipality_id != municipality_id:
        raise Forbidden("another municipality")
    return user


def require_school(user: User | None, school_id: int) -> User:
    """Running class sessions at a school: admins and that school's coordinators."""
    user = require_role(user, "coordinator")
    if user.role == "coordinator" and school_id not in school_ids(user):
        raise Forbidden("another school")
    return user


def may_monitor_school(user: User, school: School) -> bool:
    """Fieldwork progress of a school: its coordinators, its municipality's coalition, admins."""
    if not user.active:
        return False
    if user.role == "admin":
        return True
    if user.role == "coordinator":
        return school.id in school_ids(user)
    if user.role == "coalition":
        return school.municipality_id == user.municipality_id
    return False


def require_monitor_school(user: User | None, school: School) -> User:
    user = require_role(user, "coordinator", "coalition")
    if not may_monitor_school(user, school):
        raise Forbidden("school outside scope")
    return user


def require_wave(user: User | None, wave_id: int) -> User:
    """Aggregate data of a wave for research: admins and researchers granted that wave."""
    user = require_role(user, "researcher")
    if user.role == "researcher" and wave_id not in {wave.id for wave in user.waves}:
        raise Forbidden("wave not granted")
    return user
