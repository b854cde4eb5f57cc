"""Staff accounts. Students never have one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oko.models.areas import Municipality, School
from oko.models.base import Base, utcnow
from oko.models.waves import Wave

ROLES = ("admin", "coordinator", "coalition", "researcher")

user_school = Table(
    "user_school",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
)

#: The waves whose aggregate data a researcher may read (granted by an admin).
user_wave = Table(
    "user_wave",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("wave_id", ForeignKey("wave.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    #: The municipality a coalition member sees; empty for admins and researchers.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    active: Mapped[bool] = mapped_column(default=True)
    #: Raised by logout, a password change or reset and disabling; a login cookie carries the
    #: value it was issued with, so every cookie issued before the raise stops working.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The language of the mails the account receives (nl or en).
    language: Mapped[str] = mapped_column(String(8), default="nl", server_default="nl")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    municipality: Mapped[Municipality | None] = relationship()
    #: The schools a coordinator runs sessions for.
    schools: Mapped[list[School]] = relationship(secondary=user_school)
    #: The waves a researcher has been granted.
    waves: Mapped[list[Wave]] = relationship(secondary=user_wave)
