"""The stored rows that services hand to their callers, and the clock they are stamped with.

Views type their helpers with these names and read the rows' attributes, but they query and
change rows only through a service: the import contract forbids ``oko.web`` to import
``oko.models`` itself, so a query cannot creep back into a view.
"""

from oko.models import (
    ACTION_STATUSES,
    GOAL_DIRECTIONS,
    ROLES,
    Action,
    ApiToken,
    ClassSession,
    Draft,
    Goal,
    Municipality,
    School,
    User,
    Wave,
    utcnow,
)

__all__ = [
    "ACTION_STATUSES",
    "GOAL_DIRECTIONS",
    "ROLES",
    "Action",
    "ApiToken",
    "ClassSession",
    "Draft",
    "Goal",
    "Municipality",
    "School",
    "User",
    "Wave",
    "utcnow",
]
