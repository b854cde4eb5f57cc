"""Spreadsheet formula injection: text that a spreadsheet would run as a formula.

A school or area name such as ``=HYPERLINK(...)`` in a CSV opened in Excel or LibreOffice
would be evaluated (OWASP "CSV injection"). Text cells starting with one of the trigger
characters get a leading apostrophe, which spreadsheets show as plain text. Only text
columns are treated: numbers stay numbers, so ``-0.031`` is still a number.
"""

from __future__ import annotations

#: Characters that make a spreadsheet cell a formula (or smuggle one in after a tab/CR).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    return text.startswith(TRIGGERS)


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet would show it literally."""
    return "'" + text if is_risky(text) else text
