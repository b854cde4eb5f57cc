"""What every question type provides, and the registry that finds a type by name.

A question type says what its YAML accepts, how a raw value (form, JSON, CSV cell) becomes
the stored answer, which conditions and roles it can serve, and how its answers are coded in
research files (one code column or one 0/1 column per option, the SPSS measure level). Every
layer asks the item's type instead of testing ``item.type == "single"``, so a new type is one
module here (plus its form field and macro in :mod:`oko.web.survey.forms`) and its tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Literal, TypeAlias

from oko.questionnaire.values import Answer

if TYPE_CHECKING:
    from oko.questionnaire.model import Item

#: SPSS measurement level of a research-file column.
Measure: TypeAlias = Literal["nominal", "ordinal", "scale"]

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class InvalidAnswer(ValueError):
    """A value that cannot be stored for an item; ``str(exc)`` is the message for the student."""


class QuestionType:
    """One kind of answerable item; subclasses set the class attributes and ``parse``."""

    name: ClassVar[str]
    #: YAML keys the item takes besides id, type, text, hint, required and show_if. The
    #: builder reads ``options``, ``min``/``max`` and ``max_length`` when they are listed.
    keys: ClassVar[tuple[str, ...]] = ()
    #: Answers are option codes (conditions compare them with the options' codes).
    coded: ClassVar[bool] = False
    #: The answer is a list of codes: several form values, one 0/1 column per option.
    several: ClassVar[bool] = False
    #: The answer is one number, so conditions may compare it (``==``, ``<``, ...).
    numeric: ClassVar[bool] = False
    #: Why its answers never leave the server in research files; empty when they do.
    not_exported: ClassVar[str] = ""
    #: SPSS measurement level of its research-file columns.
    measure: ClassVar[Measure] = "ordinal"
    #: Messages for the student per language and key (English for any other language).
    messages: ClassVar[Mapping[str, Mapping[str, str]]] = {}

    @property
    def single_choice(self) -> bool:
        """One option code per answer: what scales, grids and most demographic roles need."""
        return self.coded and not self.several

    def parse(self, item: Item, raw: object, language: str) -> Answer:
        """The stored value for a non-blank ``raw``, or :class:`InvalidAnswer`."""
        raise NotImplementedError

    def from_cell(self, raw: str) -> object:
        """A non-empty cell of an import CSV as :meth:`parse` takes it."""
        return raw

    def explain(self, item: Item, raw: str) -> str:
        """Why :meth:`parse` refused the cell ``raw``, for whoever keyed the data in."""
        raise NotImplementedError

    def message(self, key: str, language: str, **values: object) -> str:
        messages = self.messages.get(language) or self.messages["en"]
        return messages[key].format(**values)


_REGISTRY: dict[str, QuestionType] = {}
#: Every registered question type by name, in registration order.
QUESTION_TYPES: Mapping[str, QuestionType] = MappingProxyType(_REGISTRY)


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: make the type known under its ``name`` (a name is taken only once)."""
    if cls.name in _REGISTRY:
        raise ValueError(f"question type {cls.name!r} is registered already")
    _REGISTRY[cls.name] = cls()
    return cls


def unregister(name: str) -> None:
    """Forget a type again: for types a test registers for itself."""
    del _REGISTRY[name]


def question_type(name: str) -> QuestionType:
    """The registered type ``name``; ``KeyError`` for an unknown one."""
    return _REGISTRY[name]


def blank(raw: object) -> bool:
    """Nothing entered: ``None``, a blank string, or a list of blanks."""
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return all(blank(value) for value in raw)
    return raw is None


def whole_number(raw: object) -> int | None:
    """An ``int`` or a string of digits (with a sign) as ``int``; ``None`` for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and _WHOLE_NUMBER.fullmatch(raw.strip()):
        return int(raw.strip())
    return None


def option_code(item: Item, raw: object, message: str) -> int:
    """One of the item's option codes, or :class:`InvalidAnswer` with ``message``."""
    code = whole_number(raw)
    if code is None or code not in item.codes:
        raise InvalidAnswer(message)
    return code
