"""Affluence and school level as breakdowns: only where the questionnaire asks for them, each
student in at most one group of a dimension, and gender and grade results unchanged by them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from oko import PROJECT_ROOT
from oko.indicators import (
    ALL,
    EngineConfig,
    Group,
    GroupKind,
    SchoolDesign,
    WaveInput,
    compute_waves,
    load_indicators,
)
from oko.indicators.breakdowns import wave_breakdowns
from oko.indicators.definitions import IndicatorDefinitionError, parse_indicators
from oko.indicators.equity import HIGH, LOW, MIDDLE, affluence_groups, fas_scores
from oko.indicators.groups import MAX_CODE
from oko.indicators.suppression import Reason
from oko.synthetic import generate
from tests.reporting.reporting_helpers import small_scenario

BASIS = load_indicators(PROJECT_ROOT / "questionnaires" / "oko-basis.indicators.yaml")


@pytest.fixture(scope="module")
def columns():
    sample = generate(small_scenario(), seed=3)
    return sample.response_columns().subset(sample.wave == 1)


def test_group_keys_round_trip_and_keep_the_listing_order() -> None:
    groups = [ALL]
    for kind, top in MAX_CODE.items():
        groups += [Group(kind, 0), Group(kind, top)]
    keys = [g.key for g in groups]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(Group.from_key(g.key) == g for g in groups)
    assert max(keys) < 2**7


def test_only_a_questionnaire_with_the_equity_module_gets_the_breakdowns(columns) -> None:
    assert BASIS.breakdowns == ("affluence", "school_level")
    assert {"fas_car", "school_level"} <= set(BASIS.item_ids)
    core = load_indicators(PROJECT_ROOT / "questionnaires" / "oko-core.indicators.yaml")
    assert core.breakdowns == ()
    kinds = [b.kind for b in wave_breakdowns(columns, np.ones(columns.n), (1, 2), ())]
    assert kinds == [GroupKind.GENDER, GroupKind.GRADE]
    found = wave_breakdowns(columns, np.ones(columns.n), (1, 2), BASIS.breakdowns)
    affluence, level = found[2], found[3]
    assert affluence.reported == (LOW, MIDDLE, HIGH)
    score, has_score = fas_scores(columns.answers)
    assert np.array_equal(affluence.codes, affluence_groups(score, has_score, np.ones(columns.n)))
    assert (affluence.codes[~has_score] < 0).all()  # no score: in no group
    assert set(level.reported) <= {1, 2, 3, 4}


def test_an_unknown_breakdown_is_refused() -> None:
    raw = {"questionnaire": "q", "breakdowns": ["income"], "indicators": [{"id": "x"}]}
    with pytest.raises(IndicatorDefinitionError, match="'breakdowns' must list some of"):
        parse_indicators(raw, source="ind.yaml")


def test_the_new_groups_are_estimated_and_gender_and_grade_are_unchanged(columns) -> None:
    config = EngineConfig(school_design=SchoolDesign.CLASSES)
    wave = [WaveInput("w", 2026, columns)]
    with_groups = compute_waves(wave, BASIS, config)[0]
    without = compute_waves(wave, dataclasses.replace(BASIS, breakdowns=()), config)[0]
    kinds = {g.kind for g in with_groups.groups}
    assert {GroupKind.AFFLUENCE, GroupKind.SCHOOL_LEVEL} <= kinds
    assert {g.kind for g in without.groups} == {GroupKind.ALL, GroupKind.GENDER, GroupKind.GRADE}
    old, new = without.table, with_groups.table
    common = np.isin(new.key, old.key)
    assert np.array_equal(new.key[common], old.key)
    for name in ("n", "n_weighted"):
        assert np.allclose(getattr(new, name)[common], getattr(old, name)), name
    # Complementary suppression now also guards the new lines, so a few more values are
    # hidden (a small school's total whose affluence groups would give a count away); every
    # value published in both is the same.
    both = (new.reason[common] == 0) & (old.reason == 0)
    assert both.sum() > 0.9 * (old.reason == 0).sum()
    for name in ("value", "se", "df", "lower", "upper"):
        assert np.allclose(getattr(new, name)[common][both], getattr(old, name)[both]), name
    # A dimension's groups hold at most everyone: the rest gave no (full) answer.
    area = next(a for a in with_groups.areas if a.level.value == "municipality")
    total = with_groups.estimate("pf_family_strong", area).n
    for kind in (GroupKind.AFFLUENCE, GroupKind.SCHOOL_LEVEL):
        parts = [
            with_groups.estimate("pf_family_strong", area, g).n
            for g in with_groups.groups
            if g.kind is kind
        ]
        assert 0 < sum(parts) <= total


def test_affluence_and_school_level_are_not_estimated_per_school(columns) -> None:
    config = EngineConfig(school_design=SchoolDesign.CLASSES)
    results = compute_waves([WaveInput("w", 2026, columns)], BASIS, config)[0]
    school = next(a for a in results.areas if a.level.value == "school")
    municipality = next(a for a in results.areas if a.level.value == "municipality")
    for group in results.groups:
        at_school = results.estimate("pf_family_strong", school, group)
        if group.kind in (GroupKind.AFFLUENCE, GroupKind.SCHOOL_LEVEL):
            assert at_school.n == 0 and at_school.reason is Reason.NO_DATA, group
            assert results.estimate("pf_family_strong", municipality, group).n > 0, group
        elif group.kind is GroupKind.ALL:
            assert at_school.n > 0
