"""Protective factors, leisure and equity: scale scoring, FAS, and the engine's estimates
checked against an independent computation on the demo's synthetic data."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from oko import PROJECT_ROOT
from oko.indicators import AreaLevel, IndicatorSet, WaveInput, compute_waves, load_indicators
from oko.indicators.columns import NOT_ANSWERED, NOT_ASKED, ResponseColumns
from oko.indicators.definitions import Domain, Kind
from oko.indicators.equity import HIGH, LOW, MIDDLE, affluence_groups, fas_scores, ridits
from oko.indicators.outcomes import outcome
from oko.indicators.reliability import cronbach_alpha
from oko.questionnaire import load
from oko.services.demo.instance import SEED
from oko.synthetic import demo_scenario, generate
from oko.synthetic.sample import SyntheticSample

FACTORS = (
    "family",
    "involvement",
    "norms",
    "recognition",
    "support",
    "leisure",
    "social",
    "commitment",
    "identity",
)
STRONG = tuple(f"pf_{factor}_strong" for factor in FACTORS)


@cache
def basis_indicators() -> IndicatorSet:
    questionnaire = load(PROJECT_ROOT / "questionnaires" / "oko-basis.yaml")
    return load_indicators(
        PROJECT_ROOT / "questionnaires" / "oko-basis.indicators.yaml",
        {item.id: item.codes for item in questionnaire.items.values()},
    )


@cache
def sample() -> SyntheticSample:
    return generate(demo_scenario(), seed=SEED)


def columns(answers: dict[str, list[int]]) -> ResponseColumns:
    n = len(next(iter(answers.values())))
    return ResponseColumns(
        answers={k: np.asarray(v) for k, v in answers.items()},
        psu=np.zeros(n, dtype=np.int64),
        municipality=np.zeros(n, dtype=np.int64),
        region=np.zeros(n, dtype=np.int64),
        gender=np.ones(n, dtype=np.int16),
        grade=np.ones(n, dtype=np.int16),
    )


def test_the_profile_ids_exist_as_strong_protection_proportions() -> None:
    indicators = basis_indicators()
    core = load_indicators(PROJECT_ROOT / "questionnaires" / "oko-core.indicators.yaml")
    assert indicators.ids[: len(core)] == core.ids  # the core's indicators, in its order
    for ident in STRONG:
        indicator = indicators[ident]
        assert indicator.kind is Kind.PROPORTION and indicator.cut == 3.25
        assert indicator.domain is Domain.PROTECTION and len(indicator.items) == 4
        assert indicators[ident.removesuffix("_strong")].items == indicator.items
        assert indicators[ident.removesuffix("_strong")].reverse == indicator.reverse


def test_strong_protection_scores_reverse_coding_and_missing_items() -> None:
    """pf_norms: three items plus pf_norms_unclear, reversed (5 - code)."""
    indicator = basis_indicators()["pf_norms_strong"]
    rows = [
        # home, school, neighbourhood, unclear (reversed) -> mean, strong?
        (4, 4, 3, 1),  # 4, 4, 3, 4: mean 3.75, strong
        (4, 4, 3, 4),  # 4, 4, 3, 1: mean 3.0, not strong
        (3, 3, 3, 2),  # 3, 3, 3, 3: 3.0, not strong
        (4, 3, NOT_ANSWERED, 1),  # 3 of 4 answered (75%): 4, 3, 4 -> 3.67, strong
        (4, NOT_ANSWERED, NOT_ASKED, 1),  # 2 of 4: no score, not counted
        (4, 3, 3, 2),  # 4, 3, 3, 3 -> 3.25: exactly the cut, strong
    ]
    data = {item: [row[i] for row in rows] for i, item in enumerate(indicator.items)}
    y, valid = outcome(indicator, columns(data))
    assert valid.tolist() == [True, True, True, True, False, True]
    assert y[valid].tolist() == [1.0, 0.0, 0.0, 1.0, 1.0]


def test_any_organised_leisure_needs_three_quarters_of_the_types_answered() -> None:
    indicator = basis_indicators()["leisure_any_monthly"]
    rows = [
        (1, 1, 1, 1, 1, 3),  # volunteering monthly: yes
        (2, 2, 1, 1, 1, 1),  # only now and then: no
        (5, NOT_ANSWERED, 1, 1, 1, 1),  # 5 of 6 answered: yes
        (5, NOT_ANSWERED, NOT_ANSWERED, 1, 1, 1),  # 4 of 6 < 75%: not counted
    ]
    data = {item: [row[i] for row in rows] for i, item in enumerate(indicator.items)}
    y, valid = outcome(indicator, columns(data))
    assert valid.tolist() == [True, True, True, False]
    assert y[valid].tolist() == [1.0, 0.0, 1.0]


def test_fas_scores_need_all_six_items() -> None:
    answers = {
        "fas_bedroom": np.array([1, 0, 1, NOT_ANSWERED]),
        "fas_car": np.array([2, 0, 1, 2]),
        "fas_computers": np.array([3, 0, 2, 3]),
        "fas_bathrooms": np.array([3, 0, 1, 3]),
        "fas_dishwasher": np.array([1, 0, 1, 1]),
        "fas_holidays": np.array([3, 0, 4, 3]),  # 4 is not a code: no score
    }
    score, has = fas_scores(answers)
    assert has.tolist() == [True, True, False, False]
    assert score[has].tolist() == [13, 0]
    assert not fas_scores({"fas_bedroom": np.array([1])})[1].any()  # items missing: no score


def test_ridits_and_affluence_groups_are_relative_to_the_wave() -> None:
    score = np.array([0, 0, 5, 5, 5, 9, 13, 13, 7], dtype=np.int16)
    has = np.array([True] * 8 + [False])
    ridit = ridits(score, has)
    # 8 scored: 0 (2), 5 (3), 9 (1), 13 (2) -> ridits 1/8, 2/8 + 3/16, 5/8 + 1/16, 6/8 + 2/8 / 2
    assert ridit[:8] == pytest.approx([1 / 8, 1 / 8, 7 / 16, 7 / 16, 7 / 16, 11 / 16, 7 / 8, 7 / 8])
    assert np.isnan(ridit[8])
    groups = affluence_groups(score, has)
    assert groups.tolist() == [LOW, LOW, MIDDLE, MIDDLE, MIDDLE, HIGH, HIGH, HIGH, NOT_ANSWERED]
    # Weights move the positions: a heavy low scorer pushes everyone else up.
    weighted = ridits(score, has, np.array([10.0, 1, 1, 1, 1, 1, 1, 1, 1]))
    assert weighted[2] > ridit[2]


@pytest.mark.parametrize("ident", [*STRONG, "leisure_any_monthly", "leisure_barrier_cost"])
def test_engine_estimates_equal_an_independent_computation(ident: str) -> None:
    """Unweighted municipal estimates of the demo's latest wave, recomputed row by row."""
    data = sample()
    latest = data.wave == data.wave.max()
    base = data.response_columns()
    plain = ResponseColumns(
        answers=base.answers,
        psu=base.psu,
        municipality=base.municipality,
        region=base.region,
        gender=base.gender,
        grade=base.grade,
    ).subset(latest)
    indicators = basis_indicators()
    results = compute_waves([WaveInput("w", 2026.0, plain)], indicators)[-1]
    indicator = indicators[ident]
    reverse = [item in indicator.reverse for item in indicator.items]
    for area in results.areas_at(AreaLevel.MUNICIPALITY):
        yes = counted = 0
        for row in np.flatnonzero(plain.municipality == area.code).tolist():
            codes = [int(plain.answers[item][row]) for item in indicator.items]
            low, high = indicator.valid
            answered = [
                (low + high - c) if flip else c
                for c, flip in zip(codes, reverse, strict=True)
                if low <= c <= high
            ]
            if len(indicator.items) == 1:  # a reason: not asked (no wish) counts as no
                if low <= codes[0] <= high or codes[0] == NOT_ASKED:
                    counted += 1
                    yes += codes[0] in indicator.yes_codes
                continue
            if len(answered) < 0.75 * len(codes):
                continue
            counted += 1
            if indicator.cut is not None:
                yes += sum(answered) / len(answered) >= indicator.cut
            else:
                yes += any(c in indicator.yes_codes for c in codes)
        estimate = results.estimate(ident, area)
        assert estimate.n == counted
        assert estimate.value == pytest.approx(yes / counted)


def test_scales_are_reliable_and_protect_on_the_demo() -> None:
    """Cronbach's alpha of every protective-factor scale is at least 0.6 on the demo data, and
    strong protection goes with less drinking."""
    data = sample()
    indicators = basis_indicators()
    plain = data.response_columns()
    drunk = data.answers["drunk_30d"] > 1
    for factor in FACTORS:
        indicator = indicators[f"pf_{factor}"]
        codes = np.column_stack([data.answers[item] for item in indicator.items]).astype(float)
        codes[(codes < 1) | (codes > 4)] = np.nan
        for index, item in enumerate(indicator.items):
            if item in indicator.reverse:
                codes[:, index] = 5 - codes[:, index]
        assert cronbach_alpha(codes).alpha >= 0.6, factor
        y, valid = outcome(indicators[f"pf_{factor}_strong"], plain)
        strong = valid & (y == 1)
        weak = valid & (y == 0)
        assert drunk[strong].mean() < drunk[weak].mean(), factor


def test_less_affluent_students_join_clubs_less_and_name_cost_more() -> None:
    data = sample()
    groups = affluence_groups(*fas_scores(data.answers))
    sport = np.isin(data.answers["lei_sport"], (3, 4, 5))
    cost = data.answers["lei_why_cost"] == 2
    asked = data.answers["lei_why_cost"] > 0
    low, high = groups == LOW, groups == HIGH
    assert sport[low].mean() < sport[high].mean() - 0.1
    assert cost[low & asked].mean() > cost[high & asked].mean() + 0.1
