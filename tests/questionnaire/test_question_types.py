"""The registry of question types: each layer asks the item's type, so a type is one module.

``Percentage`` below is a type this test registers for itself, in this file only; the tests
show that the builder, answers, conditions, the codebook and the microdata file take it
without any change elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import pytest

from oko.questionnaire import InvalidAnswer, Item, QuestionnaireError, validate_answer
from oko.questionnaire.builder import build, element_types
from oko.questionnaire.question_types import (
    QUESTION_TYPES,
    QuestionType,
    question_type,
    register,
    unregister,
)
from oko.questionnaire.question_types.base import whole_number
from oko.questionnaire.values import Answer
from oko.research import codebook, microdata


class Percentage(QuestionType):
    """A whole percentage, typed with or without "%"."""

    name = "percentage"
    numeric = True
    measure = "scale"
    messages: ClassVar[Mapping[str, Mapping[str, str]]] = {
        "en": {"percent": "Please enter a percentage from 0 to 100."}
    }

    def parse(self, item: Item, raw: object, language: str) -> Answer:
        number = whole_number(raw.rstrip("% ") if isinstance(raw, str) else raw)
        if number is None or not 0 <= number <= 100:
            raise InvalidAnswer(self.message("percent", language))
        return number

    def explain(self, item: Item, raw: str) -> str:
        return f"'{raw}' is not a percentage"


@pytest.fixture
def percentage() -> Iterator[QuestionType]:
    register(Percentage)
    yield question_type("percentage")
    unregister("percentage")


def definition(**share: Any) -> dict[str, Any]:
    return {
        "id": "types",
        "version": "1",
        "languages": ["en"],
        "title": {"en": "Types"},
        "intro": {"en": "Hello."},
        "help": {"en": "Thanks."},
        "pages": [
            {
                "id": "p1",
                "title": {"en": "Page"},
                "items": [
                    {"id": "share", "type": "percentage", "text": {"en": "Share?"}, **share},
                    {
                        "id": "more",
                        "type": "single",
                        "text": {"en": "Why so much?"},
                        "show_if": {">": [{"var": "share"}, 50]},
                        "options": [{"code": 1, "label": {"en": "No idea"}}],
                    },
                ],
            }
        ],
    }


def test_built_in_types_are_registered() -> None:
    assert set(QUESTION_TYPES) == {"single", "multiple", "integer", "text"}
    assert element_types() == ("grid", "integer", "multiple", "single", "text")
    assert [name for name, kind in QUESTION_TYPES.items() if kind.single_choice] == ["single"]
    assert {name: kind.measure for name, kind in QUESTION_TYPES.items() if name != "text"} == {
        "single": "ordinal",
        "multiple": "nominal",
        "integer": "scale",
    }


def test_a_name_is_registered_once() -> None:
    with pytest.raises(ValueError, match="registered already"):
        register(type("Again", (Percentage,), {"name": "single"}))


def test_new_type_works_end_to_end(percentage: QuestionType) -> None:
    questionnaire = build(definition(), "types.yaml")
    item = questionnaire.items["share"]
    assert item.kind is percentage
    assert validate_answer(item, " 75% ", "en") == 75
    with pytest.raises(InvalidAnswer, match="percentage from 0 to 100"):
        validate_answer(item, "150", "nl")
    assert questionnaire.visible_ids({"share": 75}) >= {"more"}
    assert "more" not in questionnaire.visible_ids({"share": 20})

    items = codebook.item_table(questionnaire, ["en"])
    assert "percentage" in items.fields[1].enum
    assert items.rows[0][:2] == ("share", "percentage")

    records = [
        microdata.ResponseRecord(n, 1, 2, {"share": 40 + n % 3, "more": None}) for n in range(30)
    ]
    policy = microdata.Policy(b"k" * 32, min_school_size=5, min_category_size=1)
    data = microdata.build(questionnaire, records, policy)
    share = next(v for v in data.variables if v.name == "share")
    assert share.measure == "scale"
    assert set(data.table.column("share")) == {40, 41, 42}


def test_new_type_takes_only_its_own_keys(percentage: QuestionType) -> None:
    with pytest.raises(QuestionnaireError) as refused:
        build(definition(options=[{"code": 1, "label": {"en": "x"}}]), "types.yaml")
    assert refused.value.errors == [
        "types.yaml: item 'share': 'options' does not apply to percentage items"
    ]


def test_unknown_type_names_every_registered_one(percentage: QuestionType) -> None:
    raw = definition()
    raw["pages"][0]["items"][0]["type"] = "slider"
    with pytest.raises(QuestionnaireError) as refused:
        build(raw, "types.yaml")
    assert refused.value.errors[0] == (
        "types.yaml: item 'share': unknown type 'slider' "
        "(expected one of: grid, integer, multiple, percentage, single, text)"
    )
