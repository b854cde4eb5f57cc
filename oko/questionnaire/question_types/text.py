"""Free text: stored for the school's own reading, never exported (it can name people)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from oko.questionnaire.question_types.base import InvalidAnswer, QuestionType, register
from oko.questionnaire.values import Answer

if TYPE_CHECKING:
    from oko.questionnaire.model import Item


@register
class FreeText(QuestionType):
    name = "text"
    keys = ("max_length",)
    not_exported = "free text is never exported"
    messages: ClassVar[Mapping[str, Mapping[str, str]]] = {
        "nl": {"length": "Je antwoord is te lang. Gebruik hoogstens {max} tekens."},
        "en": {"length": "Your answer is too long. Please use at most {max} characters."},
        "ar": {"length": "إجابتك طويلة جداً. استخدم {max} حرفاً على الأكثر."},
        "tr": {"length": "Cevabın çok uzun. En fazla {max} karakter kullan."},
        "pl": {"length": "Twoja odpowiedź jest za długa. Użyj najwyżej {max} znaków."},
        "uk": {"length": "Твоя відповідь задовга. Використай щонайбільше {max} символів."},
    }

    def parse(self, item: Item, raw: object, language: str) -> Answer:
        text = raw.strip().replace("\r\n", "\n") if isinstance(raw, str) else str(raw)
        if item.max_length is not None and len(text) > item.max_length:
            raise InvalidAnswer(self.message("length", language, max=item.max_length))
        return text

    def explain(self, item: Item, raw: str) -> str:
        return f"the text has {len(raw)} characters; at most {item.max_length} are allowed"
