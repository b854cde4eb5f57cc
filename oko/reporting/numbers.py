"""How numbers are written in a report: whole percentages, one decimal for means.

One place, so the PDF, the tests that read it back and the dashboard agree on rounding.
Python rounds halves to even (``f"{12.5:.0f}" == "12"``); that is kept deliberately: it is
what every other ``format`` call in the code base does, so numbers never disagree by one.
"""

from __future__ import annotations

import math

#: Decimals shown for proportions (in percent) and for means / scale scores.
PERCENT_DECIMALS = 0
MEAN_DECIMALS = 1


def format_number(value: float, *, proportion: bool, decimal: str = ".") -> str:
    """A proportion (0..1) as a percentage number without the sign, or a mean as is."""
    if not math.isfinite(value):
        raise ValueError(f"cannot format {value!r}")
    text = f"{value * 100:.{PERCENT_DECIMALS}f}" if proportion else f"{value:.{MEAN_DECIMALS}f}"
    if text in ("-0", "-0.0"):
        text = text[1:]
    return text.replace(".", decimal)


def format_points(difference: float, *, proportion: bool, decimal: str = ".") -> str:
    """A signed difference: percentage points for proportions, units for means (``+4``)."""
    text = format_number(abs(difference), proportion=proportion, decimal=decimal)
    if text.strip("0").strip(decimal) == "":
        return text
    return ("+" if difference > 0 else "−") + text
