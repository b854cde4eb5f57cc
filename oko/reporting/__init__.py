"""PDF reports for a municipality's prevention coalition and for single schools.

Pure: builds on the indicator engine's results and the definitions and texts in
``reports/``; imports no web or database framework. :func:`render_report` is the entry point;
:mod:`oko.services.results.reports` assembles its :class:`ReportData` from the database.
"""

from oko.reporting.data import Participation, ReportData, WaveInfo
from oko.reporting.definition import ReportDefinition, ReportDefinitionError, load_definition
from oko.reporting.render import (
    LANGUAGES,
    ReportRefused,
    check_profile_indicators,
    check_reportable,
    check_reports,
    load_report_setup,
    render_report,
)
from oko.reporting.texts import Texts, TextsError, load_texts

__all__ = [
    "LANGUAGES",
    "Participation",
    "ReportData",
    "ReportDefinition",
    "ReportDefinitionError",
    "ReportRefused",
    "Texts",
    "TextsError",
    "WaveInfo",
    "check_profile_indicators",
    "check_reportable",
    "check_reports",
    "load_definition",
    "load_report_setup",
    "load_texts",
    "render_report",
]
