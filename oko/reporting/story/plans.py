"""The coalition's plan: "Our goals" (each goal with its verdict) and "What we did since last
time" (the actions). Laid out from :class:`~oko.reporting.content.GoalsContent` and
:class:`~oko.reporting.content.ActionsContent`; nothing is worded here."""

from __future__ import annotations

from collections.abc import Iterator

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from oko.reporting.document import FRAME_WIDTH, Heading
from oko.reporting.plans import Verdict
from oko.reporting.story.common import Section, para
from oko.reporting.styles import ACCENT, RULE, SHADE, table_style

#: The verdict's cell colour: green for reached and on track, red for not on track.
VERDICT_COLOURS = {
    Verdict.REACHED: colors.HexColor("#d9ead3"),
    Verdict.ON_TRACK: colors.HexColor("#e7f1dc"),
    Verdict.NOT_ON_TRACK: colors.HexColor("#f4cccc"),
    Verdict.TOO_EARLY: colors.HexColor("#eeeeee"),
    Verdict.NOT_JUDGED: colors.HexColor("#eeeeee"),
}


def goals(section: Section) -> Iterator[Flowable]:
    content, s = section.content.goals, section.styles
    yield Heading(para(content.title), s.h1, level=0, key="goals")
    yield Paragraph(para(content.intro), s.body)
    if not content.goals:
        yield Paragraph(para(content.none), s.body)
        return
    widths = [FRAME_WIDTH * share for share in (0.22, 0.16, 0.36, 0.26)]
    for goal in content.goals:
        rows = [
            [Paragraph(para(text), s.cell_bold) for text in content.columns],
            [
                Paragraph(para(goal.baseline), s.cell),
                Paragraph(para(goal.target), s.cell),
                Paragraph(para(goal.current), s.cell),
                Paragraph(para(goal.verdict_text), s.cell_bold),
            ],
        ]
        table = Table(rows, colWidths=widths, hAlign="LEFT")
        table.setStyle(
            table_style(
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("BACKGROUND", (3, 1), (3, 1), VERDICT_COLOURS[goal.verdict]),
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            )
        )
        block: list[Flowable] = [Paragraph(para(goal.title), s.h3)]
        if goal.priority:
            block.append(Paragraph(para(goal.priority), s.small))
        block += [table, Spacer(1, 1.5 * mm), Paragraph(para(goal.explanation), s.method)]
        yield KeepTogether(block)


def actions(section: Section) -> Iterator[Flowable]:
    content, s = section.content.actions, section.styles
    yield Heading(para(content.title), s.h1, level=0, key="actions")
    yield Paragraph(para(content.intro), s.body)
    if not content.actions:
        yield Paragraph(para(content.none), s.body)
        return
    rows = [[Paragraph(para(text), s.cell_bold) for text in content.columns]]
    rows += [
        [
            Paragraph(para(line.what), s.cell),
            Paragraph(para(line.responsible), s.cell),
            Paragraph(para(line.since), s.cell),
            Paragraph(para(line.aim), s.cell),
            Paragraph(para(line.status), s.cell),
        ]
        for line in content.actions
    ]
    widths = [FRAME_WIDTH * share for share in (0.34, 0.18, 0.16, 0.2, 0.12)]
    table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(
        table_style(
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        )
    )
    yield table
