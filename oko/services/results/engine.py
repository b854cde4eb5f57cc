"""Stored responses in, the indicator engine's :class:`WaveResults` out, cached.

Reports, the dashboard and research exports all read results through :func:`wave_results`,
so every one of them shows the numbers and the suppression the engine decided, once.

Loading: one query per wave selects only what the engine reads (school, grade, quality flags
and, extracted by the database, the answers to the items the indicators use), see
:mod:`oko.services.results.response_columns`. Earlier waves of the same questionnaire give the
"previous wave" and trend comparisons.

Codes: the school is the cluster and its database id the PSU code, municipalities use their
ids, regions (free text on the municipality) are numbered in name order. Gender comes from the
questionnaire's gender item, grade from the class the student answered in.

Cache: the results of a wave are kept per database, wave and *data version* (the count and
highest id of the responses of every wave involved, the waves' close times, pupil counts and
the engine thresholds), so a new response or a changed setting gives fresh results, and
repeated requests for a closed wave cost one small query.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oko.indicators import (
    EngineConfig,
    IndicatorDefinitionError,
    IndicatorSet,
    WaveInput,
    WaveResults,
    compute_wave,
    load_indicators,
)
from oko.indicators.config import SchoolDesign
from oko.indicators.groups import Area, AreaLevel
from oko.models import Municipality, PopulationCount, Response, School, Wave
from oko.models.responses import ACCEPTED
from oko.questionnaire import Questionnaire
from oko.services.results import response_columns
from oko.services.survey import questionnaires

#: Wave results kept in memory per process (each is a few megabytes at most).
CACHE_SIZE = 16


class IndicatorsMissing(LookupError):
    """No indicator file in the questionnaire folder belongs to the wave's questionnaire."""


@dataclass(frozen=True)
class AreaName:
    """How an engine area is shown: an id such as ``municipality:zeewolde`` and a name."""

    id: str
    name: str
    level: AreaLevel
    #: The enclosing area's id ("" for a region) and, for scope checks, the municipality.
    parent: str = ""
    municipality_id: int | None = None


@dataclass(frozen=True)
class LoadedResults:
    wave: Wave
    questionnaire: Questionnaire
    indicators: IndicatorSet
    results: WaveResults
    areas: Mapping[Area, AreaName]


@dataclass(frozen=True)
class Settings:
    questionnaire_dir: str
    min_group_size: int
    min_school_size: int
    school_design: str = SchoolDesign.CLASSES.value
    #: Off only to show that the disclosure audit catches the leak it closes.
    protect_rest_of_parent: bool = True
    #: Off only to show that the disclosure audit catches complementary values pinned down.
    protect_complementary: bool = True

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            questionnaire_dir=str(config["QUESTIONNAIRE_DIR"]),
            min_group_size=int(config["MIN_GROUP_SIZE"]),
            min_school_size=int(config["MIN_SCHOOL_SIZE"]),
            school_design=str(config["SCHOOL_DESIGN"]),
        )

    def engine_config(self) -> EngineConfig:
        return EngineConfig(
            min_denominator=self.min_group_size,
            min_school_respondents=self.min_school_size,
            school_design=SchoolDesign(self.school_design),
            protect_rest_of_parent=self.protect_rest_of_parent,
            protect_complementary=self.protect_complementary,
        )


_cache: OrderedDict[tuple[Any, ...], WaveResults] = OrderedDict()
_lock = threading.Lock()


def indicators_for(questionnaire: Questionnaire, directory: str | Path) -> IndicatorSet:
    """The ``*.indicators.yaml`` file declaring ``questionnaire: <id>``, checked against it."""
    folder = Path(directory)
    preferred = folder / f"{questionnaire.id}.indicators.yaml"
    candidates = [
        preferred,
        *(p for p in sorted(folder.glob("*.indicators.yaml")) if p != preferred),
    ]
    item_codes = {item_id: item.codes for item_id, item in questionnaire.items.items()}
    for path in candidates:
        if not path.is_file():
            continue
        try:
            indicator_set = load_indicators(path)
        except IndicatorDefinitionError:
            continue
        if indicator_set.questionnaire == questionnaire.id:
            indicator_set.check_against(item_codes)
            return indicator_set
    raise IndicatorsMissing(f"no indicator definitions for questionnaire {questionnaire.id!r}")


def previous_waves(session: Session, wave: Wave) -> list[Wave]:
    """Closed waves of the same questionnaire that closed before ``wave``, oldest first."""
    if wave.closes_at is None:
        return []
    query = (
        select(Wave)
        .where(
            Wave.questionnaire_id == wave.questionnaire_id,
            Wave.status == "closed",
            Wave.closes_at < wave.closes_at,
            Wave.id != wave.id,
        )
        .order_by(Wave.closes_at)
    )
    return list(session.execute(query).scalars())


def wave_results(session: Session, wave: Wave, settings: Settings) -> LoadedResults:
    """The engine's results for ``wave`` (compared with earlier waves), from the cache if fresh."""
    questionnaire = questionnaires.for_wave(wave, settings.questionnaire_dir)
    indicator_set = indicators_for(questionnaire, settings.questionnaire_dir)
    waves = [*previous_waves(session, wave), wave]
    regions = _region_codes(session)
    key = (
        str(session.get_bind().engine.url),
        wave.id,
        _data_version(session, waves),
        tuple(sorted(regions.items())),
        indicator_set.source,
        settings,
    )
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
    if cached is None:
        inputs = [_wave_input(session, w, questionnaire, indicator_set, regions) for w in waves]
        cached = compute_wave(inputs[-1], inputs[:-1], indicator_set, settings.engine_config())
        with _lock:
            _cache[key] = cached
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return LoadedResults(
        wave, questionnaire, indicator_set, cached, _area_names(session, cached, regions)
    )


def unsuppressed_results(session: Session, wave: Wave, settings: Settings) -> WaveResults:
    """The wave's estimates with nothing hidden, for the disclosure audit alone.

    The audit centres each hidden value's protection interval on its true value, which the
    published results no longer hold. Never cached and never handed to a page or a file.
    """
    questionnaire = questionnaires.for_wave(wave, settings.questionnaire_dir)
    indicator_set = indicators_for(questionnaire, settings.questionnaire_dir)
    wave_input = _wave_input(session, wave, questionnaire, indicator_set, _region_codes(session))
    config = settings.engine_config().without_suppression()
    return compute_wave(wave_input, (), indicator_set, config)


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _data_version(session: Session, waves: list[Wave]) -> tuple[Any, ...]:
    ids = [w.id for w in waves]
    counts = session.execute(
        select(Response.wave_id, func.count(Response.id), func.max(Response.id))
        .where(Response.wave_id.in_(ids), Response.status == ACCEPTED)
        .group_by(Response.wave_id)
    ).all()
    population = session.execute(
        select(
            PopulationCount.wave_id,
            func.count(PopulationCount.id),
            func.sum(PopulationCount.pupils),
        )
        .where(PopulationCount.wave_id.in_(ids))
        .group_by(PopulationCount.wave_id)
    ).all()
    waves_state = tuple((w.id, w.slug, w.status, w.closes_at) for w in waves)
    return waves_state, tuple(sorted(map(tuple, counts))), tuple(sorted(map(tuple, population)))


def _region_codes(session: Session) -> dict[str, int]:
    names = session.execute(select(Municipality.region).distinct()).scalars().all()
    return {name: code for code, name in enumerate(sorted(names), start=1)}


def _wave_input(
    session: Session,
    wave: Wave,
    questionnaire: Questionnaire,
    indicator_set: IndicatorSet,
    regions: Mapping[str, int],
) -> WaveInput:
    columns = response_columns.wave_columns(
        session,
        wave,
        indicator_set.item_ids,
        questionnaire.demographics.get("gender"),
        regions,
        too_fast_share=questionnaire.quality.too_fast_share_of_median,
    )
    counts = session.execute(
        select(
            PopulationCount.municipality_id,
            PopulationCount.gender,
            PopulationCount.grade,
            PopulationCount.pupils,
        ).where(PopulationCount.wave_id == wave.id)
    ).all()
    population = {(m, g, gr): float(p) for m, g, gr, p in counts} or None
    time = wave.closes_at.timestamp() / (365.25 * 86400) + 1970 if wave.closes_at else 0.0
    return WaveInput(wave.slug, time, columns, population)


def _area_names(
    session: Session, results: WaveResults, regions: Mapping[str, int]
) -> dict[Area, AreaName]:
    region_names = {code: name for name, code in regions.items()}
    towns = {m.id: m for m in session.execute(select(Municipality)).scalars()}
    school_ids = [a.code for a in results.areas if a.level is AreaLevel.SCHOOL]
    schools = {
        s.id: s for s in session.execute(select(School).where(School.id.in_(school_ids))).scalars()
    }
    names: dict[Area, AreaName] = {}
    for area in results.areas:
        if area.level is AreaLevel.REGION:
            name = region_names.get(area.code, "")
            names[area] = AreaName(f"region:{_slug(name)}", name or "—", area.level)
        elif area.level is AreaLevel.MUNICIPALITY and area.code in towns:
            town = towns[area.code]
            parent = f"region:{_slug(town.region)}"
            names[area] = AreaName(
                f"municipality:{town.slug}", town.name, area.level, parent, town.id
            )
        elif area.level is AreaLevel.SCHOOL and area.code in schools:
            school = schools[area.code]
            town = towns[school.municipality_id]
            names[area] = AreaName(
                f"school:{school.slug}",
                school.name,
                area.level,
                f"municipality:{town.slug}",
                town.id,
            )
    return names


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split()) or "none"
