"""Questionnaire texts in more languages, kept in their own files next to the definition.

A questionnaire file declares its texts in a few languages (``languages: [nl, en]``); every
further language comes from a translation file per questionnaire part and language::

    questionnaires/oko-core.translations/ar.yaml
    questionnaires/modules/leisure.translations/ar.yaml

A file holds a header and one entry per text, keyed by page, item and option ids::

    language: ar
    name: العربية              # the language's own name, shown to students
    direction: rtl             # ltr (default) or rtl
    review_status: drafted, not reviewed by a native speaker
    texts:
      item.gender: {source: 3f2a9c1d, text: "هل أنت ...؟"}
      item.gender.1: {source: 0b4e..., text: "ولد"}

``source`` is a short hash of the Dutch text the entry was translated from. When an author
changes that text, the hash no longer matches and the entry is *stale*: the student then sees
the English text instead, and :func:`problems` names the entry, so a translator knows exactly
which texts to look at again. Translators and the CLI work from :func:`template`.

Pure: this module reads parsed YAML and returns new frozen questionnaires; the loader reads
the files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from oko.questionnaire.model import (
    Element,
    Grid,
    Item,
    Option,
    Page,
    Questionnaire,
    Text,
    Translation,
)

#: The language every translation is made from (its hash is the ``source``).
SOURCE_LANGUAGE = "nl"
#: Shown for a text whose translation is missing or stale.
FALLBACK_LANGUAGE = "en"
SUFFIX = ".translations"
HEADER_KEYS = ("language", "name", "direction", "review_status", "texts")
DIRECTIONS = ("ltr", "rtl")
#: Adds the translated languages to the text with a key.
Extend = Callable[[str, "Text"], "Text"]


@dataclass(frozen=True)
class TranslationFile:
    """One parsed translation file of one questionnaire part."""

    info: Translation
    #: Key -> (source hash, translated text).
    entries: Mapping[str, tuple[str, str]]
    source: str


def source_hash(text: str) -> str:
    """A short fingerprint of a source text: it changes when the text does."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:8]


def keyed_texts(questionnaire: Questionnaire) -> Iterator[tuple[str, Text]]:
    """Every text a student reads, with the key translation files use for it."""
    yield "title", questionnaire.title
    yield "intro", questionnaire.intro
    yield "help", questionnaire.help
    for page in questionnaire.pages:
        yield f"page.{page.id}", page.title
        if page.intro is not None:
            yield f"page.{page.id}.intro", page.intro
        for element in page.elements:
            yield f"item.{element.id}", element.text
            if element.hint is not None:
                yield f"item.{element.id}.hint", element.hint
            for option in element.options:
                yield f"item.{element.id}.{option.code}", option.label
            if isinstance(element, Grid):
                for row in element.rows:
                    yield f"item.{row.id}", row.text


def parse(raw: object, source: str) -> tuple[TranslationFile | None, list[str]]:
    """A translation file's content, or ``None`` and every problem with its header or entries."""
    errors: list[str] = []

    def error(problem: str) -> None:
        errors.append(f"{source}: {problem}")

    if not isinstance(raw, Mapping):
        error("must hold a mapping with language, name, review_status and texts")
        return None, errors
    for key in sorted(set(raw) - set(HEADER_KEYS), key=str):
        error(f"unknown key {key!r} (allowed: {', '.join(HEADER_KEYS)})")
    header = {key: raw.get(key) for key in ("language", "name", "review_status")}
    for key, value in header.items():
        if not isinstance(value, str) or not value.strip():
            error(f"{key} must be a non-empty text")
    direction = raw.get("direction", "ltr")
    if direction not in DIRECTIONS:
        error(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    texts = raw.get("texts")
    if not isinstance(texts, Mapping):
        error("texts must map keys such as item.gender to {source: <hash>, text: ...}")
        texts = {}
    entries: dict[str, tuple[str, str]] = {}
    for key, entry in texts.items():
        if (
            not isinstance(entry, Mapping)
            or not isinstance(entry.get("source"), str)
            or not isinstance(entry.get("text"), str)
            or not entry["text"].strip()
        ):
            error(f"{key}: must be {{source: <hash>, text: <non-empty text>}}")
            continue
        entries[str(key)] = (entry["source"], entry["text"].strip())
    if errors:
        return None, errors
    info = Translation(
        language=str(header["language"]),
        name=str(header["name"]),
        direction=str(direction),
        review_status=str(header["review_status"]),
    )
    return TranslationFile(info, entries, source), []


def problems(questionnaire: Questionnaire, files: list[TranslationFile]) -> list[str]:
    """Every missing, stale or unknown entry, per language, naming the key (an item id)."""
    if not files:
        return []
    if SOURCE_LANGUAGE not in questionnaire.languages:
        return [
            f"{questionnaire.source}: translations are made from '{SOURCE_LANGUAGE}', "
            "which this questionnaire does not declare"
        ]
    sources = {key: text[SOURCE_LANGUAGE] for key, text in keyed_texts(questionnaire)}
    found: list[str] = []
    for language, group in _by_language(files).items():
        where = f"{questionnaire.source}: translation {language!r}"
        if language in questionnaire.languages:
            found.append(f"{where}: is a declared language; its texts belong in the questionnaire")
            continue
        merged: dict[str, tuple[str, str]] = {}
        for file in group:
            for key, entry in file.entries.items():
                if key not in sources:
                    found.append(f"{file.source}: {key}: no such text in the questionnaire")
                elif key in merged:
                    found.append(f"{file.source}: {key}: translated twice")
                merged[key] = entry
        for key, nl in sources.items():
            if key not in merged:
                found.append(f"{where}: {key}: missing")
            elif merged[key][0] != source_hash(nl):
                found.append(f"{where}: {key}: stale (the Dutch text changed since translation)")
    return found


def apply(questionnaire: Questionnaire, files: list[TranslationFile]) -> Questionnaire:
    """The questionnaire with every text also in each translated language.

    A missing or stale entry shows the English text, so a page never breaks; :func:`problems`
    reports it.
    """
    groups = {
        lang: g for lang, g in _by_language(files).items() if lang not in questionnaire.languages
    }
    if not groups or SOURCE_LANGUAGE not in questionnaire.languages:
        return questionnaire
    merged = {lang: _merged(group) for lang, group in groups.items()}
    sources = {key: source_hash(text[SOURCE_LANGUAGE]) for key, text in keyed_texts(questionnaire)}
    languages = tuple(groups)

    def extend(key: str, text: Text) -> Text:
        added = {
            lang: entry[1]
            if (entry := merged[lang].get(key)) and entry[0] == sources[key]
            else text[FALLBACK_LANGUAGE]
            for lang in languages
        }
        return Text.of({**dict(text.translations), **added})

    return replace(
        questionnaire,
        title=extend("title", questionnaire.title),
        intro=extend("intro", questionnaire.intro),
        help=extend("help", questionnaire.help),
        pages=tuple(_page(page, extend) for page in questionnaire.pages),
        translations=tuple(group[0].info for group in groups.values()),
    )


def template(
    questionnaire: Questionnaire, files: list[TranslationFile], language: str
) -> dict[str, Any]:
    """Entries for ``language`` a translator still has to write or check: missing ones with an
    empty text, stale ones with the old translation; each with today's source hash and text."""
    if SOURCE_LANGUAGE not in questionnaire.languages:
        return {}
    have = _merged([file for file in files if file.info.language == language])
    todo: dict[str, Any] = {}
    for key, text in keyed_texts(questionnaire):
        nl = text[SOURCE_LANGUAGE]
        digest = source_hash(nl)
        if key in have and have[key][0] == digest:
            continue
        todo[key] = {"source": digest, "nl": nl, "text": have.get(key, ("", ""))[1]}
    return todo


def _by_language(files: list[TranslationFile]) -> dict[str, list[TranslationFile]]:
    groups: dict[str, list[TranslationFile]] = {}
    for file in files:
        groups.setdefault(file.info.language, []).append(file)
    return groups


def _merged(group: list[TranslationFile]) -> dict[str, tuple[str, str]]:
    """One language's entries over every part's file (keys are unique across parts)."""
    return {key: entry for file in group for key, entry in file.entries.items()}


def _page(page: Page, extend: Extend) -> Page:
    elements: list[Element] = []
    for element in page.elements:
        key = f"item.{element.id}"
        options = _options(key, element.options, extend)
        if isinstance(element, Grid):
            rows = tuple(
                replace(row, text=extend(f"item.{row.id}", row.text), options=options)
                for row in element.rows
            )
            elements.append(
                replace(
                    element,
                    text=extend(key, element.text),
                    options=options,
                    rows=rows,
                    hint=_hint(key, element.hint, extend),
                )
            )
        else:
            elements.append(_item(element, extend, options))
    return replace(
        page,
        title=extend(f"page.{page.id}", page.title),
        intro=None if page.intro is None else extend(f"page.{page.id}.intro", page.intro),
        elements=tuple(elements),
    )


def _item(item: Item, extend: Extend, options: tuple[Option, ...]) -> Item:
    key = f"item.{item.id}"
    return replace(
        item, text=extend(key, item.text), options=options, hint=_hint(key, item.hint, extend)
    )


def _hint(key: str, hint: Text | None, extend: Extend) -> Text | None:
    return None if hint is None else extend(f"{key}.hint", hint)


def _options(key: str, options: tuple[Option, ...], extend: Extend) -> tuple[Option, ...]:
    return tuple(replace(o, label=extend(f"{key}.{o.code}", o.label)) for o in options)
