"""Server-rendered SVG charts for the dashboard: bars with 95% whiskers, and a trend line.

They draw the indicator panels of the report content (:mod:`oko.reporting.content`), the
same points, separators and scales the PDF draws, so the two never disagree. On a phone the
bars lie down (:func:`bar_rows`): a chart drawn about as wide as the screen keeps its labels
at the size they are written in, where the wide chart would shrink them to half.

No script and no inline style: colours come from classes in ``staff.css`` (CSP
``style-src 'self'``), and every text is escaped. Each chart is an ``<svg role="img">`` with
a title and a description listing its values, for screen readers; the table next to it gives
the same numbers as text.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from oko.reporting.charts import Point, Scale
from oko.reporting.content import IndicatorPanel

WIDTH = 640
HEIGHT = 240
TREND_WIDTH = 340
LEFT = 44
RIGHT = 8
TOP = 22
BOTTOM = 46
LABEL_LINE = 12
#: The phone chart: about the width of a 375 px screen's content, one row per bar.
ROWS_WIDTH = 320
ROW = 30
ROWS_LABEL = 100
ROWS_VALUE = 40


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, css: str, anchor: str = "middle") -> str:
    """A text element; a label with line breaks ("Rest of\\nregion") becomes tspans."""
    lines = str(text).split("\n")
    if len(lines) == 1:
        return (
            f'<text x="{_fmt(x)}" y="{_fmt(y)}" class="{css}" text-anchor="{anchor}">'
            f"{escape(text)}</text>"
        )
    spans = "".join(
        f'<tspan x="{_fmt(x)}" dy="{0 if i == 0 else LABEL_LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{_fmt(x)}" y="{_fmt(y)}" class="{css}" text-anchor="{anchor}">{spans}</text>'


class _Axis:
    """Maps display values to y coordinates and draws the grid with tick labels."""

    def __init__(self, scale: Scale, height: int) -> None:
        self.scale = scale
        self.bottom = height - BOTTOM
        self.span = self.bottom - TOP

    def y(self, value: float) -> float:
        low, high = self.scale.low, self.scale.high
        clipped = min(max(value, low), high)
        return self.bottom - (clipped - low) / (high - low) * self.span

    def grid(self, width: int) -> list[str]:
        parts = []
        tick = self.scale.low
        while tick <= self.scale.high + 1e-9:
            y = self.y(tick)
            parts.append(
                f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
                f'class="chart-grid"/>'
            )
            parts.append(
                _text(LEFT - 6, y + 4, f"{_fmt(tick)}{self.scale.suffix}", "chart-tick", "end")
            )
            tick += self.scale.step
        parts.append(
            f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{_fmt(self.bottom)}" '
            f'y2="{_fmt(self.bottom)}" class="chart-axis"/>'
        )
        return parts

    def whisker(self, x: float, lo: float, hi: float, cap: float) -> list[str]:
        y_lo, y_hi = self.y(lo), self.y(hi)
        return [
            f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{_fmt(y_lo)}" y2="{_fmt(y_hi)}" '
            f'class="chart-whisker"/>',
            f'<line x1="{_fmt(x - cap)}" x2="{_fmt(x + cap)}" y1="{_fmt(y_lo)}" y2="{_fmt(y_lo)}" '
            f'class="chart-whisker"/>',
            f'<line x1="{_fmt(x - cap)}" x2="{_fmt(x + cap)}" y1="{_fmt(y_hi)}" y2="{_fmt(y_hi)}" '
            f'class="chart-whisker"/>',
        ]


def _svg(
    width: int,
    height: int,
    title: str,
    desc: str,
    body: list[str],
    ident: str,
    css: str,
) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="{css}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _describe(points: Sequence[Point]) -> str:
    return "; ".join(f"{p.label.replace(chr(10), ' ')}: {p.text}" for p in points)


def bar_chart(panel: IndicatorPanel, title: str) -> Markup:
    """Bars (this wave dark, previous grey, references outlined, groups light) with whiskers.

    A suppressed point gets no bar, only its reason written where the bar would stand.
    """
    points, separators = panel.bars, panel.separators
    axis = _Axis(panel.scale, HEIGHT)
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    bar = min(slot * 0.62, 56)
    body = axis.grid(WIDTH)
    for index in separators:
        if 0 < index < len(points):
            x = LEFT + index * slot
            body.append(
                f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{TOP - 8}" y2="{_fmt(axis.bottom + 30)}" '
                f'class="chart-separator"/>'
            )
    for index, point in enumerate(points):
        center = LEFT + (index + 0.5) * slot
        body.append(_text(center, axis.bottom + 14, point.label, "chart-label"))
        if point.value is None:
            body.append(_note(center, axis.bottom, point.text))
            continue
        top = axis.y(point.value)
        body.append(
            f'<rect x="{_fmt(center - bar / 2)}" y="{_fmt(top)}" width="{_fmt(bar)}" '
            f'height="{_fmt(max(axis.bottom - top, 0))}" class="bar bar-{point.role.value}"/>'
        )
        label_y = top
        if point.lo is not None and point.hi is not None:
            body.extend(axis.whisker(center, point.lo, point.hi, bar / 5))
            label_y = axis.y(point.hi)
        body.append(_text(center, label_y - 5, point.text, "chart-value"))
    return _svg(
        WIDTH,
        HEIGHT,
        title,
        _describe(points),
        body,
        f"bars-{panel.indicator.id}",
        "chart chart-wide",
    )


def bar_rows(panel: IndicatorPanel, title: str) -> Markup:
    """The bars of :func:`bar_chart` lying down, for a phone: a row per bar with its name on
    the left and its value at the end, so names need not fit under a narrow bar."""
    points, scale = panel.bars, panel.scale
    left, right = ROWS_LABEL, ROWS_WIDTH - ROWS_VALUE
    height = TOP + ROW * len(points) + 24

    def x(value: float) -> float:
        clipped = min(max(value, scale.low), scale.high)
        return left + (clipped - scale.low) / (scale.high - scale.low) * (right - left)

    body = []
    bottom = TOP + ROW * len(points)
    tick = scale.low
    while tick <= scale.high + 1e-9:
        body.append(
            f'<line x1="{_fmt(x(tick))}" x2="{_fmt(x(tick))}" y1="{TOP}" y2="{bottom}" '
            f'class="chart-grid"/>'
        )
        body.append(_text(x(tick), bottom + 16, f"{_fmt(tick)}{scale.suffix}", "chart-tick"))
        tick += scale.step
    for index in panel.separators:
        if 0 < index < len(points):
            y = TOP + index * ROW
            body.append(
                f'<line x1="4" x2="{ROWS_WIDTH - 4}" y1="{y}" y2="{y}" class="chart-separator"/>'
            )
    for index, point in enumerate(points):
        middle = TOP + (index + 0.5) * ROW
        lines = point.label.split("\n")
        body.append(
            _text(left - 6, middle + 4 - (len(lines) - 1) * 6, point.label, "chart-label", "end")
        )
        if point.value is None:
            body.append(_text(left + 4, middle + 4, point.text, "chart-note", "start"))
            continue
        end = x(point.value)
        body.append(
            f'<rect x="{left}" y="{_fmt(middle - ROW * 0.3)}" width="{_fmt(max(end - left, 0))}" '
            f'height="{_fmt(ROW * 0.6)}" class="bar bar-{point.role.value}"/>'
        )
        label_x = end
        if point.lo is not None and point.hi is not None:
            lo, hi, cap = x(point.lo), x(point.hi), ROW * 0.15
            body.append(
                f'<polyline points="{_fmt(lo)},{_fmt(middle - cap)} {_fmt(lo)},{_fmt(middle)} '
                f"{_fmt(hi)},{_fmt(middle)} {_fmt(hi)},{_fmt(middle - cap)} {_fmt(hi)},"
                f"{_fmt(middle + cap)} {_fmt(hi)},{_fmt(middle)} {_fmt(lo)},{_fmt(middle)} "
                f'{_fmt(lo)},{_fmt(middle + cap)}" class="chart-whisker"/>'
            )
            label_x = hi
        body.append(_text(label_x + 5, middle + 4, point.text, "chart-value", "start"))
    ident = f"rows-{panel.indicator.id}"
    return _svg(ROWS_WIDTH, height, title, _describe(points), body, ident, "chart chart-rows")


def trend_chart(panel: IndicatorPanel, title: str) -> Markup:
    """This area over the waves: a line through the published points, with whiskers."""
    points = panel.trend
    axis = _Axis(panel.scale, HEIGHT)
    slot = (TREND_WIDTH - LEFT - RIGHT) / max(len(points), 1)
    body = axis.grid(TREND_WIDTH)
    shown = [(LEFT + (i + 0.5) * slot, p) for i, p in enumerate(points) if p.value is not None]
    if len(shown) > 1:
        path = " ".join(f"{_fmt(x)},{_fmt(axis.y(p.value))}" for x, p in shown)  # type: ignore[arg-type]
        body.append(f'<polyline points="{path}" class="trend-line"/>')
    for index, point in enumerate(points):
        x = LEFT + (index + 0.5) * slot
        body.append(_text(x, axis.bottom + 14, point.label, "chart-label"))
        if point.value is None:
            body.append(_note(x, axis.bottom, point.text))
            continue
        label_y = axis.y(point.value)
        if point.lo is not None and point.hi is not None:
            body.extend(axis.whisker(x, point.lo, point.hi, 4))
            label_y = axis.y(point.hi)
        body.append(
            f'<circle cx="{_fmt(x)}" cy="{_fmt(axis.y(point.value))}" r="4" '
            f'class="trend-point{" trend-current" if index == len(points) - 1 else ""}"/>'
        )
        body.append(_text(x, label_y - 5, point.text, "chart-value"))
    ident = f"trend-{panel.indicator.id}"
    return _svg(TREND_WIDTH, HEIGHT, title, _describe(points), body, ident, "chart chart-trend")


def _note(x: float, bottom: float, text: str, width: int = 12) -> str:
    """Where a bar is not shown, its reason ("too few respondents") in short lines above the
    axis."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    top = bottom - 8 - (len(lines) - 1) * LABEL_LINE
    return _text(x, top, "\n".join(lines), "chart-note")
