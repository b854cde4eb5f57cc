"""The disclosure audit's linear-programming core on tables small enough to check by hand."""

from __future__ import annotations

import pytest

from oko.indicators.disclosure import Cell, InconsistentTable, Relation, feasible_ranges

PROTECT = (0.0, 0.04)  # a small count of up to 4 in a group of 100


def cell(key: str, published: float | None = None, protection=None) -> Cell:
    return Cell(key, 0.0, 1.0, published, protection)


def total_of(total: int, parts: list[tuple[int, float]]) -> Relation:
    """size(total) value(total) = Σ size(part) value(part); sizes given per term."""
    size, index = total, 0
    return Relation(((index, float(size)), *((i, -float(s)) for i, s in parts)), 0.0)


def test_a_cell_recoverable_by_subtraction_is_reported() -> None:
    # all (200 students, 30%) = girls (100, hidden, truly 2%) + boys (100, shown 58%).
    cells = [cell("all", 0.30), cell("girls", None, PROTECT), cell("boys", 0.58)]
    (girls,) = feasible_ranges(cells, [total_of(200, [(1, 100), (2, 100)])])
    assert girls.lowest == pytest.approx(0.02, abs=1e-6)
    assert girls.highest == pytest.approx(0.02, abs=1e-6)
    assert not girls.protected


def test_two_hidden_parts_under_a_shown_total_protect_each_other() -> None:
    # all (200, 30%) = girls (100, hidden, 2%) + boys (100, hidden, 58%).
    cells = [cell("all", 0.30), cell("girls", None, PROTECT), cell("boys", None, (0.54, 0.6))]
    girls, boys = feasible_ranges(cells, [total_of(200, [(1, 100), (2, 100)])])
    assert girls.protected and boys.protected
    assert girls.lowest <= 0.0 + 1e-9 and girls.highest >= 0.04 - 1e-9


def test_a_remainder_of_a_few_students_is_no_protection() -> None:
    # all (205, shown) = girls (100, hidden) + boys (100, shown) + 5 students of no gender.
    share = (0.02 * 100 + 0.58 * 100 + 0.4 * 5) / 205
    cells = [
        cell("all", share),
        cell("girls", None, (0.0, 0.1)),
        cell("boys", 0.58),
        cell("remainder"),
    ]
    (girls,) = feasible_ranges(cells, [total_of(205, [(1, 100), (2, 100), (3, 5)])])
    # girls = 4% - 5% x the remainder's share: 0% to 4%, never the 10% asked for.
    assert girls.lowest == pytest.approx(0.0, abs=1e-6)
    assert girls.highest == pytest.approx(0.04, abs=1e-6)
    assert not girls.protected


def test_a_published_rest_of_parent_gives_a_hidden_parent_away() -> None:
    # municipality (300, hidden, 13.3%) = school A (100, shown 10%) + B (200, hidden, 15%).
    cells = [
        cell("municipality", None, (0.1, 0.2)),
        cell("A", 0.10),
        cell("B", None, (0.05, 0.25)),
    ]
    lines = [total_of(300, [(1, 100), (2, 200)])]
    assert all(r.protected for r in feasible_ranges(cells, lines))
    # A's row also shows "the rest of the municipality": 15%, i.e. school B.
    rest = Relation(((0, 300.0), (1, -100.0)), 0.15 * 200)
    municipality, school_b = feasible_ranges(cells, [*lines, rest])
    assert municipality.lowest == pytest.approx(municipality.highest)
    assert school_b.highest == pytest.approx(0.15)
    assert not municipality.protected and not school_b.protected


def test_cells_only_in_unrelated_lines_keep_their_bounds() -> None:
    cells = [cell("alone", None, (0.0, 1.0))]
    (alone,) = feasible_ranges(cells, [])
    assert (alone.lowest, alone.highest) == (0.0, 1.0) and alone.protected


def test_contradicting_published_numbers_are_refused() -> None:
    cells = [cell("all", 0.9), cell("girls", None, PROTECT), cell("boys", 0.1)]
    with pytest.raises(InconsistentTable):
        feasible_ranges(cells, [total_of(200, [(1, 100), (2, 100)])])
