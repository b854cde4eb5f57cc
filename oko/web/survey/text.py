"""Plain questionnaire texts (introduction, help) as paragraphs and lists for the templates.

Authors write these in YAML as plain text: blank lines between paragraphs, ``- `` at the start
of a list item, indented lines continuing it. No markup language, so nothing an author writes
can turn into HTML.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

Block = tuple[str, object]
#: Phone numbers such as 0800-0432: never broken across two lines at the dash.
_NUMBER = re.compile(r"\d+(?:-\d+)+")


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


def unbroken_numbers(text: str) -> Markup:
    """The text, escaped, with dashed numbers kept on one line (``<span class="nowrap">``)."""
    return Markup(_NUMBER.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', escape(text)))
