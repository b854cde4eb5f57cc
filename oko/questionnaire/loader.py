"""Read questionnaire files: YAML in, a frozen :class:`Questionnaire` out, cached per version.

The YAML dialect is PyYAML's safe loader with two traps removed: a key repeated in one mapping
is an error instead of silently replacing the first, and only ``true``/``false`` are booleans,
so ``{nl: Nee, en: No}`` stays text (YAML 1.1 would read ``No`` as false).

A composition file (core plus modules) is merged by :mod:`oko.questionnaire.composition` and
then built like any questionnaire; its cache key holds the versions of every file it reads.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

from oko.questionnaire import composition, translations
from oko.questionnaire.builder import QuestionnaireError, build
from oko.questionnaire.model import Questionnaire

_BOOL = "tag:yaml.org,2002:bool"


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML without duplicate keys and without yes/no/on/off booleans."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int):
                continue
            if key in seen:
                raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load(path: str | os.PathLike[str]) -> Questionnaire:
    """Load and validate one questionnaire file, or raise :class:`QuestionnaireError`.

    Its translation files (:mod:`oko.questionnaire.translations`) add their languages. The
    result is cached until a file changes (modification time or size), so callers may load on
    every request.
    """
    return _translated(*_untranslated(path))[0]


def check_files(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Every problem in the given questionnaire files and their translations (a missing or
    stale translated text included); an empty list means all are valid."""
    errors: list[str] = []
    for path in paths:
        try:
            errors.extend(_translated(*_untranslated(path))[1])
        except QuestionnaireError as exc:
            errors.extend(exc.errors)
    return errors


def translation_template(path: str | os.PathLike[str], language: str) -> dict[str, object]:
    """The texts of a questionnaire still to translate into ``language`` (see
    :func:`oko.questionnaire.translations.template`)."""
    base, stamps = _untranslated(path)
    return translations.template(base, _translation_files(stamps), language)


Stamp = tuple[str, int, int]


def _untranslated(
    path: str | os.PathLike[str],
) -> tuple[Questionnaire, tuple[tuple[str, Stamp], ...]]:
    """The questionnaire as its own files define it, and the stamps of its translation files."""
    display = os.fspath(path)
    real = os.path.realpath(display)
    stamp = _stamp(display, real)
    raw = _read_version(display, *stamp)
    if composition.is_composition(raw):
        folder = Path(real).parent
        part_paths = composition.parts(raw, folder)
        parts = tuple(_stamp(os.fspath(p), os.path.realpath(p)) for p in part_paths)
        return _compose_version(display, stamp, parts), _translation_stamps(part_paths)
    if composition.is_module(raw):
        raise QuestionnaireError(
            [f"{display}: is a module, not a questionnaire: check a composition that lists it"]
        )
    return _load_version(display, *stamp), _translation_stamps([Path(display)])


def _translation_stamps(part_paths: Iterable[Path]) -> tuple[tuple[str, Stamp], ...]:
    """``(display path, stamp)`` of every ``<part>.translations/<language>.yaml``."""
    found = []
    for part in part_paths:
        folder = part.parent / f"{part.stem}{translations.SUFFIX}"
        for file in sorted(folder.glob("*.yaml")):
            found.append((os.fspath(file), _stamp(os.fspath(file), os.path.realpath(file))))
    return tuple(found)


@lru_cache(maxsize=32)
def _translated(
    base: Questionnaire, stamps: tuple[tuple[str, Stamp], ...]
) -> tuple[Questionnaire, tuple[str, ...]]:
    """``(questionnaire with its translations, missing or stale translations)``."""
    files = _translation_files(stamps)
    return translations.apply(base, files), tuple(translations.problems(base, files))


def _translation_files(
    stamps: tuple[tuple[str, Stamp], ...],
) -> list[translations.TranslationFile]:
    """The parsed translation files; unreadable ones raise, like an unreadable questionnaire."""
    files: list[translations.TranslationFile] = []
    errors: list[str] = []
    for display, stamp in stamps:
        parsed, problems = translations.parse(_read_version(display, *stamp), display)
        errors.extend(problems)
        if parsed is not None and parsed.info.language != Path(display).stem:
            errors.append(
                f"{display}: language {parsed.info.language!r} does not match the file name"
            )
        elif parsed is not None:
            files.append(parsed)
    if errors:
        raise QuestionnaireError(errors)
    return files


def _stamp(display: str, real_path: str) -> Stamp:
    """``(real path, mtime, size)``: a file version's cache key."""
    try:
        stat = os.stat(real_path)
    except OSError as exc:
        raise QuestionnaireError([f"{display}: cannot read: {exc.strerror}"]) from None
    return real_path, stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=32)
def _load_version(display: str, real_path: str, mtime_ns: int, size: int) -> Questionnaire:
    """One version of one file; ``mtime_ns`` and ``size`` are only part of the cache key."""
    return build(_read_version(display, real_path, mtime_ns, size), display)


@lru_cache(maxsize=32)
def _compose_version(
    display: str, stamp: tuple[str, int, int], parts: tuple[tuple[str, int, int], ...]
) -> Questionnaire:
    """A composition at the versions of its own file and of its parts (the cache key)."""
    raw = _read_version(display, *stamp)

    def read(path: Path) -> object:
        return _read_version(os.fspath(path), *_stamp(os.fspath(path), os.path.realpath(path)))

    merged, errors, modules = composition.compose(raw, Path(stamp[0]).parent, display, read)
    if errors:
        raise QuestionnaireError(errors)
    return replace(build(merged, display), modules=modules)


@lru_cache(maxsize=64)
def _read_version(display: str, real_path: str, mtime_ns: int, size: int) -> Any:
    """Parsed YAML of one file version (callers never change it)."""
    try:
        text = Path(real_path).read_text(encoding="utf-8")
    except OSError as exc:
        raise QuestionnaireError([f"{display}: cannot read: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise QuestionnaireError([f"{display}: cannot read: not UTF-8 text"]) from None
    try:
        raw = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise QuestionnaireError([f"{display}: not valid YAML: {exc.problem}{where}"]) from None
    except yaml.YAMLError as exc:
        raise QuestionnaireError([f"{display}: not valid YAML: {exc}"]) from None
    return raw
