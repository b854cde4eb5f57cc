"""Report definitions and texts: the shipped files load; mistakes get precise messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from oko import PROJECT_ROOT
from oko.indicators import Domain, load_indicators
from oko.reporting.definition import ReportDefinitionError, load_definition, parse_definition
from oko.reporting.render import referenced
from oko.reporting.texts import TextsError, load_texts, parse_texts

REPORTS = PROJECT_ROOT / "reports"
INDICATORS = load_indicators(PROJECT_ROOT / "questionnaires" / "oko-core.indicators.yaml")
DOMAINS = [d.value for d in Domain]
REFERENCES = referenced(INDICATORS)
SOURCE = "reports/test.yaml"
TEXTS = "reports/texts/en.yaml"


def definition(**changes: Any) -> dict[str, Any]:
    raw = yaml.safe_load((REPORTS / "municipality.yaml").read_text(encoding="utf-8"))
    raw.update(changes)
    return raw


def problems_of(raw: Any) -> tuple[str, ...]:
    with pytest.raises(ReportDefinitionError) as caught:
        parse_definition(raw, source=SOURCE)
    return caught.value.problems


@pytest.mark.parametrize("kind", ["municipality", "school"])
def test_shipped_definitions_load_and_know_their_indicators(kind: str):
    loaded = load_definition(REPORTS / f"{kind}.yaml")
    loaded.check_indicators(INDICATORS.ids)
    assert loaded.kind == kind
    # Every domain but the protective factors: only oko-basis asks them, and its reports show
    # them on a profile page of their own.
    assert {d.id.value for d in loaded.domains} == set(DOMAINS) - {Domain.PROTECTION.value}


def test_municipality_report_shows_every_indicator():
    assert set(load_definition(REPORTS / "municipality.yaml").indicator_ids) == set(INDICATORS.ids)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"kind": "region"},
            "kind: expected one of municipality, school, got 'region'",
        ),
        (
            {"layout": "wide"},
            "layout: expected one of full, compact, got 'wide'",
        ),
        ({"colour": "red"}, "unknown key 'colour'"),
        (
            {"sections": ["cover", "summary", "domains"]},
            "sections: unknown 'summary' "
            "(allowed: cover, contents, key_messages, profile, goals, actions, domains, method)",
        ),
        ({"sections": ["cover", "method"]}, "sections: must include 'domains'"),
        (
            {"sections": ["domains", "domains"]},
            "sections: listed twice: domains",
        ),
        (
            {"key_messages": {"max_items": 0}},
            "key_messages.max_items: expected a whole number >= 1, got 0",
        ),
        (
            {"indicator": {"trend": "yes"}},
            "indicator.trend: expected true or false, got 'yes'",
        ),
        (
            {"indicator": {"breakdown": ["age"]}},
            "indicator.breakdown: unknown 'age' (allowed: gender, grade, affluence, school_level)",
        ),
        (
            {"domains": [{"id": "sports", "indicators": ["sport_4x_week"]}]},
            "domains[1]: unknown domain 'sports'",
        ),
        (
            {"domains": [{"id": "leisure", "indicators": ["sport_4x_week", "sport_4x_week"]}]},
            "domains.leisure: indicator 'sport_4x_week' already shown in domains.leisure",
        ),
        (
            {"domains": [{"id": "leisure", "indicators": []}]},
            "domains.leisure: 'indicators' must be a non-empty list of ids, got []",
        ),
        ({"domains": []}, "domains: expected a non-empty list of domains"),
    ],
)
def test_definition_errors_name_file_place_and_problem(changes: dict[str, Any], message: str):
    problems = problems_of(definition(**changes))
    assert any(p.startswith(f"{SOURCE}: {message}") for p in problems), problems


def test_every_problem_is_reported_at_once():
    problems = problems_of(definition(kind="x", layout="y", sections="all"))
    assert len(problems) == 3


def test_unknown_indicator_is_named_with_its_domain():
    raw = definition(domains=[{"id": "peers", "indicators": ["friends_drunk", "friends_dance"]}])
    loaded = parse_definition(raw, source=SOURCE)
    with pytest.raises(ReportDefinitionError) as caught:
        loaded.check_indicators(INDICATORS.ids)
    assert caught.value.problems == (f"{SOURCE}: domains.peers: unknown indicator 'friends_dance'",)


def test_missing_and_broken_files(tmp_path: Path):
    with pytest.raises(ReportDefinitionError, match="no such report definition"):
        load_definition(tmp_path / "school.yaml")
    broken = tmp_path / "school.yaml"
    broken.write_text("kind: [unclosed", encoding="utf-8")
    with pytest.raises(ReportDefinitionError, match="not valid YAML"):
        load_definition(broken)


# -- texts ------------------------------------------------------------------------------------


def texts(language: str = "en") -> dict[str, Any]:
    return yaml.safe_load((REPORTS / "texts" / f"{language}.yaml").read_text(encoding="utf-8"))


def text_problems(raw: Any) -> tuple[str, ...]:
    """The problems found, without the file name every one of them starts with."""
    with pytest.raises(TextsError) as caught:
        parse_texts(
            raw, source=TEXTS, domains=DOMAINS, indicators=INDICATORS.ids, references=REFERENCES
        )
    assert all(p.startswith(f"{TEXTS}: ") for p in caught.value.problems)
    return tuple(p.removeprefix(f"{TEXTS}: ") for p in caught.value.problems)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_shipped_texts_are_complete(language: str):
    loaded = load_texts(
        REPORTS / "texts" / f"{language}.yaml",
        domains=DOMAINS,
        indicators=INDICATORS.ids,
        references=REFERENCES,
    )
    assert loaded.language == language
    assert loaded("page.number", page=3) in ("page 3", "pagina 3")


def test_both_languages_have_the_same_keys():
    def keys(node: dict[str, Any], prefix: str = "") -> set[str]:
        found = set()
        for key, value in node.items():
            found |= keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
        return found

    assert keys(texts("nl")) == keys(texts("en"))


def test_missing_text_is_named():
    raw = texts()
    del raw["cover"]["title_school"]
    del raw["indicators"]["drunk_30d"]["lower"]
    del raw["indicators"]["smoking_daily"]["reference"]
    del raw["wave"]["autumn"]
    assert text_problems(raw) == (
        "cover.title_school: missing",
        "indicators.drunk_30d.lower: missing",
        "indicators.smoking_daily.reference: missing",
        "wave.autumn: missing",
    )


def test_a_reference_source_is_only_for_an_indicator_with_a_reference():
    raw = texts()
    raw["indicators"]["likes_school"]["reference"] = "Iceland"
    assert text_problems(raw) == (
        "indicators.likes_school.reference: unknown key (a typo, or a text no report uses)",
    )


def test_unknown_key_is_refused():
    raw = texts()
    raw["cover"]["titel"] = "Typo"
    assert text_problems(raw) == ("cover.titel: unknown key (a typo, or a text no report uses)",)


def test_placeholders_are_checked():
    raw = texts()
    raw["key_messages"]["change"] = "{statement} than in {previuos}: {now} now."
    raw["block"]["value"] = "{wave}: {value:.2f} {interval} {n}"
    raw["cover"]["date"] = "Report of {date"
    assert text_problems(raw) == (
        "block.value: placeholder {value} must be a plain name such as {area}",
        "block.value: must use the placeholder {value}",
        "cover.date: malformed placeholder (expected '}' before end of string); "
        "write a literal brace as {{ or }}",
        "key_messages.change: unknown placeholder {previuos} "
        "(this text offers: {now}, {previous}, {statement}, {then})",
        "key_messages.change: must use the placeholder {previous}",
        "key_messages.change: must use the placeholder {then}",
    )


def test_language_must_match_the_file_and_texts_must_be_text():
    raw = texts()
    raw["language"] = "nl"
    raw["table"]["n"] = 7
    assert text_problems(raw) == (
        "language: expected 'en' (the file name), got 'nl'",
        "table.n: expected a non-empty text, got 7",
    )


def test_literal_braces_are_allowed():
    raw = texts()
    raw["table"]["n"] = "n {{count}}"
    parsed = parse_texts(
        raw,
        source="reports/texts/en.yaml",
        domains=DOMAINS,
        indicators=INDICATORS.ids,
        references=REFERENCES,
    )
    assert parsed("table.n") == "n {count}"
