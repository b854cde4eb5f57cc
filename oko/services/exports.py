"""Aggregate research data: which waves an account may read, and the downloads built from them.

Results are published only for closed waves. While a wave is open its figures change with
every class that submits, and two snapshots differ by exactly the answers of the students in
between: subtracting them would expose those students. A closed wave's results are final.

Scope: admins read every closed wave; researchers the waves granted to them (``user_wave``);
coalition members the waves in which their municipality took part, limited to their
municipality, its schools (where large enough) and its region. Other roles read nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from oko.models import Response, School, User, Wave
from oko.research.tables import Table, Value
from oko.services import authz

READER_ROLES = ("researcher", "coalition")


class UnknownWave(LookupError):
    """No wave has this slug."""


@dataclass(frozen=True)
class Scope:
    """What of a wave's results an account may see: everything, or one municipality's part."""

    municipality_id: int | None = None

    @property
    def everything(self) -> bool:
        return self.municipality_id is None


def scope_of(user: User) -> Scope:
    authz.require_role(user, *READER_ROLES)
    return Scope(user.municipality_id if user.role == "coalition" else None)


def readable_waves(session: Session, user: User) -> list[Wave]:
    """Closed waves the account may read, newest first."""
    authz.require_role(user, *READER_ROLES)
    query = select(Wave).where(Wave.status == "closed")
    if user.role == "researcher":
        granted = [wave.id for wave in user.waves]
        query = query.where(Wave.id.in_(granted))
    elif user.role == "coalition":
        query = query.where(_municipality_took_part(user.municipality_id))
    query = query.order_by(Wave.closes_at.desc(), Wave.id.desc())
    return list(session.execute(query).scalars())


def readable_wave(session: Session, user: User, slug: str) -> Wave:
    """The wave, if the account may read it: :class:`UnknownWave` or ``authz.Forbidden``."""
    wave = session.execute(select(Wave).where(Wave.slug == slug)).scalar_one_or_none()
    if wave is None:
        raise UnknownWave(f"There is no wave {slug!r}.")
    authz.require_role(user, *READER_ROLES)
    if user.role == "researcher":
        authz.require_wave(user, wave.id)
    if (
        user.role == "coalition"
        and not session.execute(
            select(_municipality_took_part(user.municipality_id).where(Wave.id == wave.id))
        ).scalar()
    ):
        raise authz.Forbidden(f"your municipality did not take part in wave {slug}")
    if wave.status != "closed":
        raise authz.Forbidden(f"wave {slug} is {wave.status}; results are published once it closes")
    return wave


def _municipality_took_part(municipality_id: int | None):  # type: ignore[no-untyped-def]
    return exists().where(
        Response.wave_id == Wave.id,
        Response.school_id == School.id,
        School.municipality_id == municipality_id,
    )


class UnknownFilter(ValueError):
    """A results filter names no area, group or indicator of the wave."""


FORMATS = ("csv", "json", "xlsx")
MEDIA_TYPES = {
    "csv": "application/zip",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Settings:
    """The configuration the results depend on."""

    questionnaire_dir: str
    min_group_size: int
    min_school_size: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            questionnaire_dir=str(config["QUESTIONNAIRE_DIR"]),
            min_group_size=int(config["MIN_GROUP_SIZE"]),
            min_school_size=int(config["MIN_SCHOOL_SIZE"]),
        )


@dataclass(frozen=True)
class WaveAggregates:
    """A wave's published results for one reader: the tidy table plus its codebook tables."""

    wave: Wave
    results: Table
    areas_table: Table
    indicators_table: Table
    items_table: Table
    codes_table: Table
    questionnaire_id: str
    questionnaire_version: str

    @property
    def areas(self) -> list[dict[str, Value]]:
        return list(self.areas_table.records())

    @property
    def indicators(self) -> list[dict[str, Value]]:
        return list(self.indicators_table.records())

    @property
    def tables(self) -> tuple[Table, ...]:
        return (
            self.results,
            self.areas_table,
            self.indicators_table,
            self.items_table,
            self.codes_table,
        )

    def filter(
        self, *, area: str | None = None, group: str | None = None, indicator: str | None = None
    ) -> list[dict[str, Value]]:
        """Result records matching every given filter; an unknown value is an error."""
        wanted = {"area": area, "group": group, "indicator": indicator}
        known = {
            "area": set(self.areas_table.column("area")),
            "indicator": set(self.indicators_table.column("indicator")),
            "group": set(self.results.column("group")),
        }
        for name, value in wanted.items():
            if value is not None and value not in known[name]:
                hint = {
                    "area": "see /areas",
                    "indicator": "see /indicators",
                    "group": "all, gender=<code> or grade=<code> with results in this wave",
                }[name]
                raise UnknownFilter(f"Unknown {name} {value!r} in wave {self.wave.slug} ({hint}).")
        return [
            record
            for record in self.results.records()
            if all(value is None or record[name] == value for name, value in wanted.items())
        ]
