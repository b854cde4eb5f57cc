"""The rendered PDF, read back with pypdf, against the engine's own results."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from oko import PROJECT_ROOT
from oko.indicators import ALL, ComparisonKind, Estimate, Flag, Group, GroupKind, Indicator
from oko.indicators.suppression import published_reason
from oko.reporting import ReportData, load_report_setup, render_report
from oko.reporting import render as render_module
from oko.reporting.document import ReportDocument
from tests.reporting.reporting_helpers import PdfText, collapse, numbers

REPORTS = PROJECT_ROOT / "reports"


def pct(value: float) -> str:
    return f"{value * 100:.0f}"


def written(value: float, indicator: Indicator) -> str:
    """A value as the report must print it, computed here without the report's code."""
    return f"{pct(value)}%" if indicator.is_proportion else f"{value:.1f}"


def shown(estimate: Estimate, indicator: Indicator) -> str:
    return written(estimate.value, indicator)


def interval(estimate: Estimate, indicator: Indicator) -> str:
    if indicator.is_proportion:
        return f"{pct(estimate.lower)}–{pct(estimate.upper)}%"
    return f"{estimate.lower:.1f}–{estimate.upper:.1f}"


def setup(data: ReportData, language: str = "en"):
    definition, texts = load_report_setup(data, language)
    return definition, texts, data.current.indicators


def block_page(pdf: PdfText, label: str) -> str:
    """The page of an indicator's block: its heading is followed by the wave and a colon."""
    for page in pdf.pages:
        if f"{label} 2026:" in page:
            return page
    raise AssertionError(f"no block for {label!r}")


def test_headline_numbers_equal_the_engine(pdf_en: PdfText, municipality_data: ReportData):
    definition, _texts, indicators = setup(municipality_data)
    checked = 0
    for ident in definition.indicator_ids:
        indicator = indicators[ident]
        estimate = municipality_data.estimate(ident)
        label = indicator.label("en")
        page = block_page(pdf_en, label)
        if estimate.suppressed:
            assert f"{label} 2026: no figure" in page
            continue
        value, bounds = shown(estimate, indicator), interval(estimate, indicator)
        assert f"2026: {value} (95% interval {bounds}), {estimate.n} students answered" in page
        star = "*" if estimate.caution else ""
        assert f"{label} {estimate.n} {value}{star} {bounds}" in pdf_en.text
        checked += 1
    assert checked >= 30


def test_comparisons_groups_and_trend_equal_the_engine(
    pdf_en: PdfText, municipality_data: ReportData
):
    definition, _texts, indicators = setup(municipality_data)
    previous = municipality_data.results[-2]
    for ident in definition.indicator_ids:
        indicator = indicators[ident]
        page = block_page(pdf_en, indicator.label("en"))
        for kind in (ComparisonKind.PREVIOUS_WAVE, ComparisonKind.REST_OF_PARENT):
            comparison = municipality_data.comparison(ident, kind)
            if comparison is not None:
                assert f"({written(comparison.other_value, indicator)})" in page
        groups = [Group(GroupKind.GENDER, g) for g in (1, 2)]
        groups += [Group(GroupKind.GRADE, g) for g in (2, 4)]
        area = municipality_data.area
        chart_values = [municipality_data.estimate(ident, g) for g in groups]
        chart_values += [previous.estimate(ident, area)]
        chart_values += [r.estimate(ident, area) for r in municipality_data.results]
        for estimate in chart_values:
            if not estimate.suppressed:
                assert shown(estimate, indicator) in page, (ident, estimate.group)


def allowed_numbers(data: ReportData, language: str) -> set[str]:
    """Every number a page may show: published estimates, their intervals and counts,
    comparison values, references, axis ticks, and the numbers in the texts themselves."""
    definition, texts, indicators = setup(data, language)
    allowed: set[str] = set()
    for results in data.results:
        for estimate in results.estimates(area=data.area):
            if estimate.suppressed:
                continue
            indicator = indicators[estimate.indicator]
            for value in (estimate.value, estimate.lower, estimate.upper):
                allowed.add(pct(value) if indicator.is_proportion else f"{value:.1f}")
            allowed.add(str(estimate.n))
    for ident in definition.indicator_ids:
        indicator = indicators[ident]
        for comparison in data.current.comparisons(ident, data.area, ALL):
            if math.isfinite(comparison.other_value):
                value = comparison.other_value
                allowed.add(pct(value) if indicator.is_proportion else f"{value:.1f}")
        if indicator.reference:
            allowed.update(numbers(indicator.reference.source))
            allowed.add(pct(indicator.reference.value))
        allowed.update(numbers(indicator.label(language)))
        allowed.update(str(v) for v in indicator.valid)
    for text in texts.entries.values():
        allowed.update(numbers(text))
    counts = data.current.exclusions[data.area]
    allowed.update(str(v) for v in (counts.kept, counts.respondents, counts.excluded))
    allowed.update(str(count) for _flag, count in counts.by_reason)
    pupils = data.participation.pupils
    if pupils:
        allowed.update((str(pupils), pct(counts.respondents / pupils)))
    allowed.update(numbers(data.report_date.strftime("%d %Y")))
    allowed.update((data.questionnaire_version, f"{data.current.config.min_cohens_d:g}"))
    allowed.update(str(v) for v in range(0, 101, 5))  # axis ticks
    allowed.update(str(v) for v in range(1, 60))  # page numbers, counts of flags
    allowed.update(numbers(" ".join(w.name for w in data.waves)))
    return allowed


def test_small_area_shows_reasons_and_no_hidden_number(pdf_small: PdfText, small_data: ReportData):
    definition, texts, indicators = setup(small_data)
    hidden = [
        e
        for e in small_data.current.estimates(area=small_data.area)
        if e.suppressed and e.indicator in definition.indicator_ids and not e.no_data
    ]
    assert len(hidden) >= 20, "the small municipality should have many hidden groups"
    allowed = allowed_numbers(small_data, "en")
    for page_number, page in enumerate(pdf_small.pages, start=1):
        unexplained = set(numbers(page)) - allowed
        assert not unexplained, f"page {page_number} shows numbers {unexplained}"
    for estimate in hidden:
        indicator = indicators[estimate.indicator]
        page = block_page(pdf_small, indicator.label("en"))
        assert texts(f"suppressed.{published_reason(estimate.reason)}") in page


def test_hidden_headline_shows_reason_in_table_and_block(
    pdf_small: PdfText, small_data: ReportData
):
    definition, texts, indicators = setup(small_data)
    for ident in definition.indicator_ids:
        estimate = small_data.estimate(ident)
        if not estimate.suppressed:
            continue
        label = indicators[ident].label("en")
        reason = texts(f"suppressed.{published_reason(estimate.reason)}")
        assert f"{label} – {reason} –" in pdf_small.text
        assert f"{label} 2026: no figure ({reason})." in pdf_small.text


def key_message_sections(pdf: PdfText) -> tuple[str, str]:
    start = pdf.page_with("What goes well")
    text = " ".join(pdf.pages[start : start + 2])
    good, rest = text.split("What goes well", 1)[1].split("What needs attention", 1)
    for next_section in ("Pedagogical basis profile", "Family"):
        rest = rest.split(next_section, 1)[0]
    return good, rest


def expected_messages(data: ReportData, indicator_ids: tuple[str, ...]) -> dict[Flag, set]:
    """(indicator, higher/lower) per flag, from the engine's flags (one line per indicator
    and flag, in the direction of the comparison the report picks first)."""
    priority = [
        ComparisonKind.PREVIOUS_WAVE,
        ComparisonKind.TREND,
        ComparisonKind.REST_OF_PARENT,
        ComparisonKind.REFERENCE,
    ]
    picked: dict[tuple[str, Flag], tuple[int, float, str]] = {}
    for comparison in data.current.flagged(data.area):
        if comparison.group != ALL or comparison.indicator not in indicator_ids:
            continue
        rank = (
            priority.index(comparison.kind),
            -abs(comparison.effect_size),
            "higher" if comparison.difference > 0 else "lower",
        )
        key = (comparison.indicator, comparison.flag)
        if key not in picked or rank < picked[key]:
            picked[key] = rank
    result: dict[Flag, set] = {Flag.BETTER: set(), Flag.WORSE: set()}
    for (ident, flag), rank in picked.items():
        result[flag].add((ident, rank[2]))
    return result


def test_key_messages_match_the_flags(tmp_path: Path, municipality_data: ReportData):
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    definition_file = folder / "municipality.yaml"
    raw = yaml.safe_load(definition_file.read_text(encoding="utf-8"))
    raw["key_messages"]["max_items"] = 100
    definition_file.write_text(yaml.safe_dump(raw), encoding="utf-8")
    pdf = PdfText(render_report(municipality_data, "en", folder))
    definition, texts, _indicators = setup(municipality_data)
    good, attention = key_message_sections(pdf)
    expected = expected_messages(municipality_data, definition.indicator_ids)
    assert expected[Flag.BETTER] and expected[Flag.WORSE], "the demo should have both kinds"
    for flag, section in ((Flag.BETTER, good), (Flag.WORSE, attention)):
        found = {
            (ident, way)
            for ident in definition.indicator_ids
            for way in ("higher", "lower")
            if collapse(texts(f"indicators.{ident}.{way}")) + " than" in section
        }
        assert found == expected[flag], flag


def test_key_messages_are_capped_with_a_count(pdf_en: PdfText, municipality_data: ReportData):
    definition, _texts, _indicators = setup(municipality_data)
    expected = expected_messages(municipality_data, definition.indicator_ids)
    good, attention = key_message_sections(pdf_en)
    cap = definition.key_messages_max
    for flag, section in ((Flag.BETTER, good), (Flag.WORSE, attention)):
        lines = section.count(" now, ") + section.count(" here, ") + section.count("steady trend")
        assert lines == min(cap, len(expected[flag]))
        if len(expected[flag]) > cap:
            assert f"… and {len(expected[flag]) - cap} more" in section


def language_neutral(pdf: PdfText, data: ReportData, language: str) -> list[Counter]:
    """Per page, the numbers left after removing wording that may differ between languages
    (indicator names, statements): the figures themselves."""
    definition, texts, indicators = setup(data, language)
    wording = [indicators[i].label(language) for i in definition.indicator_ids]
    for ident in definition.indicator_ids:
        wording += [texts(f"indicators.{ident}.{way}") for way in ("higher", "lower")]
    wording.sort(key=len, reverse=True)
    pages = []
    for page in pdf.pages:
        for text in wording:
            page = page.replace(collapse(text), " ")
        pages.append(Counter(numbers(page)))
    return pages


def test_dutch_and_english_differ_only_in_language(
    pdf_nl: PdfText, pdf_en: PdfText, municipality_data: ReportData
):
    assert len(pdf_nl.pages) == len(pdf_en.pages)
    assert len(pdf_nl.reader.outline) == len(pdf_en.reader.outline)
    nl = language_neutral(pdf_nl, municipality_data, "nl")
    en = language_neutral(pdf_en, municipality_data, "en")
    for number, (dutch, english) in enumerate(zip(nl, en, strict=True), start=1):
        assert dutch == english, f"page {number}: {dutch - english} vs {english - dutch}"
    assert "Kernboodschappen" in pdf_nl.text and "Key messages" in pdf_en.text
    assert "Key messages" not in pdf_nl.text and "Kernboodschappen" not in pdf_en.text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_metadata_and_embedded_fonts(language: str, municipality_data: ReportData):
    pdf = PdfText(render_report(municipality_data, language))
    meta = pdf.reader.metadata
    assert meta.title and "Zilverhaven" in meta.title and "2026" in meta.title
    assert meta.author and "oko" in meta.author
    assert meta.subject
    assert pdf.reader.trailer["/Root"]["/Lang"] == language
    fonts = set()
    for page in pdf.reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(font["/BaseFont"])
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
    assert fonts and all("DejaVu" in name or "OkoSans" in name for name in fonts), fonts


def test_same_data_give_identical_bytes(municipality_data: ReportData, pdf_nl: PdfText):
    assert render_report(municipality_data, "nl") == pdf_nl.pdf


def test_table_of_contents_and_page_numbers(pdf_en: PdfText):
    # The contents run over two pages since the profile, goals and actions have entries.
    contents = pdf_en.pages[1] + pdf_en.pages[2]
    assert contents.startswith("Zilverhaven") and "Contents" in contents
    for title in ("Key messages", "Family", "Leisure", "School", "Friends", "Well-being"):
        assert title in contents
    assert "How this report was made" in contents
    for number, page in enumerate(pdf_en.pages[1:], start=2):
        assert f"page {number}" in page
    family = int(contents.split("Family", 1)[1].strip(" .").split()[0])
    assert pdf_en.pages[family - 1].split("page", 1)[1].strip().startswith(str(family))
    assert "Family" in pdf_en.pages[family - 1]


def test_cover_and_method(pdf_en: PdfText, municipality_data: ReportData):
    cover, method = pdf_en.pages[0], pdf_en.pages[-1]
    counts = municipality_data.current.exclusions[municipality_data.area]
    assert "How are young people in Zilverhaven (synthetisch) doing?" in cover
    assert "Report of 23 November 2026" in cover
    assert f"Students (after data checks) {counts.kept}" in cover
    rate = f"{counts.respondents / 1000 * 100:.0f}%"
    assert f"Response rate {rate} of 1000 students" in cover
    assert "Synthetic demo data" in cover
    assert "How this report was made" in method
    assert f"All {counts.respondents} questionnaires" in method
    assert f"{counts.excluded} were left out" in method
    for _flag, count in counts.by_reason:
        if count:
            assert f" {count}" in method
    assert "Questionnaire oko-core, version 2026.1." in method
    assert "fewer than 30 students" in method


def test_school_report_is_shorter(pdf_school: PdfText, pdf_en: PdfText):
    assert len(pdf_school.pages) <= len(pdf_en.pages) / 2
    assert "How are the students of Het Baken College doing?" in pdf_school.pages[0]
    assert "Over time" not in pdf_school.text
    assert "Rest of municipality" in pdf_school.text
    assert "Contents" not in pdf_school.text


def test_a_wrong_page_hint_is_corrected(
    municipality_data: ReportData, pdf_nl: PdfText, monkeypatch: pytest.MonkeyPatch
):
    """Reports of one layout reuse the heading pages of the last one; a wrong hint must
    cost a pass, never a wrong table of contents."""
    hints = render_module._known_pages
    assert hints and all(pages and min(pages.values()) > 1 for pages in hints.values())
    wrong = {layout: dict.fromkeys(pages, 1) for layout, pages in hints.items()}
    monkeypatch.setattr(render_module, "_known_pages", wrong)
    assert render_report(municipality_data, "nl") == pdf_nl.pdf


def test_a_report_of_a_known_layout_takes_one_pass(
    municipality_data: ReportData, pdf_nl: PdfText, monkeypatch: pytest.MonkeyPatch
):
    passes = []
    original = ReportDocument._pass

    def counted(self: ReportDocument, story: list) -> None:
        passes.append(self.draw_charts)
        original(self, story)

    monkeypatch.setattr(ReportDocument, "_pass", counted)
    assert render_report(municipality_data, "nl") == pdf_nl.pdf
    assert passes == [True]


def test_identical_bytes_in_a_fresh_process(tmp_path: Path, pdf_nl: PdfText):
    """No state of this process (font registration order, caches) leaks into the bytes."""
    out = tmp_path / "report.pdf"
    script = (
        "import sys; from pathlib import Path;"
        "from tests.reporting.reporting_helpers import report_data, scenario_results;"
        "from oko.reporting import render_report; from oko.synthetic import demo_scenario;"
        "s = demo_scenario();"
        "Path(sys.argv[1]).write_bytes(render_report(report_data(s, scenario_results(s)), 'nl'))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(out)], cwd=PROJECT_ROOT, check=True, timeout=300
    )
    assert out.read_bytes() == pdf_nl.pdf
