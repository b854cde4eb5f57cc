"""How a class reaches its questionnaire: the address with its code, and a QR code of it.

The QR code is an inline SVG made by segno (no image service, nothing from a CDN); it encodes
``<base>/s/<CODE>``, which skips typing the code altogether.
"""

from __future__ import annotations

import segno

from oko.services.survey.class_sessions import format_code


def student_url(base_url: str, code: str) -> str:
    """``https://oko.example.nl/s/K7P3QXM``: opens the class's questionnaire directly."""
    return f"{base_url.rstrip('/')}/s/{code}"


def entry_address(base_url: str) -> str:
    """The address shown to type by hand, without the scheme: ``oko.example.nl``."""
    return base_url.split("://", 1)[-1].rstrip("/")


def qr_svg(url: str, code: str) -> str:
    """An inline ``<svg>`` of the QR code, titled with the readable code for screen readers."""
    qr = segno.make(url, error="m")
    return qr.svg_inline(
        scale=8,
        border=2,
        dark="#000",
        light="#fff",
        title=f"QR {format_code(code)}",
        svgclass="qr",
        omitsize=True,
    )


def save_qr(url: str, path: str) -> None:
    """A QR code file for printing; the format follows the extension (.svg, .png, .pdf)."""
    segno.make(url, error="m").save(path, scale=10, border=2)
