"""``render_report``: ReportData in, PDF bytes out.

Pure: reads the report definition and texts from ``reports/`` (validated and cached), never a
database. The same data give the same bytes (ReportLab's invariant mode), so tests compare
files and a download can be cached by content.
"""

from __future__ import annotations

import io
import os
from collections.abc import Collection
from functools import cache
from pathlib import Path

from reportlab import rl_config

from oko import resources
from oko.indicators.definitions import Domain, IndicatorSet
from oko.reporting.content import build_content
from oko.reporting.data import ReportData
from oko.reporting.definition import (
    KINDS,
    ReportDefinition,
    ReportDefinitionError,
    definition_path,
    load_definition,
)
from oko.reporting.document import Metadata, PageTexts, ReportDocument, headings
from oko.reporting.fonts import register_fonts
from oko.reporting.story import build_story
from oko.reporting.styles import make_styles
from oko.reporting.texts import Texts, TextsError, load_texts, texts_path

LANGUAGES = ("nl", "en")
#: Pages of the headings of recent layouts (definition, language, headings): reports of one
#: definition paginate alike, so the next report can skip the layout pass. Only a hint: the
#: document checks it and lays out again when it does not hold.
_known_pages: dict[tuple[object, ...], dict[str, int]] = {}
MAX_KNOWN_LAYOUTS = 16
DEFAULT_REPORTS_DIR = resources.folder("reports")


class ReportRefused(ValueError):
    """The data may not be reported on (a school below the minimum size)."""


def check_reportable(data: ReportData) -> None:
    """Refuse a school report for a school below the minimum size.

    The engine already hides every number of such a school; refusing here as well means a
    caller that skipped the service's check gets an error instead of an empty report.
    """
    if data.kind != "school":
        return
    counts = data.current.exclusions.get(data.area)
    kept = counts.kept if counts else 0
    minimum = data.current.config.min_school_respondents
    if kept < minimum:
        raise ReportRefused(
            f"{data.area_name} has {kept} usable responses; a school report needs {minimum}"
        )


def load_report_setup(
    data: ReportData, language: str, reports_dir: str | os.PathLike[str] | None = None
) -> tuple[ReportDefinition, Texts]:
    """The definition for the data's kind and the language's texts, both validated."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r} (choose {', '.join(LANGUAGES)})")
    folder = Path(reports_dir) if reports_dir is not None else DEFAULT_REPORTS_DIR
    indicators = data.current.indicators
    definition = load_definition(definition_path(folder, data.kind))
    definition.check_profile(indicators)
    texts = load_texts(
        texts_path(folder, language),
        domains=[d.value for d in Domain],
        indicators=indicators.ids,
        references=referenced(indicators),
    )
    return definition, texts


def referenced(indicators: IndicatorSet) -> tuple[str, ...]:
    """The indicators compared with a published reference figure, whose source each
    language's texts name."""
    return tuple(i.id for i in indicators if i.reference is not None)


@cache
def _prepare_reportlab() -> None:
    """Fonts once per process; no attribute validation on chart objects; binary streams.

    ReportLab validates every attribute set on a graphics object (a development aid its
    settings allow turning off), which for dozens of charts per report costs a fifth of the
    time; and it wraps compressed streams in ASCII85 text by default, which only makes files
    a quarter larger and slower to write.
    """
    register_fonts()
    rl_config.shapeChecking = 0
    rl_config.useA85 = 0


def check_reports(reports_dir: str | os.PathLike[str], indicators: IndicatorSet) -> list[str]:
    """Every problem in the report definitions and texts of a folder, for ``indicators``
    (empty when all is well): what a translator runs after editing a file."""
    folder = Path(reports_dir)
    problems: list[str] = []
    for kind in KINDS:
        try:
            load_definition(definition_path(folder, kind)).check_profile(indicators)
        except ReportDefinitionError as exc:
            problems.extend(exc.problems)
    for language in LANGUAGES:
        try:
            load_texts(
                texts_path(folder, language),
                domains=[d.value for d in Domain],
                indicators=indicators.ids,
                references=referenced(indicators),
            )
        except TextsError as exc:
            problems.extend(exc.problems)
    return problems


def check_profile_indicators(
    reports_dir: str | os.PathLike[str], known: Collection[str]
) -> list[str]:
    """Every profile indicator of a folder's definitions that no questionnaire has (``known``:
    the indicators of them all); a wave lacking one only shows its factor as not asked."""
    problems: list[str] = []
    for kind in KINDS:
        try:
            load_definition(definition_path(Path(reports_dir), kind)).check_profile_known(known)
        except ReportDefinitionError as exc:
            problems.extend(exc.problems)
    return problems


def render_report(
    data: ReportData, language: str = "nl", reports_dir: str | os.PathLike[str] | None = None
) -> bytes:
    """The report for ``data`` as PDF bytes, in ``language`` ("nl" or "en")."""
    check_reportable(data)
    definition, texts = load_report_setup(data, language, reports_dir)
    _prepare_reportlab()
    styles = make_styles()
    content = build_content(data, definition, texts)
    area = content.words.area_values()
    metadata = Metadata(
        title=texts("document.title", **area),
        author=texts("document.author", **area),
        subject=texts("document.subject", **area),
        language=language,
        keywords=("oko", area["wave"], data.area_name),
    )
    page_texts = PageTexts(
        header=texts("page.header", **area),
        page=texts("page.number", page="{page}"),
        notice=texts("page.synthetic") if data.synthetic else None,
    )
    document = ReportDocument(io.BytesIO(), metadata, page_texts)
    story = build_story(content, definition, styles)
    layout = (definition.source, language, tuple(h.toc_key for h in headings(story)))
    pdf = document.render(story, _known_pages.get(layout))
    _known_pages[layout] = document.pages
    while len(_known_pages) > MAX_KNOWN_LAYOUTS:
        del _known_pages[next(iter(_known_pages))]
    return pdf
