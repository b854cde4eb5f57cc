"""The report's content as a ReportLab story: cover, contents, key messages, domains, method.

Built from :class:`ReportData` (engine results plus metadata), a report definition and the
texts of one language; it reads nothing else. Every number goes through :class:`Words`, which
writes a suppressed estimate as its reason and never as a number.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.tableofcontents import TableOfContents

from oko.indicators.definitions import Indicator, IndicatorSet, Kind
from oko.indicators.groups import ALL, Group, GroupKind
from oko.indicators.results import Comparison, ComparisonKind, Estimate
from oko.indicators.suppression import Reason, published_reason
from oko.reporting.charts import Point, Role, Scale, bar_chart, percent_scale, trend_chart
from oko.reporting.data import ReportData
from oko.reporting.definition import DomainSection, ReportDefinition
from oko.reporting.document import FRAME_HEIGHT, FRAME_WIDTH, Chart, FixedHeight, Heading
from oko.reporting.keymessages import key_messages
from oko.reporting.numbers import format_number
from oko.reporting.styles import ACCENT, NOTICE, RULE, SHADE, Styles, table_style
from oko.reporting.texts import Texts

#: Signs that must stay on the line of the word that follows them.
SYMBOLS = ("▲", "▼", "≈")
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
#: A page below its title (key messages, method).
PAGE_BODY_HEIGHT = FRAME_HEIGHT - 12 - 48  # frame padding, title
#: In the compact layout a domain starts on a new page only when less than this is left.
PAGE_FILL = 180
#: Comparisons shown per indicator, in this order, as table columns and summary lines.
SHOWN_COMPARISONS = (
    ComparisonKind.PREVIOUS_WAVE,
    ComparisonKind.REST_OF_PARENT,
    ComparisonKind.REFERENCE,
)


class Words:
    """Texts of one language plus the report's numbers written the way that language does."""

    def __init__(self, texts: Texts, data: ReportData, indicators: IndicatorSet) -> None:
        self.t = texts
        self.data = data
        self.indicators = indicators
        self.decimal = texts("number.decimal")

    def __call__(self, key: str, **values: object) -> str:
        return self.t(key, **values)

    def p(self, key: str, **values: object) -> str:
        """A text escaped for a ReportLab paragraph (values are escaped too), with the
        symbols ▲ ▼ ≈ tied to the word after them so a line never ends in a bare arrow."""
        return _tie_symbols(escape(self.t(key, **values)))

    def number(self, value: float, indicator: Indicator) -> str:
        return format_number(value, proportion=indicator.is_proportion, decimal=self.decimal)

    def value(self, value: float, indicator: Indicator) -> str:
        """A published value with its unit: ``18%`` or ``7.4``."""
        text = self.number(value, indicator)
        return self.t("number.percent", value=text) if indicator.is_proportion else text

    def interval(self, estimate: Estimate, indicator: Indicator) -> str:
        text = self.t(
            "number.interval",
            lo=self.number(estimate.lower, indicator),
            hi=self.number(estimate.upper, indicator),
        )
        return self.t("number.percent", value=text) if indicator.is_proportion else text

    def shown(self, estimate: Estimate, indicator: Indicator) -> str:
        """The value, or the reason it is not shown."""
        if estimate.suppressed or not math.isfinite(estimate.value):
            return self.reason(estimate)
        return self.value(estimate.value, indicator)

    def reason(self, estimate: Estimate) -> str:
        return self.t(f"suppressed.{published_reason(estimate.reason) or Reason.NO_DATA.value}")

    def wave_label(self, wave_id: str) -> str:
        for info in self.data.waves:
            if info.id == wave_id:
                return info.short
        return wave_id

    def other_name(self, comparison: Comparison) -> str:
        """How a sentence names what is compared with ("in 2024", "in the rest of …")."""
        if comparison.kind is ComparisonKind.PREVIOUS_WAVE:
            return self.t("names.previous", wave=self.wave_label(comparison.against))
        if comparison.kind is ComparisonKind.REST_OF_PARENT:
            if self.data.kind == "school":
                return self.t("names.municipality", municipality=self.data.municipality_name)
            return self.t("names.region", region=self.data.region_name)
        return self.t("names.reference")

    def direction(self, comparison: Comparison) -> str:
        return "up" if comparison.difference > 0 else "down"

    def flag_cell(self, comparison: Comparison | None) -> str:
        if comparison is None or not math.isfinite(comparison.difference):
            return self.t("flag.none")
        if comparison.flag is None:
            return self.t("flag.same")
        return self.t(f"flag.{comparison.flag.value}_{self.direction(comparison)}")

    def date(self) -> str:
        day = self.data.report_date
        return self.t(
            "date.format", day=day.day, month=self.t(f"date.month_{day.month}"), year=day.year
        )

    def grades(self) -> str:
        grades = [str(g) for g in self.data.participation.grades]
        if len(grades) <= 1:
            return "".join(grades)
        return ", ".join(grades[:-1]) + self.t("number.list_and") + grades[-1]

    def area_values(self) -> dict[str, str]:
        data = self.data
        return {
            "area": data.area_name,
            "wave": data.wave.name,
            "municipality": data.municipality_name,
            "school": data.area_name if data.kind == "school" else "",
        }


def build_story(
    data: ReportData,
    definition: ReportDefinition,
    texts: Texts,
    indicators: IndicatorSet,
    styles: Styles,
) -> list[Flowable]:
    words = Words(texts, data, indicators)
    builder = _Builder(data, definition, words, indicators, styles)
    story: list[Flowable] = []
    for index, section in enumerate(definition.sections):
        if index and section != "domains":
            story.append(PageBreak())
        story.extend(getattr(builder, section)())
    return story


class _Builder:
    def __init__(
        self,
        data: ReportData,
        definition: ReportDefinition,
        words: Words,
        indicators: IndicatorSet,
        styles: Styles,
    ) -> None:
        self.data = data
        self.definition = definition
        self.w = words
        self.indicators = indicators
        self.s = styles

    # -- cover --------------------------------------------------------------------------

    def cover(self) -> Iterator[Flowable]:
        data, w, s = self.data, self.w, self.s
        area = w.area_values()
        yield NextPageTemplate("body")
        yield Spacer(1, 22 * mm)
        yield Paragraph(w.p("cover.kicker", **area), s.kicker)
        yield Spacer(1, 3 * mm)
        if data.kind == "school":
            title = w.p("cover.title_school", **area)
        else:
            title = w.p("cover.title_municipality", **area)
        yield Paragraph(title, s.title)
        yield Paragraph(w.p(f"cover.subtitle_{data.kind}", **area), s.subtitle)
        yield Spacer(1, 4 * mm)
        yield Paragraph(w.p("cover.date", date=w.date()), s.kicker)
        yield Spacer(1, 10 * mm)
        yield Paragraph(w.p("cover.about", **area), s.body)
        yield Spacer(1, 8 * mm)
        yield Paragraph(w.p("cover.response_title"), s.h2)
        yield self._response_table()
        if data.synthetic:
            yield Spacer(1, 10 * mm)
            yield _boxed(
                [
                    Paragraph(w.p("cover.synthetic_title"), s.notice),
                    Paragraph(w.p("cover.synthetic", **area), s.body),
                ]
            )

    def _response_table(self) -> Table:
        data, w, s = self.data, self.w, self.s
        exclusions = data.current.exclusions.get(data.area)
        kept = exclusions.kept if exclusions else 0
        submitted = exclusions.respondents if exclusions else 0
        pupils = data.participation.pupils
        if pupils:
            rate = w.t(
                "number.percent",
                value=format_number(submitted / pupils, proportion=True, decimal=w.decimal),
            )
            rate_text = w.p("cover.response_rate_value", rate=rate, pupils=pupils)
        else:
            rate_text = w.p("cover.response_rate_unknown")
        rows = [
            (w.p("cover.schools"), str(data.participation.schools)),
            (w.p("cover.students"), str(kept)),
            (w.p("cover.grades"), w.p("cover.grades_value", grades=w.grades())),
            (w.p("cover.response_rate"), rate_text),
            (w.p("cover.excluded"), str(exclusions.excluded if exclusions else 0)),
        ]
        table = Table(
            [[Paragraph(a, s.cell_bold), Paragraph(b, s.cell)] for a, b in rows],
            colWidths=[70 * mm, 80 * mm],
            hAlign="LEFT",
        )
        table.setStyle(
            table_style(
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            )
        )
        return table

    # -- contents -----------------------------------------------------------------------

    def contents(self) -> Iterator[Flowable]:
        yield Paragraph(self.w.p("contents.title"), self.s.h1)
        toc = TableOfContents(
            tableStyle=table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            )
        )
        toc.levelStyles = [self.s.toc1, self.s.toc2]
        toc.dotsMinLevel = 0
        yield toc

    # -- key messages -------------------------------------------------------------------

    def key_messages(self) -> Iterator[Flowable]:
        """One page in every language: the lines are capped, and the page shrinks its text
        rather than spill over (so both languages keep the same page numbers)."""
        yield Heading(self.w.p("key_messages.title"), self.s.h1, level=0, key="key-messages")
        yield FixedHeight(PAGE_BODY_HEIGHT, list(self._key_messages_body()))

    def _key_messages_body(self) -> Iterator[Flowable]:
        data, w, s = self.data, self.w, self.s
        previous = data.previous
        points = format_number(
            data.current.config.min_difference, proportion=True, decimal=w.decimal
        )
        if previous is None:
            yield Paragraph(w.p("key_messages.first_wave", wave=data.wave.name), s.body)
        yield Paragraph(
            w.p(
                "key_messages.intro",
                points=points,
                previous=previous[0].short if previous else data.wave.short,
                reference=w.t("names.reference"),
            ),
            s.body,
        )
        messages = key_messages(
            data, self.definition.indicator_ids, self.definition.key_messages_max
        )
        for title, lines, more, none in (
            ("key_messages.good", messages.good, messages.more[0], "key_messages.none_good"),
            (
                "key_messages.attention",
                messages.attention,
                messages.more[1],
                "key_messages.none_attention",
            ),
        ):
            yield Paragraph(w.p(title), s.h2)
            if not lines:
                yield Paragraph(w.p(none), s.body)
            for comparison in lines:
                arrow = "▲" if comparison.difference > 0 else "▼"
                yield Paragraph(escape(self.message(comparison)), s.bullet, bulletText=arrow)
            if more:
                yield Paragraph(w.p("key_messages.more", count=more), s.body)
        if previous is not None and messages.compared:
            yield Spacer(1, 3 * mm)
            yield Paragraph(
                w.p(
                    "key_messages.stable",
                    count=messages.stable,
                    total=messages.compared,
                    previous=previous[0].short,
                ),
                s.body,
            )

    def message(self, comparison: Comparison) -> str:
        """One key-message sentence, following the indicator's direction."""
        w = self.w
        indicator = self.indicators[comparison.indicator]
        statement = w.t(
            f"indicators.{indicator.id}.{'higher' if comparison.difference > 0 else 'lower'}"
        )
        estimate = self.data.estimate(indicator.id)
        now = w.value(estimate.value, indicator)
        if comparison.kind is ComparisonKind.TREND:
            waves = [part.strip() for part in comparison.against.split(",") if part.strip()]
            return w.t(
                "key_messages.trend",
                statement=statement,
                first=w.wave_label(waves[0]) if waves else "",
                waves=len(waves),
            )
        other = w.value(comparison.other_value, indicator)
        if comparison.kind is ComparisonKind.PREVIOUS_WAVE:
            return w.t(
                "key_messages.change",
                statement=statement,
                now=now,
                then=other,
                previous=w.wave_label(comparison.against),
            )
        return w.t(
            "key_messages.versus",
            statement=statement,
            now=now,
            other=other,
            reference=w.other_name(comparison),
        )

    # -- domains ------------------------------------------------------------------------

    def domains(self) -> Iterator[Flowable]:
        for section in self.definition.domains:
            yield CondPageBreak(PAGE_FILL) if self.definition.compact else PageBreak()
            yield from self.domain(section)

    def domain(self, section: DomainSection) -> Iterator[Flowable]:
        w, s = self.w, self.s
        title = w.p(f"domains.{section.id.value}.title")
        yield Heading(title, s.h1, level=0, key=f"domain-{section.id.value}")
        intro = w.p(f"domains.{section.id.value}.intro", **w.area_values())
        yield FixedHeight(INTRO_HEIGHT, [Paragraph(intro, s.body)])
        if self.definition.table:
            yield self.domain_table(section)
            points = format_number(
                self.data.current.config.min_difference, proportion=True, decimal=w.decimal
            )
            legend = w.p("table.legend", points=points) + " " + w.p("table.caution")
            yield FixedHeight(LEGEND_HEIGHT, [Paragraph(legend, s.small)])
        for ident in section.indicators:
            yield KeepTogether(list(self.indicator_block(self.indicators[ident])))

    def domain_table(self, section: DomainSection) -> Table:
        w, s, data = self.w, self.s, self.data
        previous = data.previous
        parent = "table.municipality" if data.kind == "school" else "table.region"
        header = [
            w.p("table.indicator"),
            w.p("table.n"),
            w.p("table.value", wave=data.wave.short),
            w.p("table.interval"),
            w.p("table.previous", previous=previous[0].short if previous else "–"),
            w.p(parent),
            w.p("table.reference"),
        ]
        rows = [[Paragraph(h, s.cell_bold) for h in header]]
        for ident in section.indicators:
            indicator = self.indicators[ident]
            estimate = data.estimate(ident)
            label = escape(indicator.label(w.t.language))
            # Plain strings where nothing wraps: a table cell string costs a fraction of a
            # Paragraph, and a report has hundreds of cells.
            cells: list[str | Paragraph]
            if estimate.suppressed:
                cells = ["–", Paragraph(escape(w.reason(estimate)), s.cell), "–"]
                cells += [w.flag_cell(None)] * len(SHOWN_COMPARISONS)
            else:
                value = w.value(estimate.value, indicator) + ("*" if estimate.caution else "")
                cells = [str(estimate.n), value, w.interval(estimate, indicator)]
                cells += [w.flag_cell(data.comparison(ident, kind)) for kind in SHOWN_COMPARISONS]
            rows.append([Paragraph(label, s.cell), *cells])
        widths = [54, 12, 16, 24, 22, 23, 23]
        table = Table(
            rows,
            colWidths=[x * mm for x in widths],
            rowHeights=[ROW_HEIGHT] * len(rows),
            repeatRows=1,
        )
        table.setStyle(
            table_style(
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            )
        )
        return table

    def indicator_block(self, indicator: Indicator) -> Iterator[Flowable]:
        """Heading, a plain-language summary with the comparisons, then the charts; in the
        compact layout (school report) the summary stands beside the one chart."""
        w, s, data = self.w, self.s, self.data
        yield Heading(
            escape(indicator.label(w.t.language)), s.h2, level=1, key=f"indicator-{indicator.id}"
        )
        summary = Paragraph(self.summary(indicator, data.estimate(indicator.id)), s.body)
        notes = []
        if indicator.kind is not Kind.PROPORTION:
            low, high = indicator.valid
            notes.append(w.p("chart.mean_scale", low=low, high=high))
        if indicator.reference is not None:
            notes.append(w.p("chart.reference_source", source=indicator.reference.source))
        note = Paragraph(" ".join(notes), s.small) if notes else None
        bars = self.bar_points(indicator)
        trend = self.trend_points(indicator) if self.definition.trend else []
        scale = self.scale(indicator, bars + trend)
        if self.definition.compact:
            width = FRAME_WIDTH * 0.56
            text = [summary] + ([note] if note else [])
            grid = _grid(
                [
                    [Paragraph(w.p("chart.comparison_title"), s.small), ""],
                    [self.bar_chart(bars, scale, width), text],
                ],
                [width, FRAME_WIDTH - width],
            )
            yield FixedHeight(COMPACT_BLOCK_HEIGHT, [grid])
            return
        widths = [FRAME_WIDTH * 0.68, FRAME_WIDTH * 0.32] if trend else [FRAME_WIDTH * 0.68]
        titles = [Paragraph(w.p("chart.comparison_title"), s.small)]
        charts: list[Flowable] = [self.bar_chart(bars, scale, widths[0])]
        if trend:
            titles.append(Paragraph(w.p("chart.trend_title"), s.small))
            charts.append(Chart(trend_chart(trend, scale, width=widths[1], height=CHART_HEIGHT)))
        content = [summary, _grid([titles, charts], widths)] + ([note] if note else [])
        yield FixedHeight(BLOCK_HEIGHT, content)

    def bar_chart(self, bars: list[Point], scale: Scale, width: float) -> Chart:
        """Comparison bars, then groups; dashed lines between comparisons, genders, grades."""
        height = COMPACT_CHART_HEIGHT if self.definition.compact else CHART_HEIGHT
        separators = []
        first_group = next((i for i, p in enumerate(bars) if p.role is Role.GROUP), None)
        if first_group:
            separators.append(first_group)
            kinds = [g.kind for g in self.data.groups(self.definition.breakdown)]
            if GroupKind.GENDER in kinds and GroupKind.GRADE in kinds:
                separators.append(first_group + kinds.index(GroupKind.GRADE))
        return Chart(bar_chart(bars, scale, width=width, height=height, separators=separators))

    def summary(self, indicator: Indicator, estimate: Estimate) -> str:
        w, data = self.w, self.data
        wave = data.wave.short
        if estimate.suppressed:
            return w.p("block.suppressed", wave=wave, reason=w.reason(estimate))
        parts = [
            w.p(
                "block.value",
                wave=wave,
                value=w.value(estimate.value, indicator),
                interval=w.interval(estimate, indicator),
                n=estimate.n,
            )
        ]
        if estimate.caution:
            parts.append(w.p("block.caution"))
        lines = []
        for kind in SHOWN_COMPARISONS:
            comparison = data.comparison(indicator.id, kind)
            if comparison is None or not math.isfinite(comparison.difference):
                continue
            if comparison.flag is None:
                key = "compare.same"
            else:
                key = f"compare.{comparison.flag.value}_{w.direction(comparison)}"
            lines.append(
                w.p(
                    key,
                    other=w.other_name(comparison),
                    value=w.value(comparison.other_value, indicator),
                )
            )
        trend = data.comparison(indicator.id, ComparisonKind.TREND)
        if trend is not None and trend.flag is not None:
            waves = [part.strip() for part in trend.against.split(",") if part.strip()]
            lines.append(
                w.p(
                    f"compare.trend_{trend.flag.value}_{w.direction(trend)}",
                    first=w.wave_label(waves[0]) if waves else "",
                )
            )
        text = " ".join(parts)
        if lines:
            text += "<br/>" + "\u00a0· ".join(lines)
        return text

    def point(self, estimate: Estimate, indicator: Indicator, label: str, role: Role) -> Point:
        if estimate.suppressed or not math.isfinite(estimate.value):
            return Point(label, None, None, None, self.w.reason(estimate), role)
        factor = 100 if indicator.is_proportion else 1
        return Point(
            label,
            estimate.value * factor,
            estimate.lower * factor,
            estimate.upper * factor,
            self.w.value(estimate.value, indicator),
            role,
        )

    def bar_points(self, indicator: Indicator) -> list[Point]:
        w, data = self.w, self.data
        factor = 100 if indicator.is_proportion else 1
        points = [
            self.point(
                data.estimate(indicator.id),
                indicator,
                w("chart.current", wave=data.wave.short),
                Role.CURRENT,
            )
        ]
        previous = data.previous
        if previous is not None:
            info, results = previous
            points.append(
                self.point(
                    results.estimate(indicator.id, data.area),
                    indicator,
                    w("chart.previous", wave=info.short),
                    Role.PREVIOUS,
                )
            )
        parent = data.comparison(indicator.id, ComparisonKind.REST_OF_PARENT)
        if parent is not None and math.isfinite(parent.other_value):
            label = w("chart.municipality" if data.kind == "school" else "chart.region")
            points.append(
                Point(
                    label,
                    parent.other_value * factor,
                    None,
                    None,
                    w.value(parent.other_value, indicator),
                    Role.REFERENCE,
                )
            )
        if indicator.reference is not None:
            value = indicator.reference.value
            points.append(
                Point(
                    w("chart.reference"),
                    value * factor,
                    None,
                    None,
                    w.value(value, indicator),
                    Role.REFERENCE,
                )
            )
        for group in data.groups(self.definition.breakdown):
            points.append(
                self.point(
                    data.estimate(indicator.id, group),
                    indicator,
                    self.group_label(group),
                    Role.GROUP,
                )
            )
        return points

    def group_label(self, group: Group) -> str:
        if group.kind is GroupKind.GENDER:
            return self.w(f"chart.gender_{group.code}")
        return self.w("chart.grade", grade=group.code)

    def trend_points(self, indicator: Indicator) -> list[Point]:
        return [
            self.point(
                results.estimate(indicator.id, self.data.area, ALL),
                indicator,
                info.short,
                Role.CURRENT,
            )
            for info, results in zip(self.data.waves, self.data.results, strict=True)
        ]

    def scale(self, indicator: Indicator, points: list[Point]) -> Scale:
        if indicator.is_proportion:
            return percent_scale(points)
        low, high = indicator.valid
        span = high - low
        step = 1 if span <= 5 else 2
        return Scale(low if indicator.kind is Kind.SCALE else 0, high, step)

    # -- method -------------------------------------------------------------------------

    def method(self) -> Iterator[Flowable]:
        """One page in every language, like the key messages."""
        yield Heading(self.w.p("method.title"), self.s.h1, level=0, key="method")
        yield FixedHeight(PAGE_BODY_HEIGHT, list(self._method_body()))

    def _method_body(self) -> Iterator[Flowable]:
        w, s, data = self.w, self.s, self.data
        config = data.current.config
        exclusions = data.current.exclusions.get(data.area)
        kept = exclusions.kept if exclusions else 0
        submitted = exclusions.respondents if exclusions else 0
        yield Paragraph(w.p("method.who_title"), s.h3)
        who = w.p(
            f"method.who_{data.kind}",
            students=kept,
            schools=data.participation.schools,
            grades=w.grades(),
            **w.area_values(),
        )
        if data.participation.pupils:
            rate = w.t(
                "number.percent",
                value=format_number(
                    submitted / data.participation.pupils, proportion=True, decimal=w.decimal
                ),
            )
            who += " " + w.p("method.response_rate", rate=rate, pupils=data.participation.pupils)
        yield Paragraph(who, s.method)

        yield Paragraph(w.p("method.exclusions_title"), s.h3)
        if exclusions and exclusions.excluded:
            yield Paragraph(
                w.p("method.exclusions", excluded=exclusions.excluded, submitted=submitted),
                s.method,
            )
            rows = [
                [Paragraph(w.p(f"exclusions.{flag}"), s.cell), Paragraph(str(count), s.cell_right)]
                for flag, count in exclusions.by_reason
                if count
            ]
            table = Table(rows, colWidths=[120 * mm, 20 * mm], hAlign="LEFT")
            table.setStyle(
                table_style(
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                )
            )
            yield table
        else:
            yield Paragraph(w.p("method.exclusions_none", submitted=submitted), s.method)

        points = format_number(config.min_difference, proportion=True, decimal=w.decimal)
        fdr = w.t(
            "number.percent",
            value=format_number(config.false_discovery_rate, proportion=True, decimal=w.decimal),
        )
        d = format_number(config.min_cohens_d, proportion=False, decimal=w.decimal)
        sections = [
            (
                "method.intervals_title",
                w.p("method.intervals") + " " + w.p(f"method.design_{config.school_design.value}"),
            ),
            ("method.flags_title", w.p("method.flags", points=points, d=d, fdr=fdr)),
            (
                "method.comparisons_title",
                w.p(
                    f"method.comparisons_{data.kind}",
                    region=data.region_name,
                    municipality=data.municipality_name,
                    area=data.area_name,
                ),
            ),
            (
                "method.weights_title",
                w.p("method.weighted" if data.weighted else "method.unweighted"),
            ),
            (
                "method.suppression_title",
                w.p(
                    "method.suppression",
                    min_group=config.min_denominator,
                    min_school=config.min_school_respondents,
                    small_count=config.sensitive_small_count,
                ),
            ),
            (
                "method.questionnaire_title",
                w.p(
                    "method.questionnaire",
                    questionnaire=data.questionnaire,
                    version=data.questionnaire_version,
                ),
            ),
        ]
        for title, text in sections:
            yield Paragraph(w.p(title), s.h3)
            yield Paragraph(text, s.method)
        if data.synthetic:
            yield Spacer(1, 3 * mm)
            yield _boxed([Paragraph(w.p("method.synthetic"), s.notice)])


def _tie_symbols(text: str) -> str:
    for symbol in SYMBOLS:
        text = text.replace(f"{symbol} ", f"{symbol}\u00a0")
    return text


def _grid(rows: list[list[object]], widths: list[float]) -> Table:
    """Cells side by side without padding (charts and their titles, a chart and its text)."""
    table = Table(rows, colWidths=widths)
    table.setStyle(
        table_style(
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        )
    )
    return table


def _boxed(flowables: list[Flowable]) -> Table:
    table = Table([[f] for f in flowables], colWidths=[FRAME_WIDTH])
    table.setStyle(
        table_style(
            ("BACKGROUND", (0, 0), (-1, -1), NOTICE),
            ("BOX", (0, 0), (-1, -1), 1, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, 0), 6),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
        )
    )
    return table
