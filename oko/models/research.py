"""What researchers hold: personal API tokens and approved access to response-level data.

Aggregate access per wave is ``user_wave`` (:mod:`oko.models.accounts`); response-level data
(microdata) needs a separate, approved :class:`MicrodataGrant`, and each download of it is
kept as a :class:`MicrodataDownload` besides the audit log entry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oko.models.accounts import User
from oko.models.base import Base, utcnow
from oko.models.waves import Wave

GRANT_STATUSES = ("requested", "approved", "rejected", "revoked")


class ApiToken(Base):
    """A personal token for the JSON API; only its SHA-256 is stored, the secret is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    #: What the owner calls it, e.g. "laptop R scripts".
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the secret, so the owner can tell tokens apart in a list.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class MicrodataGrant(Base):
    """A researcher's access to the response-level data of one wave, decided by an admin.

    ``pseudonym_key`` keys the hash that replaces school identities in this grant's files: the
    same school keeps its pseudonym across this grant's downloads, but two grants cannot be
    linked through it.
    """

    __tablename__ = "microdata_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    #: The research question and use the admin approved, in the researcher's words.
    purpose: Mapped[str] = mapped_column(Text, default="")
    #: requested -> approved | rejected; approved -> revoked.
    status: Mapped[str] = mapped_column(String(16), default="requested")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None]
    pseudonym_key: Mapped[str] = mapped_column(String(64))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    wave: Mapped[Wave] = relationship()
    downloads: Mapped[list[MicrodataDownload]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="MicrodataDownload.id"
    )


class MicrodataDownload(Base):
    """One delivered microdata file: when, which format, how many rows, its checksum."""

    __tablename__ = "microdata_download"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("microdata_grant.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: "zip" (CSV + codebook + SPSS), "csv" or "sav".
    file_format: Mapped[str] = mapped_column(String(8))
    rows: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))

    grant: Mapped[MicrodataGrant] = relationship(back_populates="downloads")
