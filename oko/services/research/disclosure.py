"""The disclosure audit of a wave: can anything published give a hidden value away?

Collects what the wave publishes through the same builder as the downloads and the API
(:func:`oko.services.research.exports.wave_aggregates`), adds the group sizes and the true
values from the engine, and hands the linear system to :mod:`oko.indicators.disclosure`
(method and protection intervals: :mod:`oko.research.published`). Reads only; stores nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from oko.indicators.disclosure import CellRange
from oko.indicators.groups import Area
from oko.models import Municipality, Wave
from oko.research.published import audit_system, build_system
from oko.services.research import exports
from oko.services.results import engine
from oko.services.results.engine import Settings


class UnknownMunicipality(LookupError):
    """No municipality has this short name."""


@dataclass(frozen=True)
class DisclosureAudit:
    wave: str
    #: "all areas", or the municipality whose coalition's view was audited.
    scope: str
    published_values: int
    published_rest_values: int
    equations: int
    ranges: tuple[CellRange, ...]
    seconds: float

    @property
    def failures(self) -> tuple[CellRange, ...]:
        return tuple(r for r in self.ranges if not r.protected)

    @property
    def passed(self) -> bool:
        return not self.failures


def scope_for(session: Session, municipality: str | None) -> tuple[exports.Scope, str]:
    """The reader's scope of a coalition of ``municipality`` (slug), or of everything."""
    if municipality is None:
        return exports.Scope(), "all areas"
    row = session.execute(
        select(Municipality).where(Municipality.slug == municipality)
    ).scalar_one_or_none()
    if row is None:
        raise UnknownMunicipality(f"There is no municipality {municipality!r}.")
    return exports.Scope(row.id), f"municipality {row.slug}"


def audit_wave(
    session: Session,
    wave: Wave,
    settings: Settings,
    scope: exports.Scope | None = None,
    scope_label: str = "all areas",
) -> DisclosureAudit:
    """Every hidden value's feasible range given everything ``scope`` may read of ``wave``."""
    started = time.perf_counter()
    scope = scope or exports.Scope()
    loaded = engine.wave_results(session, wave, settings)
    published = exports.wave_aggregates(session, wave, scope, settings)
    truth = engine.unsuppressed_results(session, wave, settings)
    by_id: dict[str, Area] = {name.id: area for area, name in loaded.areas.items()}
    parents = {
        area: by_id[name.parent] for area, name in loaded.areas.items() if name.parent in by_id
    }
    system = build_system(
        loaded.results,
        truth,
        published.results.records(),
        {area: name.id for area, name in loaded.areas.items()},
        parents,
    )
    ranges = audit_system(system)
    return DisclosureAudit(
        wave=wave.slug,
        scope=scope_label,
        published_values=system.published_values,
        published_rest_values=system.published_rest_values,
        equations=len(system.relations),
        ranges=tuple(ranges),
        seconds=time.perf_counter() - started,
    )
