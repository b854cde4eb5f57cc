"""Build a frozen :class:`Questionnaire` from parsed YAML, collecting every problem on the way.

An author fixing a definition wants the whole list at once, each message naming the file, the
element and what is wrong, e.g. ``oko-core.yaml: item 'alc_30d': show_if refers to unknown
item 'alc_lifetme'``. So nothing here stops at the first problem: each check records it and
carries on with what it could make of the rest.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import cast

from typing_extensions import TypeIs

from oko.questionnaire.conditions import (
    Answered,
    Comparison,
    Condition,
    ConditionError,
    Logical,
    Membership,
    Not,
    Var,
    parse_condition,
)
from oko.questionnaire.model import (
    ConsistencyRule,
    Element,
    Grid,
    Item,
    Option,
    Page,
    QualityRules,
    Questionnaire,
    Scale,
    Text,
)
from oko.questionnaire.question_types import QUESTION_TYPES, QuestionType

#: The element type that is not a question type: a container of ``single`` rows.
GRID = "grid"
DEMOGRAPHIC_ROLES = ("gender", "grade", "age", "school_type")
#: Longest answer to a text item unless the item says otherwise.
DEFAULT_MAX_LENGTH = 500

_ID = re.compile(r"[a-z][a-z0-9_]*")
_QUESTIONNAIRE_ID = re.compile(r"[a-z][a-z0-9_-]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}")

_TOP_KEYS = (
    "id",
    "version",
    "languages",
    "title",
    "intro",
    "help",
    "demographics",
    "pages",
    "scales",
    "quality",
)
_PAGE_KEYS = ("id", "title", "intro", "items")
_ITEM_KEYS = ("id", "type", "text", "hint", "required", "show_if")
_GRID_KEYS = ("options", "rows")
_OPTION_KEYS = ("code", "label")
_ROW_KEYS = ("id", "text")
_SCALE_KEYS = ("id", "label", "items", "reverse", "min_answered")
_QUALITY_KEYS = (
    "fictitious",
    "consistency",
    "straightline_grids",
    "core_items",
    "max_core_missing_share",
    "too_fast_share_of_median",
)
_CONSISTENCY_KEYS = ("id", "when")


#: Stands in for a text that was reported as invalid, so that the element still exists and
#: conditions or scales that refer to it do not produce follow-on errors.
_UNREADABLE = Text(())


class QuestionnaireError(Exception):
    """An invalid questionnaire definition; ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def build(raw: object, source: str) -> Questionnaire:
    """Validate parsed YAML and freeze it, or raise :class:`QuestionnaireError`."""
    builder = _Builder(source)
    questionnaire = builder.questionnaire(raw)
    if builder.errors or questionnaire is None:
        raise QuestionnaireError(list(dict.fromkeys(builder.errors)))
    return questionnaire


def _is_int(value: object) -> TypeIs[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_share(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1


def element_types() -> tuple[str, ...]:
    """What ``type:`` may say: every registered question type, and ``grid``."""
    return tuple(sorted((*QUESTION_TYPES, GRID)))


def _type_keys(kind: str) -> tuple[str, ...]:
    return _GRID_KEYS if kind == GRID else QUESTION_TYPES[kind].keys


def _numeric(kind: QuestionType) -> bool:
    return kind.numeric


def _single_choice(kind: QuestionType) -> bool:
    return kind.single_choice


def _types_that(test: Callable[[QuestionType], bool]) -> str:
    """Names of the question types passing ``test``, for messages ("single or integer")."""
    return " or ".join(name for name, kind in sorted(QUESTION_TYPES.items()) if test(kind))


def _a(item_type: str) -> str:
    return f"an {item_type}" if item_type[0] in "aeiou" else f"a {item_type}"


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[str] = []
        #: Declared languages, or None when they are themselves invalid (then texts go unchecked).
        self.languages: tuple[str, ...] | None = None
        #: Element id -> position in questionnaire order (first occurrence) and its page.
        self.positions: dict[str, int] = {}
        self.first_page: dict[str, str] = {}
        self.next_position = 0
        #: show_if conditions, checked against all items once every page is built.
        self.show_ifs: list[tuple[str, Condition, int | None]] = []

    def error(self, where: str, problem: str) -> None:
        self.errors.append(
            f"{self.source}: {where}: {problem}" if where else f"{self.source}: {problem}"
        )

    # -- the questionnaire ----------------------------------------------------------------

    def questionnaire(self, raw: object) -> Questionnaire | None:
        if not isinstance(raw, Mapping):
            self.error("", "the file must hold a mapping with id, version, languages and pages")
            return None
        self.unknown_keys("", raw, _TOP_KEYS)
        questionnaire_id = raw.get("id")
        if questionnaire_id is None:
            self.error("", "missing id")
        elif not isinstance(questionnaire_id, str) or not _QUESTIONNAIRE_ID.fullmatch(
            questionnaire_id
        ):
            self.error(
                "",
                f"id {questionnaire_id!r} must be lowercase letters, digits, '-' and '_', "
                "starting with a letter",
            )
        version = raw.get("version")
        if version is None:
            self.error("", "missing version")
        elif not isinstance(version, str) or not version.strip():
            self.error("", f'version must be a quoted string such as "2026.1", got {version!r}')
        self.languages = self.declared_languages(raw.get("languages"))
        title = self.text("", "title", raw.get("title"))
        intro = self.text("", "intro", raw.get("intro"))
        help_text = self.text("", "help", raw.get("help"))
        pages = self.pages(raw.get("pages"))
        items: dict[str, Item] = {}
        grids: dict[str, Grid] = {}
        for page in pages:
            for element in page.elements:
                if isinstance(element, Grid):
                    grids.setdefault(element.id, element)
            for item in page.items:
                items.setdefault(item.id, item)
        for where, condition, position in self.show_ifs:
            self.check_condition(where, "show_if", condition, position, items, grids)
        demographics = self.demographics(raw.get("demographics"), items)
        scales = self.scales(raw.get("scales"), items)
        quality = self.quality(raw.get("quality"), items, grids)
        if self.errors or not (title and intro and help_text and self.languages):
            return None
        return Questionnaire(
            id=cast(str, questionnaire_id),
            version=cast(str, version),
            languages=self.languages,
            title=title,
            intro=intro,
            help=help_text,
            pages=pages,
            demographics=MappingProxyType(demographics),
            scales=scales,
            quality=quality,
            source=self.source,
        )

    def declared_languages(self, value: object) -> tuple[str, ...] | None:
        if value is None:
            self.error("", "missing languages")
            return None
        if not isinstance(value, list) or not value:
            self.error("", "languages must be a non-empty list of language codes such as [nl, en]")
            return None
        valid = True
        for language in value:
            if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
                self.error("", f"languages: {language!r} is not a language code such as 'nl'")
                valid = False
            elif value.count(language) > 1:
                self.error("", f"languages: '{language}' is listed twice")
                valid = False
        return tuple(value) if valid else None

    # -- pages and their elements ---------------------------------------------------------

    def pages(self, value: object) -> tuple[Page, ...]:
        if value is None:
            self.error("", "missing pages")
            return ()
        if not isinstance(value, list) or not value:
            self.error("", "pages must be a non-empty list")
            return ()
        seen: set[str] = set()
        pages = (self.page(raw, number, seen) for number, raw in enumerate(value, 1))
        return tuple(page for page in pages if page is not None)

    def page(self, raw: object, number: int, seen: set[str]) -> Page | None:
        where = f"page {number}"
        if not isinstance(raw, Mapping):
            self.error(where, "must be a mapping with id, title and items")
            return None
        page_id = raw.get("id")
        if self.valid_id(page_id, where):
            where = f"page '{page_id}'"
            if page_id in seen:
                self.error(where, "duplicate page id")
            seen.add(page_id)
        self.unknown_keys(where, raw, _PAGE_KEYS)
        title = self.text(where, "title", raw.get("title"))
        intro = self.text(where, "intro", raw.get("intro"), required=False)
        raw_elements = raw.get("items")
        if not isinstance(raw_elements, list) or not raw_elements:
            self.error(where, "items must be a non-empty list")
            raw_elements = []
        elements = [
            self.element(
                raw_element, page_id if isinstance(page_id, str) else "", where, f"{where} item {n}"
            )
            for n, raw_element in enumerate(raw_elements, 1)
        ]
        if not isinstance(page_id, str) or title is None:
            return None
        return Page(page_id, title, tuple(e for e in elements if e is not None), intro)

    def element(self, raw: object, page_id: str, page_where: str, where: str) -> Element | None:
        if not isinstance(raw, Mapping):
            self.error(where, "must be a mapping with id, type and text")
            return None
        kind = raw.get("type")
        element_id = raw.get("id")
        position = None
        if self.valid_id(element_id, where):
            where = f"{'grid' if kind == GRID else 'item'} '{element_id}'"
            position = self.register(where, element_id, page_where)
        if kind is None:
            self.error(where, "missing type")
            return None
        if kind not in element_types():
            expected = ", ".join(element_types())
            self.error(where, f"unknown type {kind!r} (expected one of: {expected})")
            return None
        keys = _type_keys(kind)
        self.unknown_keys(where, raw, (*_ITEM_KEYS, *keys), kind=kind)
        text = self.text(where, "text", raw.get("text"))
        hint = self.text(where, "hint", raw.get("hint"), required=False)
        required = raw.get("required", False)
        if not isinstance(required, bool):
            self.error(where, f"required must be true or false, got {required!r}")
        show_if = None
        if "show_if" in raw:
            show_if = self.condition(where, "show_if", raw["show_if"])
            if show_if is not None:
                self.show_ifs.append((where, show_if, position))
        if kind == GRID:
            options = self.options(where, raw.get("options"))
            rows = self.rows(where, raw.get("rows"), page_where)
            if not isinstance(element_id, str):
                return None
            text = text or _UNREADABLE
            items = tuple(
                Item(
                    row_id,
                    "single",
                    row_text,
                    page_id,
                    options,
                    required is True,
                    show_if,
                    grid=element_id,
                )
                for row_id, row_text in rows
            )
            return Grid(element_id, text, page_id, options, items, required is True, show_if, hint)
        options = self.options(where, raw.get("options")) if "options" in keys else ()
        low, high = self.bounds(where, raw) if "min" in keys else (None, None)
        max_length = self.max_length(where, raw.get("max_length")) if "max_length" in keys else None
        if not isinstance(element_id, str):
            return None
        return Item(
            element_id,
            kind,
            text or _UNREADABLE,
            page_id,
            options,
            required is True,
            show_if,
            hint,
            low,
            high,
            max_length,
        )

    def rows(self, where: str, value: object, page_where: str) -> tuple[tuple[str, Text], ...]:
        """Id and text of each grid row; the caller makes them items sharing the grid's scale."""
        if not isinstance(value, list) or not value:
            self.error(where, "rows must be a non-empty list")
            return ()
        rows: list[tuple[str, Text]] = []
        for number, raw in enumerate(value, 1):
            row_where = f"{where} row {number}"
            if not isinstance(raw, Mapping):
                self.error(row_where, "must be a mapping with id and text")
                continue
            row_id = raw.get("id")
            if not self.valid_id(row_id, row_where):
                continue
            row_where = f"item '{row_id}'"
            self.register(row_where, row_id, page_where)
            self.unknown_keys(row_where, raw, _ROW_KEYS)
            rows.append((row_id, self.text(row_where, "text", raw.get("text")) or _UNREADABLE))
        return tuple(rows)

    def register(self, where: str, element_id: str, page_where: str) -> int:
        """Give the element its place in questionnaire order; report a reused id."""
        if element_id in self.first_page:
            self.error(where, f"duplicate id; first used on {self.first_page[element_id]}")
        else:
            self.first_page[element_id] = page_where
            self.positions[element_id] = self.next_position
        self.next_position += 1
        return self.next_position - 1

    def options(self, where: str, value: object) -> tuple[Option, ...]:
        if not isinstance(value, list) or not value:
            self.error(where, "options must be a non-empty list")
            return ()
        options: list[Option] = []
        seen: set[int] = set()
        for number, raw in enumerate(value, 1):
            if not isinstance(raw, Mapping):
                self.error(where, f"option {number} must be a mapping with code and label")
                continue
            code = raw.get("code")
            if not _is_int(code) or code < 0:
                self.error(where, f"option {number}: code must be a whole number, 0 or more")
                continue
            self.unknown_keys(where, raw, _OPTION_KEYS, prefix=f"option {code}: ")
            if code in seen:
                self.error(where, f"option code {code} is used twice")
                continue
            seen.add(code)
            label = self.text(where, f"option {code}: label", raw.get("label"))
            if label is not None:
                options.append(Option(code, label))
        return tuple(options)

    def bounds(self, where: str, raw: Mapping[str, object]) -> tuple[int | None, int | None]:
        bounds: list[int | None] = []
        for name in ("min", "max"):
            value = raw.get(name)
            if value is None:
                self.error(where, f"integer items need '{name}'")
            elif not _is_int(value):
                self.error(where, f"{name} must be a whole number, got {value!r}")
            bounds.append(value if _is_int(value) else None)
        low, high = bounds
        if low is not None and high is not None and low > high:
            self.error(where, f"min ({low}) is greater than max ({high})")
        return low, high

    def max_length(self, where: str, value: object) -> int:
        if value is None:
            return DEFAULT_MAX_LENGTH
        if not _is_int(value) or value < 1:
            self.error(where, f"max_length must be a whole number above 0, got {value!r}")
            return DEFAULT_MAX_LENGTH
        return value

    # -- conditions -----------------------------------------------------------------------

    def condition(self, where: str, name: str, value: object) -> Condition | None:
        try:
            return parse_condition(value)
        except ConditionError as exc:
            for problem in exc.problems:
                self.error(where, f"{name}: {problem}")
            return None

    def check_condition(
        self,
        where: str,
        name: str,
        condition: Condition,
        position: int | None,
        items: Mapping[str, Item],
        grids: Collection[str],
    ) -> None:
        """Check what a condition reads; ``position`` set means it may only read earlier items."""

        def reference(item_id: str) -> Item | None:
            return self.reference(where, name, item_id, position, items, grids)

        match condition:
            case Comparison(op, left, right):
                for operand, other in ((left, right), (right, left)):
                    if isinstance(operand, Var) and (item := reference(operand.item)):
                        self.check_code_operand(where, name, item)
                        if op in ("==", "!=") and _is_int(other):
                            self.check_codes(where, name, item, (other,))
            case Membership(needle, haystack):
                needle_item = None
                if isinstance(needle, Var) and (needle_item := reference(needle.item)):
                    self.check_code_operand(where, name, needle_item)
                if isinstance(haystack, Var) and (multiple := reference(haystack.item)):
                    if not multiple.kind.several:
                        self.error(
                            where,
                            f"{name}: the second operand of 'in' must be a list of codes or a "
                            f"multiple item; '{multiple.id}' is {_a(multiple.type)} item",
                        )
                    elif _is_int(needle):
                        self.check_codes(where, name, multiple, (needle,))
                elif needle_item is not None and not isinstance(haystack, Var):
                    self.check_codes(where, name, needle_item, haystack)
            case Logical(_, conditions):
                for inner in conditions:
                    self.check_condition(where, name, inner, position, items, grids)
            case Not(inner):
                self.check_condition(where, name, inner, position, items, grids)
            case Answered(item_id):
                reference(item_id)

    def reference(
        self,
        where: str,
        name: str,
        item_id: str,
        position: int | None,
        items: Mapping[str, Item],
        grids: Collection[str],
    ) -> Item | None:
        if item_id in grids:
            self.error(
                where,
                f"{name} refers to grid '{item_id}', which holds no answer of its own; "
                "refer to one of its rows",
            )
            return None
        item = items.get(item_id)
        if item is None:
            self.error(
                where, f"{name} refers to unknown item '{item_id}'{_suggest(item_id, items)}"
            )
            return None
        if position is not None and self.positions.get(item_id, -1) == position:
            self.error(where, f"{name} refers to the item itself")
        elif position is not None and self.positions.get(item_id, -1) > position:
            self.error(
                where, f"{name} refers to item '{item_id}', which comes later in the questionnaire"
            )
        return item

    def check_code_operand(self, where: str, name: str, item: Item) -> None:
        """Comparisons and the first operand of ``in`` need a numeric answer."""
        if item.kind.several:
            self.error(
                where,
                f"{name}: '{item.id}' is {_a(item.type)} item; test it with 'in' or 'answered'",
            )
        elif not item.kind.numeric:
            self.error(
                where, f"{name}: '{item.id}' is {_a(item.type)} item; test it with 'answered'"
            )

    def check_codes(self, where: str, name: str, item: Item, codes: tuple[int, ...]) -> None:
        """A code compared for equality must exist, or the condition can never be true."""
        if not item.kind.coded:
            return
        for code in codes:
            if code not in item.codes:
                self.error(where, f"{name}: '{item.id}' has no option with code {code}")

    # -- demographics, scales and quality rules -------------------------------------------

    def demographics(self, value: object, items: Mapping[str, Item]) -> dict[str, str]:
        if value is None:
            return {}
        where = "demographics"
        if not isinstance(value, Mapping):
            self.error(where, f"must map roles ({', '.join(DEMOGRAPHIC_ROLES)}) to item ids")
            return {}
        roles: dict[str, str] = {}
        for role, item_id in value.items():
            if role not in DEMOGRAPHIC_ROLES:
                self.error(
                    where,
                    f"unknown role {role!r} (expected one of: {', '.join(DEMOGRAPHIC_ROLES)})",
                )
                continue
            item = self.item_reference(where, role, item_id, items)
            if item is None:
                continue
            fits = _numeric if role == "age" else _single_choice
            if not fits(item.kind):
                self.error(
                    where,
                    f"{role} must be {_types_that(fits)} item; '{item.id}' is {_a(item.type)} item",
                )
                continue
            roles[role] = item.id
        return roles

    def scales(self, value: object, items: Mapping[str, Item]) -> tuple[Scale, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error("", "scales must be a list")
            return ()
        scales: list[Scale] = []
        seen: set[str] = set()
        for number, raw in enumerate(value, 1):
            where = f"scale {number}"
            if not isinstance(raw, Mapping):
                self.error(where, "must be a mapping with id, label and items")
                continue
            scale_id = raw.get("id")
            if not self.valid_id(scale_id, where):
                continue
            where = f"scale '{scale_id}'"
            if scale_id in seen:
                self.error(where, "duplicate scale id")
            seen.add(scale_id)
            self.unknown_keys(where, raw, _SCALE_KEYS)
            label = self.text(where, "label", raw.get("label"))
            members = self.id_list(where, "items", raw.get("items"), required=True)
            for item_id in members:
                item = items.get(item_id)
                if item is None:
                    self.error(
                        where, f"refers to unknown item '{item_id}'{_suggest(item_id, items)}"
                    )
                elif not item.kind.single_choice:
                    self.error(
                        where,
                        f"item '{item_id}' is {_a(item.type)} item; scale items must be single "
                        "choice",
                    )
            reverse = self.id_list(where, "reverse", raw.get("reverse"), required=False)
            for item_id in reverse:
                if item_id not in members:
                    self.error(where, f"reverse item '{item_id}' is not one of the scale's items")
            min_answered = self.share(where, "min_answered", raw.get("min_answered", 1.0))
            if label is not None:
                scales.append(Scale(scale_id, label, members, reverse, min_answered))
        return tuple(scales)

    def quality(
        self, value: object, items: Mapping[str, Item], grids: Mapping[str, Grid]
    ) -> QualityRules:
        if value is None:
            return QualityRules()
        where = "quality"
        if not isinstance(value, Mapping):
            self.error(where, "must be a mapping")
            return QualityRules()
        self.unknown_keys(where, value, _QUALITY_KEYS)
        fictitious = self.id_list(where, "fictitious", value.get("fictitious"), required=False)
        for item_id in fictitious:
            item = self.item_reference(where, "fictitious", item_id, items)
            if item is not None and not item.kind.single_choice:
                self.error(
                    where,
                    f"fictitious: '{item_id}' is {_a(item.type)} item; it must be single choice "
                    "with 'never' as its first option",
                )
        consistency = self.consistency(value.get("consistency"), items, grids)
        straightline = self.id_list(
            where, "straightline_grids", value.get("straightline_grids"), required=False
        )
        for grid_id in straightline:
            if grid_id in items:
                self.error(where, f"straightline_grids: '{grid_id}' is an item, not a grid")
            elif grid_id not in grids:
                hint = _suggest(grid_id, grids)
                self.error(where, f"straightline_grids refers to unknown grid '{grid_id}'{hint}")
        core = self.id_list(where, "core_items", value.get("core_items"), required=False)
        for item_id in core:
            item = self.item_reference(where, "core_items", item_id, items)
            if item is not None and item.show_if is not None:
                self.error(
                    where,
                    f"core_items: '{item_id}' has a show_if condition, but core items must be "
                    "asked of everyone",
                )
        shares = {
            name: self.share(where, name, value.get(name, getattr(QualityRules, name)))
            for name in ("max_core_missing_share", "too_fast_share_of_median")
        }
        return QualityRules(
            fictitious=fictitious,
            consistency=consistency,
            straightline_grids=straightline,
            core_items=core,
            **shares,
        )

    def consistency(
        self, value: object, items: Mapping[str, Item], grids: Mapping[str, Grid]
    ) -> tuple[ConsistencyRule, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error("quality", "consistency must be a list of {id, when} rules")
            return ()
        rules: list[ConsistencyRule] = []
        seen: set[str] = set()
        for number, raw in enumerate(value, 1):
            where = f"quality: consistency {number}"
            if not isinstance(raw, Mapping):
                self.error(where, "must be a mapping with id and when")
                continue
            rule_id = raw.get("id")
            if not self.valid_id(rule_id, where):
                continue
            where = f"quality: consistency '{rule_id}'"
            if rule_id in seen:
                self.error(where, "duplicate rule id")
            seen.add(rule_id)
            self.unknown_keys(where, raw, _CONSISTENCY_KEYS)
            if "when" not in raw:
                self.error(where, "missing when")
                continue
            when = self.condition(where, "when", raw["when"])
            if when is not None:
                self.check_condition(where, "when", when, None, items, grids)
                rules.append(ConsistencyRule(rule_id, when))
        return tuple(rules)

    # -- small shared checks --------------------------------------------------------------

    def item_reference(
        self, where: str, name: str, item_id: object, items: Mapping[str, Item]
    ) -> Item | None:
        item = items.get(item_id) if isinstance(item_id, str) else None
        if item is None:
            hint = _suggest(item_id, items) if isinstance(item_id, str) else ""
            self.error(where, f"{name} refers to unknown item {item_id!r}{hint}")
        return item

    def share(self, where: str, name: str, value: object) -> float:
        if not _is_share(value):
            self.error(where, f"{name} must be a number above 0 and at most 1, got {value!r}")
            return 1.0
        return float(cast(float, value))

    def id_list(self, where: str, name: str, value: object, *, required: bool) -> tuple[str, ...]:
        if value is None:
            if required:
                self.error(where, f"missing {name}")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(where, f"{name} must be a list of ids")
            return ()
        if required and not value:
            self.error(where, f"{name} must not be empty")
        for item_id in dict.fromkeys(v for v in value if value.count(v) > 1):
            self.error(where, f"{name}: '{item_id}' is listed twice")
        return tuple(dict.fromkeys(value))

    def valid_id(self, value: object, where: str) -> TypeIs[str]:
        if value is None:
            self.error(where, "missing id")
            return False
        if not isinstance(value, str) or not _ID.fullmatch(value):
            self.error(
                where,
                f"id {value!r} must be lowercase letters, digits and '_', starting with a letter",
            )
            return False
        return True

    def text(self, where: str, name: str, value: object, *, required: bool = True) -> Text | None:
        """A text in every declared language: the survey must never show an empty label."""
        if value is None:
            if required:
                self.error(where, f"missing {name}")
            return None
        if not isinstance(value, Mapping):
            self.error(where, f"{name} must map each language to a text, e.g. {{nl: ..., en: ...}}")
            return None
        languages = self.languages or tuple(value)
        for language in languages:
            translation = value.get(language)
            if translation is None:
                self.error(where, f"{name}: missing '{language}' translation")
            elif not isinstance(translation, str) or not translation.strip():
                self.error(
                    where, f"{name}: '{language}' must be a non-empty text, got {translation!r}"
                )
        for language in value:
            if language not in languages:
                self.error(where, f"{name}: '{language}' is not a declared language")
        return Text.of(
            {lang: value[lang].strip() for lang in languages if isinstance(value.get(lang), str)}
        )

    def unknown_keys(
        self,
        where: str,
        raw: Mapping[object, object],
        allowed: tuple[str, ...],
        *,
        kind: str | None = None,
        prefix: str = "",
    ) -> None:
        """Report keys nobody reads: a typo like ``show-if`` would otherwise be ignored silently."""
        for key in raw:
            if key in allowed:
                continue
            if kind is not None and any(key in _type_keys(other) for other in element_types()):
                self.error(where, f"{prefix}'{key}' does not apply to {kind} items")
            else:
                self.error(where, f"{prefix}unknown key {key!r}")


def _suggest(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
