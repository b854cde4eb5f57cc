"""The staff navigation: each blueprint adds its own pages, shown to the roles that may use them.

Usage in a blueprint's ``__init__``::

    add_nav_item(bp, "survey.sessions", "nav.sessions", roles=("coordinator",))
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app
from flask.sansio.app import App
from flask.sansio.blueprints import BlueprintSetupState

from oko.services.rows import User

EXTENSION_KEY = "oko.staff_nav"


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label_key: str
    roles: tuple[str, ...]
    order: int


def add_nav_item(
    bp: Blueprint, endpoint: str, label_key: str, *, roles: tuple[str, ...], order: int = 50
) -> None:
    """Show ``endpoint`` in the staff menu to ``roles`` (admins see everything)."""

    def register(state: BlueprintSetupState) -> None:
        items = _items(state.app)
        items.append(NavItem(endpoint, label_key, roles, order))
        items.sort(key=lambda item: item.order)

    bp.record_once(register)


def _items(app: App) -> list[NavItem]:
    return app.extensions.setdefault(EXTENSION_KEY, [])


def items_for(user: User | None) -> list[NavItem]:
    if user is None:
        return []
    return [item for item in _items(current_app) if user.role == "admin" or user.role in item.roles]
