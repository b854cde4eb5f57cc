"""The pedagogical-basis profile: which protective factors are weak here, and for whom.

Two pages of fixed height in every language: the answer in plain sentences and the factors
weakest first with their comparisons; then each factor by group, a hidden group by its
reason and a group missing out marked ▼, the legend under both tables.
"""

from __future__ import annotations

from collections.abc import Iterator

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Table

from oko.indicators.groups import GroupKind
from oko.reporting.content import ProfileContent, ProfileFactor
from oko.reporting.document import FRAME_HEIGHT, FixedHeight, Heading
from oko.reporting.story.common import PAGE_BODY_HEIGHT, Section, para
from oko.reporting.styles import Styles, figures_table_style

#: Column widths (mm) of the factor table: factor, indicator, value, interval, then the
#: previous wave, the rest of the region and the reference; the same total as a domain table.
FACTOR_WIDTHS = (32, 45, 12, 23, 20, 21, 21)
#: The group table: factor, indicator, then the groups share what is left.
GROUP_LABEL_WIDTHS = (32, 45)
#: The same for a table of many groups (affluence and school level): room for the groups.
NARROW_LABEL_WIDTHS = (30, 26)
TABLE_WIDTH = sum(FACTOR_WIDTHS)
#: The breakdowns shown in a group table of their own, below gender and grade.
EQUITY_KINDS = (GroupKind.AFFLUENCE, GroupKind.SCHOOL_LEVEL)
#: The second page holds its title too, so a longer translation shrinks instead of spilling.
FRAME_BODY_HEIGHT = FRAME_HEIGHT - 12  # frame padding


def profile(section: Section) -> Iterator[Flowable]:
    content = section.content.profile
    assert content is not None  # the definition requires a profile with this section
    s = section.styles
    yield Heading(para(content.title), s.h1, level=0, key="profile")
    yield FixedHeight(PAGE_BODY_HEIGHT, list(_answer(section, content)))
    yield PageBreak()
    title = Paragraph(para(content.groups_title), s.h1)
    legend = Paragraph(para(content.legend), s.small)
    tables = [_group_table(section, content, columns) for columns in _column_runs(content)]
    yield FixedHeight(FRAME_BODY_HEIGHT, [title, *tables, legend])


def _answer(section: Section, content: ProfileContent) -> Iterator[Flowable]:
    s = section.styles
    yield Paragraph(para(content.intro), s.body)
    yield Paragraph(para(content.question), s.h2)
    for message in content.messages:
        yield Paragraph(para(message), s.bullet, bulletText="•")
    yield _factor_table(section, content)
    yield Paragraph(para(content.legend), s.small)


def _factor_cell(factor: ProfileFactor, s: Styles) -> Paragraph:
    """The factor's name, bold when it is weak (flagged worse somewhere)."""
    return Paragraph(para(factor.heading), s.cell_bold if factor.weak else s.cell)


def _factor_table(section: Section, content: ProfileContent) -> Table:
    s, head = section.styles, section.content.header
    header = [content.factor_header, head.indicator, head.value, head.interval]
    header += [head.previous, head.parent, head.reference]
    rows: list[list[object]] = [[Paragraph(para(h), s.cell_bold) for h in header]]
    spans: list[tuple[object, ...]] = []
    for factor in content.factors:
        if not factor.measures:
            spans.append(("SPAN", (1, len(rows)), (-1, len(rows))))
            rows.append([_factor_cell(factor, s), Paragraph(para(factor.not_measured), s.cell)])
            continue
        first = len(rows)
        for number, measure in enumerate(factor.measures):
            rows.append(
                [
                    _factor_cell(factor, s) if number == 0 else "",
                    Paragraph(para(measure.label), s.cell),
                    Paragraph(para(measure.value_cell), s.cell),
                    measure.interval or "–",
                    *(line.text for line in measure.comparisons),
                ]
            )
        if len(factor.measures) > 1:
            spans.append(("SPAN", (0, first), (0, len(rows) - 1)))
    return _table(rows, list(FACTOR_WIDTHS), spans)


def _column_runs(content: ProfileContent) -> list[range]:
    """The group columns as tables: gender and grade in one, the affluence groups and school
    levels (when shown) in the next, so each label keeps a readable width."""
    first = next((f.measures[0] for f in content.factors if f.measures), None)
    kinds = [cell.group.kind for cell in first.groups] if first else []
    cut = next((i for i, kind in enumerate(kinds) if kind in EQUITY_KINDS), len(kinds))
    return [run for run in (range(0, cut), range(cut, len(kinds))) if run] or [range(0)]


def _group_table(section: Section, content: ProfileContent, columns: range) -> Table:
    s, head = section.styles, section.content.header
    count = max(len(columns), 1)
    label_widths = GROUP_LABEL_WIDTHS if count <= 4 else NARROW_LABEL_WIDTHS
    group_width = (TABLE_WIDTH - sum(label_widths)) / count
    labels = [content.group_labels[i] for i in columns]
    header = [content.factor_header, head.indicator, *labels]
    rows: list[list[object]] = [[Paragraph(para(h), s.cell_bold) for h in header]]
    spans: list[tuple[object, ...]] = []
    for factor in content.factors:
        if not factor.measures:
            continue
        first = len(rows)
        for number, measure in enumerate(factor.measures):
            rows.append(
                [
                    _factor_cell(factor, s) if number == 0 else "",
                    Paragraph(para(measure.label), s.cell),
                    *(
                        Paragraph(para(cell.cell), s.cell_bold if cell.missing_out else s.cell)
                        for cell in (measure.groups[i] for i in columns)
                    ),
                ]
            )
        if len(factor.measures) > 1:
            spans.append(("SPAN", (0, first), (0, len(rows) - 1)))
    widths = [*label_widths, *[group_width] * len(labels)]
    return _table(rows, widths, spans)


def _table(rows: list[list[object]], widths: list[float], spans: list[tuple[object, ...]]) -> Table:
    table = Table(rows, colWidths=[x * mm for x in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(figures_table_style(*spans))
    return table
