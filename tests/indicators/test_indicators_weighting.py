"""Post-stratification and raking to pupil counts by gender x grade."""

from __future__ import annotations

import numpy as np
import pytest

from oko.indicators.columns import NOT_ANSWERED
from oko.indicators.weighting import population_weights, poststratify, rake


def test_poststratify_hits_every_cell_total():
    cells = np.array([0, 0, 1, 1, 1, 2])
    weight = poststratify(np.ones(6), cells, np.array([10.0, 30.0, 5.0]))
    assert np.bincount(cells, weights=weight).tolist() == pytest.approx([10, 30, 5])


def test_rake_hits_both_margins():
    rng = np.random.default_rng(0)
    gender = rng.integers(0, 2, 500)
    grade = rng.integers(0, 3, 500)
    weight = rake(
        np.ones(500),
        [(gender, np.array([600.0, 400.0])), (grade, np.array([300.0, 300.0, 400.0]))],
    )
    assert np.bincount(gender, weights=weight) == pytest.approx([600, 400])
    assert np.bincount(grade, weights=weight) == pytest.approx([300, 300, 400])


def test_rows_outside_a_margin_keep_their_weight():
    weight = rake(np.ones(3), [(np.array([0, 0, -1]), np.array([4.0]))])
    assert weight.tolist() == [2.0, 2.0, 1.0]


def test_population_weights_post_stratify(make_columns):
    gender = np.array([1, 1, 1, 2, 3, NOT_ANSWERED])
    grade = np.array([2, 2, 2, 2, 2, 2])
    columns = make_columns({}, np.zeros(6, int), gender=gender, grade=grade)
    weight = population_weights(columns, {(0, 1, 2): 30, (0, 2, 2): 10})
    assert weight[:4].tolist() == pytest.approx([10, 10, 10, 10])
    # Unplaceable respondents get the municipality's average factor (40 pupils / 4 placed).
    assert weight[4:].tolist() == pytest.approx([10, 10])


def test_an_empty_cell_switches_the_municipality_to_raking(make_columns):
    gender = np.array([1, 1, 2, 2, 1])
    grade = np.array([2, 4, 2, 2, 4])
    columns = make_columns({}, np.zeros(5, int), gender=gender, grade=grade)
    # Two girls in grade 4, but none of them answered: post-stratification cannot place them.
    counts = {(0, 1, 2): 10, (0, 1, 4): 10, (0, 2, 2): 10, (0, 2, 4): 2}
    weight = population_weights(columns, counts)
    assert weight[gender == 1].sum() == pytest.approx(20)
    assert weight[gender == 2].sum() == pytest.approx(12)
    assert weight[grade == 2].sum() == pytest.approx(20)
    assert weight[grade == 4].sum() == pytest.approx(12)


def test_municipalities_without_counts_keep_their_weights(make_columns):
    columns = make_columns(
        {},
        np.array([0, 0, 1, 1]),
        municipality=np.array([0, 0, 1, 1]),
        gender=np.array([1, 2, 1, 2]),
        grade=np.array([2, 2, 2, 2]),
    )
    weight = population_weights(columns, {(0, 1, 2): 5, (0, 2, 2): 7})
    assert weight.tolist() == pytest.approx([5, 7, 1, 1])
    assert population_weights(columns, {}).tolist() == [1, 1, 1, 1]
