"""The documents a school needs before its students answer: ReportLab PDFs, always generated.

- the **letter to parents**: what is asked (the questionnaire's page titles, so the letter
  follows the wave's definition), that it is anonymous and voluntary, how to object (passive
  consent, as Dutch schools do), how the answers are used and kept, whom to contact;
- the **teacher's sheet**, one page per class session: the class code, its QR code and the
  time it stops working, the script to read aloud, what to do when a student declines or is
  upset, and the questionnaire's own help text;
- the **paper questionnaire**, with each item's code (the import's column) and each option's
  code (the value to type in), for when devices fail.

Texts are in ``reports/fieldwork/<language>.yaml``; every language needs every key of the
Dutch file's parts it has, and at least the letter: the student languages (Arabic, Turkish,
Polish, Ukrainian) carry only the letter to parents, because teachers and data entry work in
Dutch or English. Their files say their writing direction and review status. ReportLab lays
out neither Arabic shaping nor right-to-left lines without optional libraries, so a
right-to-left letter is offered as a printable web page (:func:`letter`) instead of a PDF.
Nothing here queries a database: callers pass plain dataclasses.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
import yaml
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from oko.questionnaire import Grid, Item, Questionnaire
from oko.reporting.styles import Styles, make_styles, table_style

#: Where the questionnaire's help text breaks: blank lines and "- " list lines.
_HELP_PARTS = re.compile(r"\n\s*\n|\n(?=- )")
#: The language whose keys every other texts file must have.
SOURCE_LANGUAGE = "nl"
#: The part every texts file has.
LETTER = "letter"


class FieldworkTextsError(ValueError):
    """A fieldwork texts file is missing, unreadable or lacks keys."""


@dataclass(frozen=True)
class SheetSession:
    """One class session as its teacher's sheet shows it."""

    code: str
    grade: int
    label: str
    url: str
    address: str
    expires_at: datetime
    is_test: bool = False


@dataclass(frozen=True)
class SchoolKit:
    """What the documents of one school in one wave say."""

    wave_name: str
    school_name: str
    municipality: str
    #: Name or email address of the school's coordinator; "" when the school has none.
    contact: str
    questionnaire: Questionnaire
    sessions: tuple[SheetSession, ...] = ()


@cache
def _texts(folder: str, language: str) -> Mapping[str, Any]:
    path = Path(folder) / f"{language}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FieldworkTextsError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get(LETTER), dict):
        raise FieldworkTextsError(f"{path}: no {LETTER!r} part")
    if language != SOURCE_LANGUAGE:
        source = _texts(folder, SOURCE_LANGUAGE)
        parts = {part: source[part] for part in source if part in data}
        missing = _keys(parts) - _keys(data)
        if missing:
            raise FieldworkTextsError(
                f"{path}: missing {', '.join(sorted(k.rstrip('.') for k in missing))}"
            )
    return dict(data)


def _keys(data: object, prefix: str = "") -> set[str]:
    if not isinstance(data, dict):
        return {prefix}
    return {key for name, value in data.items() for key in _keys(value, f"{prefix}{name}.")}


def has_part(folder: Path, language: str, part: str) -> bool:
    """Whether ``language`` has texts for ``part`` (``letter``, ``teacher``, ``paper``)."""
    return (Path(folder) / f"{language}.yaml").is_file() and part in _texts(str(folder), language)


def direction(folder: Path, language: str) -> str:
    """``rtl`` or ``ltr``: how the language's letter is laid out."""
    return str(_texts(str(folder), language).get("direction", "ltr"))


class _Words:
    """The texts of one language and part, escaped for ReportLab's paragraph markup (or
    plain, for a web page that escapes them itself)."""

    def __init__(self, folder: Path, language: str, part: str, *, markup: bool = True) -> None:
        self.entries = _texts(str(folder), language)[part]
        self.markup = markup

    def __call__(self, key: str, **values: object) -> str:
        text = " ".join(str(self.entries[key]).split())
        text = text.format(**{k: str(v) for k, v in values.items()})
        return escape(text) if self.markup else text


def topics(questionnaire: Questionnaire, language: str) -> tuple[str, ...]:
    """What the questionnaire asks about, in order: its page titles."""
    return tuple(page.title[language] for page in questionnaire.pages)


def _pdf(story: list[Flowable], title: str) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="oko",
        invariant=1,
    )
    doc.build(story)
    return out.getvalue()


def _section(s: Styles, title: str, text: str) -> list[Flowable]:
    return [Paragraph(title, s.h3), Paragraph(text, s.body)]


@dataclass(frozen=True)
class Letter:
    """The letter to parents as texts: the PDF and the printable web page show the same."""

    language: str
    direction: str
    #: Who has checked the language's texts; "" for the source texts.
    review_status: str
    school: str
    title: str
    greeting: str
    intro: str
    topics_title: str
    topics_intro: str
    topics: tuple[str, ...]
    #: ``(title, text)`` of each section after the topics.
    sections: tuple[tuple[str, str], ...]
    closing: str


def letter(kit: SchoolKit, language: str, folder: Path, *, markup: bool = False) -> Letter:
    """The letter's texts in ``language``; ``markup`` escapes them for ReportLab."""
    w = _Words(folder, language, LETTER, markup=markup)
    texts = _texts(str(folder), language)
    places = {"wave": kit.wave_name, "school": kit.school_name, "municipality": kit.municipality}
    contact = (
        w("contact", contact=kit.contact, **places)
        if kit.contact
        else w("contact_unknown", **places)
    )
    plain = escape if markup else str
    return Letter(
        language=language,
        direction=str(texts.get("direction", "ltr")),
        review_status=str(texts.get("review_status", "")),
        school=plain(kit.school_name),
        title=w("title"),
        greeting=w("greeting"),
        intro=w("intro", **places),
        topics_title=w("topics_title"),
        topics_intro=w("topics_intro"),
        topics=tuple(plain(topic) for topic in topics(kit.questionnaire, language)),
        sections=(
            (w("anonymous_title"), w("anonymous")),
            (w("voluntary_title"), w("voluntary")),
            (w("optout_title"), w("optout")),
            (w("use_title"), w("use", **places)),
            (w("contact_title"), contact),
        ),
        closing=w("closing", **places),
    )


def parent_letter(kit: SchoolKit, language: str, folder: Path) -> bytes:
    """The letter to parents of one school as PDF: about two minutes to read."""
    text, s = letter(kit, language, folder, markup=True), make_styles()
    story: list[Flowable] = [
        Paragraph(text.school, s.kicker),
        Paragraph(text.title, s.title),
        Spacer(1, 4 * mm),
        Paragraph(text.greeting, s.body),
        Paragraph(text.intro, s.body),
        Paragraph(text.topics_title, s.h3),
        Paragraph(text.topics_intro, s.body),
        *(Paragraph(topic, s.bullet, bulletText="•") for topic in text.topics),
        *(flowable for title, body in text.sections for flowable in _section(s, title, body)),
        Spacer(1, 4 * mm),
        Paragraph(text.closing, s.body),
    ]
    return _pdf(story, text.title)


def qr_drawing(url: str, size: float = 45 * mm) -> Drawing:
    """The QR code of ``url`` as vector squares (segno makes the matrix)."""
    matrix = [list(row) for row in segno.make(url, error="m").matrix_iter(border=2)]
    cell = size / len(matrix)
    drawing = Drawing(size, size)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                drawing.add(
                    Rect(
                        x * cell,
                        size - (y + 1) * cell,
                        cell,
                        cell,
                        fillColor=colors.black,
                        strokeColor=None,
                    )
                )
    return drawing


def teacher_sheets(kit: SchoolKit, language: str, folder: Path) -> bytes:
    """One page per class session of the school: code, QR code, expiry, script, what to do."""
    if not kit.sessions:
        raise ValueError("a teacher's sheet needs a class session")
    w, s = _Words(folder, language, "teacher"), make_styles()
    help_text = kit.questionnaire.help[language] if kit.questionnaire.help else ""
    story: list[Flowable] = []
    for index, sheet in enumerate(kit.sessions):
        if index:
            story.append(PageBreak())
        label = f" {sheet.label}" if sheet.label else ""
        story.append(
            Paragraph(w("title", school=kit.school_name, grade=sheet.grade, label=label), s.h1)
        )
        if sheet.is_test:
            story.append(Paragraph(w("test"), s.notice))
        code = Table(
            [
                [
                    [
                        Paragraph(w("code_title"), s.h3),
                        Paragraph(f"<font size=28><b>{escape(sheet.code)}</b></font>", s.body),
                        Spacer(1, 10 * mm),
                        Paragraph(w("code_steps", address=sheet.address), s.body),
                        Paragraph(escape(sheet.url), s.small),
                        Paragraph(
                            w("expires", expires=sheet.expires_at.strftime("%Y-%m-%d %H:%M")),
                            s.body,
                        ),
                    ],
                    qr_drawing(sheet.url),
                ]
            ],
            colWidths=[110 * mm, 50 * mm],
            style=table_style(("VALIGN", (0, 0), (-1, -1), "TOP")),
        )
        story += [
            code,
            *_section(s, w("script_title"), w("script")),
            *_section(s, w("during_title"), w("during")),
            *_section(s, w("declines_title"), w("declines")),
            *_section(s, w("upset_title"), w("upset")),
            Paragraph(w("help_title"), s.h3),
            *(Paragraph(escape(p), s.small) for p in _HELP_PARTS.split(help_text) if p.strip()),
        ]
    return _pdf(story, w("title", school=kit.school_name, grade="", label=""))


def paper_questionnaire(questionnaire: Questionnaire, language: str, folder: Path) -> bytes:
    """Every page and item of the questionnaire, with item and option codes for data entry."""
    w, s = _Words(folder, language, "paper"), make_styles()
    story: list[Flowable] = [
        Paragraph(w("title", title=questionnaire.title[language]), s.title),
        Paragraph(w("version", id=questionnaire.id, version=questionnaire.version), s.small),
        Paragraph(w("intro"), s.body),
    ]
    for page in questionnaire.pages:
        story.append(Paragraph(escape(page.title[language]), s.h2))
        for element in page.elements:
            story.append(KeepTogether(list(_element(element, language, w, s))))
    return _pdf(story, w("title", title=questionnaire.title[language]))


def _element(element: Item | Grid, language: str, w: _Words, s: Styles) -> Iterator[Flowable]:
    condition = f" <i>{w('condition')}</i>" if element.show_if is not None else ""
    if isinstance(element, Grid):
        yield Paragraph(f"<b>{escape(element.text[language])}</b>{condition}", s.body)
        header = ["", *(f"{o.code} = {o.label[language]}" for o in element.options)]
        rows = [[Paragraph(h, s.small) for h in header]]
        for row in element.rows:
            rows.append(
                [
                    Paragraph(f"[{row.id}] {escape(row.text[language])}", s.small),
                    *("☐" for _ in element.options),
                ]
            )
        width = 170 * mm
        first = 70 * mm
        other = (width - first) / max(len(element.options), 1)
        yield Table(
            rows,
            colWidths=[first, *(other for _ in element.options)],
            style=table_style(("ALIGN", (1, 1), (-1, -1), "CENTER")),
        )
        yield Spacer(1, 3 * mm)
        return
    yield Paragraph(
        f"<b>{escape(element.text[language])}</b>{condition} "
        f"<font size=8 color='#666666'>{w('item', item=element.id)}</font>",
        s.body,
    )
    if element.type == "multiple":
        yield Paragraph(w("multiple"), s.small)
    if element.options:
        for option in element.options:
            yield Paragraph(f"☐ {option.code} = {escape(option.label[language])}", s.bullet)
    elif element.type == "integer":
        yield Paragraph(w("number", low=element.min or 0, high=element.max or ""), s.body)
    else:
        yield Paragraph(w("text"), s.body)
    yield Spacer(1, 2 * mm)
