"""The microdata builder: pseudonyms, merged schools, no free text, rare categories coded."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from oko.questionnaire import load
from oko.research import microdata
from oko.research.microdata import WITHHELD, Policy, ResponseRecord

MINI = Path(__file__).parents[1] / "data" / "research" / "research-mini.yaml"
POLICY = Policy(pseudonym_key=b"k" * 32, min_school_size=20, min_category_size=5)


@pytest.fixture(scope="module")
def questionnaire():
    return load(MINI)


def records(sizes: dict[int, int]) -> list[ResponseRecord]:
    """Responses for schools of the given sizes; a few rare answers at the tails."""
    out = []
    number = 0
    for school, size in sizes.items():
        for i in range(size):
            number += 1
            answers = {
                "gender": 1 + number % 2,
                "age": 14 if number > 2 else 20,
                "grade": 2,
                "pets": [1] if number % 3 else [1, 2],
                "alc_lifetime": 1 + number % 3,
                "sch_safe": 3,
                "sch_belong": None,
                "relevin_lifetime": 1,
                "comments": '=HYPERLINK("http://evil")' if i == 0 else "ok",
            }
            if answers["alc_lifetime"] > 1:
                answers["alc_30d"] = 1
            out.append(ResponseRecord(number, school, 2, answers, ("too_fast",) if i == 0 else ()))
    return out


def test_free_text_never_exported(questionnaire) -> None:
    data = microdata.build(questionnaire, records({1: 30, 2: 25}), POLICY)
    assert "comments" not in data.table.names
    assert data.omitted["comments"] == "free text is never exported"
    assert not any("HYPERLINK" in str(v) for row in data.table.rows for v in row)


def test_schools_are_pseudonymised_stably_per_key(questionnaire) -> None:
    rows = records({101: 30, 102: 25})
    first = microdata.build(questionnaire, rows, POLICY)
    again = microdata.build(questionnaire, rows, POLICY)
    other = microdata.build(questionnaire, rows, Policy(b"x" * 32, 20, 5))
    names = set(first.table.column("school"))
    assert len(names) == 2
    assert names == set(again.table.column("school"))
    assert names.isdisjoint(set(other.table.column("school")))
    assert not any(str(school) in name for name in names for school in (101, 102))


def test_small_schools_merged_until_large_enough(questionnaire) -> None:
    data = microdata.build(questionnaire, records({1: 40, 2: 8, 3: 30, 4: 5}), POLICY)
    schools = data.table.column("school")
    merged = data.table.column("school_merged")
    # 2 and 4 (13 responses) are too few together, so the smallest other school (3) joins.
    assert len(set(schools)) == 2
    assert merged.count(1) == 8 + 5 + 30
    assert microdata.school_groups({1: 40, 2: 8, 3: 30, 4: 5}, 20)[2] == frozenset({2, 3, 4})


def test_single_small_school_is_not_left_alone() -> None:
    groups = microdata.school_groups({1: 50, 2: 60, 3: 25}, 30)
    assert groups[3] == frozenset({1, 3})
    assert groups[2] == frozenset({2})


def test_rare_categories_top_coded(questionnaire) -> None:
    data = microdata.build(questionnaire, records({1: 30, 2: 25}), POLICY)
    ages = data.table.column("age")
    assert 20 not in ages  # two respondents aged 20: merged downwards into 14 ("14 or more")
    age = next(v for v in data.variables if v.name == "age")
    assert age.recoded == {20: 14}
    assert age.values[14]["en"] == "14 or more"


def test_rare_nominal_category_withheld(questionnaire) -> None:
    rows = records({1: 30})
    rows[0].answers["gender"] = 3
    data = microdata.build(questionnaire, rows, POLICY)
    assert 3 not in data.table.column("gender")
    assert WITHHELD in data.table.column("gender")


def test_rare_multiple_choice_option_dropped(questionnaire) -> None:
    rows = records({1: 30})
    rows[0].answers["pets"] = [3]
    data = microdata.build(questionnaire, rows, POLICY)
    assert "pets_3" not in data.table.names
    assert "pets_1" in data.table.names
    assert "pets_3" in data.omitted


def test_missing_codes_kept_distinct(questionnaire) -> None:
    data = microdata.build(questionnaire, records({1: 30}), POLICY)
    assert set(data.table.column("sch_belong")) == {-1}
    alc, follow_up = data.table.column("alc_lifetime"), data.table.column("alc_30d")
    assert all((a == 1) == (f == -2) for a, f in zip(alc, follow_up, strict=True))


def test_rows_do_not_follow_submission_order(questionnaire) -> None:
    """The stored id counts up with submission time: it is never a column, and the rows are
    in an order keyed per grant, so a row's place says nothing about when it was sent."""
    rows = [replace(record, response_id=5000 + n) for n, record in enumerate(records({1: 30}))]
    data = microdata.build(questionnaire, rows, POLICY)
    flags = data.table.column("flag_too_fast")
    assert data.table.column("row") == list(range(1, 31))
    assert flags.count(1) == 1
    assert set(data.table.names).isdisjoint({"submission_id", "submitted_at", "language"})
    ids = [record.response_id for record in rows]
    assert all(not set(ids) & set(data.table.column(name)) for name in data.table.names), (
        "a column carries the stored response ids"
    )
    sent = [record.answers["alc_lifetime"] for record in rows]
    shown = data.table.column("alc_lifetime")
    assert sorted(shown) == sorted(sent) and shown != sent
    other = microdata.build(questionnaire, rows, Policy(b"x" * 32, 20, 5))
    assert other.table.column("alc_lifetime") != shown


def test_tail_coding_both_ends() -> None:
    counts = {1: 1, 2: 10, 3: 0, 4: 10, 5: 2}
    assert microdata._tail_coding([1, 2, 3, 4, 5], counts, 5) == {5: 4, 1: 2}
    assert microdata._tail_coding([1, 2, 3], {1: 1, 2: 1, 3: 1}, 5) == {3: 1, 2: 1}


@pytest.fixture(scope="module")
def core():
    return load(Path(__file__).parents[2] / "questionnaires" / "oko-core.yaml")


def core_records(answers: list[dict[str, object]]) -> list[ResponseRecord]:
    return [ResponseRecord(n, 1, 2, given) for n, given in enumerate(answers)]


def test_merged_tail_lists_the_labels_it_holds(core) -> None:
    """'Never' merged into '11 or younger' is not "11 or younger or less"."""
    rows = [{"drunk_age": 1}] + [{"drunk_age": 2 + n % 6} for n in range(60)]
    data = microdata.build(core, core_records(rows), POLICY)
    drunk_age = next(v for v in data.variables if v.name == "drunk_age")
    assert drunk_age.recoded == {1: 2}
    assert drunk_age.values[2] == {
        "nl": "Ik ben nog nooit dronken geweest / 11 jaar of jonger",
        "en": "I have never been drunk / 11 or younger",
    }
    assert 1 not in drunk_age.values


def test_empty_codes_inside_a_merged_tail_join_it(core) -> None:
    """Life satisfaction 0 (rare) merged into 2 takes the empty 1 along, and keeps 0's words."""
    rows = [{"life_satisfaction": 0}] + [{"life_satisfaction": 2 + n % 9} for n in range(60)]
    data = microdata.build(core, core_records(rows), POLICY)
    ladder = next(v for v in data.variables if v.name == "life_satisfaction")
    assert ladder.recoded == {0: 2, 1: 2}
    assert ladder.values[2]["en"] == "0 - worst possible life / 1 / 2"
    assert not {0, 1} & set(ladder.values)
    assert ladder.note == "recoded (rare categories): 0→2, 1→2"


def test_measure_levels_follow_type_and_role(core) -> None:
    rows = [
        {"gender": 1 + n % 2, "school_type": 1 + n % 4, "lives_with": [1, 2], "age": 14}
        for n in range(40)
    ]
    data = microdata.build(core, core_records(rows), POLICY)
    measure = {v.name: v.measure for v in data.variables}
    assert measure["gender"] == measure["school_type"] == "nominal"
    assert measure["lives_with_1"] == measure["lives_with_2"] == "nominal"
    assert measure["life_satisfaction"] == measure["drunk_age"] == "ordinal"
    assert measure["school"] == measure["source"] == measure["flag_too_fast"] == "nominal"
    assert measure["row"] == measure["age"] == "scale"


def test_multiple_choice_labels_name_question_and_option(core) -> None:
    data = microdata.build(core, core_records([{"lives_with": [1]}] * 30), POLICY)
    mother = next(v for v in data.variables if v.name == "lives_with_1")
    assert mother.label["en"] == (
        "Who do you live with? You may choose more than one answer. — My mother"
    )
