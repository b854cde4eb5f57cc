"""Indicator definitions: the core file, and precise messages for every mistake."""

from __future__ import annotations

import copy

import pytest

from oko import PROJECT_ROOT
from oko.indicators import (
    Direction,
    Domain,
    IndicatorDefinitionError,
    Kind,
    NotAsked,
    load_indicators,
)
from oko.indicators.definitions import parse_indicators
from tests.indicators.indicator_data import CORE_INDICATORS, indicator

#: Every indicator of the domain brief's table and the shared contract.
CORE_IDS = {
    "drunk_30d", "alcohol_30d", "binge_4w", "smoking_daily", "vaping_30d", "cannabis_lifetime",
    "cannabis_30d", "drunk_by_13", "parents_time_weekdays", "parents_time_weekends",
    "parents_know_where", "parents_know_with_whom", "parents_know_friends",
    "parents_know_friends_parents", "parents_warmth", "parents_against_drunk", "sport_4x_week",
    "organised_leisure_weekly", "out_after_22", "out_after_midnight", "likes_school",
    "teachers_care", "feels_safe_school", "school_pressure", "truancy_30d", "friends_drunk",
    "friends_smoke", "friends_vape", "life_satisfaction_mean", "life_satisfaction_6plus",
    "parental_monitoring", "school_climate",
}  # fmt: skip


def test_core_file_has_every_indicator(core_indicators):
    assert set(core_indicators.ids) >= CORE_IDS
    assert core_indicators.questionnaire == "oko-core"
    for ind in core_indicators:
        assert ind.label("nl") and ind.label("en")


def test_core_follow_ups_count_not_asked_as_no(core_indicators):
    for ident in ("drunk_30d", "alcohol_30d", "binge_4w", "smoking_daily", "vaping_30d",
                  "cannabis_30d", "drunk_by_13"):  # fmt: skip
        assert core_indicators[ident].not_asked is NotAsked.NO, ident
    assert core_indicators["cannabis_lifetime"].not_asked is NotAsked.MISSING


def test_core_codes_and_directions(core_indicators):
    assert core_indicators["smoking_daily"].yes_codes == {4, 5, 6, 7}
    assert core_indicators["drunk_by_13"].yes_codes == {2, 3, 4}
    assert core_indicators["sport_4x_week"].yes_codes == {5}
    assert core_indicators["school_pressure"].direction is Direction.RISK
    assert core_indicators["parents_warmth"].direction is Direction.PROTECTIVE
    assert core_indicators["drunk_30d"].sensitive and not core_indicators["likes_school"].sensitive
    assert core_indicators["drunk_30d"].reference.value == 0.05
    monitoring = core_indicators["parental_monitoring"]
    assert monitoring.kind is Kind.SCALE and monitoring.reverse == set(monitoring.items)
    assert monitoring.min_answered == 0.75
    assert core_indicators["life_satisfaction_mean"].valid == (0, 10)
    # Every domain but the protective factors, which the oko-basis modules add.
    assert {ind.domain for ind in core_indicators} == set(Domain) - {Domain.PROTECTION}


def test_core_file_matches_the_core_questionnaire():
    questionnaire = pytest.importorskip("oko.questionnaire").load(
        PROJECT_ROOT / "questionnaires" / "oko-core.yaml"
    )
    codes = {item.id: item.codes for item in questionnaire.items.values()}
    load_indicators(CORE_INDICATORS, codes)


def problems(*entries, top=None):
    raw = {"questionnaire": "test", "indicators": list(entries)}
    raw.update(top or {})
    with pytest.raises(IndicatorDefinitionError) as caught:
        parse_indicators(raw, "ind.yaml")
    return list(caught.value.problems)


ONE = "ind.yaml: indicator 'yes': "


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"domain": "health"},
            "unknown domain 'health' (expected one of: family, leisure, school, peers, "
            "protection, substance_use, wellbeing)",
        ),
        ({"kind": "ratio"}, "unknown kind 'ratio' (expected one of: proportion, mean, scale)"),
        ({"direction": "up"}, "unknown direction 'up' (expected one of: protective, risk)"),
        ({"label": {"nl": "Ja"}}, "label: missing translation 'en'"),
        ({"label": {"nl": "Ja", "en": " "}}, "label: missing translation 'en'"),
        ({"sensitive": "yes"}, "'sensitive' must be true or false, got 'yes'"),
        ({"valid": [3, 1]}, "'valid' must be [lowest, highest] answer codes >= 0, got [3, 1]"),
        ({"yes_codes": [1, 7]}, "yes_codes [7] lie outside valid range [1, 2]"),
        (
            {"yes_codes": [1, 2]},
            "'yes_codes' holds every valid code, so the indicator is always 100%",
        ),
        (
            {"not_asked": False},
            "unknown not_asked False (expected one of: no, missing) "
            "(quote it: YAML reads unquoted yes/no as true/false)",
        ),
        ({"reference": {"value": 7, "source": "x"}}, "reference: value 7 lies outside [0.0, 1.0]"),
        ({"reference": {"value": 0.1}}, "'reference' must have exactly 'value' and 'source'"),
        ({"colour": "red"}, "unknown key 'colour' for kind 'proportion'"),
        (
            {True: [1]},
            "unknown key 'True' for kind 'proportion' "
            "(YAML reads an unquoted yes/no/on/off key as true/false)",
        ),
        ({"rows": ["a", "b"]}, "unknown key 'rows' for kind 'proportion'"),
        ({"cut": 3}, "'cut' needs 'items' (a proportion over several items)"),
        (
            {"items": ["a", "b"], "cut": 2, "yes_codes": [1]},
            "give either 'cut' (a scale score) or 'yes_codes', not both",
        ),
        (
            {"items": ["a", "b"], "cut": 1},
            "cut 1 must lie above the lowest and within [1, 2], or everyone or no one is 'yes'",
        ),
        ({"items": ["a", "b"], "item": "a"}, "give either 'item' or 'items', not both"),
        (
            {"items": ["a", "b"], "reverse": ["a"]},
            "'reverse' needs 'cut' (only a scale score is reverse-coded)",
        ),
    ],
)
def test_precise_messages(changes, message):
    entry = indicator()
    entry.update(changes)
    assert ONE + message in problems(entry)


def test_duplicate_id():
    assert problems(indicator(), indicator()) == ["ind.yaml: indicator 'yes': duplicate id"]


def test_bad_id_and_file_level_problems():
    assert problems(indicator("Bad Id")) == [
        "ind.yaml: indicator 1: 'id' must be lower_snake_case, got 'Bad Id'"
    ]
    assert (
        "ind.yaml: unknown key 'extra' (allowed: breakdowns, include, indicators, questionnaire)"
        in problems(indicator(), top={"extra": 1})
    )
    with pytest.raises(IndicatorDefinitionError, match="'indicators' must be a non-empty list"):
        parse_indicators({"questionnaire": "q", "indicators": []}, "ind.yaml")


def test_scale_problems():
    scale = {
        "id": "s",
        "label": {"nl": "s", "en": "s"},
        "domain": "school",
        "kind": "scale",
        "items": ["a", "b"],
        "reverse": ["c"],
        "valid": [1, 5],
        "min_answered": 1.5,
        "direction": "protective",
    }
    found = problems(scale)
    assert "ind.yaml: indicator 's': reverse item 'c' is not one of the scale's items" in found
    assert "ind.yaml: indicator 's': 'min_answered' must be a share in (0, 1], got 1.5" in found
    single = copy.deepcopy(scale) | {"items": ["a"], "reverse": [], "min_answered": 0.75}
    assert problems(single) == [
        "ind.yaml: indicator 's': 'items' must list at least 2 item ids, got ['a']"
    ]


def test_all_problems_are_reported_at_once():
    first = indicator("one", domain="nope")
    second = indicator("two", direction="nope")
    found = problems(first, second)
    assert len(found) == 2 and "'one'" in found[0] and "'two'" in found[1]


def test_cross_check_against_questionnaire_codes(make_indicators):
    indicators = make_indicators(
        indicator(), indicator("other", "missing"), indicator("wide", yes_codes=[1], valid=[0, 2])
    )
    with pytest.raises(IndicatorDefinitionError) as caught:
        indicators.check_against({"q": [1, 2]})
    assert list(caught.value.problems) == [
        "test.yaml: indicator 'other': unknown item 'missing' in the questionnaire",
        "test.yaml: indicator 'wide': valid bound 0 is not a code of 'q'",
    ]
    with pytest.raises(IndicatorDefinitionError, match="yes code 1 is not a valid code of 'q'"):
        make_indicators(indicator()).check_against({"q": [0, 2]})


def test_loading_is_cached_and_invalid_yaml_named(tmp_path):
    assert load_indicators(CORE_INDICATORS) is load_indicators(CORE_INDICATORS)
    broken = tmp_path / "broken.yaml"
    broken.write_text("indicators: [", encoding="utf-8")
    with pytest.raises(IndicatorDefinitionError, match=r"broken\.yaml: not valid YAML"):
        load_indicators(broken)
