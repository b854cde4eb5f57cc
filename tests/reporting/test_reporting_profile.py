"""The pedagogical-basis profile: its figures are the engine's, hidden groups carry no number,
both languages have the same structure, and a bad profile definition is named precisely."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest
import yaml

from oko import PROJECT_ROOT
from oko.indicators import WaveResults, load_indicators
from oko.indicators.flagging import Flag
from oko.indicators.results import ComparisonKind, Estimate
from oko.indicators.wave_comparisons import GROUP_PAIRS
from oko.reporting import ReportData, load_report_setup, render_report
from oko.reporting.content import SHOWN_COMPARISONS, ProfileContent, build_content
from oko.reporting.definition import (
    FACTORS,
    ReportDefinitionError,
    load_definition,
    parse_definition,
)
from oko.synthetic import Scenario
from tests.reporting.reporting_helpers import (
    BASIS_INDICATORS,
    PdfText,
    report_data,
    scenario_results,
)

REPORTS = PROJECT_ROOT / "reports"
INDICATORS = load_indicators(PROJECT_ROOT / "questionnaires" / "oko-core.indicators.yaml")
SOURCE = "reports/test.yaml"


def profile_of(data: ReportData, language: str, definition: Any = None) -> ProfileContent:
    loaded, texts = load_report_setup(data, language)
    content = build_content(data, definition or loaded, texts)
    assert content.profile is not None
    return content.profile


@pytest.fixture(scope="module")
def basis_data(demo: Scenario, basis_results: tuple[WaveResults, ...]) -> ReportData:
    return report_data(demo, basis_results, municipality=0, questionnaire="oko-basis")


@pytest.fixture(scope="module")
def basis_weak(demo: Scenario, basis_results: tuple[WaveResults, ...]) -> ReportData:
    """Duinrade: the demo town whose protective factors fall behind the rest of the region."""
    return report_data(demo, basis_results, municipality=1, questionnaire="oko-basis")


@pytest.fixture(scope="module")
def basis_school(demo: Scenario, basis_results: tuple[WaveResults, ...]) -> ReportData:
    return report_data(
        demo, basis_results, municipality=0, school=0, pupils=None, questionnaire="oko-basis"
    )


@pytest.fixture(scope="module")
def basis_small(small: Scenario) -> ReportData:
    results = scenario_results(small, indicators=BASIS_INDICATORS)
    return report_data(small, results, municipality=1, questionnaire="oko-basis")


@pytest.fixture(scope="module")
def basis_pdf_nl(basis_data: ReportData) -> PdfText:
    return PdfText(render_report(basis_data, "nl"))


@pytest.fixture(scope="module")
def basis_pdf_en(basis_data: ReportData) -> PdfText:
    return PdfText(render_report(basis_data, "en"))


def same(shown: Estimate, engine: Estimate) -> bool:
    """Equal field for field, a hidden estimate's NaN value included."""
    return repr(shown) == repr(engine)


def assert_profile_is_the_engines(data: ReportData) -> int:
    """Every figure of ``data``'s profile is the engine's estimate (its suppression included);
    returns how many published figures that is."""
    profile = profile_of(data, "en")
    definition = load_definition(REPORTS / f"{data.kind}.yaml")
    assert definition.profile is not None
    mapped = {f.id: f.indicators for f in definition.profile.factors}
    assert {f.id: tuple(m.indicator.id for m in f.measures) for f in profile.factors} == mapped
    groups = data.groups(definition.profile.breakdown)
    published = 0
    for factor in profile.factors:
        for measure in factor.measures:
            ident = measure.indicator.id
            assert same(measure.estimate, data.estimate(ident))
            if measure.estimate.suppressed or not math.isfinite(measure.estimate.value):
                assert measure.value_cell == "hidden to protect privacy"
            else:
                published += 1
                shown = measure.value_cell.rstrip("*")
                assert shown == f"{100 * measure.estimate.value:.0f}%", shown
            for line, kind in zip(measure.comparisons, SHOWN_COMPARISONS, strict=True):
                engine = data.comparison(ident, kind)
                assert line.flag == (engine.flag if engine is not None else None)
            assert tuple(cell.group for cell in measure.groups) == groups
            for cell in measure.groups:
                assert same(cell.estimate, data.estimate(ident, cell.group))
    return published


def test_every_figure_is_the_engines_estimate_in_every_town_and_wave(
    demo: Scenario, basis_results: tuple[WaveResults, ...]
) -> None:
    published = 0
    for town in range(len(demo.municipalities)):
        for last in range(1, len(demo.waves) + 1):
            data = report_data(
                replace(demo, waves=demo.waves[:last]),
                basis_results[:last],
                municipality=town,
                questionnaire="oko-basis",
            )
            published += assert_profile_is_the_engines(data)
    assert published


def test_the_school_report_has_the_profile_by_gender(basis_school: ReportData) -> None:
    assert assert_profile_is_the_engines(basis_school)
    profile = profile_of(basis_school, "en")
    assert profile.group_labels == ("Boys", "Girls")
    pdf = PdfText(render_report(basis_school, "en"))
    assert any(profile.question in page and profile.title in page for page in pdf.pages)


def test_a_core_wave_shows_the_module_factors_as_not_asked(
    municipality_data: ReportData, pdf_en: PdfText
) -> None:
    """A wave of the core questionnaire alone has no pf_* scales: same definition, its
    factors read "not asked in this questionnaire" and the report still builds."""
    for language, sentence in (
        ("en", "Not asked in this questionnaire."),
        ("nl", "Niet gevraagd in deze vragenlijst."),
    ):
        profile = profile_of(municipality_data, language)
        assert not any(f.measures for f in profile.factors)
        by_id = {f.id: f.not_measured for f in profile.factors}
        assert by_id.pop("cognitive") != sentence
        assert by_id == {ident: sentence for ident in FACTORS if ident != "cognitive"}
    assert "Not asked in this questionnaire." in pdf_en.text


def test_weakest_factors_come_first_and_weak_ones_are_flagged_worse(
    basis_weak: ReportData,
) -> None:
    profile = profile_of(basis_weak, "en")
    shown = [f.measures[0].estimate.value for f in profile.factors if f.measures]
    assert shown == sorted(shown)
    assert [f.id for f in profile.factors if not f.measures][-1] == "cognitive"
    for factor in profile.factors:
        worse = [
            basis_weak.comparison(m.indicator.id, kind)
            for m in factor.measures
            for kind in SHOWN_COMPARISONS
        ]
        assert factor.weak == any(c is not None and c.flag is Flag.WORSE for c in worse)
    assert any(f.weak for f in profile.factors)  # the demo has something to say
    weak = next(f for f in profile.factors if f.weak)
    assert weak.name in profile.messages[0]


def test_a_group_misses_out_only_when_the_engine_flags_it_below_its_pair(
    basis_data: ReportData,
) -> None:
    profile = profile_of(basis_data, "en")
    found = 0
    for factor in profile.factors:
        for measure in factor.measures:
            for first, second in GROUP_PAIRS:
                comparison = basis_data.comparison(
                    measure.indicator.id, ComparisonKind.GROUP, first
                )
                flag = comparison.flag if comparison is not None else None
                cells = {cell.group: cell for cell in measure.groups}
                assert cells[first].missing_out == (flag is Flag.WORSE)
                assert cells[second].missing_out == (flag is Flag.BETTER)
                if flag is not None:
                    found += 1
                    assert any(cells[first].label in m for m in profile.messages)
    assert found  # the demo shows a group missing out


def test_hidden_groups_show_their_reason_and_no_number(
    basis_school: ReportData, basis_small: ReportData
) -> None:
    """A school's groups (and a small municipality) are partly or wholly hidden."""
    municipality = load_definition(REPORTS / "municipality.yaml")
    hidden = shown = 0
    for data in (basis_school, basis_small):
        profile = profile_of(data, "en", municipality)
        for factor in profile.factors:
            for measure in factor.measures:
                cells = [(measure.estimate, measure.value_cell)]
                cells += [(cell.estimate, cell.cell) for cell in measure.groups]
                for estimate, text in cells:
                    if estimate.suppressed or not math.isfinite(estimate.value):
                        hidden += 1
                        assert text in ("hidden to protect privacy", "no answers"), text
                    else:
                        shown += 1
                        assert any(ch.isdigit() for ch in text)
                assert not any(c.missing_out for c in measure.groups if c.estimate.suppressed)
    assert hidden and shown
    small = profile_of(basis_small, "en", municipality)
    assert small.messages == ("No protective factor can be shown for this area.",)


def test_dutch_and_english_profiles_have_the_same_structure(
    basis_data: ReportData, basis_pdf_nl: PdfText, basis_pdf_en: PdfText
) -> None:
    dutch, english = profile_of(basis_data, "nl"), profile_of(basis_data, "en")

    def shape(profile: ProfileContent) -> object:
        return (
            len(profile.messages),
            len(profile.group_labels),
            [
                (f.id, f.weak, bool(f.not_measured), [m.indicator.id for m in f.measures])
                for f in profile.factors
            ],
            [c.missing_out for f in profile.factors for m in f.measures for c in m.groups],
        )

    assert shape(dutch) == shape(english)
    assert len(basis_pdf_nl.pages) == len(basis_pdf_en.pages)
    for pdf, profile in ((basis_pdf_nl, dutch), (basis_pdf_en, english)):
        page = next(i for i, text in enumerate(pdf.pages) if profile.question in text)
        assert profile.title in pdf.pages[page]
        assert profile.groups_title in pdf.pages[page + 1]
    assert basis_pdf_nl.pages.index(next(p for p in basis_pdf_nl.pages if dutch.question in p)) == (
        basis_pdf_en.pages.index(next(p for p in basis_pdf_en.pages if english.question in p))
    )


def test_the_method_page_explains_cut_points_and_cognitive_skills(pdf_en: PdfText) -> None:
    method = pdf_en.pages[-1]
    assert "cut point" in method
    assert "Cognitive skills" in method


# -- the definition ------------------------------------------------------------------------


def definition(**profile_changes: Any) -> dict[str, Any]:
    raw = yaml.safe_load((REPORTS / "municipality.yaml").read_text(encoding="utf-8"))
    raw["profile"].update(profile_changes)
    return raw


def factors(**changes: Any) -> list[dict[str, Any]]:
    """The shipped factor list with some factors' entries replaced."""
    raw = definition()["profile"]["factors"]
    return [changes.get(entry["id"], entry) for entry in raw]


def problems_of(raw: Any) -> tuple[str, ...]:
    with pytest.raises(ReportDefinitionError) as caught:
        parse_definition(raw, source=SOURCE)
    return caught.value.problems


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"breakdown": ["income"]},
            "profile.breakdown: unknown 'income' (allowed: gender, grade, affluence, school_level)",
        ),
        (
            {"factors": factors(bonding={"id": "family", "indicators": ["parents_warmth"]})},
            "profile.factors[1]: unknown factor 'family' (allowed: " + ", ".join(FACTORS) + ")",
        ),
        (
            {"factors": factors(cognitive={"id": "cognitive", "not_measured": "never"})},
            "profile.factors.cognitive: not_measured: unknown 'never' (allowed: survey, "
            "questionnaire)",
        ),
        (
            {"factors": factors(cognitive={"id": "cognitive", "indicators": []})},
            "profile.factors.cognitive: give either 'indicators' or 'not_measured'",
        ),
        (
            {
                "factors": factors(
                    support={"id": "support", "indicators": ["teachers_care", "teachers_care"]}
                )
            },
            "profile.factors.support: indicator listed twice: teachers_care",
        ),
        (
            {"factors": factors(support={"id": "support", "indicators": "teachers_care"})},
            "profile.factors.support: 'indicators' must be a list of ids, got 'teachers_care'",
        ),
        (
            {"factors": factors(support={"id": "support", "colour": "red"})},
            "profile.factors.support: unknown key 'colour'",
        ),
        (
            {"factors": factors()[1:]},
            "profile.factors: list the ten NJi factors once each, in order: bonding, ",
        ),
        ({"colour": "red"}, "profile: expected a mapping with exactly 'breakdown' and 'factors'"),
    ],
)
def test_profile_errors_name_file_place_and_problem(changes: dict[str, Any], message: str):
    problems = problems_of(definition(**changes))
    assert any(p.startswith(f"{SOURCE}: {message}") for p in problems), problems


def test_the_profile_section_and_mapping_go_together():
    without_mapping = definition()
    del without_mapping["profile"]
    assert problems_of(without_mapping) == (
        f"{SOURCE}: profile: the 'profile' section needs a 'profile' mapping",
    )
    without_section = definition()
    without_section["sections"] = ["cover", "key_messages", "domains", "method"]
    assert problems_of(without_section) == (
        f"{SOURCE}: profile: given, but 'profile' is not among the sections",
    )


@pytest.mark.parametrize(
    ("indicator", "problem"),
    [
        (
            "school_climate",
            "indicator 'school_climate' is a mean score; the profile needs a share (%)",
        ),
        ("truancy_30d", "indicator 'truancy_30d' is a risk; the profile needs a protective one"),
    ],
)
def test_profile_indicators_must_be_known_protective_shares(indicator: str, problem: str):
    raw = definition(factors=factors(commitment={"id": "commitment", "indicators": [indicator]}))
    loaded = parse_definition(raw, source=SOURCE)
    with pytest.raises(ReportDefinitionError) as caught:
        loaded.check_profile(INDICATORS)
    assert caught.value.problems == (f"{SOURCE}: profile.factors.commitment: {problem}",)


def test_a_profile_indicator_no_questionnaire_has_is_named():
    """Missing from one questionnaire is "not asked"; missing from all is a misspelling."""
    raw = definition(
        factors=factors(commitment={"id": "commitment", "indicators": ["parents_warmthh"]})
    )
    loaded = parse_definition(raw, source=SOURCE)
    basis = load_indicators(BASIS_INDICATORS)
    loaded.check_profile(basis)
    with pytest.raises(ReportDefinitionError) as caught:
        loaded.check_profile_known(basis.ids)
    assert caught.value.problems == (
        f"{SOURCE}: profile.factors.commitment: unknown indicator 'parents_warmthh'",
    )


def test_switching_to_other_indicators_is_a_yaml_change(municipality_data: ReportData) -> None:
    """The lead maps factors to the module's indicators at merge: only the YAML changes."""
    raw = definition(
        breakdown=["gender"],
        factors=factors(
            identity={"id": "identity", "not_measured": "questionnaire"},
            leisure={"id": "leisure", "indicators": ["sport_4x_week"]},
        ),
    )
    profile = profile_of(municipality_data, "en", parse_definition(raw, source=SOURCE))
    by_id = {f.id: f for f in profile.factors}
    assert by_id["identity"].not_measured == "Not asked in this questionnaire."
    assert [m.indicator.id for m in by_id["leisure"].measures] == ["sport_4x_week"]
    assert profile.group_labels == ("Boys", "Girls")


def test_who_is_missing_out_by_affluence_and_school_level(basis_weak: ReportData) -> None:
    """Duinrade's less affluent young people are behind on leisure: said in a plain sentence
    with both published figures, and the groups shown in their own table."""
    profile = profile_of(basis_weak, "en")
    assert profile.group_labels[4:] == (
        "Less affluent",
        "Middle affluent",
        "More affluent",
        "Praktijkonderwijs",
        "Vmbo",
        "Havo/vwo",
        "ISK",
    )
    sentence = next(m for m in profile.messages if "Less affluent" in m)
    assert "against More affluent" in sentence
    pdf = PdfText(render_report(basis_weak, "en"))
    assert any(sentence in page for page in pdf.pages)
    for factor in profile.factors:
        for measure in factor.measures:
            for cell in measure.groups:
                assert not (cell.missing_out and cell.estimate.suppressed)
