"""The report's typeface: DejaVu Sans, shipped in the package and embedded in every PDF.

ReportLab's built-in Helvetica is not embedded and lacks glyphs such as ▲ ▼ ≥ and the
Dutch/Frisian diacritics a municipality's name may need; a TrueType font fixes both. The
files come from Debian's fonts-dejavu-core (licence in ``fonts/DejaVu-LICENSE.txt``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "OkoSans"
BOLD = "OkoSans-Bold"


@cache
def register_fonts() -> tuple[str, str]:
    """Register the regular and bold face once per process; returns their names."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    # <b> in paragraphs switches to the bold face; there is no italic on purpose.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD
