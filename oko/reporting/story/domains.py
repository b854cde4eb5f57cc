"""The domain chapters: an intro, an overview table, then one block per indicator with its
summary, comparison lines and charts, all taken from the report's content."""

from __future__ import annotations

from collections.abc import Iterator

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Table

from oko.reporting.charts import bar_chart, trend_chart
from oko.reporting.content import DomainPanel, IndicatorPanel
from oko.reporting.document import FRAME_WIDTH, Chart, FixedHeight, Heading
from oko.reporting.story.common import Section, grid, para
from oko.reporting.styles import figures_table_style

CHART_HEIGHT = 118
COMPACT_CHART_HEIGHT = 100
#: Fixed heights (points) of the repeating parts, so every language paginates the same:
#: an indicator block below its heading (four lines of summary, charts, a note), the same
#: in the compact layout (summary beside the chart), a domain's intro (three lines), a
#: table row (two lines), the table legend (three small lines).
BLOCK_HEIGHT = 200
COMPACT_BLOCK_HEIGHT = COMPACT_CHART_HEIGHT + 16
INTRO_HEIGHT = 44
ROW_HEIGHT = 24
LEGEND_HEIGHT = 34
#: In the compact layout a domain starts on a new page only when less than this is left.
PAGE_FILL = 180


def domains(section: Section) -> Iterator[Flowable]:
    for domain in section.content.domains:
        yield CondPageBreak(PAGE_FILL) if section.definition.compact else PageBreak()
        yield from _domain(section, domain)


def _domain(section: Section, domain: DomainPanel) -> Iterator[Flowable]:
    s = section.styles
    yield Heading(para(domain.title), s.h1, level=0, key=f"domain-{domain.id}")
    yield FixedHeight(INTRO_HEIGHT, [Paragraph(para(domain.intro), s.body)])
    if section.definition.table:
        yield _table(section, domain)
        legend = Paragraph(para(section.content.legend), s.small)
        yield FixedHeight(LEGEND_HEIGHT, [legend])
    for panel in domain.indicators:
        yield KeepTogether(list(_indicator_block(section, panel)))


def _table(section: Section, domain: DomainPanel) -> Table:
    s, head = section.styles, section.content.header
    header = [head.indicator, head.n, head.value, head.interval]
    header += [head.previous, head.parent, head.reference]
    rows: list[list[str | Paragraph]] = [[Paragraph(para(h), s.cell_bold) for h in header]]
    for panel in domain.indicators:
        # Plain strings where nothing wraps: a table cell string costs a fraction of a
        # Paragraph, and a report has hundreds of cells.
        cells: list[str | Paragraph]
        if panel.interval:
            cells = [str(panel.estimate.n), panel.value_cell, panel.interval]
        else:
            cells = ["–", Paragraph(para(panel.shown), s.cell), "–"]
        cells += [line.text for line in panel.comparisons]
        rows.append([Paragraph(para(panel.label), s.cell), *cells])
    widths = [54, 12, 16, 24, 22, 23, 23]
    table = Table(
        rows,
        colWidths=[x * mm for x in widths],
        rowHeights=[ROW_HEIGHT] * len(rows),
        repeatRows=1,
    )
    table.setStyle(figures_table_style())
    return table


def _summary(section: Section, panel: IndicatorPanel) -> str:
    """The value sentence (and caution), then the comparison lines on a line of their own."""
    text = para(panel.summary)
    if panel.caution:
        text += " " + section.text("block.caution")
    if panel.lines:
        text += "<br/>" + "\u00a0· ".join(para(line.sentence) for line in panel.lines)
    return text


def _indicator_block(section: Section, panel: IndicatorPanel) -> Iterator[Flowable]:
    """Heading, a plain-language summary with the comparisons, then the charts; in the
    compact layout (school report) the summary stands beside the one chart."""
    s = section.styles
    yield Heading(para(panel.label), s.h2, level=1, key=f"indicator-{panel.indicator.id}")
    summary = Paragraph(_summary(section, panel), s.body)
    note = Paragraph(para(" ".join(panel.notes)), s.small) if panel.notes else None
    comparison_title = Paragraph(section.text("chart.comparison_title"), s.small)
    if section.definition.compact:
        width = FRAME_WIDTH * 0.56
        text = [summary] + ([note] if note else [])
        bars = _bar_chart(panel, width, COMPACT_CHART_HEIGHT)
        block = grid([[comparison_title, ""], [bars, text]], [width, FRAME_WIDTH - width])
        yield FixedHeight(COMPACT_BLOCK_HEIGHT, [block])
        return
    widths = [FRAME_WIDTH * 0.68, FRAME_WIDTH * 0.32] if panel.trend else [FRAME_WIDTH * 0.68]
    titles = [comparison_title]
    charts: list[Flowable] = [_bar_chart(panel, widths[0], CHART_HEIGHT)]
    if panel.trend:
        titles.append(Paragraph(section.text("chart.trend_title"), s.small))
        trend = trend_chart(list(panel.trend), panel.scale, width=widths[1], height=CHART_HEIGHT)
        charts.append(Chart(trend))
    content = [summary, grid([titles, charts], widths)] + ([note] if note else [])
    yield FixedHeight(BLOCK_HEIGHT, content)


def _bar_chart(panel: IndicatorPanel, width: float, height: float) -> Chart:
    """Comparison bars, then groups; dashed lines where the groups and each breakdown start."""
    drawing = bar_chart(
        list(panel.bars), panel.scale, width=width, height=height, separators=panel.separators
    )
    return Chart(drawing)
