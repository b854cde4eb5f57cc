"""Report fixtures: the demo scenario through the real engine, rendered once per session."""

from __future__ import annotations

import pytest
from reporting_helpers import PdfText, report_data, scenario_results

from oko.indicators import WaveResults
from oko.reporting import ReportData, render_report
from oko.synthetic import (
    SYNTHETIC_MARK,
    MunicipalitySpec,
    Scenario,
    SchoolSpec,
    WaveSpec,
    demo_scenario,
)


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


@pytest.fixture(scope="session")
def demo() -> Scenario:
    return demo_scenario()


@pytest.fixture(scope="session")
def demo_results(demo: Scenario) -> tuple[WaveResults, ...]:
    return scenario_results(demo)


@pytest.fixture(scope="session")
def municipality_data(demo: Scenario, demo_results: tuple[WaveResults, ...]) -> ReportData:
    return report_data(demo, demo_results, municipality=0)


@pytest.fixture(scope="session")
def school_data(demo: Scenario, demo_results: tuple[WaveResults, ...]) -> ReportData:
    return report_data(demo, demo_results, municipality=0, school=0, pupils=None)


@pytest.fixture(scope="session")
def small() -> Scenario:
    return small_scenario()


@pytest.fixture(scope="session")
def small_data(small: Scenario) -> ReportData:
    return report_data(small, scenario_results(small), municipality=1)


@pytest.fixture(scope="session")
def pdf_nl(municipality_data: ReportData) -> PdfText:
    return PdfText(render_report(municipality_data, "nl"))


@pytest.fixture(scope="session")
def pdf_en(municipality_data: ReportData) -> PdfText:
    return PdfText(render_report(municipality_data, "en"))


@pytest.fixture(scope="session")
def pdf_small(small_data: ReportData) -> PdfText:
    return PdfText(render_report(small_data, "en"))


@pytest.fixture(scope="session")
def pdf_school(school_data: ReportData) -> PdfText:
    return PdfText(render_report(school_data, "en"))
