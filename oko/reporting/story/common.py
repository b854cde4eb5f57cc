"""What every section of the PDF story shares: the content it lays out, and a few helpers."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Table

from oko.reporting.content import ReportContent
from oko.reporting.definition import ReportDefinition
from oko.reporting.document import FRAME_HEIGHT, FRAME_WIDTH
from oko.reporting.styles import ACCENT, NOTICE, Styles, table_style

#: Signs that must stay on the line of the word that follows them.
SYMBOLS = ("▲", "▼", "≈")
#: A page below its title (key messages, method).
PAGE_BODY_HEIGHT = FRAME_HEIGHT - 12 - 48  # frame padding, title


@dataclass(frozen=True)
class Section:
    """The report's content, its definition and the styles: what a section lays out."""

    content: ReportContent
    definition: ReportDefinition
    styles: Styles

    def text(self, key: str, **values: object) -> str:
        """A fixed label of the report's language, ready for a paragraph."""
        return para(self.content.words(key, **values))


def para(text: str) -> str:
    """Plain text escaped for a ReportLab paragraph, with the symbols ▲ ▼ ≈ tied to the word
    after them so a line never ends in a bare arrow."""
    text = escape(text)
    for symbol in SYMBOLS:
        text = text.replace(f"{symbol} ", f"{symbol}\u00a0")
    return text


def grid(rows: list[list[object]], widths: list[float]) -> Table:
    """Cells side by side without padding (charts and their titles, a chart and its text)."""
    table = Table(rows, colWidths=widths)
    table.setStyle(
        table_style(
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        )
    )
    return table


def boxed(flowables: list[Flowable]) -> Table:
    """A framed notice across the page (synthetic data)."""
    table = Table([[f] for f in flowables], colWidths=[FRAME_WIDTH])
    table.setStyle(
        table_style(
            ("BACKGROUND", (0, 0), (-1, -1), NOTICE),
            ("BOX", (0, 0), (-1, -1), 1, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, 0), 6),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
        )
    )
    return table
