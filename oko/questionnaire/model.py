"""A questionnaire as frozen data, with the routing questions the survey asks of it.

Definitions are data: they are validated once (:mod:`oko.questionnaire.builder`), frozen, and
shared by every request. Routing is pure: which items are visible given the answers so far,
which answers to drop when the student changes an earlier answer, which page comes next.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TypeAlias

from oko.questionnaire.conditions import Condition, evaluate
from oko.questionnaire.question_types.base import QuestionType, question_type
from oko.questionnaire.values import Answer, Answers

#: Name of a registered question type (:mod:`oko.questionnaire.question_types`); a grid is a
#: container whose rows are ``single`` items.
ItemType: TypeAlias = str


@dataclass(frozen=True)
class Text:
    """One text in every declared language; ``text["nl"]`` works in Python and Jinja."""

    translations: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, mapping: Mapping[str, str]) -> Text:
        return cls(tuple(mapping.items()))

    def __getitem__(self, language: str) -> str:
        for lang, value in self.translations:
            if lang == language:
                return value
        raise KeyError(language)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.translations)


@dataclass(frozen=True)
class Option:
    """An answer option: a stable numeric code (stored, exported) and its label."""

    code: int
    label: Text


@dataclass(frozen=True)
class Item:
    """Something a student answers; its id is a column name in every export."""

    id: str
    type: ItemType
    text: Text
    page: str
    options: tuple[Option, ...] = ()
    required: bool = False
    #: For a grid row: the grid's condition, so an item alone says whether it is shown.
    show_if: Condition | None = None
    hint: Text | None = None
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    #: Id of the grid this item is a row of, if any.
    grid: str | None = None

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(option.code for option in self.options)

    @property
    def kind(self) -> QuestionType:
        """The item's question type: how its answers are checked, stored and exported."""
        return question_type(self.type)


@dataclass(frozen=True)
class Grid:
    """A Likert grid: one question text, one shared answer scale, rows that are items."""

    id: str
    text: Text
    page: str
    options: tuple[Option, ...]
    rows: tuple[Item, ...]
    required: bool = False
    show_if: Condition | None = None
    hint: Text | None = None


Element: TypeAlias = Item | Grid


@dataclass(frozen=True)
class Page:
    """One screen of the survey."""

    id: str
    title: Text
    elements: tuple[Element, ...]
    intro: Text | None = None

    @property
    def items(self) -> tuple[Item, ...]:
        """Answerable items in order, grid rows included."""
        return tuple(item for element in self.elements for item in _answerable(element))


@dataclass(frozen=True)
class Scale:
    """A mean score over single-choice items.

    A reverse-coded item counts as ``min code + max code - code``. The score exists only when
    the share of the scale's items answered is at least ``min_answered``.
    """

    id: str
    label: Text
    items: tuple[str, ...]
    reverse: tuple[str, ...] = ()
    min_answered: float = 1.0


@dataclass(frozen=True)
class ConsistencyRule:
    """A named condition that, when true for a response, marks it as inconsistent."""

    id: str
    when: Condition


@dataclass(frozen=True)
class QualityRules:
    """Data-quality checks run at submission (see :mod:`oko.questionnaire.quality`)."""

    fictitious: tuple[str, ...] = ()
    consistency: tuple[ConsistencyRule, ...] = ()
    straightline_grids: tuple[str, ...] = ()
    core_items: tuple[str, ...] = ()
    max_core_missing_share: float = 0.5
    too_fast_share_of_median: float = 0.33


@dataclass(frozen=True)
class Translation:
    """A language added to a questionnaire by its translation files (see
    :mod:`oko.questionnaire.translations`), with what a wave's admin must know to offer it."""

    language: str
    #: The language's own name, e.g. "العربية", for the student's choice.
    name: str
    #: ``ltr`` or ``rtl``: the page's writing direction.
    direction: str
    #: Who has checked the translation, e.g. "drafted, not reviewed by a native speaker".
    review_status: str


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """A validated questionnaire; build it with :func:`oko.questionnaire.load`."""

    id: str
    version: str
    languages: tuple[str, ...]
    title: Text
    intro: Text
    help: Text
    pages: tuple[Page, ...]
    #: Role (gender, grade, age, school_type) -> item id.
    demographics: Mapping[str, str] = field(default_factory=dict)
    scales: tuple[Scale, ...] = ()
    quality: QualityRules = field(default_factory=QualityRules)
    #: The file it was loaded from, for messages.
    source: str = ""
    #: A composition's modules as ``(module id, module version)``, in order; empty for a
    #: questionnaire that is not composed (see :mod:`oko.questionnaire.composition`).
    modules: tuple[tuple[str, str], ...] = ()
    #: Languages beyond the declared ones, from translation files; every text then has them.
    translations: tuple[Translation, ...] = ()

    @property
    def student_languages(self) -> tuple[str, ...]:
        """Every language a student can fill this questionnaire in: declared, then translated."""
        return self.languages + tuple(t.language for t in self.translations)

    @cached_property
    def items(self) -> Mapping[str, Item]:
        """Every answerable item (grid rows included) by id, in questionnaire order."""
        return MappingProxyType({item.id: item for page in self.pages for item in page.items})

    @cached_property
    def grids(self) -> Mapping[str, Grid]:
        return MappingProxyType(
            {e.id: e for page in self.pages for e in page.elements if isinstance(e, Grid)}
        )

    def page(self, page_id: str) -> Page:
        return self.pages[self.page_index(page_id)]

    def page_index(self, page_id: str) -> int:
        """Position of the page, 0-based; ``KeyError`` for an unknown id."""
        for index, page in enumerate(self.pages):
            if page.id == page_id:
                return index
        raise KeyError(page_id)

    def progress(self, page_id: str) -> float:
        """Share of pages before this one, 0.0 on the first page: for a progress bar."""
        return self.page_index(page_id) / len(self.pages)

    def visible_ids(self, answers: Answers) -> frozenset[str]:
        """Ids of the elements (items, grids, grid rows) shown for these answers.

        One forward pass is enough: a condition may only read earlier items, so by the time an
        element is reached, the visibility of everything it depends on is settled. Answers to
        hidden items are ignored on the way, so chained skips resolve in the same pass.
        """
        effective: dict[str, Answer] = {}
        visible: set[str] = set()
        for page in self.pages:
            for element in page.elements:
                if element.show_if is not None and not evaluate(element.show_if, effective):
                    continue
                visible.add(element.id)
                for item in _answerable(element):
                    visible.add(item.id)
                    if item.id in answers:
                        effective[item.id] = answers[item.id]
        return frozenset(visible)

    def visible_elements(self, page: Page, answers: Answers) -> tuple[Element, ...]:
        """Items and grids of ``page`` to render, in order."""
        visible = self.visible_ids(answers)
        return tuple(e for e in page.elements if e.id in visible)

    def visible_items(self, page: Page, answers: Answers) -> tuple[Item, ...]:
        """Answerable items of ``page`` shown for these answers (grid rows included)."""
        visible = self.visible_ids(answers)
        return tuple(item for item in page.items if item.id in visible)

    def next_page(self, page_id: str | None, answers: Answers) -> Page | None:
        """The first page after ``page_id`` (``None``: from the start) with something visible."""
        start = 0 if page_id is None else self.page_index(page_id) + 1
        return self._first_shown(self.pages[start:], answers)

    def previous_page(self, page_id: str, answers: Answers) -> Page | None:
        """The nearest page before ``page_id`` with something visible, or ``None``."""
        return self._first_shown(reversed(self.pages[: self.page_index(page_id)]), answers)

    def prune(self, answers: Answers) -> dict[str, Answer]:
        """The answers on the path the student now takes, in questionnaire order.

        Drops answers to items that are no longer shown (after an earlier answer changed,
        including chains of skips) and keys that are not items of this questionnaire.
        ``prune(prune(a)) == prune(a)``.
        """
        visible = self.visible_ids(answers)
        return {i: answers[i] for i in self.items if i in visible and i in answers}

    def to_json_conditions(self, page_id: str | None = None) -> dict[str, object]:
        """Element id -> condition tree as JSON, for one page or all; unconditional ones left out.

        The browser evaluates these trees with the same semantics as :func:`evaluate`.
        """
        pages = self.pages if page_id is None else (self.page(page_id),)
        return {
            e.id: e.show_if.to_json()
            for page in pages
            for e in page.elements
            if e.show_if is not None
        }

    def _first_shown(self, pages: Iterable[Page], answers: Answers) -> Page | None:
        visible = self.visible_ids(answers)
        for page in pages:
            if any(e.id in visible for e in page.elements):
                return page
        return None


def _answerable(element: Element) -> tuple[Item, ...]:
    return element.rows if isinstance(element, Grid) else (element,)
