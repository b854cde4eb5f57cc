"""Dutch and English for the staff pages; more languages for the student pages.

Messages live in ``oko/web/messages/*.yaml`` as ``key: {nl: ..., en: ...}`` (one file per
area, so translators find them). Every message is in Dutch and English; the messages a
student reads (``survey.yaml``, ``student.yaml``) are also in every student language, with the
review status of each language in ``student.yaml``. The language comes from ``?lang=``, then
the session, then the browser's Accept-Language, then Dutch; staff pages fall back to Dutch
or English when a student language was chosen.
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
#: The message whose languages are the student languages (each text the language's own name).
LANGUAGE_NAME_KEY = "survey.language.name"
DIRECTION_KEY = "survey.language.direction"
DEFAULT_LANGUAGE = "nl"
FALLBACK_LANGUAGE = "en"
MESSAGES_DIR = Path(__file__).parent / "messages"
#: Message files a student reads: every message in them is in every student language.
STUDENT_FILES = ("survey.yaml", "student.yaml")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All messages, checked for a text in every language when first loaded: Dutch and
    English everywhere, every student language in the files a student reads."""
    files = {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for path in sorted(MESSAGES_DIR.glob("*.yaml"))
    }
    students = tuple(files.get("survey.yaml", {}).get(LANGUAGE_NAME_KEY, LANGUAGES))
    merged: dict[str, dict[str, str]] = {}
    for name, data in files.items():
        required = students if name in STUDENT_FILES else LANGUAGES
        for key, texts in data.items():
            present = texts if isinstance(texts, dict) else {}
            missing = [lang for lang in required if lang not in present]
            if missing:
                raise ValueError(f"{name}: message {key!r} lacks {', '.join(missing)}")
            if key in merged:
                raise ValueError(f"{name}: message {key!r} is defined twice")
            merged[key] = texts
    return merged


def current_language() -> str:
    return g.get("lang", DEFAULT_LANGUAGE)


def student_languages() -> tuple[str, ...]:
    """The languages of the student's pages, in the order the entry page offers them."""
    return tuple(catalogue()[LANGUAGE_NAME_KEY])


def language_name(lang: str) -> str:
    """A student language in its own words, e.g. "Українська"."""
    return catalogue()[LANGUAGE_NAME_KEY][lang]


def text_direction(lang: str | None = None) -> str:
    """``rtl`` or ``ltr``: the ``dir`` of a page in this language."""
    return catalogue()[DIRECTION_KEY].get(lang or current_language(), "ltr")


def translate(key: str, lang: str | None = None, **values: object) -> str:
    """The message in the current language, with ``{name}`` placeholders filled in; a staff
    message shown on a student's page in a student language falls back to English."""
    texts = catalogue()[key]
    text = texts.get(lang or current_language()) or texts[FALLBACK_LANGUAGE]
    return text.format(**values) if values else text


def wave_name(wave: Wave) -> str:
    """The wave as the page's language names it, in the reports' words: an English page says
    "Autumn 2026" where the stored (Dutch) name is "Najaar 2026"."""
    texts = load_wave_texts(current_app.config["REPORTS_DIR"], current_language())
    return name_wave(wave.name, *wave_season(wave), texts)


def refusal_text(refusal: Refusal) -> str:
    """A service's refusal in the page's language: every refusal code has a message here."""
    return translate(f"refusal.{refusal.code}", None, **refusal.values)


def page_languages() -> tuple[str, ...]:
    """The languages this request's page can be shown in: a student's page has more."""
    return student_languages() if request.blueprint == "survey" else LANGUAGES


def _select_language() -> None:
    offered = page_languages()
    chosen = request.args.get("lang")
    if chosen in offered:
        session["lang"] = chosen
    lang = session.get("lang")
    if lang not in offered:
        lang = request.accept_languages.best_match(offered, default=DEFAULT_LANGUAGE)
    g.lang = lang


def init_app(app: Flask) -> None:
    app.before_request(_select_language)
    app.jinja_env.globals.update(
        _=translate,
        current_language=current_language,
        text_direction=text_direction,
        language_name=language_name,
        student_languages=student_languages,
        LANGUAGES=LANGUAGES,
        Markup=Markup,
    )
    app.jinja_env.filters["wave_name"] = wave_name
