"""Columns, configuration, outcomes, scales, flags and exclusions."""

from __future__ import annotations

import numpy as np
import pytest

from oko.indicators import (
    NOT_ANSWERED,
    NOT_ASKED,
    EngineConfig,
    IntervalMethod,
    ResponseColumns,
    encode_answers,
)
from oko.indicators.flagging import flag_codes
from oko.indicators.outcomes import outcome
from oko.indicators.quality import exclusion_counts
from oko.indicators.reliability import cronbach_alpha
from oko.indicators.scales import scale_scores
from tests.indicators.indicator_data import indicator


def test_encode_answers_keeps_not_asked_apart_from_not_answered():
    columns = encode_answers([{"a": 3, "b": None}, {"a": 0}, {}], ["a", "b"])
    assert columns["a"].tolist() == [3, 0, NOT_ASKED]
    assert columns["b"].tolist() == [NOT_ANSWERED, NOT_ASKED, NOT_ASKED]
    with pytest.raises(ValueError, match=r"response 0, item 'a': expected a code >= 0 or None"):
        encode_answers([{"a": [1, 2]}], ["a"])


def _columns(**overrides):
    values = {
        "answers": {"q": [1, 2]},
        "psu": [1, 2],
        "municipality": [10, 10],
        "region": [5, 5],
        "gender": [1, 2],
        "grade": [2, 4],
    }
    values.update(overrides)
    return ResponseColumns(**values)


def test_columns_are_read_only_and_typed():
    columns = _columns()
    assert columns.n == 2 and columns.weight.tolist() == [1.0, 1.0]
    assert columns.answers["q"].dtype == np.int16
    with pytest.raises(ValueError):
        columns.psu[0] = 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"psu": [1, 1], "municipality": [10, 11]}, "psu 1 lies in more than one municipality"),
        ({"region": [5, 6]}, "municipality 10 lies in more than one region"),
        ({"municipality": [10]}, "municipality: expected 2 rows, got 1"),
        ({"weight": [1.0, 0.0]}, "weight: every weight must be finite and greater than 0"),
        ({"gender": [1, 16]}, "gender: codes must lie in 0..15"),
        ({"answers": {"q": [1, -3]}}, "codes below -2 are not allowed"),
        ({"psu": [1, 1], "stratum": [0, 1]}, "psu 1 lies in more than one stratum"),
        ({"flags": {"x": [1, 0]}}, "flags['x']: expected 2 booleans"),
        ({"psu": [1, 2], "class_session": [7, 7]}, "class_session 7 lies in more than one school"),
        ({"class_session": [7, -2]}, "class_session: codes must lie in 0..2147483647 or be"),
        ({"class_session": [7.0, 1.0]}, "class_session: expected integer codes"),
        ({"class_session": [7]}, "class_session: expected 2 rows, got 1"),
    ],
)
def test_columns_refuse_inconsistent_designs(overrides, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _columns(**overrides)


def test_exclusion_flags_are_the_questionnaire_flags():
    quality = pytest.importorskip("oko.questionnaire.quality")
    assert EngineConfig().exclude_flags == quality.FLAGS


def test_config_refuses_nonsense():
    with pytest.raises(ValueError, match="the t interval is for means"):
        EngineConfig(interval=IntervalMethod.T)
    with pytest.raises(ValueError, match="at least 3 waves"):
        EngineConfig(min_trend_waves=2)


def test_outcome_of_a_proportion(make_indicators):
    columns = _columns(
        answers={"q": [1, 2, 3, NOT_ASKED, NOT_ANSWERED, 0]},
        psu=[1] * 6,
        municipality=[1] * 6,
        region=[1] * 6,
        gender=[1] * 6,
        grade=[1] * 6,
    )
    y, valid = outcome(make_indicators(indicator(not_asked="no"))["yes"], columns)
    assert valid.tolist() == [True, True, False, True, False, False]
    assert y.tolist() == [1, 0, 0, 0, 0, 0]


def test_scale_scores_need_enough_answers():
    items = [np.array([1, 4, NOT_ANSWERED]), np.array([3, NOT_ANSWERED, NOT_ANSWERED])]
    score, has = scale_scores(items, [False, True], (1, 4), 0.5)
    assert has.tolist() == [True, True, False]
    assert score[:2].tolist() == [1.5, 4.0]  # item 2 reversed: 3 -> 2


def test_cronbach_alpha_edge_cases():
    assert np.isnan(cronbach_alpha([[1, 2]]).alpha)
    assert np.isnan(cronbach_alpha([[1, 1], [1, 1]]).alpha)
    low = cronbach_alpha([[1, 5], [5, 1], [2, 2], [4, 4]])
    assert not low.acceptable


def test_flags_follow_direction_significance_and_size():
    codes = flag_codes(
        difference=[0.05, 0.05, 0.05, 0.01, -0.05],
        p_adjusted=[0.01, 0.01, 0.2, 0.001, 0.01],
        effect_size=[0.05, 0.05, 0.05, 0.01, -0.05],
        min_effect=0.03,
        risk=[True, False, True, True, True],
        false_discovery_rate=0.05,
    )
    assert codes.tolist() == [-1, 1, 0, 0, 1]


def test_exclusion_counts_per_area():
    columns = _columns(
        answers={},
        psu=[1, 1, 2],
        municipality=[10, 10, 10],
        region=[5, 5, 5],
        gender=[1, 1, 1],
        grade=[2, 2, 2],
    )
    reasons = {"a": np.array([True, True, False]), "b": np.array([True, False, False])}
    total, by_area = exclusion_counts(columns, reasons)
    assert (total.respondents, total.excluded, total.by_reason) == (3, 2, (("a", 2), ("b", 1)))
    school = next(v for k, v in by_area.items() if k.level == "school" and k.code == 2)
    assert (school.respondents, school.excluded, school.kept) == (1, 0, 1)
