"""Check one raw form value against its item and turn it into the stored answer value.

The messages are for the student, in the student's language: the only ways to hit most of
them are a typo in a number box or a tampered form, and either way the student should be told
plainly what to do. What a value must look like is the item's question type's business
(:mod:`oko.questionnaire.question_types`); this module adds what all types share.
"""

from __future__ import annotations

from oko.questionnaire.model import Item
from oko.questionnaire.question_types import InvalidAnswer, blank
from oko.questionnaire.values import Answer

__all__ = ["InvalidAnswer", "validate_answer"]

_REQUIRED = {
    "nl": "Beantwoord deze vraag.",
    "en": "Please answer this question.",
    "ar": "أجب عن هذا السؤال من فضلك.",
    "tr": "Lütfen bu soruyu cevapla.",
    "pl": "Odpowiedz na to pytanie.",
    "uk": "Будь ласка, дай відповідь на це питання.",
}


def validate_answer(item: Item, raw: object, language: str) -> Answer:
    """The value to store for ``raw`` (as posted by a form or sent as JSON), or raise.

    Blank input (``None``, an empty or whitespace-only string, an empty list) is "not answered"
    and gives ``None``, unless the item is required. Single choice: an option code, as ``int``
    or digit string. Multiple choice: a list of codes, stored sorted without repeats. Integer:
    a whole number within the item's bounds. Text: stripped, at most ``max_length`` characters.
    Messages are in ``language`` (Dutch or English; English for any other language).
    """
    value = None if blank(raw) else item.kind.parse(item, raw, language)
    if value is None and item.required:
        raise InvalidAnswer(_REQUIRED.get(language, _REQUIRED["en"]))
    return value
