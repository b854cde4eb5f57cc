"""The one place a service's unit of work ends: committed when it returns, rolled back when it
raises.

Views never commit or roll back. A refused change (a :class:`~oko.services.refusal.Refusal`
raised half-way) must not leave altered rows in the request's session, where a later flush
could store them, so the rollback belongs to the service that started the change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")


def commits(function: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Commit ``session`` after ``function`` returns; roll it back if it raises anything."""

    @functools.wraps(function)
    def wrapper(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = function(session, *args, **kwargs)
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result

    return wrapper
