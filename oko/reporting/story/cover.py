"""The cover (title, who took part, the response rate) and the table of contents."""

from __future__ import annotations

from collections.abc import Iterator

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, NextPageTemplate, Paragraph, Spacer, Table
from reportlab.platypus.tableofcontents import TableOfContents

from oko.reporting.story.common import Section, boxed, para
from oko.reporting.styles import RULE, table_style


def cover(section: Section) -> Iterator[Flowable]:
    data, s = section.content.data, section.styles
    area = section.content.words.area_values()
    yield NextPageTemplate("body")
    yield Spacer(1, 22 * mm)
    yield Paragraph(section.text("cover.kicker", **area), s.kicker)
    yield Spacer(1, 3 * mm)
    yield Paragraph(section.text(f"cover.title_{data.kind}", **area), s.title)
    yield Paragraph(section.text(f"cover.subtitle_{data.kind}", **area), s.subtitle)
    yield Spacer(1, 4 * mm)
    yield Paragraph(section.text("cover.date", date=section.content.words.date()), s.kicker)
    yield Spacer(1, 10 * mm)
    yield Paragraph(section.text("cover.about", **area), s.body)
    yield Spacer(1, 8 * mm)
    yield Paragraph(section.text("cover.response_title"), s.h2)
    yield _response_table(section)
    if data.synthetic:
        yield Spacer(1, 10 * mm)
        yield boxed(
            [
                Paragraph(section.text("cover.synthetic_title"), s.notice),
                Paragraph(section.text("cover.synthetic", **area), s.body),
            ]
        )


def _response_table(section: Section) -> Table:
    figures, s = section.content.participation, section.styles
    rows = [
        (section.text("cover.schools"), str(figures.schools)),
        (section.text("cover.students"), str(figures.students)),
        (section.text("cover.grades"), section.text("cover.grades_value", grades=figures.grades)),
        (section.text("cover.response_rate"), para(figures.rate_text)),
        (section.text("cover.excluded"), str(figures.excluded)),
    ]
    table = Table(
        [[Paragraph(a, s.cell_bold), Paragraph(b, s.cell)] for a, b in rows],
        colWidths=[70 * mm, 80 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        table_style(
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        )
    )
    return table


def contents(section: Section) -> Iterator[Flowable]:
    yield Paragraph(section.text("contents.title"), section.styles.h1)
    toc = TableOfContents(
        tableStyle=table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        )
    )
    toc.levelStyles = [section.styles.toc1, section.styles.toc2]
    toc.dotsMinLevel = 0
    yield toc
