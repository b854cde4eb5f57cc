"""Charts: the interval whiskers come from ReportLab's ``annotations`` hook; guard it."""

from __future__ import annotations

from reportlab.graphics.shapes import Group, Line, PolyLine, String

from oko.reporting.charts import Point, Role, Scale, bar_chart, percent_scale, trend_chart
from oko.reporting.fonts import register_fonts

POINTS = [
    Point("2026", 18.0, 15.0, 21.0, "18%", Role.CURRENT),
    Point("2024", 12.0, 10.0, 15.0, "12%", Role.PREVIOUS),
    Point("Region", 14.0, None, None, "14%", Role.REFERENCE),
    Point("Boys", 20.0, 16.0, 24.0, "20%", Role.GROUP),
    Point("Girls", None, None, None, "too few respondents", Role.GROUP),
]
SCALE = Scale(0, 40, 10, "%")


def shapes(node: object) -> list[object]:
    """Every primitive shape below ``node`` (the chart's own draw() output)."""
    if isinstance(node, Group):
        return [leaf for child in node.contents for leaf in shapes(child)]
    return [node]


def chart_of(drawing):
    (chart,) = drawing.contents
    return chart


def vertical_lines(nodes: list[object]) -> set[tuple[float, float, float]]:
    """Vertical strokes as (x, low, high): lines, and the segments of polylines."""
    segments = [(n.x1, n.y1, n.x2, n.y2) for n in nodes if isinstance(n, Line)]
    for node in nodes:
        if isinstance(node, PolyLine):
            p = node.points
            segments += [(p[i], p[i + 1], p[i + 2], p[i + 3]) for i in range(0, len(p) - 2, 2)]
    return {
        (round(x1, 3), round(min(y1, y2), 3), round(max(y1, y2), 3))
        for x1, y1, x2, y2 in segments
        if x1 == x2 and y1 != y2
    }


def test_bar_whiskers_are_drawn_through_the_annotations_hook():
    register_fonts()
    chart = chart_of(bar_chart(POINTS, SCALE, width=300, height=120))
    assert len(chart.annotations) == 3  # whiskers and values, group separators, axis labels
    nodes = shapes(chart.draw())
    lines = vertical_lines(nodes)
    scale = chart.valueAxis.scale
    for index, point in enumerate(POINTS):
        x = round(chart.categoryAxis.midScale(index), 3)
        expected = (x, round(scale(point.lo), 3), round(scale(point.hi), 3)) if point.lo else None
        if expected:
            assert expected in lines, (point.label, expected)
        else:
            assert not any(line[0] == x and line[2] > scale(0) + 1 for line in lines)


def test_without_the_hook_there_are_no_whiskers():
    """The guard above is meaningful: the chart itself draws no interval lines."""
    register_fonts()
    chart = chart_of(bar_chart(POINTS, SCALE, width=300, height=120))
    chart.annotations = []
    lines = vertical_lines(shapes(chart.draw()))
    scale = chart.valueAxis.scale
    whisker = (round(chart.categoryAxis.midScale(0), 3), round(scale(15), 3), round(scale(21), 3))
    assert whisker not in lines


def test_values_are_labelled_and_hidden_values_say_why():
    register_fonts()
    chart = chart_of(bar_chart(POINTS, SCALE, width=300, height=120))
    texts = [n.text for n in shapes(chart.draw()) if isinstance(n, String)]
    for point in POINTS:
        assert point.text in texts
        assert point.label in texts
    assert {"0%", "10%", "20%", "30%", "40%"} <= set(texts)
    assert "too few respondents" in texts
    assert not any(t.startswith("None") or t == "nan%" for t in texts)


def test_trend_whiskers_and_gaps():
    register_fonts()
    points = [
        Point("2020", 30.0, 25.0, 35.0, "30%"),
        Point("2022", None, None, None, "too uncertain"),
        Point("2024", 12.0, 10.0, 15.0, "12%"),
        Point("2026", 18.0, 15.0, 21.0, "18%"),
    ]
    plot = chart_of(trend_chart(points, SCALE, width=160, height=120))
    assert len(plot.data) == 2, "the hidden wave breaks the line in two"
    nodes = shapes(plot.draw())
    lines = vertical_lines(nodes)
    x, y = plot.xValueAxis.scale, plot.yValueAxis.scale
    for index, point in enumerate(points):
        if point.value is not None:
            assert (round(x(index), 3), round(y(point.lo), 3), round(y(point.hi), 3)) in lines
    texts = [n.text for n in nodes if isinstance(n, String)]
    assert "too uncertain" in texts
    assert {"2020", "2022", "2024", "2026", "0%", "40%"} <= set(texts)


def test_percent_scale_leaves_room_above_the_highest_whisker():
    assert percent_scale([Point("a", 10, 8, 12, "10%")]) == Scale(0, 20, 5, "%")
    assert percent_scale([Point("a", 30, 25, 38, "30%")]).high == 60
    assert percent_scale([Point("a", 90, 85, 95, "90%")]).high == 100
    assert percent_scale([Point("a", None, None, None, "too few")]).high == 20
