"""Single choice: one option code; also the rows of a grid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oko.questionnaire.question_types.base import QuestionType, option_code, register
from oko.questionnaire.values import Answer

if TYPE_CHECKING:
    from oko.questionnaire.model import Item

CHOOSE_ONE = {
    "nl": {"option": "Kies een van de antwoorden."},
    "en": {"option": "Please choose one of the answers."},
    "ar": {"option": "اختر إحدى الإجابات من فضلك."},
    "tr": {"option": "Lütfen cevaplardan birini seç."},
    "pl": {"option": "Wybierz jedną z odpowiedzi."},
    "uk": {"option": "Будь ласка, обери одну з відповідей."},
}


@register
class Single(QuestionType):
    """Codes are ordered (answer scales), so rare extreme codes are merged, not withheld."""

    name = "single"
    keys = ("options",)
    coded = True
    numeric = True
    measure = "ordinal"
    messages = CHOOSE_ONE

    def parse(self, item: Item, raw: object, language: str) -> Answer:
        return option_code(item, raw, self.message("option", language))

    def explain(self, item: Item, raw: str) -> str:
        return f"'{raw}' is not a code of this item (codes: {', '.join(map(str, item.codes))})"
