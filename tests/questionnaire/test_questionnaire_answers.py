"""validate_answer: raw form values in, stored values (or a message for the student) out."""

from dataclasses import replace

import pytest

from oko.questionnaire import InvalidAnswer, Questionnaire, validate_answer


@pytest.mark.parametrize(
    ("item_id", "raw", "value"),
    [
        ("smokes", "2", 2),
        ("smokes", 1, 1),
        ("smokes", " 2 ", 2),
        ("smokes", None, None),
        ("smokes", "", None),
        ("feel_sad", "3", 3),
        ("pets", ["3", "1", "3"], [1, 3]),
        ("pets", "2", [2]),
        ("pets", [], None),
        ("pets", ["", ""], None),
        ("age", "13", 13),
        ("age", 10, 10),
        ("age", "20", 20),
        ("age", "  ", None),
        ("remarks", "  Leuk!  ", "Leuk!"),
        ("remarks", "a\r\nb", "a\nb"),
        ("remarks", "x" * 20, "x" * 20),
        ("remarks", "   ", None),
    ],
)
def test_valid_values(item_types: Questionnaire, item_id: str, raw: object, value: object) -> None:
    assert validate_answer(item_types.items[item_id], raw, "nl") == value


@pytest.mark.parametrize(
    ("item_id", "raw", "nl", "en"),
    [
        ("smokes", "3", "Kies een van de antwoorden.", "Please choose one of the answers."),
        ("smokes", "ja", "Kies een van de antwoorden.", "Please choose one of the answers."),
        ("smokes", True, "Kies een van de antwoorden.", "Please choose one of the answers."),
        ("pets", ["1", "9"], "Kies een van de antwoorden.", "Please choose one of the answers."),
        ("age", "twaalf", "Vul een heel getal in.", "Please enter a whole number."),
        ("age", "12.5", "Vul een heel getal in.", "Please enter a whole number."),
        (
            "age",
            "9",
            "Vul een getal in van 10 tot en met 20.",
            "Please enter a number from 10 to 20.",
        ),
        (
            "age",
            21,
            "Vul een getal in van 10 tot en met 20.",
            "Please enter a number from 10 to 20.",
        ),
        (
            "remarks",
            "x" * 21,
            "Je antwoord is te lang. Gebruik hoogstens 20 tekens.",
            "Your answer is too long. Please use at most 20 characters.",
        ),
    ],
)
def test_invalid_values_give_a_message_in_the_students_language(
    item_types: Questionnaire, item_id: str, raw: object, nl: str, en: str
) -> None:
    item = item_types.items[item_id]
    for language, message in (("nl", nl), ("en", en), ("fr", en)):
        with pytest.raises(InvalidAnswer) as raised:
            validate_answer(item, raw, language)
        assert str(raised.value) == message


def test_required_items_refuse_blank_answers(item_types: Questionnaire) -> None:
    item = replace(item_types.items["smokes"], required=True)
    with pytest.raises(InvalidAnswer, match=r"^Beantwoord deze vraag\.$"):
        validate_answer(item, "", "nl")
    assert validate_answer(item, "1", "nl") == 1
