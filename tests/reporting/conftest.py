"""Report fixtures: the demo scenario through the real engine, rendered once per session."""

from __future__ import annotations

import pytest

from oko.indicators import WaveResults
from oko.reporting import ReportData, render_report
from oko.synthetic import Scenario, demo_scenario
from tests.reporting.reporting_helpers import (
    BASIS_INDICATORS,
    PdfText,
    report_data,
    scenario_results,
    small_scenario,
)


@pytest.fixture(scope="session")
def demo() -> Scenario:
    return demo_scenario()


@pytest.fixture(scope="session")
def demo_results(demo: Scenario) -> tuple[WaveResults, ...]:
    return scenario_results(demo)


@pytest.fixture(scope="session")
def basis_results(demo: Scenario) -> tuple[WaveResults, ...]:
    """The demo through the engine with the indicators of what the demo asks: the core and
    the modules, so the profile has its protective-factor scales."""
    return scenario_results(demo, indicators=BASIS_INDICATORS)


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
