"""Show-conditions: structured trees, a closed operator table and one evaluator.

A condition is plain data, for example ``{">": [{"var": "alc_lifetime"}, 1]}``. It is parsed
once into frozen nodes, so a malformed tree fails when the questionnaire is loaded rather than
in a classroom, and evaluated by :func:`evaluate`. The browser receives the very same tree
(:meth:`to_json`) for its progressive-enhancement script; there is no ``eval`` and no
expression language to parse.

Missing values: an item that was not asked (key absent) or not answered (``None``) has no
value. A comparison or ``in`` test with an operand that has no value is **false**, whichever
the operator, ``!=`` included. ``not`` simply negates its operand, so
``{"not": {">": [{"var": "x"}, 1]}}`` is true when ``x`` has no value; ``answered`` tests for
a value explicitly.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from typing_extensions import TypeIs

from oko.questionnaire.values import Answer, Answers

COMPARISONS: Mapping[str, Callable[[int, int], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
#: Every operator a condition may use; ``var`` only appears as an operand.
OPERATORS: tuple[str, ...] = (*COMPARISONS, "in", "and", "or", "not", "answered", "var")


@dataclass(frozen=True)
class Var:
    """The answer to an item, as an operand."""

    item: str

    def to_json(self) -> dict[str, str]:
        return {"var": self.item}


Operand: TypeAlias = Var | int


@dataclass(frozen=True)
class Comparison:
    """``{op: [left, right]}`` with ``op`` one of ``== != < <= > >=``."""

    op: str
    left: Operand
    right: Operand

    def to_json(self) -> dict[str, object]:
        return {self.op: [_operand_json(self.left), _operand_json(self.right)]}


@dataclass(frozen=True)
class Membership:
    """``{"in": [needle, haystack]}``: haystack is a list of codes or a multiple-choice item."""

    needle: Operand
    haystack: tuple[int, ...] | Var

    def to_json(self) -> dict[str, object]:
        haystack = (
            self.haystack.to_json() if isinstance(self.haystack, Var) else list(self.haystack)
        )
        return {"in": [_operand_json(self.needle), haystack]}


@dataclass(frozen=True)
class Logical:
    """``{"and": [...]}`` or ``{"or": [...]}`` over one or more conditions."""

    op: Literal["and", "or"]
    conditions: tuple[Condition, ...]

    def to_json(self) -> dict[str, object]:
        return {self.op: [c.to_json() for c in self.conditions]}


@dataclass(frozen=True)
class Not:
    """``{"not": condition}``."""

    condition: Condition

    def to_json(self) -> dict[str, object]:
        return {"not": self.condition.to_json()}


@dataclass(frozen=True)
class Answered:
    """``{"answered": item_id}``: true when the item has a value (not absent, not ``None``)."""

    item: str

    def to_json(self) -> dict[str, str]:
        return {"answered": self.item}


Condition: TypeAlias = Comparison | Membership | Logical | Not | Answered


class ConditionError(ValueError):
    """A malformed condition tree; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_condition(tree: object) -> Condition:
    """Turn a JSON-like tree into frozen nodes, or raise :class:`ConditionError`."""
    problems: list[str] = []
    condition = _parse(tree, problems)
    if condition is None or problems:
        raise ConditionError(problems)
    return condition


def evaluate(condition: Condition | Mapping[str, object], answers: Answers) -> bool:
    """Whether ``condition`` holds for ``answers`` (see the module docstring on missing values)."""
    if isinstance(condition, Mapping):
        condition = parse_condition(condition)
    match condition:
        case Comparison(op, left, right):
            a, b = _value(left, answers), _value(right, answers)
            return _is_code(a) and _is_code(b) and COMPARISONS[op](a, b)
        case Membership(needle, haystack):
            a = _value(needle, answers)
            codes = _value(haystack, answers) if isinstance(haystack, Var) else haystack
            return _is_code(a) and isinstance(codes, list | tuple) and a in codes
        case Logical("and", conditions):
            return all(evaluate(c, answers) for c in conditions)
        case Logical("or", conditions):
            return any(evaluate(c, answers) for c in conditions)
        case Not(inner):
            return not evaluate(inner, answers)
        case Answered(item):
            return answers.get(item) is not None
    raise TypeError(f"not a condition: {condition!r}")


def referenced_items(condition: Condition) -> tuple[str, ...]:
    """Item ids the condition reads, in order of appearance (repeats removed)."""
    match condition:
        case Comparison(_, left, right):
            ids = [o.item for o in (left, right) if isinstance(o, Var)]
        case Membership(needle, haystack):
            ids = [o.item for o in (needle, haystack) if isinstance(o, Var)]
        case Logical(_, conditions):
            ids = [i for c in conditions for i in referenced_items(c)]
        case Not(inner):
            ids = list(referenced_items(inner))
        case Answered(item):
            ids = [item]
    return tuple(dict.fromkeys(ids))


def _value(operand: Operand, answers: Answers) -> Answer:
    return answers.get(operand.item) if isinstance(operand, Var) else operand


def _is_code(value: object) -> TypeIs[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _operand_json(operand: Operand) -> object:
    return operand.to_json() if isinstance(operand, Var) else operand


def _parse(tree: object, problems: list[str]) -> Condition | None:
    if not isinstance(tree, Mapping) or len(tree) != 1:
        problems.append(f"a condition must be a mapping with exactly one operator, got {tree!r}")
        return None
    ((op, args),) = tree.items()
    if op in COMPARISONS:
        pair = _pair(op, args, problems)
        if pair is None:
            return None
        left, right = (_operand(op, arg, problems) for arg in pair)
        return Comparison(op, left, right) if left is not None and right is not None else None
    if op == "in":
        return _parse_in(args, problems)
    if op in ("and", "or"):
        if not isinstance(args, list) or not args:
            problems.append(f"'{op}' needs a non-empty list of conditions")
            return None
        conditions = [_parse(arg, problems) for arg in args]
        if any(c is None for c in conditions):
            return None
        return Logical(op, tuple(c for c in conditions if c is not None))
    if op == "not":
        inner = _parse(args, problems)
        return Not(inner) if inner is not None else None
    if op == "answered":
        if not isinstance(args, str) or not args:
            problems.append(f"'answered' needs an item id, got {args!r}")
            return None
        return Answered(args)
    if op == "var":
        problems.append(
            "{'var': ...} is an operand, not a condition; compare it, or use {'answered': item}"
        )
        return None
    allowed = ", ".join(o for o in OPERATORS if o != "var")
    problems.append(f"unknown operator {op!r} (allowed: {allowed})")
    return None


def _parse_in(args: object, problems: list[str]) -> Membership | None:
    pair = _pair("in", args, problems)
    if pair is None:
        return None
    needle = _operand("in", pair[0], problems)
    haystack: tuple[int, ...] | Var | None
    if isinstance(pair[1], list) and pair[1] and all(_is_code(v) for v in pair[1]):
        haystack = tuple(pair[1])
    elif isinstance(pair[1], Mapping) and "var" in pair[1]:
        operand = _operand("in", pair[1], problems)
        haystack = operand if isinstance(operand, Var) else None
    else:
        problems.append(
            f"'in' needs a non-empty list of whole numbers or {{'var': item}} as its second "
            f"operand, got {pair[1]!r}"
        )
        haystack = None
    return Membership(needle, haystack) if needle is not None and haystack is not None else None


def _pair(op: str, args: object, problems: list[str]) -> list[object] | None:
    if not isinstance(args, list) or len(args) != 2:
        problems.append(f"'{op}' needs a list of exactly 2 operands, got {args!r}")
        return None
    return args


def _operand(op: str, value: object, problems: list[str]) -> Operand | None:
    if _is_code(value):
        return value
    if (
        isinstance(value, Mapping)
        and list(value) == ["var"]
        and isinstance(value["var"], str)
        and value["var"]
    ):
        return Var(value["var"])
    problems.append(f"'{op}' operands must be whole numbers or {{'var': item}}, got {value!r}")
    return None
