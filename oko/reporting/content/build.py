"""``build_content``: report data, a report definition and texts in, :class:`ReportContent` out.

The one place where a result becomes words and chart points; the PDF and the dashboard only
lay out what it returns.
"""

from __future__ import annotations

import math

from oko.indicators.definitions import Indicator, Kind
from oko.indicators.groups import ALL, Group, GroupKind
from oko.indicators.results import Comparison, ComparisonKind, Estimate
from oko.indicators.wave_comparisons import GROUP_PAIRS
from oko.reporting.charts import Point, Role, Scale, percent_scale
from oko.reporting.content.model import (
    ComparisonLine,
    DomainPanel,
    IndicatorPanel,
    KeyMessage,
    KeyMessagesContent,
    ParticipationFigures,
    ReportContent,
    TableHeader,
)
from oko.reporting.content.plans import actions_content, goals_content
from oko.reporting.content.profile import build_profile
from oko.reporting.content.rates import response_rate
from oko.reporting.content.words import Words
from oko.reporting.data import ReportData
from oko.reporting.definition import ReportDefinition
from oko.reporting.keymessages import key_messages
from oko.reporting.texts import Texts

#: Comparisons shown per indicator, in this order, as table columns and summary lines.
SHOWN_COMPARISONS = (
    ComparisonKind.PREVIOUS_WAVE,
    ComparisonKind.REST_OF_PARENT,
    ComparisonKind.REFERENCE,
)


def build_content(data: ReportData, definition: ReportDefinition, texts: Texts) -> ReportContent:
    """Everything the report shows for ``data``, worded in the language of ``texts``."""
    words = Words(texts, data, data.current.indicators)
    builder = _Builder(data, definition, words)
    points = words.points(data.current.config.min_difference)
    previous = data.previous
    return ReportContent(
        data=data,
        words=words,
        participation=builder.participation(),
        key_messages=builder.key_messages(),
        domains=tuple(
            DomainPanel(
                section.id.value,
                words(f"domains.{section.id.value}.title"),
                words(f"domains.{section.id.value}.intro", **words.area_values()),
                tuple(builder.panel(words.indicators[i]) for i in section.indicators),
            )
            for section in definition.domains
        ),
        header=TableHeader(
            indicator=words("table.indicator"),
            n=words("table.n"),
            value=words("table.value", wave=words.wave.short),
            interval=words("table.interval"),
            previous=words(
                "table.previous", previous=words.named(previous[0]).short if previous else "–"
            ),
            parent=words("table.municipality" if data.kind == "school" else "table.region"),
            reference=words("table.reference"),
        ),
        legend=words("table.legend", points=points) + " " + words("table.caution"),
        goals=goals_content(words),
        actions=actions_content(words),
        profile=build_profile(
            definition.profile,
            words,
            builder.comparison_line,
            builder.group_label,
            SHOWN_COMPARISONS,
        )
        if definition.profile is not None
        else None,
    )


class _Builder:
    def __init__(self, data: ReportData, definition: ReportDefinition, words: Words) -> None:
        self.data = data
        self.definition = definition
        self.w = words
        self.groups = data.groups(definition.breakdown)

    def participation(self) -> ParticipationFigures:
        data, w = self.data, self.w
        counts = data.current.exclusions.get(data.area)
        submitted = counts.respondents if counts else 0
        pupils = data.participation.pupils
        rated = data.participation.rated
        rate = response_rate(submitted if rated is None else rated, pupils)
        if rate is None:
            rate_text = w("cover.response_rate_unknown")
        else:
            rate_text = w("cover.response_rate_value", rate=w.percent(rate), pupils=pupils)
        return ParticipationFigures(
            schools=data.participation.schools,
            students=counts.kept if counts else 0,
            submitted=submitted,
            excluded=counts.excluded if counts else 0,
            excluded_by_reason=tuple(
                (w(f"exclusions.{flag}"), count) for flag, count in counts.by_reason if count
            )
            if counts
            else (),
            pupils=pupils,
            rate=rate,
            rate_text=rate_text,
            grades=w.grades(),
        )

    # -- key messages -------------------------------------------------------------------

    def key_messages(self) -> KeyMessagesContent:
        data, w, definition = self.data, self.w, self.definition
        previous = w.named(data.previous[0]) if data.previous else None
        messages = key_messages(data, definition.indicator_ids, definition.key_messages_max)
        good_more, attention_more = messages.more
        return KeyMessagesContent(
            first_wave="" if previous else w("key_messages.first_wave", wave=w.wave.name),
            intro=w(
                "key_messages.intro",
                points=w.points(data.current.config.min_difference),
                previous=previous.short if previous else w.wave.short,
                reference=w("names.reference"),
            ),
            good=tuple(self.message(c) for c in messages.good),
            attention=tuple(self.message(c) for c in messages.attention),
            more_good=w("key_messages.more", count=good_more) if good_more else "",
            more_attention=w("key_messages.more", count=attention_more) if attention_more else "",
            stable=w(
                "key_messages.stable",
                count=messages.stable,
                total=messages.compared,
                previous=previous.short,
            )
            if previous is not None and messages.compared
            else "",
        )

    def message(self, comparison: Comparison) -> KeyMessage:
        """One key-message sentence, following the indicator's direction."""
        w = self.w
        indicator = w.indicators[comparison.indicator]
        higher = "higher" if comparison.difference > 0 else "lower"
        statement = w(f"indicators.{indicator.id}.{higher}")
        up = comparison.difference > 0
        if comparison.kind is ComparisonKind.TREND:
            waves = _waves(comparison)
            text = w(
                "key_messages.trend",
                statement=statement,
                first=w.wave_label(waves[0]) if waves else "",
                waves=len(waves),
            )
            return KeyMessage(text, up)
        now = w.value(self.data.estimate(indicator.id).value, indicator)
        other = w.value(comparison.other_value, indicator)
        if comparison.kind is ComparisonKind.PREVIOUS_WAVE:
            text = w(
                "key_messages.change",
                statement=statement,
                now=now,
                then=other,
                previous=w.wave_label(comparison.against),
            )
        else:
            text = w(
                "key_messages.versus",
                statement=statement,
                now=now,
                other=other,
                reference=w.other_name(comparison),
            )
        return KeyMessage(text, up)

    # -- indicator panels ---------------------------------------------------------------

    def panel(self, indicator: Indicator) -> IndicatorPanel:
        w, data = self.w, self.data
        estimate = data.estimate(indicator.id)
        bars, separators = self.bars(indicator)
        trend = self.trend(indicator) if self.definition.trend else ()
        notes = []
        if indicator.kind is not Kind.PROPORTION:
            low, high = indicator.valid
            notes.append(w("chart.mean_scale", low=low, high=high))
        if indicator.reference is not None:
            source = w(f"indicators.{indicator.id}.reference")
            notes.append(w("chart.reference_source", source=source))
        published = not estimate.suppressed and math.isfinite(estimate.value)
        wave = w.wave.short
        if published:
            summary = w(
                "block.value",
                wave=wave,
                value=w.value(estimate.value, indicator),
                interval=w.interval(estimate, indicator),
                n=estimate.n,
            )
        else:
            summary = w("block.suppressed", wave=wave, reason=w.reason(estimate))
        caution = published and estimate.caution
        return IndicatorPanel(
            indicator=indicator,
            label=indicator.label(w.t.language),
            estimate=estimate,
            shown=w.shown(estimate, indicator),
            value_cell=w.shown(estimate, indicator) + ("*" if caution else ""),
            interval=w.interval(estimate, indicator) if published else "",
            summary=summary,
            caution=caution,
            comparisons=tuple(self.comparison_line(indicator, kind) for kind in SHOWN_COMPARISONS),
            trend_line=self.trend_line(indicator),
            group_lines=self.group_lines(indicator),
            bars=bars,
            separators=separators,
            trend=trend,
            scale=self.scale(indicator, [*bars, *trend]),
            notes=tuple(notes),
        )

    def comparison_line(self, indicator: Indicator, kind: ComparisonKind) -> ComparisonLine:
        w = self.w
        comparison = self.data.comparison(indicator.id, kind)
        if comparison is None or not math.isfinite(comparison.difference):
            return ComparisonLine(kind, "", "", None, w.flag_cell(None), "")
        other = w.other_name(comparison)
        value = w.value(comparison.other_value, indicator)
        key = "compare.same"
        if comparison.flag is not None:
            key = f"compare.{comparison.flag.value}_{w.direction(comparison)}"
        return ComparisonLine(
            kind=kind,
            other=other,
            other_value=value,
            flag=comparison.flag,
            text=w.flag_cell(comparison),
            sentence=w(key, other=other, value=value),
        )

    def trend_line(self, indicator: Indicator) -> ComparisonLine | None:
        """A flagged trend over the waves, worded from its first wave; None when not flagged."""
        w = self.w
        trend = self.data.comparison(indicator.id, ComparisonKind.TREND)
        if trend is None or trend.flag is None:
            return None
        waves = _waves(trend)
        first = w.wave_label(waves[0]) if waves else ""
        sentence = w(f"compare.trend_{trend.flag.value}_{w.direction(trend)}", first=first)
        return ComparisonLine(ComparisonKind.TREND, first, "", trend.flag, "", sentence)

    def group_lines(self, indicator: Indicator) -> tuple[ComparisonLine, ...]:
        """Girls against boys, grade 2 against grade 4: a sentence only for a flagged
        difference, which the engine computes only when both groups are published."""
        w, lines = self.w, []
        for group, against in GROUP_PAIRS:
            comparison = self.data.comparison(indicator.id, ComparisonKind.GROUP, group)
            if comparison is None or comparison.flag is None:
                continue
            other = self.group_label(against)
            other_value = w.value(comparison.other_value, indicator)
            sentence = w(
                "compare.group",
                group=self.group_label(group),
                value=w.value(self.data.estimate(indicator.id, group).value, indicator),
                other=other,
                other_value=other_value,
            )
            lines.append(
                ComparisonLine(ComparisonKind.GROUP, other, other_value, None, "", sentence)
            )
        return tuple(lines)

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

    def fixed_point(self, value: float, indicator: Indicator, label: str) -> Point:
        """A reference bar: a value without an interval (another area's, or published)."""
        factor = 100 if indicator.is_proportion else 1
        text = self.w.value(value, indicator)
        return Point(label, value * factor, None, None, text, Role.REFERENCE)

    def bars(self, indicator: Indicator) -> tuple[tuple[Point, ...], tuple[int, ...]]:
        w, data = self.w, self.data
        points = [
            self.point(
                data.estimate(indicator.id),
                indicator,
                w("chart.current", wave=w.wave.short),
                Role.CURRENT,
            )
        ]
        if data.previous is not None:
            info, results = data.previous
            points.append(
                self.point(
                    results.estimate(indicator.id, data.area),
                    indicator,
                    w("chart.previous", wave=w.named(info).short),
                    Role.PREVIOUS,
                )
            )
        parent = data.comparison(indicator.id, ComparisonKind.REST_OF_PARENT)
        if parent is not None and math.isfinite(parent.other_value):
            label = w("chart.municipality" if data.kind == "school" else "chart.region")
            points.append(self.fixed_point(parent.other_value, indicator, label))
        if indicator.reference is not None:
            points.append(
                self.fixed_point(indicator.reference.value, indicator, w("chart.reference"))
            )
        separators = []
        kind: GroupKind | None = None
        for group in self.groups:
            if group.kind is not kind:
                separators.append(len(points))
                kind = group.kind
            points.append(
                self.point(
                    data.estimate(indicator.id, group),
                    indicator,
                    self.group_label(group),
                    Role.GROUP,
                )
            )
        return tuple(points), tuple(separators)

    def group_label(self, group: Group) -> str:
        if group.kind is GroupKind.GRADE:
            return self.w("chart.grade", grade=group.code)
        return self.w(f"chart.{group.kind.value}_{group.code}")

    def trend(self, indicator: Indicator) -> tuple[Point, ...]:
        return tuple(
            self.point(
                results.estimate(indicator.id, self.data.area, ALL),
                indicator,
                self.w.named(info).short,
                Role.CURRENT,
            )
            for info, results in zip(self.data.waves, self.data.results, strict=True)
        )

    def scale(self, indicator: Indicator, points: list[Point]) -> Scale:
        if indicator.is_proportion:
            return percent_scale(points)
        low, high = indicator.valid
        step = 1 if high - low <= 5 else 2
        return Scale(low if indicator.kind is Kind.SCALE else 0, high, step)


def _waves(comparison: Comparison) -> list[str]:
    """The waves a trend runs over, oldest first (the engine lists them in ``against``)."""
    return [part.strip() for part in comparison.against.split(",") if part.strip()]
