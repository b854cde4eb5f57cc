"""A whole number within the item's bounds (age, number of days)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from oko.questionnaire.question_types.base import (
    InvalidAnswer,
    QuestionType,
    register,
    whole_number,
)
from oko.questionnaire.values import Answer

if TYPE_CHECKING:
    from oko.questionnaire.model import Item


@register
class Integer(QuestionType):
    """Counts and ages are quantities: SPSS treats them as scale variables."""

    name = "integer"
    keys = ("min", "max")
    numeric = True
    measure = "scale"
    messages: ClassVar[Mapping[str, Mapping[str, str]]] = {
        "nl": {
            "number": "Vul een heel getal in.",
            "range": "Vul een getal in van {min} tot en met {max}.",
        },
        "en": {
            "number": "Please enter a whole number.",
            "range": "Please enter a number from {min} to {max}.",
        },
        "ar": {"number": "اكتب عدداً صحيحاً.", "range": "اكتب عدداً من {min} إلى {max}."},
        "tr": {"number": "Tam bir sayı yaz.", "range": "{min} ile {max} arasında bir sayı yaz."},
        "pl": {"number": "Wpisz liczbę całkowitą.", "range": "Wpisz liczbę od {min} do {max}."},
        "uk": {"number": "Введи ціле число.", "range": "Введи число від {min} до {max}."},
    }

    def parse(self, item: Item, raw: object, language: str) -> Answer:
        number = whole_number(raw)
        if number is None:
            raise InvalidAnswer(self.message("number", language))
        if (item.min is not None and number < item.min) or (
            item.max is not None and number > item.max
        ):
            raise InvalidAnswer(self.message("range", language, min=item.min, max=item.max))
        return number

    def explain(self, item: Item, raw: str) -> str:
        if whole_number(raw) is None:
            return f"'{raw}' is not a whole number"
        return f"{raw} is out of range: the item takes {item.min} to {item.max}"
