"""The key messages page: what goes well, what needs attention, what stayed the same."""

from __future__ import annotations

from collections.abc import Iterator

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from oko.reporting.content import KeyMessage
from oko.reporting.document import FixedHeight, Heading
from oko.reporting.story.common import PAGE_BODY_HEIGHT, Section, para


def key_messages(section: Section) -> Iterator[Flowable]:
    """One page in every language: the lines are capped, and the page shrinks its text
    rather than spill over (so both languages keep the same page numbers)."""
    yield Heading(
        section.text("key_messages.title"), section.styles.h1, level=0, key="key-messages"
    )
    yield FixedHeight(PAGE_BODY_HEIGHT, list(_body(section)))


def _body(section: Section) -> Iterator[Flowable]:
    messages, s = section.content.key_messages, section.styles
    if messages.first_wave:
        yield Paragraph(para(messages.first_wave), s.body)
    yield Paragraph(para(messages.intro), s.body)
    lists: tuple[tuple[str, tuple[KeyMessage, ...], str, str], ...] = (
        ("key_messages.good", messages.good, messages.more_good, "key_messages.none_good"),
        (
            "key_messages.attention",
            messages.attention,
            messages.more_attention,
            "key_messages.none_attention",
        ),
    )
    for title, lines, more, none in lists:
        yield Paragraph(section.text(title), s.h2)
        if not lines:
            yield Paragraph(section.text(none), s.body)
        for line in lines:
            yield Paragraph(para(line.text), s.bullet, bulletText="▲" if line.up else "▼")
        if more:
            yield Paragraph(para(more), s.body)
    if messages.stable:
        yield Spacer(1, 3 * mm)
        yield Paragraph(para(messages.stable), s.body)
