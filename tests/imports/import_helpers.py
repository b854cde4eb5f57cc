"""Shared by the import tests: the test questionnaire's folder, CSV building, the areas."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oko.db import Database
from oko.models import Municipality, School, Wave

DATA = Path(__file__).parent / "data"
HEADER = (
    "school,grade,gender,age,pets,paper,smokes,amount,quit,relevin,sch_safe,sch_belong,comments"
)


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *lines)) + "\n").encode()


@dataclass(frozen=True)
class World:
    town_id: int
    school_ids: dict[str, int]
    wave_id: int


def make_world(database: Database, status: str = "open") -> World:
    with database.session() as session:
        town = Municipality(slug="zeewolde", name="Zeewolde", region="Flevoland")
        schools = [
            School(slug=slug, name=slug.title(), municipality=town)
            for slug in ("de-linde", "het-baken")
        ]
        wave = Wave(
            slug="2026-autumn",
            name="Autumn 2026",
            questionnaire_id="import-mini",
            questionnaire_version="1",
            status=status,
        )
        session.add_all([town, *schools, wave])
        session.commit()
        return World(town.id, {s.slug: s.id for s in schools}, wave.id)
