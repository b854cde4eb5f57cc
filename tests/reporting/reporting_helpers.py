"""Building report data from the synthetic generator, and reading rendered PDFs back."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import pypdf

from oko import PROJECT_ROOT
from oko.indicators import (
    EngineConfig,
    SchoolDesign,
    WaveInput,
    WaveResults,
    compute_waves,
    load_indicators,
)
from oko.indicators.groups import Area, AreaLevel
from oko.reporting import Participation, ReportData, WaveInfo
from oko.synthetic import (
    GRADES,
    SYNTHETIC_MARK,
    MunicipalitySpec,
    Scenario,
    SchoolSpec,
    WaveSpec,
    generate,
)

INDICATORS = PROJECT_ROOT / "questionnaires" / "oko-core.indicators.yaml"
#: The core with the protective-factor, leisure and equity modules: what the demo asks.
BASIS_INDICATORS = PROJECT_ROOT / "questionnaires" / "oko-basis.indicators.yaml"
REPORT_DATE = date(2026, 11, 23)


def small_scenario() -> Scenario:
    """One big municipality and a small one (two modest schools): the small one's groups
    fall below the minimum, so its report must show reasons instead of numbers."""
    region = f"Regio Test {SYNTHETIC_MARK}"
    return Scenario(
        municipalities=(
            MunicipalitySpec("groot", f"Grootdorp {SYNTHETIC_MARK}", region, "gradual"),
            MunicipalitySpec("klein", f"Kleinwijk {SYNTHETIC_MARK}", region, "stagnant"),
        ),
        schools=(
            SchoolSpec("groot-a", "Groot College A", 0, "mixed", 140),
            SchoolSpec("groot-b", "Groot College B", 0, "havo/vwo", 110),
            SchoolSpec("groot-c", "Groot Vakcollege", 0, "vmbo", 90),
            SchoolSpec("klein-a", "Klein Lyceum", 1, "havo/vwo", 24, 0.9),
            SchoolSpec("klein-b", "Klein Vakcollege", 1, "vmbo", 19, 0.9),
        ),
        waves=(
            WaveSpec("2024-najaar", "Najaar 2024", 2024, 0),
            WaveSpec("2026-najaar", "Najaar 2026", 2026, 1),
        ),
    )


def scenario_results(
    scenario: Scenario, seed: int = 7, indicators: Path = INDICATORS
) -> tuple[WaveResults, ...]:
    """Every wave of the scenario through the engine, as the results service would do, with
    the indicators of one questionnaire (the core's unless told)."""
    sample = generate(scenario, seed=seed)
    columns = sample.response_columns()
    inputs = [
        WaveInput(spec.slug, spec.year, columns.subset(sample.wave == index))
        for index, spec in enumerate(scenario.waves)
    ]
    config = EngineConfig(school_design=SchoolDesign.CLASSES)  # the application's default
    return compute_waves(inputs, load_indicators(indicators), config)


def report_data(
    scenario: Scenario,
    results: Sequence[WaveResults],
    *,
    municipality: int = 0,
    school: int | None = None,
    pupils: int | None = 1000,
    questionnaire: str = "oko-core",
) -> ReportData:
    """ReportData for a municipality (or one of its schools) of the scenario; area codes are
    the scenario's indexes, as in :meth:`SyntheticSample.response_columns`."""
    town = scenario.municipalities[municipality]
    if school is None:
        area = Area(AreaLevel.MUNICIPALITY, municipality)
        name = town.name
        schools = sum(1 for s in scenario.schools if s.municipality == municipality)
    else:
        area = Area(AreaLevel.SCHOOL, school)
        name = scenario.schools[school].name
        schools = 1
    return ReportData(
        area=area,
        area_name=name,
        municipality_name=town.name,
        region_name=town.region,
        waves=tuple(WaveInfo(w.slug, w.name, str(w.year)) for w in scenario.waves),
        results=tuple(results),
        participation=Participation(schools=schools, grades=GRADES, pupils=pupils),
        questionnaire=questionnaire,
        questionnaire_version="2026.1",
        report_date=REPORT_DATE,
        synthetic=True,
    )


_SPACE = re.compile(r"\s+")
#: Numbers as a report writes them: 12, 12.5 or 12,5 (decimal comma in Dutch).
NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")


@dataclass
class PdfText:
    """A rendered report opened with pypdf: page texts with whitespace collapsed."""

    pdf: bytes

    @cached_property
    def reader(self) -> pypdf.PdfReader:
        return pypdf.PdfReader(io.BytesIO(self.pdf))

    @cached_property
    def pages(self) -> list[str]:
        return [_SPACE.sub(" ", page.extract_text() or "").strip() for page in self.reader.pages]

    @property
    def text(self) -> str:
        return " ".join(self.pages)

    def page_with(self, needle: str) -> int:
        """Index of the first page containing ``needle``."""
        for index, page in enumerate(self.pages):
            if needle in page:
                return index
        raise AssertionError(f"{needle!r} is on no page")


def numbers(text: str) -> list[str]:
    """Numeric tokens of a text, decimal commas written as points."""
    return [token.replace(",", ".") for token in NUMBER.findall(text)]


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
