"""Check one raw form value against its item and turn it into the stored answer value.

The messages are for the student, in the student's language: the only ways to hit most of
them are a typo in a number box or a tampered form, and either way the student should be told
plainly what to do.
"""

from __future__ import annotations

import re

from oko.questionnaire.model import Item
from oko.questionnaire.values import Answer

_MESSAGES: dict[str, dict[str, str]] = {
    "nl": {
        "required": "Beantwoord deze vraag.",
        "option": "Kies een van de antwoorden.",
        "number": "Vul een heel getal in.",
        "range": "Vul een getal in van {min} tot en met {max}.",
        "length": "Je antwoord is te lang. Gebruik hoogstens {max} tekens.",
    },
    "en": {
        "required": "Please answer this question.",
        "option": "Please choose one of the answers.",
        "number": "Please enter a whole number.",
        "range": "Please enter a number from {min} to {max}.",
        "length": "Your answer is too long. Please use at most {max} characters.",
    },
}
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class InvalidAnswer(ValueError):
    """A value that cannot be stored for an item; ``str(exc)`` is the message for the student."""


def validate_answer(item: Item, raw: object, language: str) -> Answer:
    """The value to store for ``raw`` (as posted by a form or sent as JSON), or raise.

    Blank input (``None``, an empty or whitespace-only string, an empty list) is "not answered"
    and gives ``None``, unless the item is required. Single choice: an option code, as ``int``
    or digit string. Multiple choice: a list of codes, stored sorted without repeats. Integer:
    a whole number within the item's bounds. Text: stripped, at most ``max_length`` characters.
    Messages are in ``language`` (Dutch or English; English for any other language).
    """
    messages = _MESSAGES.get(language, _MESSAGES["en"])
    value = _parse(item, raw, messages)
    if value is None and item.required:
        raise InvalidAnswer(messages["required"])
    return value


def _parse(item: Item, raw: object, messages: dict[str, str]) -> Answer:
    if _blank(raw):
        return None
    if item.type == "single":
        return _code(item, raw, messages)
    if item.type == "multiple":
        values = raw if isinstance(raw, list | tuple) else [raw]
        return sorted({_code(item, value, messages) for value in values if not _blank(value)})
    if item.type == "integer":
        number = _whole_number(raw)
        if number is None:
            raise InvalidAnswer(messages["number"])
        if (item.min is not None and number < item.min) or (
            item.max is not None and number > item.max
        ):
            raise InvalidAnswer(messages["range"].format(min=item.min, max=item.max))
        return number
    text = raw.strip().replace("\r\n", "\n") if isinstance(raw, str) else str(raw)
    if item.max_length is not None and len(text) > item.max_length:
        raise InvalidAnswer(messages["length"].format(max=item.max_length))
    return text


def _blank(raw: object) -> bool:
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return all(_blank(value) for value in raw)
    return raw is None


def _code(item: Item, raw: object, messages: dict[str, str]) -> int:
    code = _whole_number(raw)
    if code is None or code not in item.codes:
        raise InvalidAnswer(messages["option"])
    return code


def _whole_number(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and _WHOLE_NUMBER.fullmatch(raw.strip()):
        return int(raw.strip())
    return None
