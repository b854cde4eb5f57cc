"""Report definitions: which sections, domains and indicators a report shows, as YAML data.

A municipality changes the order of domains, drops an indicator or shortens the school report
by editing ``reports/<name>.yaml``; no code changes. Every problem in a file is collected and
reported at once, each naming the file, the place and what is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from oko.indicators.definitions import Direction, Domain, IndicatorSet

KINDS = ("municipality", "school")
SECTIONS = (
    "cover",
    "contents",
    "key_messages",
    "profile",
    "goals",
    "actions",
    "domains",
    "method",
)
BREAKDOWNS = ("gender", "grade", "affluence", "school_level")
#: The NJi top-10 protective factors of a strong pedagogical basis, in the NJi's order: the
#: rows of the profile. Their names per language are texts (``profile.factors.<id>``).
FACTORS = (
    "bonding",
    "involvement",
    "norms",
    "recognition",
    "support",
    "leisure",
    "social_competence",
    "cognitive",
    "commitment",
    "identity",
)
#: Why a factor has no figure: a student survey cannot measure it (cognitive skills), or
#: this questionnaire does not ask it. Each has a text ``profile.not_measured_<reason>``.
NOT_MEASURED = ("survey", "questionnaire")

_TOP_KEYS = {"kind", "layout", "sections", "key_messages", "indicator", "profile", "domains"}
LAYOUTS = ("full", "compact")
_INDICATOR_KEYS = {"breakdown", "trend", "table"}


class ReportDefinitionError(ValueError):
    """One or more problems in a report definition; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class DomainSection:
    id: Domain
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class Factor:
    """One protective factor of the profile and the indicators measuring it ("% of young
    people with strong protection"); none, with the reason, when it is not measured."""

    id: str
    indicators: tuple[str, ...]
    not_measured: str = ""


@dataclass(frozen=True)
class Profile:
    """The pedagogical-basis profile: the ten factors and the groups it is broken down by."""

    factors: tuple[Factor, ...]
    breakdown: tuple[str, ...]

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i for factor in self.factors for i in factor.indicators)

    def asked(self, known: Collection[str]) -> Profile:
        """The profile as a wave whose questionnaire has the indicators ``known`` can show it:
        each factor keeps the indicators asked, and a factor left with none is "not asked in
        this questionnaire". One definition thus serves the core questionnaire's waves and
        those with the protective-factor module."""
        factors = []
        for factor in self.factors:
            asked = tuple(i for i in factor.indicators if i in known)
            if factor.indicators and not asked:
                factors.append(Factor(factor.id, (), "questionnaire"))
            else:
                factors.append(Factor(factor.id, asked, factor.not_measured))
        return Profile(tuple(factors), self.breakdown)


@dataclass(frozen=True)
class ReportDefinition:
    """A validated report definition; build it with :func:`load_definition`."""

    source: str
    kind: str
    sections: tuple[str, ...]
    key_messages_max: int
    breakdown: tuple[str, ...]
    trend: bool
    table: bool
    domains: tuple[DomainSection, ...]
    #: "compact": domains follow each other on the page and each chart has its summary
    #: beside it (the school report); "full": a page per domain, summaries above charts.
    layout: str = "full"
    #: The pedagogical-basis profile; None when the report has no ``profile`` section.
    profile: Profile | None = None

    @property
    def compact(self) -> bool:
        return self.layout == "compact"

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i for domain in self.domains for i in domain.indicators)

    def check_indicators(self, known: Collection[str]) -> None:
        """Raise :class:`ReportDefinitionError` unless every domain's indicator is in ``known``.

        The profile's indicators are not checked here: a questionnaire without them shows
        their factor as not asked (see :meth:`Profile.asked`); :meth:`check_profile_known`
        catches a profile indicator that no questionnaire has.
        """
        problems = [
            f"{self.source}: domains.{domain.id.value}: unknown indicator '{ident}'"
            for domain in self.domains
            for ident in domain.indicators
            if ident not in known
        ]
        if problems:
            raise ReportDefinitionError(problems)

    def check_profile_known(self, known: Collection[str]) -> None:
        """Raise :class:`ReportDefinitionError` for a profile indicator not in ``known`` (the
        indicators of every questionnaire): a misspelt id would otherwise read as "not asked"
        everywhere."""
        if self.profile is None:
            return
        problems = [
            f"{self.source}: profile.factors.{factor.id}: unknown indicator '{ident}'"
            for factor in self.profile.factors
            for ident in factor.indicators
            if ident not in known
        ]
        if problems:
            raise ReportDefinitionError(problems)

    def check_profile(self, indicators: IndicatorSet) -> None:
        """Raise :class:`ReportDefinitionError` unless every domain indicator is known and every
        profile indicator this questionnaire has is a share of young people with something
        protective: the profile reads "% with strong protection", so a mean score or a risk
        cannot stand in a row of it. Profile indicators it lacks are not asked here."""
        self.check_indicators(indicators.ids)
        if self.profile is None:
            return
        problems = []
        for factor in self.profile.asked(indicators.ids).factors:
            for ident in factor.indicators:
                indicator = indicators[ident]
                where = f"{self.source}: profile.factors.{factor.id}: indicator '{ident}'"
                if not indicator.is_proportion:
                    problems.append(f"{where} is a mean score; the profile needs a share (%)")
                if indicator.direction is not Direction.PROTECTIVE:
                    problems.append(f"{where} is a risk; the profile needs a protective one")
        if problems:
            raise ReportDefinitionError(problems)


def definition_path(reports_dir: str | os.PathLike[str], kind: str) -> Path:
    return Path(reports_dir) / f"{kind}.yaml"


def load_definition(path: str | os.PathLike[str]) -> ReportDefinition:
    """Load and validate one report definition (cached per path and modification time)."""
    resolved = Path(path).resolve()
    try:
        mtime = resolved.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise ReportDefinitionError([f"{resolved}: no such report definition"]) from exc
    return _load_cached(str(resolved), mtime)


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int) -> ReportDefinition:
    with open(path, encoding="utf-8") as handle:
        try:
            raw = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise ReportDefinitionError([f"{path}: not valid YAML: {exc}"]) from exc
    return parse_definition(raw, source=path)


def parse_definition(raw: Any, source: str) -> ReportDefinition:
    """Validate already-parsed YAML; ``source`` names it in messages."""
    problems: list[str] = []

    def error(where: str, problem: str) -> None:
        problems.append(f"{source}: {where}: {problem}" if where else f"{source}: {problem}")

    if not isinstance(raw, dict):
        raise ReportDefinitionError([f"{source}: expected a mapping at the top level"])
    for key in sorted(set(raw) - _TOP_KEYS, key=str):
        error("", f"unknown key '{key}' (allowed: {', '.join(sorted(_TOP_KEYS))})")

    kind: Any = raw.get("kind")
    if kind not in KINDS:
        error("kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")

    layout = raw.get("layout", "full")
    if layout not in LAYOUTS:
        error("layout", f"expected one of {', '.join(LAYOUTS)}, got {layout!r}")

    sections = _names(raw.get("sections"), SECTIONS, "sections", error)
    if sections and "domains" not in sections:
        error("sections", "must include 'domains'")

    key_messages = raw.get("key_messages", {})
    max_items = 6
    if not isinstance(key_messages, dict) or set(key_messages) - {"max_items"}:
        error("key_messages", "expected a mapping with only 'max_items'")
    else:
        max_items = key_messages.get("max_items", max_items)
        if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
            error("key_messages.max_items", f"expected a whole number >= 1, got {max_items!r}")

    indicator = raw.get("indicator", {})
    if not isinstance(indicator, dict):
        error("indicator", "expected a mapping")
        indicator = {}
    for key in sorted(set(indicator) - _INDICATOR_KEYS, key=str):
        error("indicator", f"unknown key '{key}' (allowed: {', '.join(sorted(_INDICATOR_KEYS))})")
    flags = {}
    for key in ("trend", "table"):
        flags[key] = indicator.get(key, True)
        if not isinstance(flags[key], bool):
            error(f"indicator.{key}", f"expected true or false, got {flags[key]!r}")
    breakdown = _names(indicator.get("breakdown", []), BREAKDOWNS, "indicator.breakdown", error)

    domains = _domains(raw.get("domains"), error)
    profile = _profile(raw.get("profile"), sections, error)
    if problems:
        raise ReportDefinitionError(problems)
    return ReportDefinition(
        source=source,
        kind=kind,
        sections=sections,
        key_messages_max=max_items,
        breakdown=breakdown,
        trend=flags["trend"],
        table=flags["table"],
        domains=domains,
        layout=layout,
        profile=profile,
    )


def _names(value: Any, allowed: tuple[str, ...], where: str, error: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        error(where, f"expected a list of names, got {value!r}")
        return ()
    for name in value:
        if name not in allowed:
            error(where, f"unknown '{name}' (allowed: {', '.join(allowed)})")
    duplicates = sorted({v for v in value if value.count(v) > 1})
    if duplicates:
        error(where, f"listed twice: {', '.join(duplicates)}")
    return tuple(value)


def _domains(value: Any, error: Any) -> tuple[DomainSection, ...]:
    if not isinstance(value, list) or not value:
        error("domains", "expected a non-empty list of domains")
        return ()
    result = []
    seen_domains: set[str] = set()
    seen_indicators: dict[str, str] = {}
    for number, entry in enumerate(value, start=1):
        where = f"domains[{number}]"
        if not isinstance(entry, dict) or set(entry) != {"id", "indicators"}:
            error(where, "expected a mapping with exactly 'id' and 'indicators'")
            continue
        ident = entry["id"]
        try:
            domain = Domain(ident)
        except ValueError:
            allowed = ", ".join(d.value for d in Domain)
            error(where, f"unknown domain {ident!r} (allowed: {allowed})")
            continue
        where = f"domains.{domain.value}"
        if domain.value in seen_domains:
            error(where, "domain listed twice")
        seen_domains.add(domain.value)
        indicators = entry["indicators"]
        if (
            not isinstance(indicators, list)
            or not indicators
            or not all(isinstance(i, str) for i in indicators)
        ):
            error(where, f"'indicators' must be a non-empty list of ids, got {indicators!r}")
            continue
        for ident in indicators:
            if ident in seen_indicators:
                error(where, f"indicator '{ident}' already shown in {seen_indicators[ident]}")
            seen_indicators[ident] = where
        result.append(DomainSection(domain, tuple(indicators)))
    return tuple(result)


def _profile(value: Any, sections: tuple[str, ...], error: Any) -> Profile | None:
    """The ``profile`` mapping: required with the ``profile`` section, refused without it
    (unless the sections themselves are wrong: that is reported already)."""
    if value is None:
        if "profile" in sections:
            error("profile", "the 'profile' section needs a 'profile' mapping")
        return None
    if sections and "profile" not in sections:
        error("profile", "given, but 'profile' is not among the sections")
    if not isinstance(value, dict) or set(value) != {"breakdown", "factors"}:
        error("profile", "expected a mapping with exactly 'breakdown' and 'factors'")
        return None
    breakdown = _names(value["breakdown"], BREAKDOWNS, "profile.breakdown", error)
    entries = value["factors"]
    if not isinstance(entries, list):
        error("profile.factors", f"expected a list of the ten factors, got {entries!r}")
        return None
    factors = []
    for number, entry in enumerate(entries, start=1):
        where = f"profile.factors[{number}]"
        if not isinstance(entry, dict) or "id" not in entry:
            error(where, "expected a mapping with 'id' and 'indicators' or 'not_measured'")
            continue
        ident = entry["id"]
        if ident not in FACTORS:
            error(where, f"unknown factor {ident!r} (allowed: {', '.join(FACTORS)})")
            continue
        where = f"profile.factors.{ident}"
        for key in sorted(set(entry) - {"id", "indicators", "not_measured"}, key=str):
            error(where, f"unknown key '{key}' (allowed: id, indicators, not_measured)")
        indicators = entry.get("indicators", [])
        reason = entry.get("not_measured", "")
        if not isinstance(indicators, list) or not all(isinstance(i, str) for i in indicators):
            error(where, f"'indicators' must be a list of ids, got {indicators!r}")
            continue
        if bool(indicators) == bool(reason):
            error(where, "give either 'indicators' or 'not_measured' (why there is no figure)")
        elif reason and reason not in NOT_MEASURED:
            error(where, f"not_measured: unknown {reason!r} (allowed: {', '.join(NOT_MEASURED)})")
        duplicates = sorted({i for i in indicators if indicators.count(i) > 1})
        if duplicates:
            error(where, f"indicator listed twice: {', '.join(duplicates)}")
        factors.append(Factor(ident, tuple(indicators), reason))
    listed = [e["id"] for e in entries if isinstance(e, dict) and e.get("id") in FACTORS]
    if len(listed) == len(entries) and listed != list(FACTORS):
        error(
            "profile.factors",
            f"list the ten NJi factors once each, in order: {', '.join(FACTORS)}",
        )
    return Profile(tuple(factors), breakdown)
