"""The report's content as a ReportLab story: cover, contents, key messages, profile, the
coalition's goals and actions, domains, method.

Each section is a module that lays out part of :class:`~oko.reporting.content.ReportContent`
(built once by :func:`~oko.reporting.content.build_content`); none of them words a number
itself, so the PDF says exactly what the dashboard says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from reportlab.platypus import Flowable, PageBreak

from oko.reporting.content import ReportContent
from oko.reporting.definition import ReportDefinition
from oko.reporting.story.common import Section
from oko.reporting.story.cover import contents, cover
from oko.reporting.story.domains import domains
from oko.reporting.story.messages import key_messages
from oko.reporting.story.method import method
from oko.reporting.story.plans import actions, goals
from oko.reporting.story.profile import profile
from oko.reporting.styles import Styles

#: The sections a report definition may list, by name.
SECTIONS: dict[str, Callable[[Section], Iterator[Flowable]]] = {
    "cover": cover,
    "contents": contents,
    "key_messages": key_messages,
    "profile": profile,
    "goals": goals,
    "actions": actions,
    "domains": domains,
    "method": method,
}


def build_story(
    content: ReportContent, definition: ReportDefinition, styles: Styles
) -> list[Flowable]:
    section = Section(content, definition, styles)
    story: list[Flowable] = []
    for index, name in enumerate(definition.sections):
        if index and name != "domains":
            story.append(PageBreak())
        story.extend(SECTIONS[name](section))
    return story
