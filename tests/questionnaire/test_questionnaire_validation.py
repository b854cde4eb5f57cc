"""Every kind of invalid definition is refused with a message naming file, element and problem.

Each case changes one thing in tests/data/questionnaires/item-types.yaml (which is valid) and
asserts the complete list of messages, so a change that adds a second, confusing message fails.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from oko.questionnaire import QuestionnaireError, check_files, load

Data = dict[str, Any]
OPERATORS = "==, !=, <, <=, >, >=, in, and, or, not, answered"


def element(data: Data, element_id: str) -> Data:
    """The item, grid or grid row with this id, to change in place."""
    for page in data["pages"]:
        for raw in page["items"]:
            if raw["id"] == element_id:
                return raw
            for row in raw.get("rows", []):
                if row["id"] == element_id:
                    return row
    raise KeyError(element_id)


def text(nl: str) -> dict[str, str]:
    return {"nl": nl, "en": nl}


CASES: list[tuple[str, Callable[[Data], object], list[str]]] = [
    # Ids
    (
        "duplicate item id",
        lambda d: d["pages"][1]["items"].append(dict(element(d, "smokes"))),
        ["item 'smokes': duplicate id; first used on page 'first'"],
    ),
    (
        "duplicate grid row id",
        lambda d: element(d, "feelings")["rows"].append({"id": "feel_sad", "text": text("B")}),
        ["item 'feel_sad': duplicate id; first used on page 'second'"],
    ),
    (
        "grid row reusing an item id",
        lambda d: element(d, "feel_sad").update(id="remarks"),
        [
            "item 'remarks': duplicate id; first used on page 'second'",
            "scale 'mood': refers to unknown item 'feel_sad' (did you mean 'feel_happy'?)",
        ],
    ),
    (
        "duplicate page id",
        lambda d: d["pages"][1].update(id="first"),
        ["page 'first': duplicate page id"],
    ),
    (
        "invalid item id",
        lambda d: element(d, "remarks").update(id="Remarks-1"),
        [
            "page 'second' item 2: id 'Remarks-1' must be lowercase letters, digits and '_', "
            "starting with a letter"
        ],
    ),
    (
        "missing item id",
        lambda d: element(d, "remarks").pop("id"),
        ["page 'second' item 2: missing id"],
    ),
    # Options
    (
        "option code used twice",
        lambda d: element(d, "gender")["options"][2].update(code=1),
        ["item 'gender': option code 1 is used twice"],
    ),
    (
        "negative option code",
        lambda d: element(d, "gender")["options"][2].update(code=-1),
        ["item 'gender': option 3: code must be a whole number, 0 or more"],
    ),
    (
        "no options",
        lambda d: element(d, "pets").update(options=[]),
        ["item 'pets': options must be a non-empty list"],
    ),
    # Conditions
    (
        "show_if refers to an unknown item, with a suggestion",
        lambda d: element(d, "amount").update(show_if={">": [{"var": "smoke"}, 1]}),
        ["item 'amount': show_if refers to unknown item 'smoke' (did you mean 'smokes'?)"],
    ),
    (
        "show_if refers to an unknown item",
        lambda d: element(d, "amount").update(show_if={"answered": "zzz"}),
        ["item 'amount': show_if refers to unknown item 'zzz'"],
    ),
    (
        "show_if refers to a later item",
        lambda d: element(d, "pets").update(show_if={"answered": "remarks"}),
        ["item 'pets': show_if refers to item 'remarks', which comes later in the questionnaire"],
    ),
    (
        "show_if refers to a later item on the same page",
        lambda d: element(d, "age").update(show_if={"==": [{"var": "smokes"}, 2]}),
        ["item 'age': show_if refers to item 'smokes', which comes later in the questionnaire"],
    ),
    (
        "show_if refers to the item itself",
        lambda d: element(d, "amount").update(show_if={">": [{"var": "amount"}, 1]}),
        ["item 'amount': show_if refers to the item itself"],
    ),
    (
        "grid show_if refers to one of its own rows",
        lambda d: element(d, "feelings").update(show_if={"answered": "feel_sad"}),
        [
            "grid 'feelings': show_if refers to item 'feel_sad', which comes later in the "
            "questionnaire"
        ],
    ),
    (
        "show_if refers to a grid instead of a row",
        lambda d: element(d, "remarks").update(show_if={"answered": "feelings"}),
        [
            "item 'remarks': show_if refers to grid 'feelings', which holds no answer of its "
            "own; refer to one of its rows"
        ],
    ),
    (
        "unknown operator",
        lambda d: element(d, "amount").update(show_if={"gt": [{"var": "smokes"}, 1]}),
        [f"item 'amount': show_if: unknown operator 'gt' (allowed: {OPERATORS})"],
    ),
    (
        "operator with the wrong number of operands",
        lambda d: element(d, "amount").update(show_if={">": [{"var": "smokes"}]}),
        ["item 'amount': show_if: '>' needs a list of exactly 2 operands, got [{'var': 'smokes'}]"],
    ),
    (
        "comparison with a string",
        lambda d: element(d, "amount").update(show_if={"==": [{"var": "smokes"}, "2"]}),
        ["item 'amount': show_if: '==' operands must be whole numbers or {'var': item}, got '2'"],
    ),
    (
        "comparison with a code the item does not have",
        lambda d: element(d, "amount").update(show_if={"==": [{"var": "smokes"}, 3]}),
        ["item 'amount': show_if: 'smokes' has no option with code 3"],
    ),
    (
        "'in' with a code the item does not have",
        lambda d: element(d, "amount").update(show_if={"in": [{"var": "smokes"}, [2, 4]]}),
        ["item 'amount': show_if: 'smokes' has no option with code 4"],
    ),
    (
        "comparison on a multiple item",
        lambda d: element(d, "amount").update(show_if={">": [{"var": "pets"}, 1]}),
        ["item 'amount': show_if: 'pets' is a multiple item; test it with 'in' or 'answered'"],
    ),
    (
        "'in' over a single item",
        lambda d: element(d, "amount").update(show_if={"in": [2, {"var": "smokes"}]}),
        [
            "item 'amount': show_if: the second operand of 'in' must be a list of codes or a "
            "multiple item; 'smokes' is a single item"
        ],
    ),
    (
        "'in' with a code a multiple item does not have",
        lambda d: element(d, "amount").update(show_if={"in": [9, {"var": "pets"}]}),
        ["item 'amount': show_if: 'pets' has no option with code 9"],
    ),
    (
        "comparison on a text item",
        lambda d: (
            element(d, "feelings").update(show_if={"==": [{"var": "remarks"}, 1]})
            or d["pages"][1]["items"].reverse()
        ),
        ["grid 'feelings': show_if: 'remarks' is a text item; test it with 'answered'"],
    ),
    # Translations
    (
        "missing translation of an item text",
        lambda d: element(d, "smokes")["text"].pop("en"),
        ["item 'smokes': text: missing 'en' translation"],
    ),
    (
        "missing translation of an option label",
        lambda d: element(d, "smokes")["options"][1]["label"].pop("en"),
        ["item 'smokes': option 2: label: missing 'en' translation"],
    ),
    (
        "missing translation of a grid row",
        lambda d: element(d, "feel_sad")["text"].pop("nl"),
        ["item 'feel_sad': text: missing 'nl' translation"],
    ),
    (
        "missing translation of the title",
        lambda d: d["title"].pop("en"),
        ["title: missing 'en' translation"],
    ),
    (
        "missing translation of a page title",
        lambda d: d["pages"][0]["title"].pop("nl"),
        ["page 'first': title: missing 'nl' translation"],
    ),
    (
        "empty translation",
        lambda d: element(d, "smokes")["text"].update(en="  "),
        ["item 'smokes': text: 'en' must be a non-empty text, got '  '"],
    ),
    (
        "translation into an undeclared language",
        lambda d: element(d, "smokes")["text"].update(de="Rauchst du?"),
        ["item 'smokes': text: 'de' is not a declared language"],
    ),
    (
        "a plain string where translations are needed",
        lambda d: element(d, "smokes").update(text="Rook je?"),
        ["item 'smokes': text must map each language to a text, e.g. {nl: ..., en: ...}"],
    ),
    # Types and their settings
    (
        "unknown type",
        lambda d: element(d, "remarks").update(type="essay"),
        [
            "item 'remarks': unknown type 'essay' "
            "(expected one of: grid, integer, multiple, single, text)"
        ],
    ),
    (
        "missing type",
        lambda d: element(d, "remarks").pop("type"),
        ["item 'remarks': missing type"],
    ),
    (
        "min greater than max",
        lambda d: element(d, "age").update(min=30),
        ["item 'age': min (30) is greater than max (20)"],
    ),
    (
        "missing max",
        lambda d: element(d, "age").pop("max"),
        ["item 'age': integer items need 'max'"],
    ),
    (
        "min not a whole number",
        lambda d: element(d, "age").update(min=10.5),
        ["item 'age': min must be a whole number, got 10.5"],
    ),
    (
        "max_length below 1",
        lambda d: element(d, "remarks").update(max_length=0),
        ["item 'remarks': max_length must be a whole number above 0, got 0"],
    ),
    (
        "setting of another type",
        lambda d: element(d, "age").update(options=element(d, "smokes")["options"]),
        ["item 'age': 'options' does not apply to integer items"],
    ),
    (
        "misspelt key",
        lambda d: element(d, "amount").update({"show-if": element(d, "amount").pop("show_if")}),
        ["item 'amount': unknown key 'show-if'"],
    ),
    (
        "required not a boolean",
        lambda d: element(d, "smokes").update(required="yes"),
        ["item 'smokes': required must be true or false, got 'yes'"],
    ),
    (
        "grid without rows",
        lambda d: element(d, "feelings").update(rows=[]),
        [
            "grid 'feelings': rows must be a non-empty list",
            "scale 'mood': refers to unknown item 'feel_happy'",
            "scale 'mood': refers to unknown item 'feel_sad'",
        ],
    ),
    # Top level
    (
        "missing version",
        lambda d: d.pop("version"),
        ["missing version"],
    ),
    (
        "unquoted version",
        lambda d: d.update(version=2026.1),
        ['version must be a quoted string such as "2026.1", got 2026.1'],
    ),
    (
        "language listed twice",
        lambda d: d.update(languages=["nl", "en", "nl"]),
        ["languages: 'nl' is listed twice"],
    ),
    (
        "unknown top-level key",
        lambda d: d.update(pagse=[]),
        ["unknown key 'pagse'"],
    ),
    # Demographics
    (
        "unknown demographic role",
        lambda d: d["demographics"].update(sex="gender"),
        ["demographics: unknown role 'sex' (expected one of: gender, grade, age, school_type)"],
    ),
    (
        "demographic of the wrong type",
        lambda d: d["demographics"].update(grade="pets"),
        ["demographics: grade must be single item; 'pets' is a multiple item"],
    ),
    # Scales
    (
        "scale over a non-existent item",
        lambda d: d["scales"][0]["items"].append("feel_angry"),
        ["scale 'mood': refers to unknown item 'feel_angry' (did you mean 'feel_happy'?)"],
    ),
    (
        "scale over a non-single item",
        lambda d: d["scales"][0]["items"].append("age"),
        ["scale 'mood': item 'age' is an integer item; scale items must be single choice"],
    ),
    (
        "reverse item outside the scale",
        lambda d: d["scales"][0]["reverse"].append("smokes"),
        ["scale 'mood': reverse item 'smokes' is not one of the scale's items"],
    ),
    (
        "scale item listed twice",
        lambda d: d["scales"][0]["items"].append("feel_sad"),
        ["scale 'mood': items: 'feel_sad' is listed twice"],
    ),
    (
        "bad min_answered",
        lambda d: d["scales"][0].update(min_answered=75),
        ["scale 'mood': min_answered must be a number above 0 and at most 1, got 75"],
    ),
    (
        "min_answered as a word",
        lambda d: d["scales"][0].update(min_answered="most"),
        ["scale 'mood': min_answered must be a number above 0 and at most 1, got 'most'"],
    ),
    (
        "duplicate scale id",
        lambda d: d["scales"].append(dict(d["scales"][0])),
        ["scale 'mood': duplicate scale id"],
    ),
    # Quality rules
    (
        "fictitious item that does not exist",
        lambda d: d["quality"].update(fictitious=["relevin"]),
        ["quality: fictitious refers to unknown item 'relevin'"],
    ),
    (
        "consistency rule over an unknown item",
        lambda d: d["quality"]["consistency"][0].update(when={"answered": "amout"}),
        [
            "quality: consistency 'amount_without_smoking': when refers to unknown item "
            "'amout' (did you mean 'amount'?)"
        ],
    ),
    (
        "straight-lining check on an item",
        lambda d: d["quality"].update(straightline_grids=["smokes"]),
        ["quality: straightline_grids: 'smokes' is an item, not a grid"],
    ),
    (
        "straight-lining check on an unknown grid",
        lambda d: d["quality"].update(straightline_grids=["feeling"]),
        ["quality: straightline_grids refers to unknown grid 'feeling' (did you mean 'feelings'?)"],
    ),
    (
        "core item that is not asked of everyone",
        lambda d: d["quality"]["core_items"].append("amount"),
        [
            "quality: core_items: 'amount' has a show_if condition, but core items must be "
            "asked of everyone"
        ],
    ),
    (
        "share as a word",
        lambda d: d["quality"].update(too_fast_share_of_median="third"),
        ["quality: too_fast_share_of_median must be a number above 0 and at most 1, got 'third'"],
    ),
    (
        "share above 1",
        lambda d: d["quality"].update(max_core_missing_share=50),
        ["quality: max_core_missing_share must be a number above 0 and at most 1, got 50"],
    ),
]


def write(tmp_path: Path, data: Data) -> Path:
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def base(data_dir: Path) -> Data:
    return yaml.safe_load((data_dir / "item-types.yaml").read_text(encoding="utf-8"))


def test_the_base_is_valid(tmp_path: Path, base: Data) -> None:
    assert check_files([write(tmp_path, base)]) == []


@pytest.mark.parametrize(("change", "messages"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_definition(
    tmp_path: Path, base: Data, change: Callable[[Data], object], messages: list[str]
) -> None:
    change(base)
    path = write(tmp_path, base)
    assert check_files([path]) == [f"{path}: {message}" for message in messages]


def test_every_text_needs_every_declared_language(tmp_path: Path, data_dir: Path) -> None:
    data = yaml.safe_load((data_dir / "minimal.yaml").read_text(encoding="utf-8"))
    data["languages"].append("fr")
    path = write(tmp_path, data)
    assert check_files([path]) == [
        f"{path}: title: missing 'fr' translation",
        f"{path}: intro: missing 'fr' translation",
        f"{path}: help: missing 'fr' translation",
        f"{path}: page 'only': title: missing 'fr' translation",
        f"{path}: item 'q1': text: missing 'fr' translation",
        f"{path}: item 'q1': option 1: label: missing 'fr' translation",
        f"{path}: item 'q1': option 2: label: missing 'fr' translation",
    ]


@pytest.mark.parametrize(
    ("change", "messages"),
    [
        (lambda d: d.update(pages=[]), ["pages must be a non-empty list"]),
        (lambda d: d.pop("pages"), ["missing pages"]),
        (lambda d: d["pages"][0].update(items=[]), ["page 'only': items must be a non-empty list"]),
        (lambda d: d.pop("help"), ["missing help"]),
        (
            lambda d: d.update(id="Minimal Survey"),
            [
                "id 'Minimal Survey' must be lowercase letters, digits, '-' and '_', starting with "
                "a letter"
            ],
        ),
        (
            lambda d: d.update(languages="nl"),
            ["languages must be a non-empty list of language codes such as [nl, en]"],
        ),
    ],
    ids=["no pages", "missing pages", "empty page", "missing help", "bad id", "bad languages"],
)
def test_invalid_top_level(
    tmp_path: Path, data_dir: Path, change: Callable[[Data], object], messages: list[str]
) -> None:
    data = yaml.safe_load((data_dir / "minimal.yaml").read_text(encoding="utf-8"))
    change(data)
    path = write(tmp_path, data)
    assert check_files([path]) == [f"{path}: {message}" for message in messages]


def test_all_problems_are_collected_not_just_the_first(data_dir: Path) -> None:
    path = data_dir / "invalid-skip.yaml"
    with pytest.raises(QuestionnaireError) as raised:
        load(path)
    assert raised.value.errors == [
        f"{path}: item 'alc_30d': option code 1 is used twice",
        f"{path}: item 'alc_30d': show_if refers to unknown item 'alc_lifetme' "
        "(did you mean 'alc_lifetime'?)",
    ]
    assert str(raised.value) == "\n".join(raised.value.errors)
