"""Report wording per language, from ``reports/texts/<language>.yaml``.

A translator edits sentences with named placeholders such as ``{previous}``; no code changes.
The file is checked against :data:`oko.reporting.wording.SCHEMA` on load: every text the
renderer needs must be there, unknown keys are refused (a typo would otherwise be silently
ignored), and each text may only use the placeholders its place offers, and must use the
ones that carry numbers. Every problem is reported at once with the file and the key.
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from oko.reporting.wording import SCHEMA, TextSpec, dynamic_schema


class TextsError(ValueError):
    """One or more problems in a texts file; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Texts:
    """The validated texts of one language, keyed by dotted path (``cover.title``)."""

    language: str
    source: str
    entries: Mapping[str, str]

    def __call__(self, key: str, **values: object) -> str:
        """The text for ``key`` with its placeholders filled in."""
        return self.entries[key].format_map(values)


def texts_path(reports_dir: str | os.PathLike[str], language: str) -> Path:
    return Path(reports_dir) / "texts" / f"{language}.yaml"


def load_texts(
    path: str | os.PathLike[str],
    *,
    domains: Iterable[str],
    indicators: Iterable[str],
    references: Iterable[str] = (),
) -> Texts:
    """Load and validate the texts of one language for the given domains and indicators
    (``references``: the indicators compared with a published reference figure).

    Cached per path, modification time and content asked for; the result is immutable.
    """
    resolved = Path(path).resolve()
    try:
        mtime = resolved.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise TextsError([f"{resolved}: no such texts file"]) from exc
    return _load_cached(str(resolved), mtime, tuple(domains), tuple(indicators), tuple(references))


@lru_cache(maxsize=32)
def _load_cached(
    path: str,
    mtime_ns: int,
    domains: tuple[str, ...],
    indicators: tuple[str, ...],
    references: tuple[str, ...],
) -> Texts:
    with open(path, encoding="utf-8") as handle:
        try:
            raw = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise TextsError([f"{path}: not valid YAML: {exc}"]) from exc
    return parse_texts(
        raw, source=path, domains=domains, indicators=indicators, references=references
    )


def parse_texts(
    raw: Any,
    *,
    source: str,
    domains: Iterable[str],
    indicators: Iterable[str],
    references: Iterable[str] = (),
) -> Texts:
    """Validate already-parsed YAML; ``source`` names it in messages."""
    if not isinstance(raw, dict):
        raise TextsError([f"{source}: expected a mapping at the top level"])
    problems: list[str] = []
    language = raw.get("language")
    expected = Path(source).stem
    if language != expected:
        problems.append(
            f"{source}: language: expected {expected!r} (the file name), got {language!r}"
        )
    flat: dict[str, Any] = {}
    _flatten({k: v for k, v in raw.items() if k != "language"}, "", flat, problems, source)
    schema = {**SCHEMA, **dynamic_schema(domains, indicators, references)}
    for key in sorted(set(schema) - set(flat)):
        problems.append(f"{source}: {key}: missing")
    for key in sorted(set(flat) - set(schema)):
        if _other_indicator(key, flat, schema):
            continue
        problems.append(f"{source}: {key}: unknown key (a typo, or a text no report uses)")
    for key in sorted(set(flat) & set(schema)):
        problems.extend(f"{source}: {key}: {p}" for p in _check(flat[key], schema[key]))
    if problems:
        raise TextsError(problems)
    return Texts(expected, source, MappingProxyType({k: flat[k] for k in sorted(schema)}))


def _other_indicator(key: str, flat: Mapping[str, Any], schema: Mapping[str, Any]) -> bool:
    """A complete text (higher and lower) of an indicator this set lacks: one language file
    serves every questionnaire, so it also holds the indicators of modules (see
    ``questionnaires/README.md``) that this wave did not ask. A misspelt id is still caught:
    the indicator it was meant for is then missing."""
    parts = key.split(".")
    if len(parts) != 3 or parts[0] != "indicators":
        return False
    prefix = f"indicators.{parts[1]}."
    if prefix + "higher" in schema:  # one of this set's: an extra key is a typo
        return False
    return all(isinstance(flat.get(prefix + part), str) for part in ("higher", "lower"))


def _flatten(
    node: Mapping[Any, Any], prefix: str, out: dict[str, Any], problems: list[str], source: str
) -> None:
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, path + ".", out, problems, source)
        else:
            out[path] = value


def _check(value: Any, spec: TextSpec) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return [f"expected a non-empty text, got {value!r}"]
    try:
        fields = list(string.Formatter().parse(value))
    except ValueError as exc:
        return [f"malformed placeholder ({exc}); write a literal brace as {{{{ or }}}}"]
    used = set()
    problems = []
    for _literal, name, format_spec, conversion in fields:
        if name is None:
            continue
        if not name.isidentifier() or format_spec or conversion:
            problems.append(f"placeholder {{{name}}} must be a plain name such as {{area}}")
            continue
        used.add(name)
    allowed = spec.required | spec.optional
    for name in sorted(used - allowed):
        offer = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
        problems.append(f"unknown placeholder {{{name}}} (this text offers: {offer})")
    for name in sorted(spec.required - used):
        problems.append(f"must use the placeholder {{{name}}}")
    return problems


def load_wave_texts(reports_dir: str | os.PathLike[str], language: str) -> Texts:
    """Only the ``wave.*`` texts of a language, checked like the rest: what staff pages need
    to name waves as the reports do (see :func:`oko.reporting.data.wave_name`)."""
    path = texts_path(reports_dir, language).resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise TextsError([f"{path}: no such texts file"]) from exc
    return _load_wave_texts(str(path), mtime)


@lru_cache(maxsize=8)
def _load_wave_texts(path: str, mtime_ns: int) -> Texts:
    with open(path, encoding="utf-8") as handle:
        try:
            raw = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise TextsError([f"{path}: not valid YAML: {exc}"]) from exc
    section = raw.get("wave") if isinstance(raw, dict) else None
    flat: dict[str, Any] = {}
    problems: list[str] = []
    _flatten({"wave": section if isinstance(section, dict) else {}}, "", flat, problems, path)
    schema = {key: spec for key, spec in SCHEMA.items() if key.startswith("wave.")}
    for key in sorted(schema):
        if key not in flat:
            problems.append(f"{path}: {key}: missing")
        else:
            problems.extend(f"{path}: {key}: {p}" for p in _check(flat[key], schema[key]))
    if problems:
        raise TextsError(problems)
    return Texts(Path(path).stem, path, MappingProxyType({k: flat[k] for k in sorted(schema)}))
