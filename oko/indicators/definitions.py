"""Indicator definitions: YAML data, validated once, frozen.

An indicator says which answers count (proportion: the "yes" codes among valid answers; mean:
the answer itself; scale: the mean of several items), how an item the student was routed past
counts (as "no" for follow-ups such as "drunk in the last 30 days" after "never drunk", or as
missing), and how to read a change (protective: higher is better; risk: higher is worse).

Every problem in a file is collected and reported at once, each naming the file, the
indicator and what is wrong, so an author fixes a file in one pass.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from oko.indicators.equity import BREAKDOWN_ITEMS

#: Every label must exist in these languages.
REQUIRED_LANGUAGES = ("nl", "en")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {"questionnaire", "include", "indicators", "breakdowns"}
_COMMON_KEYS = {"id", "label", "domain", "kind", "direction", "sensitive", "valid", "reference"}
_KIND_KEYS = {
    "proportion": {"item", "items", "yes_codes", "not_asked", "cut", "reverse", "min_answered"},
    "mean": {"item"},
    "scale": {"items", "reverse", "min_answered"},
}


_E = TypeVar("_E", bound=StrEnum)


class Domain(StrEnum):
    FAMILY = "family"
    LEISURE = "leisure"
    SCHOOL = "school"
    PEERS = "peers"
    PROTECTION = "protection"
    SUBSTANCE_USE = "substance_use"
    WELLBEING = "wellbeing"


class Kind(StrEnum):
    PROPORTION = "proportion"
    MEAN = "mean"
    SCALE = "scale"


class Direction(StrEnum):
    """How to read "higher": protective (good news) or risk (bad news)."""

    PROTECTIVE = "protective"
    RISK = "risk"


class NotAsked(StrEnum):
    """How a proportion counts a student who was routed past its item."""

    NO = "no"
    MISSING = "missing"


@dataclass(frozen=True)
class Reference:
    """A fixed published value to compare with, and where it comes from."""

    value: float
    source: str


@dataclass(frozen=True)
class Indicator:
    """One indicator; build it with :func:`load_indicators`."""

    id: str
    labels: tuple[tuple[str, str], ...]
    domain: Domain
    kind: Kind
    direction: Direction
    sensitive: bool
    items: tuple[str, ...]
    #: Smallest and largest valid answer code; other codes count as missing.
    valid: tuple[int, int]
    #: Proportion: the codes that count as "yes".
    yes_codes: frozenset[int] = frozenset()
    not_asked: NotAsked = NotAsked.MISSING
    #: Scale: items scored ``min + max - code``.
    reverse: frozenset[str] = frozenset()
    #: Scale: the score exists when at least this share of its items is answered.
    min_answered: float = 0.75
    reference: Reference | None = None
    #: Proportion over a scale: "yes" when the student's scale score is at least this value
    #: (e.g. "strong protection"); ``None`` for other indicators.
    cut: float | None = None

    def label(self, language: str) -> str:
        for lang, text in self.labels:
            if lang == language:
                return text
        raise KeyError(language)

    @property
    def is_proportion(self) -> bool:
        return self.kind is Kind.PROPORTION


@dataclass(frozen=True)
class IndicatorSet:
    """The indicators of one file, in file order (the order of every report and export)."""

    source: str
    questionnaire: str
    indicators: tuple[Indicator, ...]
    #: Breakdowns besides gender and grade that the questionnaire's items allow (a name of
    #: :data:`~oko.indicators.equity.BREAKDOWN_ITEMS`: affluence, school_level).
    breakdowns: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def __getitem__(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(indicator.id for indicator in self.indicators)

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Every item any indicator or breakdown reads, once, in first-use order."""
        breakdown_items = (i for name in self.breakdowns for i in BREAKDOWN_ITEMS[name])
        return tuple(
            dict.fromkeys([*(i for ind in self.indicators for i in ind.items), *breakdown_items])
        )

    def check_against(self, item_codes: Mapping[str, Collection[int]]) -> None:
        """Raise :class:`IndicatorDefinitionError` unless every item and code exists.

        ``item_codes`` maps each questionnaire item id to its allowed answer codes (for
        example ``{i.id: i.codes for i in questionnaire.items.values()}``).
        """
        problems = []
        for indicator in self.indicators:
            where = f"{self.source}: indicator '{indicator.id}'"
            for item in indicator.items:
                if item not in item_codes:
                    problems.append(f"{where}: unknown item '{item}' in the questionnaire")
                    continue
                allowed = set(item_codes[item])
                low, high = indicator.valid
                in_range = {c for c in allowed if low <= c <= high}
                for code in sorted({low, high} - allowed):
                    problems.append(f"{where}: valid bound {code} is not a code of '{item}'")
                for code in sorted(indicator.yes_codes - in_range):
                    problems.append(f"{where}: yes code {code} is not a valid code of '{item}'")
        if problems:
            raise IndicatorDefinitionError(problems)


class IndicatorDefinitionError(ValueError):
    """One or more problems in an indicator file; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def load_indicators(
    path: str | os.PathLike[str], item_codes: Mapping[str, Collection[int]] | None = None
) -> IndicatorSet:
    """Load and validate an indicator file; optionally check it against a questionnaire.

    Parsed files are cached per path and modification time; the result is immutable.
    """
    resolved = Path(path).resolve()
    indicator_set = _load_cached(str(resolved), resolved.stat().st_mtime_ns)
    if item_codes is not None:
        indicator_set.check_against(item_codes)
    return indicator_set


@lru_cache(maxsize=32)
def _load_cached(path: str, mtime_ns: int) -> IndicatorSet:
    with open(path, encoding="utf-8") as handle:
        try:
            raw = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise IndicatorDefinitionError([f"{path}: not valid YAML: {exc}"]) from exc
    own = parse_indicators(raw, source=path)
    included = raw.get("include", []) if isinstance(raw, dict) else []
    return _with_included(own, included, Path(path).parent)


def _with_included(own: IndicatorSet, included: Any, folder: Path) -> IndicatorSet:
    """A composed questionnaire's set: the included files' indicators (e.g. the core's) first,
    then its own. Included files are loaded as they are (their ``questionnaire`` may differ)."""
    if not isinstance(included, list) or not all(isinstance(n, str) for n in included):
        raise IndicatorDefinitionError(
            [f"{own.source}: 'include' must list indicator files, got {included!r}"]
        )
    indicators: list[Indicator] = []
    for name in included:
        target = (folder / name).resolve()
        if not target.is_file():
            raise IndicatorDefinitionError([f"{own.source}: include: no file {name!r}"])
        indicators.extend(_load_cached(str(target), target.stat().st_mtime_ns))
    indicators.extend(own)
    counts = Counter(indicator.id for indicator in indicators)
    twice = [ident for ident, count in counts.items() if count > 1]
    if twice:
        raise IndicatorDefinitionError(
            [
                f"{own.source}: indicator '{i}' is defined twice (here and in an include)"
                for i in twice
            ]
        )
    return IndicatorSet(own.source, own.questionnaire, tuple(indicators), own.breakdowns)


def parse_indicators(raw: Any, source: str) -> IndicatorSet:
    """Validate already-parsed YAML (``source`` names it in messages)."""
    parser = _Parser(source)
    result = parser.parse(raw)
    if parser.problems:
        raise IndicatorDefinitionError(parser.problems)
    assert result is not None
    return result


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def error(self, where: str | None, problem: str) -> None:
        prefix = self.source if where is None else f"{self.source}: indicator '{where}'"
        self.problems.append(f"{prefix}: {problem}")

    def parse(self, raw: Any) -> IndicatorSet | None:
        if not isinstance(raw, dict):
            self.error(None, "expected a mapping with 'questionnaire' and 'indicators'")
            return None
        for key in sorted(set(raw) - _TOP_KEYS):
            self.error(None, f"unknown key '{key}' (allowed: {', '.join(sorted(_TOP_KEYS))})")
        questionnaire = raw.get("questionnaire")
        if not isinstance(questionnaire, str) or not questionnaire:
            self.error(None, "'questionnaire' must name the questionnaire id")
            questionnaire = ""
        breakdowns = raw.get("breakdowns", [])
        if not isinstance(breakdowns, list) or not set(breakdowns) <= set(BREAKDOWN_ITEMS):
            allowed = ", ".join(BREAKDOWN_ITEMS)
            self.error(None, f"'breakdowns' must list some of {allowed}, got {breakdowns!r}")
            breakdowns = []
        entries = raw.get("indicators")
        if not isinstance(entries, list) or not entries:
            self.error(None, "'indicators' must be a non-empty list")
            return None
        indicators = []
        seen: set[str] = set()
        for number, entry in enumerate(entries, start=1):
            indicator = self.indicator(number, entry)
            if indicator is None:
                continue
            if indicator.id in seen:
                self.error(indicator.id, "duplicate id")
                continue
            seen.add(indicator.id)
            indicators.append(indicator)
        return IndicatorSet(self.source, questionnaire, tuple(indicators), tuple(breakdowns))

    def indicator(self, number: int, entry: Any) -> Indicator | None:
        if not isinstance(entry, dict):
            self.error(None, f"indicator {number}: expected a mapping")
            return None
        ident = entry.get("id")
        if not isinstance(ident, str) or not _ID.match(ident):
            self.error(None, f"indicator {number}: 'id' must be lower_snake_case, got {ident!r}")
            return None
        before = len(self.problems)
        kind = self.choice(ident, entry, "kind", Kind)
        allowed = _COMMON_KEYS | (_KIND_KEYS[kind] if kind else set().union(*_KIND_KEYS.values()))
        for key in sorted(set(entry) - allowed, key=str):
            hint = f" for kind '{kind}'" if kind else ""
            if isinstance(key, bool):
                hint += " (YAML reads an unquoted yes/no/on/off key as true/false)"
            self.error(ident, f"unknown key '{key}'{hint}")
        labels = self.labels(ident, entry.get("label"))
        domain = self.choice(ident, entry, "domain", Domain)
        direction = self.choice(ident, entry, "direction", Direction)
        sensitive = entry.get("sensitive", False)
        if not isinstance(sensitive, bool):
            self.error(ident, f"'sensitive' must be true or false, got {sensitive!r}")
        valid = self.valid(ident, entry.get("valid"))
        fields: dict[str, Any] = {}
        if kind is Kind.PROPORTION and "items" in entry:
            fields.update(self.multi_item_proportion(ident, entry, valid))
        elif kind in (Kind.PROPORTION, Kind.MEAN):
            item = entry.get("item")
            if not isinstance(item, str) or not _ID.match(item):
                self.error(ident, f"'item' must be an item id, got {item!r}")
            fields["items"] = (item,)
        if kind is Kind.PROPORTION and "items" not in entry:
            for key in sorted({"cut", "reverse", "min_answered"} & set(entry)):
                self.error(ident, f"'{key}' needs 'items' (a proportion over several items)")
            fields["yes_codes"] = self.yes_codes(ident, entry.get("yes_codes"), valid)
            fields["not_asked"] = self.choice(
                ident, entry, "not_asked", NotAsked, default=NotAsked.MISSING
            )
        if kind is Kind.SCALE:
            fields.update(self.scale(ident, entry))
        reference = self.reference(ident, entry.get("reference"), kind, valid)
        if len(self.problems) > before or kind is None:
            return None
        assert domain is not None and direction is not None and valid is not None
        return Indicator(
            id=ident,
            labels=labels,
            domain=domain,
            kind=kind,
            direction=direction,
            sensitive=sensitive,
            valid=valid,
            reference=reference,
            **fields,
        )

    def choice(
        self,
        ident: str,
        entry: dict[str, Any],
        key: str,
        enum: type[_E],
        default: _E | None = None,
    ) -> _E | None:
        value: Any = entry.get(key)
        if value is None and default is not None:
            return default
        try:
            return enum(value)
        except ValueError:
            options = ", ".join(member.value for member in enum)
            hint = ""
            if isinstance(value, bool):
                hint = " (quote it: YAML reads unquoted yes/no as true/false)"
            self.error(ident, f"unknown {key} {value!r} (expected one of: {options}){hint}")
            return None

    def labels(self, ident: str, value: Any) -> tuple[tuple[str, str], ...]:
        if not isinstance(value, dict):
            self.error(ident, "'label' must map language codes to texts")
            return ()
        for language in REQUIRED_LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self.error(ident, f"label: missing translation '{language}'")
        return tuple((str(lang), str(text)) for lang, text in value.items())

    def valid(self, ident: str, value: Any) -> tuple[int, int] | None:
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
            and value[0] <= value[1]
        ):
            return (value[0], value[1])
        self.error(ident, f"'valid' must be [lowest, highest] answer codes >= 0, got {value!r}")
        return None

    def yes_codes(self, ident: str, value: Any, valid: tuple[int, int] | None) -> frozenset[int]:
        if not (
            isinstance(value, list)
            and value
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        ):
            self.error(
                ident, f"'yes_codes' must be a non-empty list of answer codes, got {value!r}"
            )
            return frozenset()
        codes = frozenset(value)
        if len(codes) != len(value):
            self.error(ident, "'yes_codes' lists a code twice")
        if valid is not None:
            outside = sorted(c for c in codes if not valid[0] <= c <= valid[1])
            if outside:
                self.error(ident, f"yes_codes {outside} lie outside valid range {list(valid)}")
            elif len(codes) == valid[1] - valid[0] + 1:
                self.error(
                    ident, "'yes_codes' holds every valid code, so the indicator is always 100%"
                )
        return codes

    def scale(self, ident: str, entry: dict[str, Any]) -> dict[str, Any]:
        items = entry.get("items")
        if not (
            isinstance(items, list)
            and len(items) >= 2
            and all(isinstance(i, str) and _ID.match(i) for i in items)
        ):
            self.error(ident, f"'items' must list at least 2 item ids, got {items!r}")
            return {}
        if len(set(items)) != len(items):
            self.error(ident, "'items' lists an item twice")
        reverse = entry.get("reverse", [])
        if not isinstance(reverse, list) or not all(isinstance(i, str) for i in reverse):
            self.error(ident, f"'reverse' must list item ids, got {reverse!r}")
            reverse = []
        for item in reverse:
            if item not in items:
                self.error(ident, f"reverse item '{item}' is not one of the scale's items")
        share = entry.get("min_answered", 0.75)
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
            self.error(ident, f"'min_answered' must be a share in (0, 1], got {share!r}")
            share = 0.75
        return {"items": tuple(items), "reverse": frozenset(reverse), "min_answered": share}

    def multi_item_proportion(
        self, ident: str, entry: dict[str, Any], valid: tuple[int, int] | None
    ) -> dict[str, Any]:
        """Over several items: a scale score of at least ``cut`` (reverse coding as for a
        scale), or, without ``cut``, any item answered with one of ``yes_codes``."""
        if "item" in entry:
            self.error(ident, "give either 'item' or 'items', not both")
        if "not_asked" in entry:
            self.error(
                ident,
                "'not_asked' applies to one item; over 'items' a student "
                "needs min_answered of them answered",
            )
        fields = self.scale(ident, entry)
        if "cut" not in entry:
            if fields.get("reverse"):
                self.error(ident, "'reverse' needs 'cut' (only a scale score is reverse-coded)")
            fields["yes_codes"] = self.yes_codes(ident, entry.get("yes_codes"), valid)
            return fields
        if "yes_codes" in entry:
            self.error(ident, "give either 'cut' (a scale score) or 'yes_codes', not both")
        cut = entry["cut"]
        if isinstance(cut, bool) or not isinstance(cut, int | float):
            self.error(ident, f"'cut' must be a number, got {cut!r}")
        elif valid is not None and not valid[0] < cut <= valid[1]:
            self.error(
                ident,
                f"cut {cut} must lie above the lowest and within {list(valid)}, or "
                "everyone or no one is 'yes'",
            )
        else:
            fields["cut"] = float(cut)
        return fields

    def reference(
        self, ident: str, value: Any, kind: Kind | None, valid: tuple[int, int] | None
    ) -> Reference | None:
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) != {"value", "source"}:
            self.error(ident, "'reference' must have exactly 'value' and 'source'")
            return None
        number, source = value["value"], value["source"]
        if not isinstance(source, str) or not source.strip():
            self.error(ident, "reference: 'source' must say where the value comes from")
        if isinstance(number, bool) or not isinstance(number, int | float):
            self.error(ident, f"reference: 'value' must be a number, got {number!r}")
            return None
        low, high = (0.0, 1.0) if kind is Kind.PROPORTION else valid or (-math.inf, math.inf)
        if not low <= number <= high:
            self.error(ident, f"reference: value {number} lies outside [{low}, {high}]")
        return Reference(float(number), str(source))
