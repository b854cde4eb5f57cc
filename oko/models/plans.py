"""A coalition's plan after a wave: goals it wants the next waves to show, and its actions.

Rows hold the current version; :class:`PlanVersion` keeps every saved version (who, when,
what), so an edited target or a stopped action stays traceable in the evaluation of the
approach. Goals and actions belong to one municipality and are never shown to another.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oko.models.areas import Municipality
from oko.models.base import Base, utcnow
from oko.models.waves import Wave

#: Which way the indicator should move: down (less drinking) or up (more time with parents).
GOAL_DIRECTIONS = ("down", "up")
ACTION_STATUSES = ("planned", "running", "done", "stopped")
PLAN_KINDS = ("goal", "action")


class Goal(Base):
    """ "Fewer girls drunk in the last 30 days: at most 10% by autumn 2028"."""

    __tablename__ = "plan_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))
    #: In the estimate's own unit: a share in [0, 1] for proportions, the answer scale else.
    target: Mapped[float]
    #: The wave whose result is the starting point (the latest closed one when it was set).
    baseline_wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"))
    #: The goal is due at this wave, or else in this year's wave.
    target_wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id"))
    target_year: Mapped[int | None]
    #: ``all``, ``gender=2``, ``grade=4``: a group the results are broken down by.
    group: Mapped[str] = mapped_column(String(16), default="all")
    priority: Mapped[bool] = mapped_column(default=False)
    #: Why the coalition chose this (the priority's reason), in its own words.
    reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    municipality: Mapped[Municipality] = relationship()
    baseline_wave: Mapped[Wave] = relationship(foreign_keys=[baseline_wave_id])
    target_wave: Mapped[Wave | None] = relationship(foreign_keys=[target_wave_id])


class Action(Base):
    """ "Parent evenings on agreements about alcohol, by the youth workers, from March"."""

    __tablename__ = "plan_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    #: The indicator (or the protective factor it measures) the action aims at.
    indicator: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    municipality: Mapped[Municipality] = relationship()


class PlanVersion(Base):
    """One saved version of a goal or an action: the fields as they were after the change."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("kind", "item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    item_id: Mapped[int]
    version: Mapped[int]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: Empty for the command line and the demo.
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
