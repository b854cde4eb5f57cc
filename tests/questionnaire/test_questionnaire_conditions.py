"""The condition evaluator: every operator, and what missing answers do."""

import json

import pytest

from oko import PROJECT_ROOT
from oko.questionnaire import ConditionError, evaluate, parse_condition
from oko.questionnaire.conditions import referenced_items

CASES_FILE = PROJECT_ROOT / "tests" / "data" / "questionnaires" / "condition-cases.json"
CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_shared_cases(case: dict) -> None:
    assert evaluate(case["condition"], case["answers"]) is case["expected"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_to_json_gives_back_the_tree_the_browser_evaluates(case: dict) -> None:
    assert parse_condition(case["condition"]).to_json() == case["condition"]


def test_parsed_and_raw_conditions_agree() -> None:
    tree = {"and": [{">": [{"var": "a"}, 1]}, {"not": {"answered": "b"}}]}
    assert evaluate(parse_condition(tree), {"a": 2}) is evaluate(tree, {"a": 2}) is True


def test_referenced_items_in_order_without_repeats() -> None:
    condition = parse_condition(
        {"or": [{">": [{"var": "b"}, {"var": "a"}]}, {"in": [2, {"var": "m"}]}, {"answered": "b"}]}
    )
    assert referenced_items(condition) == ("b", "a", "m")


@pytest.mark.parametrize(
    ("tree", "problems"),
    [
        (
            {"gt": [{"var": "a"}, 1]},
            ["unknown operator 'gt' (allowed: ==, !=, <, <=, >, >=, in, and, or, not, answered)"],
        ),
        ({">": [{"var": "a"}]}, ["'>' needs a list of exactly 2 operands, got [{'var': 'a'}]"]),
        (
            {"==": [{"var": "a"}, "1"]},
            ["'==' operands must be whole numbers or {'var': item}, got '1'"],
        ),
        (
            {"==": [{"var": "a"}, True]},
            ["'==' operands must be whole numbers or {'var': item}, got True"],
        ),
        (
            {"in": [{"var": "a"}, []]},
            [
                "'in' needs a non-empty list of whole numbers or {'var': item} as its second "
                "operand, got []"
            ],
        ),
        ({"and": []}, ["'and' needs a non-empty list of conditions"]),
        ({"answered": ["a"]}, ["'answered' needs an item id, got ['a']"]),
        (
            {"var": "a"},
            ["{'var': ...} is an operand, not a condition; compare it, or use {'answered': item}"],
        ),
        (
            {">": [{"var": "a"}, 1], "<": [{"var": "a"}, 5]},
            [
                "a condition must be a mapping with exactly one operator, got "
                "{'>': [{'var': 'a'}, 1], '<': [{'var': 'a'}, 5]}"
            ],
        ),
        (
            {"or": [{"gt": 1}, {"==": [{"var": "a"}, "x"]}]},
            [
                "unknown operator 'gt' (allowed: ==, !=, <, <=, >, >=, in, and, or, not, answered)",
                "'==' operands must be whole numbers or {'var': item}, got 'x'",
            ],
        ),
    ],
)
def test_malformed_trees_are_refused_with_every_problem(tree: object, problems: list[str]) -> None:
    with pytest.raises(ConditionError) as raised:
        parse_condition(tree)
    assert raised.value.problems == problems


def test_evaluate_refuses_a_malformed_raw_tree() -> None:
    with pytest.raises(ConditionError):
        evaluate({"eval": "__import__('os')"}, {})
