"""Plain questionnaire texts (introduction, help) as paragraphs and lists for the templates.

Authors write these in YAML as plain text: blank lines between paragraphs, ``- `` at the start
of a list item, indented lines continuing it. No markup language, so nothing an author writes
can turn into HTML.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

Block = tuple[str, object]
#: What a student on a phone taps: a site such as kindertelefoon.nl or 113.nl, a phone number
#: such as 0800-0432, and the emergency number 112 (a dashed number never breaks at the dash).
_TAPPABLE = re.compile(
    r"(?P<site>\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.nl\b)"
    r"|(?P<phone>\b\d+(?:-\d+)+\b)"
    r"|(?P<emergency>\b112\b)"
)


def blocks(text: str) -> list[Block]:
    """``[("p", "paragraph"), ("ul", ["item", ...]), ...]`` in the order written."""
    result: list[Block] = []
    for chunk in text.strip().split("\n\n"):
        paragraph: list[str] = []
        items: list[str] = []
        for line in chunk.splitlines():
            stripped = line.strip()
            if stripped.startswith("- "):
                if paragraph:
                    result.append(("p", " ".join(paragraph)))
                    paragraph = []
                items.append(stripped[2:].strip())
            elif items and line.startswith((" ", "\t")):
                items[-1] = f"{items[-1]} {stripped}"
            elif stripped:
                if items:
                    result.append(("ul", items))
                    items = []
                paragraph.append(stripped)
        if paragraph:
            result.append(("p", " ".join(paragraph)))
        if items:
            result.append(("ul", items))
    return result


def tappable(text: str) -> Markup:
    """The text, escaped, with helpline sites as ``https:`` links and phone numbers as
    ``tel:`` links, kept on one line."""

    def link(match: re.Match[str]) -> str:
        found = match.group(0)
        if match.group("site"):
            return f'<a href="https://{found}" class="nowrap" dir="ltr">{found}</a>'
        return f'<a href="tel:{found.replace("-", "")}" class="nowrap" dir="ltr">{found}</a>'

    return Markup(_TAPPABLE.sub(link, str(escape(text))))
