"""Dutch and English for the staff and student pages.

Messages live in ``oko/web/messages/*.yaml`` as ``key: {nl: ..., en: ...}`` (one file per
area, so translators find them). The language comes from ``?lang=``, then the session, then
the browser's Accept-Language, then Dutch.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import Flask, current_app, g, request, session
from markupsafe import Markup

from oko.reporting.data import wave_name as name_wave
from oko.reporting.texts import load_wave_texts
from oko.services.refusal import Refusal
from oko.services.results.reports import wave_season
from oko.services.rows import Wave

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
MESSAGES_DIR = Path(__file__).parent / "messages"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All messages, checked for a text in every language when first loaded."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            present = texts if isinstance(texts, dict) else {}
            missing = [lang for lang in LANGUAGES if lang not in present]
            if missing:
                raise ValueError(f"{path.name}: message {key!r} lacks {', '.join(missing)}")
            if key in merged:
                raise ValueError(f"{path.name}: message {key!r} is defined twice")
            merged[key] = texts
    return merged


def current_language() -> str:
    return g.get("lang", DEFAULT_LANGUAGE)


def translate(key: str, lang: str | None = None, **values: object) -> str:
    """The message in the current language, with ``{name}`` placeholders filled in."""
    texts = catalogue()[key]
    text = texts[lang or current_language()]
    return text.format(**values) if values else text


def wave_name(wave: Wave) -> str:
    """The wave as the page's language names it, in the reports' words: an English page says
    "Autumn 2026" where the stored (Dutch) name is "Najaar 2026"."""
    texts = load_wave_texts(current_app.config["REPORTS_DIR"], current_language())
    return name_wave(wave.name, *wave_season(wave), texts)


def refusal_text(refusal: Refusal) -> str:
    """A service's refusal in the page's language: every refusal code has a message here."""
    return translate(f"refusal.{refusal.code}", None, **refusal.values)


def _select_language() -> None:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    lang = session.get("lang")
    if lang not in LANGUAGES:
        lang = request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)
    g.lang = lang


def init_app(app: Flask) -> None:
    app.before_request(_select_language)
    app.jinja_env.globals.update(
        _=translate,
        current_language=current_language,
        LANGUAGES=LANGUAGES,
        Markup=Markup,
    )
    app.jinja_env.filters["wave_name"] = wave_name
