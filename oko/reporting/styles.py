"""Paragraph and table styles of the report, in one place so pages look alike."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

from oko.reporting.fonts import BOLD, REGULAR, register_fonts

ACCENT = colors.HexColor("#1f4e79")
INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")
RULE = colors.HexColor("#bfbfbf")
SHADE = colors.HexColor("#eef3f8")
NOTICE = colors.HexColor("#fff4d6")


def table_style(*commands: tuple[object, ...]) -> TableStyle:
    """A TableStyle whose default font is ours: ReportLab's default (Helvetica, not embedded)
    would otherwise be set, unused, at the start of every table."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 8), *commands])


def figures_table_style(*commands: tuple[object, ...]) -> TableStyle:
    """The look of every table of figures (domains, profile): a shaded header ruled off in
    the accent colour, a thin rule under each row, tight padding; ``commands`` add to it."""
    return table_style(
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *commands,
    )


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    kicker: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    method: ParagraphStyle
    small: ParagraphStyle
    bullet: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    notice: ParagraphStyle
    toc1: ParagraphStyle
    toc2: ParagraphStyle


def make_styles() -> Styles:
    register_fonts()

    def style(name: str, **kw: object) -> ParagraphStyle:
        base = {
            "fontName": REGULAR,
            "bulletFontName": REGULAR,
            "fontSize": 9.5,
            "leading": 13,
            "textColor": INK,
            "alignment": TA_LEFT,
        }
        base.update(kw)
        return ParagraphStyle(name, **base)

    return Styles(
        title=style("title", fontName=BOLD, fontSize=28, leading=34, textColor=ACCENT),
        subtitle=style("subtitle", fontSize=14, leading=19, spaceBefore=6),
        kicker=style("kicker", fontName=BOLD, fontSize=11, leading=14, textColor=MUTED),
        h1=style("h1", fontName=BOLD, fontSize=18, leading=23, textColor=ACCENT, spaceAfter=8),
        h2=style("h2", fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=2),
        h3=style("h3", fontName=BOLD, fontSize=10, leading=13, spaceBefore=8, spaceAfter=3),
        body=style("body", spaceAfter=5),
        method=style("method", fontSize=9, leading=12, spaceAfter=3),
        small=style("small", fontSize=8, leading=10.5, textColor=MUTED),
        bullet=style("bullet", leftIndent=16, firstLineIndent=0, bulletIndent=2, spaceAfter=4),
        cell=style("cell", fontSize=8, leading=10),
        cell_bold=style("cell_bold", fontName=BOLD, fontSize=8, leading=10),
        cell_right=style("cell_right", fontSize=8, leading=10, alignment=2),
        notice=style("notice", fontName=BOLD, fontSize=10, leading=13.5),
        toc1=style("toc1", fontName=BOLD, fontSize=10.5, leading=14, spaceBefore=5),
        toc2=style("toc2", fontSize=8.5, leading=10.5, leftIndent=14),
    )
