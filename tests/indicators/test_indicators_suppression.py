"""Suppression: primary rules, and no hidden value recoverable by subtraction."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oko.indicators import (
    ALL,
    Area,
    AreaLevel,
    EngineConfig,
    Group,
    GroupKind,
    Reason,
    SchoolDesign,
    WaveInput,
    compute_wave,
)
from oko.indicators.columns import NOT_ANSWERED
from oko.indicators.disclosure import Cell, Relation, feasible_ranges
from oko.indicators.suppression import (
    CODE,
    REASON_BY_CODE,
    Lines,
    audited,
    complementary,
    primary_reasons,
    protection,
)
from tests.indicators.indicator_data import indicator

CONFIG = EngineConfig()


def reasons(**overrides):
    base = {
        "n": np.array([100.0]),
        "df": np.array([20]),
        "k": np.array([30.0]),
        "value": np.array([0.3]),
        "kg_lower": np.array([0.2]),
        "kg_upper": np.array([0.4]),
        "proportion": np.array([True]),
        "sensitive": np.array([True]),
        "school_too_small": np.array([False]),
    }
    base.update({k: np.atleast_1d(np.asarray(v)) for k, v in overrides.items()})
    return [
        None if c == 0 else Reason(list(CODE)[c - 1])
        for c in primary_reasons(**base, config=CONFIG)
    ]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, None),
        ({"n": 0.0, "k": 0.0}, Reason.NO_DATA),
        ({"school_too_small": True}, Reason.SCHOOL_TOO_SMALL),
        ({"n": 29.0, "k": 10.0}, Reason.SMALL_DENOMINATOR),
        ({"k": 4.0}, Reason.SMALL_COUNT),
        ({"k": 96.0, "value": 0.96, "kg_lower": 0.9, "kg_upper": 0.99}, Reason.SMALL_COUNT),
        ({"k": 4.0, "sensitive": False, "value": 0.04, "kg_lower": 0.01, "kg_upper": 0.05}, None),
        ({"kg_lower": 0.1, "kg_upper": 0.4}, Reason.WIDE_INTERVAL),
        ({"df": 0}, Reason.WIDE_INTERVAL),
        ({"k": 8.0, "value": 0.08, "kg_lower": 0.01, "kg_upper": 0.13}, Reason.RELATIVE_WIDTH),
        # Narrow enough (<= 5 points): 0% with a large denominator is published.
        ({"k": 0.0, "value": 0.0, "kg_lower": 0.0, "kg_upper": 0.03}, None),
        # Means are judged on size only.
        ({"proportion": False, "kg_lower": np.nan, "kg_upper": np.nan}, None),
    ],
)
def test_primary_reasons(overrides, expected):
    assert reasons(**overrides) == [expected]


def test_precedence_names_the_first_reason():
    assert reasons(n=10.0, k=2.0, school_too_small=True) == [Reason.SCHOOL_TOO_SMALL]


def line(*members, total=0, remainder=0):
    """One line: the total first, then the parts; returns (n, Lines)."""
    n = np.array([sum(members) + remainder, *members], dtype=float)
    return n, Lines(
        line=np.zeros(n.size, int), member=np.arange(n.size), total=np.arange(n.size) == total
    )


def test_one_hidden_part_hides_the_smallest_other_part():
    n, lines = line(300, 200, 12)
    reason = np.array([0, 0, 0, CODE[Reason.SMALL_DENOMINATOR]], np.int8)
    result = complementary(reason, n, lines, 30)
    assert result.tolist() == [0, 0, CODE[Reason.COMPLEMENTARY], CODE[Reason.SMALL_DENOMINATOR]]


@pytest.mark.parametrize("remainder", [3, 40])
def test_the_unpublished_remainder_never_protects_a_hidden_part(remainder):
    # "All minus boys" would be the hidden girls give or take the remainder's few students.
    n, lines = line(300, 200, 12, remainder=remainder)
    reason = np.array([0, 0, 0, CODE[Reason.SMALL_DENOMINATOR]], np.int8)
    assert complementary(reason, n, lines, 30)[2] == CODE[Reason.COMPLEMENTARY]


def test_two_hidden_parts_under_a_shown_total_need_the_minimum_without_the_remainder():
    n, lines = line(300, 12, 10, remainder=40)
    reason = np.array([0, 0, CODE[Reason.SMALL_DENOMINATOR], CODE[Reason.SMALL_DENOMINATOR]])
    result = complementary(reason.astype(np.int8), n, lines, 30)
    assert result[1] == CODE[Reason.COMPLEMENTARY]


def test_a_hidden_total_is_not_the_sum_of_shown_parts():
    n, lines = line(300, 200)
    reason = np.array([CODE[Reason.WIDE_INTERVAL], 0, 0], np.int8)
    assert complementary(reason, n, lines, 30)[2] == CODE[Reason.COMPLEMENTARY]


def two_lines():
    """A school's gender line and its municipality's girls, as in a real table: school A
    (all, boys, girls with 2 of 38 "yes", 2 students of another gender) and the municipality's
    girls = A's + B's + C's, where C's 35 girls all said "yes"."""
    n = np.array([100, 60, 38, 173, 100, 35], float)
    yes = np.array([30, 27, 2, 87, 50, 35], float)
    lines = Lines(
        line=np.array([0, 0, 0, 1, 1, 1, 1]),
        member=np.array([0, 1, 2, 3, 2, 4, 5]),
        total=np.array([True, False, False, True, False, False, False]),
    )
    reason = np.zeros(n.size, np.int8)
    reason[2] = CODE[Reason.SMALL_COUNT]
    return reason, n, yes, lines


def audit(reason, n, yes, lines):
    return audited(
        reason,
        lines,
        n=n,
        size=n,
        value=yes / n,
        lowest=np.zeros(n.size),
        highest=np.ones(n.size),
        block=np.zeros(n.size, int),
        minimum=30,
        counts=yes,
        small_count=4,
    )


def test_the_audit_hides_more_where_two_lines_together_pin_a_hidden_value():
    reason, n, yes, lines = two_lines()
    by_lines = complementary(reason, n, lines, 30, counts=yes, small_count=4)
    # Each line passes on its own (A's boys and C's girls hidden with A's girls), but
    # together they tell that A's girls hold at least 87 - 50 - 35 = 2 "yes" answers.
    assert by_lines.tolist() == [
        0,
        CODE[Reason.COMPLEMENTARY],
        CODE[Reason.SMALL_COUNT],
        0,
        0,
        CODE[Reason.COMPLEMENTARY],
    ]
    result = audit(reason, n, yes, lines)
    assert result[4] == CODE[Reason.COMPLEMENTARY]
    assert (result[by_lines > 0] == by_lines[by_lines > 0]).all()
    assert result[[0, 3]].tolist() == [0, 0]
    assert unprotected(result, n, yes / n, lines) == []


def test_the_audit_hides_nothing_more_where_the_lines_suffice():
    reason, n, yes, lines = two_lines()
    yes[5] = 20  # C's girls no longer pin the sum
    yes[3] = 2 + 50 + 20
    expected = complementary(reason, n, lines, 30, counts=yes, small_count=4)
    assert audit(reason, n, yes, lines).tolist() == expected.tolist()


def unprotected(reason, n, value, lines, small_count=4):
    """Hidden cells whose feasible range misses their protection interval, from a linear
    system built here from the lines (each total = its parts + an unknown remainder)."""
    cells = []
    for i in range(n.size):
        hidden = reason[i] > 0
        guard = protection(
            REASON_BY_CODE[int(reason[i])] if hidden else None,
            float(value[i]),
            float(n[i]),
            0.0,
            1.0,
            small_count,
        )
        cells.append(Cell(i, 0.0, 1.0, None if hidden else float(value[i]), *(guard or ())))
    relations = []
    for line_id in np.unique(lines.line):
        members = lines.member[lines.line == line_id]
        totals = lines.total[lines.line == line_id]
        total = int(members[totals][0])
        parts = members[~totals]
        terms = [(total, float(n[total]))] + [(int(p), -float(n[p])) for p in parts]
        rest = float(n[total] - n[parts].sum())
        if rest > 0:
            terms.append((len(cells), -rest))
            cells.append(Cell(None, 0.0, 1.0))
        relations.append(Relation(tuple(terms), 0.0))
    return [r.cell.key for r in feasible_ranges(cells, relations) if not r.protected]


def pinned_complements():
    """A small group P (10 pupils) hidden with X in one line; its complements C, Q and S
    are each hidden with one other in three lines (C+Q, Q+S, C+S) whose totals are shown:
    three equations in three unknowns, so each complement is known exactly."""
    #               T1   P   C   X   T2   Q   T3   S   T4
    n = np.array([100, 10, 50, 40, 100, 50, 100, 50, 100], float)
    value = np.array([0.43, 0.3, 0.4, 0.5, 0.5, 0.6, 0.4, 0.2, 0.3])
    lines = Lines(
        line=np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]),
        member=np.array([0, 1, 2, 3, 4, 2, 5, 6, 5, 7, 8, 2, 7]),
        total=np.isin(np.arange(13), [0, 4, 7, 10]),
    )
    reason = np.zeros(n.size, np.int8)
    reason[1] = CODE[Reason.SMALL_DENOMINATOR]
    reason[[2, 3, 5, 7]] = CODE[Reason.COMPLEMENTARY]
    return reason, n, value, lines


@pytest.mark.parametrize("protect", [False, True])
def test_a_complement_known_exactly_fails_the_audit_unless_protected(protect):
    reason, n, value, lines = pinned_complements()
    assert complementary(reason, n, lines, 30).tolist() == reason.tolist()
    result = audited(
        reason,
        lines,
        n=n,
        size=n,
        value=value,
        lowest=np.zeros(n.size),
        highest=np.ones(n.size),
        block=np.zeros(n.size, int),
        minimum=30,
        small_count=4,
        protect_complementary=protect,
    )
    if protect:
        assert (result > 0).sum() > (reason > 0).sum()
        assert unprotected(result, n, value, lines) == []
    else:
        # The small group itself is protected, so nothing more was hidden, yet C, Q and S
        # can each be worked out exactly: C = (0.5 + 0.3 − 0.4) / 2.
        assert result.tolist() == reason.tolist()
        assert unprotected(result, n, value, lines) == [2, 5, 7]


def test_the_audit_leaves_a_table_without_lines_alone():
    reason = np.array([CODE[Reason.SMALL_COUNT], 0], np.int8)
    n = np.array([40.0, 50.0])
    empty = Lines(np.zeros(0, int), np.zeros(0, int), np.zeros(0, bool))
    assert audit(reason, n, np.array([2.0, 20.0]), empty).tolist() == reason.tolist()


@pytest.mark.parametrize("design", list(SchoolDesign))
def test_two_schools_one_too_small(make_columns, make_indicators, design):
    psu = np.repeat([0, 1], [200, 15])
    columns = make_columns({"q": np.where(np.arange(215) % 3 == 0, 1, 2)}, psu)
    config = EngineConfig(school_design=design)
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), config)
    small = results.estimate("yes", Area(AreaLevel.SCHOOL, 1))
    large = results.estimate("yes", Area(AreaLevel.SCHOOL, 0))
    assert small.reason is Reason.SCHOOL_TOO_SMALL
    # Otherwise the small school = municipality - large school.
    assert large.reason is Reason.COMPLEMENTARY
    municipality = results.estimate("yes", Area(AreaLevel.MUNICIPALITY, 0))
    if design is SchoolDesign.SAMPLED:
        # Two sampled schools leave one degree of freedom: far too wide to publish.
        assert (municipality.df, municipality.reason) == (1, Reason.WIDE_INTERVAL)
    else:
        assert municipality.df == 213 and not municipality.suppressed


@st.composite
def small_areas(draw):
    """Up to 3 municipalities in 2 regions, up to 4 schools each, small groups."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    municipalities = draw(st.integers(1, 3))
    schools = draw(st.integers(municipalities, 4 * municipalities))
    school_municipality = np.concatenate(
        [np.arange(municipalities), rng.integers(0, municipalities, schools - municipalities)]
    )
    n = draw(st.integers(1, 400))
    psu = rng.integers(0, schools, n)
    municipality = school_municipality[psu]
    gender = rng.choice([1, 2, 3, NOT_ANSWERED], n, p=[0.45, 0.45, 0.06, 0.04])
    grade = rng.choice([2, 4, NOT_ANSWERED], n, p=[0.5, 0.45, 0.05])
    prevalence = draw(st.sampled_from([0.02, 0.1, 0.5, 0.95]))
    answers = np.where(rng.random(n) < prevalence, 1, 2)
    answers[rng.random(n) < 0.05] = NOT_ANSWERED
    return psu, municipality, municipality % 2, gender, grade, answers


@given(small_areas())
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_hidden_value_is_total_minus_shown_parts(make_columns, make_indicators, data):
    psu, municipality, region, gender, grade, answers = data
    columns = make_columns(
        {"q": answers},
        psu,
        municipality=municipality,
        region=region,
        gender=gender,
        grade=grade,
    )
    entry = indicator(sensitive=True)
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(entry), EngineConfig())

    def get(area, group=ALL):
        return results.estimate("yes", area, group)

    def check(total, parts):
        remainder = total.n - sum(p.n for p in parts)
        hidden = [p for p in parts if p.suppressed and p.n > 0]
        cells = len(hidden) + (remainder > 0)
        if total.suppressed or total.n == 0:
            # A hidden total must not be the sum of what is shown.
            assert total.n == 0 or hidden or remainder > 0
            return
        # A shown total: a hidden group always hides together with another hidden cell.
        assert not hidden or cells >= 2

    for area in results.areas:
        total = get(area)
        for kind in (GroupKind.GENDER, GroupKind.GRADE):
            groups = [g for g in results.groups if g.kind is kind]
            check(total, [get(area, g) for g in groups])
    parents = {
        AreaLevel.SCHOOL: {
            Area(AreaLevel.SCHOOL, int(s)): int(m) for s, m in zip(psu, municipality, strict=True)
        },
        AreaLevel.MUNICIPALITY: {
            Area(AreaLevel.MUNICIPALITY, int(m)): int(r)
            for m, r in zip(municipality, region, strict=True)
        },
    }
    parent_level = {
        AreaLevel.SCHOOL: AreaLevel.MUNICIPALITY,
        AreaLevel.MUNICIPALITY: AreaLevel.REGION,
    }
    for level, mapping in parents.items():
        for parent_code in set(mapping.values()):
            parent = Area(parent_level[level], parent_code)
            children = [a for a, p in mapping.items() if p == parent_code]
            for group in results.groups:
                check(get(parent, group), [get(child, group) for child in children])


def test_gender_other_is_not_a_reported_group(make_columns, make_indicators):
    n = 300
    gender = np.where(np.arange(n) < 5, 3, np.where(np.arange(n) % 2, 1, 2))
    columns = make_columns({"q": np.arange(n) % 2 + 1}, np.arange(n) % 5, gender=gender)
    results = compute_wave(WaveInput("w", 1, columns), (), make_indicators(), EngineConfig())
    assert Group(GroupKind.GENDER, 3) not in results.groups
    assert results.estimate(
        "yes", Area(AreaLevel.MUNICIPALITY, 0), Group(GroupKind.GENDER, 3)
    ).no_data
