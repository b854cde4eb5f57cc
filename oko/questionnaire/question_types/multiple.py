"""Multiple choice: a sorted list of option codes, one 0/1 column per option in exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oko.questionnaire.question_types.base import (
    QuestionType,
    blank,
    option_code,
    register,
    whole_number,
)
from oko.questionnaire.question_types.single import CHOOSE_ONE
from oko.questionnaire.values import Answer

if TYPE_CHECKING:
    from oko.questionnaire.model import Item

#: Separates the codes of one multiple-choice answer in a CSV cell ("1;3").
CELL_SEPARATOR = ";"


@register
class Multiple(QuestionType):
    """Options of a multiple item have no order ("my mother", "my father"): nominal."""

    name = "multiple"
    keys = ("options",)
    coded = True
    several = True
    measure = "nominal"
    messages = CHOOSE_ONE

    def parse(self, item: Item, raw: object, language: str) -> Answer:
        values = raw if isinstance(raw, list | tuple) else [raw]
        message = self.message("option", language)
        return sorted({option_code(item, value, message) for value in values if not blank(value)})

    def from_cell(self, raw: str) -> object:
        return raw.split(CELL_SEPARATOR)

    def explain(self, item: Item, raw: str) -> str:
        parts = [part.strip() for part in raw.split(CELL_SEPARATOR) if part.strip()]
        wrong = [part for part in parts if whole_number(part) not in item.codes]
        listed = ", ".join(f"'{part}'" for part in wrong)
        return (
            f"{listed} {'is not a code' if len(wrong) == 1 else 'are not codes'} of this item "
            f"(codes: {', '.join(map(str, item.codes))}; separate several with "
            f"'{CELL_SEPARATOR}')"
        )
