"""The disclosure audit on a synthetic wave built to break suppression.

Many small schools, municipalities with a single school (the school *is* the municipality),
a school just too small to get results, grades of 31 students (just above the minimum), a
lone student of gender "other", students without gender or grade, and a rare sensitive
answer so that small counts are everywhere. Everything runs through the engine and the tidy
table the downloads and the API publish.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from oko.indicators import (
    NOT_ANSWERED,
    Area,
    AreaLevel,
    EngineConfig,
    ResponseColumns,
    SchoolDesign,
    WaveInput,
    compute_wave,
)
from oko.indicators.definitions import parse_indicators
from oko.research import aggregates
from oko.research.published import audit_system, build_system

#: (municipality, students per grade 2 and grade 4) per school.
SCHOOLS = (
    (1, (31, 31)),  # one school per municipality, grades of 31
    (2, (20, 22)),
    (3, (12, 13)),
    (3, (11, 12)),
    (3, (14, 10)),
    (3, (12, 12)),
    (3, (15, 16)),
    (4, (40, 45)),
    (4, (7, 7)),  # too small for results of its own
    (5, (31, 33)),
    (6, (60, 58)),
    (6, (31, 31)),
)


def entry(ident: str, item: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "label": {"nl": ident, "en": ident},
        "domain": "substance_use",
        "kind": "proportion",
        "item": item,
        "valid": [1, 2],
        "yes_codes": [1],
        "direction": "risk",
        **fields,
    }


INDICATORS = parse_indicators(
    {
        "questionnaire": "test",
        "indicators": [
            entry("rare", "rare", sensitive=True),
            entry("common", "common", sensitive=True),
            entry("liked", "liked"),
            {
                **{k: v for k, v in entry("score", "score").items() if k != "yes_codes"},
                "kind": "mean",
                "valid": [1, 5],
                "direction": "protective",
            },
        ],
    },
    "adversarial.yaml",
)


def adversarial_columns(seed: int) -> ResponseColumns:
    rng = np.random.default_rng(seed)
    psu, municipality, grade = [], [], []
    for school, (town, sizes) in enumerate(SCHOOLS):
        for year, size in zip((2, 4), sizes, strict=True):
            psu += [school] * size
            municipality += [town] * size
            grade += [year] * size
    n = len(psu)
    gender = rng.choice([1, 2], n)
    gender[rng.random(n) < 0.02] = NOT_ANSWERED
    gender[5] = 3  # the lone student of gender "other"
    grade_codes = np.asarray(grade)
    grade_codes[rng.random(n) < 0.01] = NOT_ANSWERED
    return ResponseColumns(
        answers={
            "rare": np.where(rng.random(n) < 0.03, 1, 2).astype(np.int16),
            "common": np.where(rng.random(n) < 0.3, 1, 2).astype(np.int16),
            "liked": np.where(rng.random(n) < 0.6, 1, 2).astype(np.int16),
            "score": rng.integers(1, 6, n).astype(np.int16),
        },
        psu=np.asarray(psu),
        municipality=np.asarray(municipality),
        region=np.where(np.asarray(municipality) <= 3, 1, 2),
        gender=gender,
        grade=grade_codes,
    )


def audit(columns: ResponseColumns, config: EngineConfig):
    wave = WaveInput("adversarial", 2026, columns)
    results = compute_wave(wave, (), INDICATORS, config)
    truth = compute_wave(wave, (), INDICATORS, config.without_suppression())
    town_of = dict(zip(columns.psu.tolist(), columns.municipality.tolist(), strict=True))
    region_of = dict(zip(columns.municipality.tolist(), columns.region.tolist(), strict=True))
    parents = {}
    for area in results.areas:
        if area.level is AreaLevel.SCHOOL:
            parents[area] = Area(AreaLevel.MUNICIPALITY, town_of[area.code])
        elif area.level is AreaLevel.MUNICIPALITY:
            parents[area] = Area(AreaLevel.REGION, region_of[area.code])
    ids = {area: f"{area.level.value}:{area.code}" for area in results.areas}
    infos = {
        area: aggregates.AreaInfo(ids[area], ids[area], ids.get(parents.get(area), ""))
        for area in results.areas
    }
    table = aggregates.result_table(results, infos, str)
    system = build_system(results, truth, table.records(), ids, parents)
    return results, audit_system(system)


@pytest.mark.parametrize("design", list(SchoolDesign))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_hidden_value_of_the_adversarial_wave_can_be_pinned_down(seed, design) -> None:
    results, ranges = audit(adversarial_columns(seed), EngineConfig(school_design=design))
    hidden = [e for e in results.estimates() if e.suppressed and not e.no_data]
    assert len(hidden) > 50, "the wave should force a lot of suppression"
    assert ranges, "small counts and small groups should be audited"
    assert [r.cell.key for r in ranges if not r.protected] == []


def test_the_lone_student_of_another_gender_is_never_a_group_of_their_own() -> None:
    results, _ = audit(adversarial_columns(1), EngineConfig(school_design=SchoolDesign.CENSUS))
    assert {g.code for g in results.groups if g.kind.value == "gender"} == {1, 2}
