"""Charts as ReportLab ``Drawing`` objects: bars for comparisons, a line for the trend.

ReportLab has no error-bar widget, so the 95% interval whiskers, the value labels and the
"too few respondents" notes are drawn by callables on the chart's ``annotations`` hook, which
the chart calls with its own axis scales after laying out bars and lines. A test guards the
hook (``tests/reporting/test_charts.py``): if a ReportLab upgrade stopped calling it, the
charts would silently lose their intervals.

Readable without colour: every bar is named under the axis, the current wave is the darkest
bar and the reference an outlined white one, and values are printed above each whisker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Group, Line, PolyLine, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from oko.reporting.fonts import BOLD, REGULAR


class Role(StrEnum):
    """What a bar stands for; decides its fill (dark to light, then outlined white)."""

    CURRENT = "current"
    PREVIOUS = "previous"
    REFERENCE = "reference"
    GROUP = "group"


FILLS = {
    Role.CURRENT: colors.HexColor("#1f4e79"),
    Role.PREVIOUS: colors.HexColor("#8a8a8a"),
    Role.REFERENCE: colors.white,
    Role.GROUP: colors.HexColor("#a9c4de"),
}
INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")
GRID = colors.HexColor("#d9d9d9")
LABEL_SIZE = 6.5


@dataclass(frozen=True)
class Point:
    """One bar or trend point, already in display units (percent or mean).

    ``value`` is None when the estimate is not shown; ``text`` then says why ("too few
    respondents") and is printed where the bar would be. Otherwise ``text`` is the formatted
    value printed above the whisker.
    """

    label: str
    value: float | None
    lo: float | None
    hi: float | None
    text: str
    role: Role = Role.CURRENT


@dataclass(frozen=True)
class Scale:
    """The value axis: from ``low`` to ``high`` in display units, ticks every ``step``."""

    low: float
    high: float
    step: float
    suffix: str = ""


def percent_scale(points: Sequence[Point]) -> Scale:
    """0 to the next round number above the highest interval end (at least 20%)."""
    top = max((p.hi if p.hi is not None else p.value or 0) for p in points) if points else 0
    for high, step in ((20, 5), (40, 10), (60, 20), (80, 20), (100, 25)):
        if top <= high * 0.92:
            return Scale(0, high, step, "%")
    return Scale(0, 100, 25, "%")


def bar_chart(
    points: Sequence[Point],
    scale: Scale,
    *,
    width: float,
    height: float,
    separators: Sequence[int] = (),
) -> Drawing:
    """Vertical bars with 95% whiskers; ``separators`` are bar indices that start a new group."""
    drawing = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 22, 24
    chart.width, chart.height = width - chart.x - 4, height - chart.y - 8
    chart.data = [[p.value for p in points]]
    chart.barSpacing = 0
    chart.groupSpacing = 6
    chart.bars.strokeColor = INK
    chart.bars.strokeWidth = 0.5
    for index, point in enumerate(points):
        chart.bars[(0, index)].fillColor = FILLS[point.role]
    _value_axis(chart.valueAxis, scale)
    axis = chart.categoryAxis
    axis.visibleLabels = False
    axis.strokeColor = INK
    axis.strokeWidth = 0.5
    axis.tickDown = 0
    chart.annotations = [
        _bar_whiskers(points, scale),
        _group_separators(separators),
        _bar_labels([p.label for p in points], scale),
    ]
    drawing.add(chart)
    return drawing


def trend_chart(points: Sequence[Point], scale: Scale, *, width: float, height: float) -> Drawing:
    """The current value over all waves, one point per wave, with 95% whiskers.

    A wave without a shown value breaks the line (no line is drawn across it).
    """
    drawing = _drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y = 22, 24
    plot.width, plot.height = width - plot.x - 10, height - plot.y - 8
    segments: list[list[tuple[float, float]]] = [[]]
    for index, point in enumerate(points):
        if point.value is None:
            segments.append([])
        else:
            segments[-1].append((index, point.value))
    plot.data = [s for s in segments if s] or [[(0, scale.low)]]
    for row in range(len(plot.data)):
        line = plot.lines[row]
        line.strokeColor = FILLS[Role.CURRENT]
        line.strokeWidth = 1.2
        line.symbol = makeMarker("FilledCircle", size=3.5, fillColor=FILLS[Role.CURRENT])
    if not any(p.value is not None for p in points):
        plot.lines[0].strokeColor = None
        plot.lines[0].symbol = None
    x_axis = plot.xValueAxis
    x_axis.valueMin = -0.5
    x_axis.valueMax = max(len(points) - 0.5, 0.5)
    x_axis.valueSteps = list(range(len(points)))
    x_axis.visibleLabels = False
    x_axis.strokeColor = INK
    x_axis.strokeWidth = 0.5
    x_axis.tickDown = 2
    _value_axis(plot.yValueAxis, scale)
    plot.annotations = [
        _trend_whiskers(points, scale),
        _trend_labels([p.label for p in points], scale),
    ]
    drawing.add(plot)
    return drawing


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose initial font is ours (ReportLab's default would be a non-embedded
    Helvetica, set at the start of every chart even when unused)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = REGULAR
    drawing.initialFontSize = LABEL_SIZE
    return drawing


def _value_axis(axis, scale: Scale) -> None:  # type: ignore[no-untyped-def]
    axis.valueMin = scale.low
    axis.valueMax = scale.high
    axis.valueStep = scale.step
    axis.visibleLabels = False
    axis.strokeColor = INK
    axis.strokeWidth = 0.5
    axis.visibleGrid = True
    axis.gridStrokeColor = GRID
    axis.gridStrokeWidth = 0.4


Annotation = Callable[..., Group]


def _text(x: float, y: float, text: str, anchor: str = "middle", **style: object) -> String:
    return String(
        x,
        y,
        text,
        fontName=style.get("fontName", REGULAR),
        fontSize=LABEL_SIZE,
        fillColor=style.get("fillColor", INK),
        textAnchor=anchor,
    )


def _tick_labels(group: Group, x: float, yscale: Callable[[float], float], scale: Scale) -> None:
    """Value axis labels, right-aligned left of the axis."""
    value = scale.low
    while value <= scale.high + 1e-9:
        group.add(_text(x - 6, yscale(value) - 2.2, f"{value:g}{scale.suffix}", "end"))
        value += scale.step


def _names(group: Group, x: float, y: float, label: str) -> None:
    """A category name under the axis; a newline in the text gives a second line."""
    for line, text in enumerate(label.split("\n")):
        group.add(_text(x, y - 8 - line * (LABEL_SIZE + 1), text))


def _bar_labels(labels: Sequence[str], scale: Scale) -> Annotation:
    """Axis labels drawn as plain strings: ReportLab's axis Label widgets cost a third of a
    report's chart time, and these need none of their features."""

    def annotate(
        chart: VerticalBarChart, _xscale: object, yscale: Callable[[float], float]
    ) -> Group:
        group = Group()
        _tick_labels(group, chart.x, yscale, scale)
        for index, label in enumerate(labels):
            _names(group, chart.categoryAxis.midScale(index), chart.y, label)
        return group

    return annotate


def _trend_labels(labels: Sequence[str], scale: Scale) -> Annotation:
    def annotate(
        plot: LinePlot, xscale: Callable[[float], float], yscale: Callable[[float], float]
    ) -> Group:
        group = Group()
        _tick_labels(group, plot.x, yscale, scale)
        for index, label in enumerate(labels):
            _names(group, xscale(index), plot.y, label)
        return group

    return annotate


def _whisker(group: Group, x: float, y_lo: float, y_hi: float, cap: float) -> None:
    """An interval whisker (one stroke: lower cap, the line, upper cap) over a thin white
    halo, so it shows on the darkest bar too."""
    group.add(Line(x, y_lo, x, y_hi, strokeColor=colors.white, strokeWidth=2.2))
    group.add(
        PolyLine(
            [x - cap, y_lo, x + cap, y_lo, x, y_lo, x, y_hi, x - cap, y_hi, x + cap, y_hi],
            strokeColor=INK,
            strokeWidth=0.8,
        )
    )


def _note(group: Group, x: float, y: float, text: str) -> None:
    """A "too few respondents" note, upright in the empty bar slot so it fits narrow bars."""
    note = Group(String(0, 0, text, fontName=REGULAR, fontSize=LABEL_SIZE - 0.5, fillColor=MUTED))
    note.transform = (0, 1, -1, 0, x + 2, y + 3)  # turned 90° to read bottom to top
    group.add(note)


def _bar_whiskers(points: Sequence[Point], scale: Scale) -> Annotation:
    def annotate(
        chart: VerticalBarChart, _xscale: object, yscale: Callable[[float], float]
    ) -> Group:
        group = Group()
        axis = chart.categoryAxis
        cap = min(4.0, axis._barWidth / 4)
        for index, point in enumerate(points):
            x = axis.midScale(index)
            if point.value is None:
                _note(group, x, yscale(scale.low), point.text)
                continue
            top = point.value
            if point.lo is not None and point.hi is not None:
                _whisker(group, x, yscale(point.lo), yscale(point.hi), cap)
                top = max(top, point.hi)
            font = BOLD if point.role is Role.CURRENT else REGULAR
            group.add(
                String(
                    x,
                    yscale(top) + 2,
                    point.text,
                    fontName=font,
                    fontSize=LABEL_SIZE,
                    fillColor=INK,
                    textAnchor="middle",
                )
            )
        return group

    return annotate


def _group_separators(starts: Sequence[int]) -> Annotation:
    def annotate(chart: VerticalBarChart, _xscale: object, _yscale: object) -> Group:
        group = Group()
        axis = chart.categoryAxis
        for index in starts:
            x = (axis.midScale(index - 1) + axis.midScale(index)) / 2
            group.add(
                Line(
                    x,
                    chart.y - 18,
                    x,
                    chart.y + chart.height,
                    strokeColor=MUTED,
                    strokeWidth=0.5,
                    strokeDashArray=[2, 2],
                )
            )
        return group

    return annotate


def _trend_whiskers(points: Sequence[Point], scale: Scale) -> Annotation:
    def annotate(
        _plot: LinePlot, xscale: Callable[[float], float], yscale: Callable[[float], float]
    ) -> Group:
        group = Group()
        for index, point in enumerate(points):
            x = xscale(index)
            if point.value is None:
                _note(group, x, yscale(scale.low), point.text)
                continue
            top = point.value
            if point.lo is not None and point.hi is not None:
                _whisker(group, x, yscale(point.lo), yscale(point.hi), 2.5)
                top = max(top, point.hi)
            group.add(
                String(
                    x,
                    yscale(top) + 2,
                    point.text,
                    fontName=REGULAR,
                    fontSize=LABEL_SIZE,
                    fillColor=INK,
                    textAnchor="middle",
                )
            )
        return group

    return annotate
