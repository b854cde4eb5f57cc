"""The report content both layouts render: one response rate, the parent area named by the
report's kind, group separators, waves and reference sources in the report's language."""

from __future__ import annotations

from dataclasses import replace

from oko.reporting import ReportData, load_report_setup
from oko.reporting.charts import Role
from oko.reporting.content import ReportContent, build_content
from tests.reporting.reporting_helpers import PdfText, collapse


def content(data: ReportData, language: str) -> ReportContent:
    definition, texts = load_report_setup(data, language)
    return build_content(data, definition, texts)


def panel(report: ReportContent, indicator: str):
    return next(p for d in report.domains for p in d.indicators if p.indicator.id == indicator)


def test_the_response_rate_is_questionnaires_handed_in_over_pupils(
    municipality_data: ReportData,
) -> None:
    report = content(municipality_data, "en")
    counts = municipality_data.current.exclusions[municipality_data.area]
    figures = report.participation
    assert (figures.submitted, figures.students) == (counts.respondents, counts.kept)
    assert figures.excluded == counts.respondents - counts.kept > 0
    assert figures.rate == counts.respondents / 1000
    rate = report.words.percent(figures.rate)
    assert figures.rate_text == f"{rate} of 1000 students"


def test_without_pupil_numbers_there_is_no_rate(school_data: ReportData) -> None:
    figures = content(school_data, "nl").participation
    assert figures.rate is None
    assert figures.rate_text == "niet bekend (klassengrootte niet ingevuld)"


def test_a_school_is_compared_with_its_municipality(
    school_data: ReportData, municipality_data: ReportData
) -> None:
    for data, parent in ((school_data, "municipality"), (municipality_data, "region")):
        report = content(data, "en")
        w = report.words
        assert report.header.parent == w(f"table.{parent}")
        labels = [
            [p.label for p in indicator.bars if p.role is Role.REFERENCE]
            for domain in report.domains
            for indicator in domain.indicators
        ]
        # The rest of the parent area is shown only where both values are published.
        assert [w(f"chart.{parent}"), w("chart.reference")] in labels
        assert all(set(bars) <= {w(f"chart.{parent}"), w("chart.reference")} for bars in labels)


def test_groups_are_separated_in_both_reports(
    school_data: ReportData, municipality_data: ReportData
) -> None:
    for data in (school_data, municipality_data):
        definition, _texts = load_report_setup(data, "en")
        kinds = {group.kind for group in data.groups(definition.breakdown)}
        for domain in content(data, "en").domains:
            for shown in domain.indicators:
                roles = [p.role for p in shown.bars]
                assert len(shown.separators) == len(kinds)
                assert shown.separators[0] == roles.index(Role.GROUP)


def test_english_reports_name_waves_by_season_and_year(municipality_data: ReportData) -> None:
    waves = tuple(replace(w, season="autumn", year=int(w.short)) for w in municipality_data.waves)
    data = replace(municipality_data, waves=waves)
    english, dutch = content(data, "en"), content(data, "nl")
    assert english.words.wave.name == f"Autumn {waves[-1].year}"
    assert english.words.area_values()["wave"] == english.words.wave.name
    assert dutch.words.wave.name == waves[-1].name  # as entered
    assert english.words.wave.short == waves[-1].short


def test_reference_sources_are_in_the_reports_language(municipality_data: ReportData) -> None:
    dutch = panel(content(municipality_data, "nl"), "parents_time_weekdays").notes
    english = panel(content(municipality_data, "en"), "parents_time_weekdays").notes
    assert any("IJsland, 14-15 jaar, 2014" in note for note in dutch)
    assert not any("Iceland," in note for note in dutch)
    assert any("Iceland, ages 14-15, 2014" in note for note in english)


def test_the_method_page_states_the_definition(
    municipality_data: ReportData, pdf_en: PdfText
) -> None:
    report = content(municipality_data, "en")
    figures = report.participation
    assert figures.rate is not None
    sentence = report.words(
        "method.response_rate",
        rate=report.words.percent(figures.rate),
        pupils=figures.pupils,
        submitted=figures.submitted,
    )
    assert "handed in" in sentence
    assert collapse(sentence) in pdf_en.text
    assert collapse(figures.rate_text) in pdf_en.text  # the cover


def test_flagged_group_differences_get_a_sentence_in_both_languages(
    municipality_data: ReportData,
) -> None:
    """Girls against boys, grade 2 against grade 4: one sentence per flagged difference, with
    both published values, and none for a difference that is not flagged."""
    from oko.indicators import ComparisonKind
    from oko.indicators.wave_comparisons import GROUP_PAIRS

    expected: dict[str, list[tuple[float, float]]] = {}
    compared = 0
    for indicator in municipality_data.current.indicators:
        for group, _against in GROUP_PAIRS:
            found = municipality_data.comparison(indicator.id, ComparisonKind.GROUP, group)
            compared += found is not None
            if found is not None and found.flag is not None:
                value = municipality_data.estimate(indicator.id, group).value
                expected.setdefault(indicator.id, []).append((value, found.other_value))
    assert expected and compared > len(expected)
    words = {"en": "a real difference", "nl": "een echt verschil"}
    for language, phrase in words.items():
        report = content(municipality_data, language)
        w = report.words
        for domain in report.domains:
            for shown in domain.indicators:
                lines = [line.sentence for line in shown.group_lines]
                pairs = expected.get(shown.indicator.id, [])
                assert len(lines) == len(pairs)
                for sentence, (value, other) in zip(lines, pairs, strict=True):
                    assert sentence.endswith(phrase)
                    assert w.value(value, shown.indicator) in sentence
                    assert w.value(other, shown.indicator) in sentence
                assert all(line in shown.lines for line in shown.group_lines)
    english = content(municipality_data, "en")
    starts = (english.words("chart.gender_2") + " ", english.words("chart.grade", grade=2) + " ")
    sentences = [
        line.sentence for d in english.domains for p in d.indicators for line in p.group_lines
    ]
    assert sentences and all(sentence.startswith(starts) for sentence in sentences)
