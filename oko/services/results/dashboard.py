"""The coalition dashboard: a municipality's results of one closed wave, ready to show.

Built from exactly what the PDF report is built from:
:func:`oko.services.results.reports.report_data`
(the engine's results of this and earlier waves, cached per data version), the report
definition (which indicators, in which domains, which breakdowns) and the report texts of the
page's language. So the dashboard shows the same numbers, the same suppression and the same
flags, worded the same way; nothing is recomputed here. Suppressed estimates carry no value
(the engine leaves NaN), and a chart point for them holds only the reason.

Scope: admins see every municipality, coalition members their own (``authz``); results exist
only for closed waves in which the municipality took part (an open wave's figures change with
every class, and subtracting two snapshots would expose the students in between).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from oko.indicators import ALL, ComparisonKind, Estimate, Group, GroupKind
from oko.indicators.definitions import Indicator, IndicatorSet, Kind
from oko.indicators.flagging import Flag
from oko.indicators.results import Comparison
from oko.models import Municipality, Response, School, User, Wave
from oko.reporting import ReportData, load_report_setup, render_report
from oko.reporting.charts import Point, Role, Scale, percent_scale
from oko.reporting.definition import ReportDefinition
from oko.reporting.keymessages import key_messages
from oko.reporting.numbers import format_number
from oko.reporting.story import SHOWN_COMPARISONS, Words
from oko.services import audit
from oko.services.results import reports
from oko.services.results.engine import Settings
from oko.services.staff import authz


class NoResults(LookupError):
    """The municipality has no results in this wave (did not take part, or wave not closed)."""


# -- which municipality and wave ----------------------------------------------------------


def municipalities_for(session: Session, user: User | None) -> list[Municipality]:
    """Municipalities whose dashboard ``user`` may open: all for admins, their own otherwise."""
    user = authz.require_role(user, "coalition")
    query = select(Municipality).order_by(Municipality.name)
    if user.role == "coalition":
        query = query.where(Municipality.id == user.municipality_id)
    return list(session.execute(query).scalars())


def require_municipality(session: Session, user: User | None, slug: str) -> Municipality:
    """The municipality by short name, if ``user`` may see it (LookupError, Forbidden)."""
    town = session.execute(
        select(Municipality).where(Municipality.slug == slug)
    ).scalar_one_or_none()
    if town is None:
        raise LookupError(slug)
    authz.require_municipality(user, town.id)
    return town


def result_waves(session: Session, municipality: Municipality) -> list[Wave]:
    """Closed waves in which the municipality took part, newest first."""
    took_part = exists().where(
        Response.wave_id == Wave.id,
        Response.school_id == School.id,
        School.municipality_id == municipality.id,
    )
    query = (
        select(Wave)
        .where(Wave.status == "closed", took_part)
        .order_by(Wave.closes_at.desc().nulls_last(), Wave.id.desc())
    )
    return list(session.execute(query).scalars())


def require_result_wave(session: Session, municipality: Municipality, slug: str) -> Wave:
    for wave in result_waves(session, municipality):
        if wave.slug == slug:
            return wave
    raise NoResults(slug)


# -- what the page shows ------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonLine:
    """One "compared with" cell: what with, and the report's flag wording (▲ better, ≈ same)."""

    kind: ComparisonKind
    other: str
    other_value: str
    flag: Flag | None
    #: The table cell: "▲ better", "≈ same", "–".
    text: str
    #: The PDF's summary line: "▲ better than in 2024 (45%)"; empty when not compared.
    sentence: str


@dataclass(frozen=True)
class IndicatorPanel:
    indicator: Indicator
    label: str
    estimate: Estimate
    #: The value as printed ("18%", "7.4") or, when suppressed, the reason.
    shown: str
    interval: str
    #: Bars: this wave, previous wave, rest of region, reference, then gender and grades.
    bars: tuple[Point, ...]
    #: Index of the first bar of each breakdown (gender, grade), for separators.
    separators: tuple[int, ...]
    trend: tuple[Point, ...]
    scale: Scale
    comparisons: tuple[ComparisonLine, ...]
    #: Notes under the chart: the scale of a mean, the source of a reference value.
    notes: tuple[str, ...]

    @property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(c.flag for c in self.comparisons if c.flag is not None)


@dataclass(frozen=True)
class DomainPanel:
    id: str
    title: str
    intro: str
    indicators: tuple[IndicatorPanel, ...]


@dataclass(frozen=True)
class Dashboard:
    municipality: Municipality
    wave: Wave
    data: ReportData
    words: Words
    domains: tuple[DomainPanel, ...]
    good: tuple[str, ...]
    attention: tuple[str, ...]
    #: "3 of the 35 indicators show no real change since 2024", or "" for a first wave.
    stable: str
    students: int
    excluded: int
    response_rate: str
    legend: str

    def domain(self, domain_id: str) -> DomainPanel | None:
        return next((d for d in self.domains if d.id == domain_id), None)


def municipality_dashboard(
    session: Session,
    user: User | None,
    municipality: Municipality,
    wave: Wave,
    *,
    language: str,
    settings: Settings,
    reports_dir: str,
    today: date,
) -> Dashboard:
    """Everything the dashboard page shows for ``municipality`` in ``wave``."""
    authz.require_municipality(user, municipality.id)
    data = _report_data(session, municipality, wave, settings, today)
    definition, texts = load_report_setup(data, language, reports_dir)
    indicators = data.current.indicators
    words = Words(texts, data, indicators)
    builder = _PanelBuilder(data, definition, words, indicators)
    domains = tuple(
        DomainPanel(
            section.id.value,
            words(f"domains.{section.id.value}.title"),
            words(f"domains.{section.id.value}.intro"),
            tuple(builder.panel(indicators[i]) for i in section.indicators),
        )
        for section in definition.domains
    )
    messages = key_messages(data, definition.indicator_ids, definition.key_messages_max)
    previous = data.previous
    counts = data.current.exclusions.get(data.area)
    return Dashboard(
        municipality=municipality,
        wave=wave,
        data=data,
        words=words,
        domains=domains,
        good=tuple(builder.message(c) for c in messages.good),
        attention=tuple(builder.message(c) for c in messages.attention),
        stable=words(
            "key_messages.stable",
            count=messages.stable,
            total=messages.compared,
            previous=previous[0].short,
        )
        if previous is not None and messages.compared
        else "",
        students=counts.kept if counts else 0,
        excluded=(counts.respondents - counts.kept) if counts else 0,
        response_rate=_response_rate(data, words, counts.kept if counts else 0),
        legend=words(
            "table.legend",
            points=format_number(
                data.current.config.min_difference, proportion=True, decimal=words.decimal
            ),
        ),
    )


def report_pdf(
    session: Session,
    user: User | None,
    municipality: Municipality,
    wave: Wave,
    *,
    language: str,
    settings: Settings,
    reports_dir: str,
    today: date,
) -> bytes:
    """The municipality's PDF report, the same one ``oko report build`` writes (audited;
    commits the audit entry)."""
    user = authz.require_municipality(user, municipality.id)
    data = _report_data(session, municipality, wave, settings, today)
    pdf = render_report(data, language, reports_dir)
    audit.record(
        session,
        "report.download",
        user_id=user.id,
        target=f"municipality:{municipality.slug}",
        detail={"wave": wave.slug, "language": language, "bytes": len(pdf)},
    )
    session.commit()
    return pdf


def _report_data(
    session: Session, municipality: Municipality, wave: Wave, settings: Settings, today: date
) -> ReportData:
    if wave.status != "closed":
        raise NoResults(wave.slug)
    try:
        return reports.report_data(
            session,
            wave=wave.slug,
            municipality=municipality.slug,
            settings=settings,
            report_date=today,
        )
    except reports.ReportError as exc:
        raise NoResults(str(exc)) from exc


def _response_rate(data: ReportData, words: Words, kept: int) -> str:
    pupils = data.participation.pupils
    if not pupils:
        return words("cover.response_rate_unknown")
    rate = _percent(words, kept / pupils)
    return words("cover.response_rate_value", rate=rate, pupils=pupils)


def _percent(words: Words, share: float) -> str:
    return words(
        "number.percent", value=format_number(share, proportion=True, decimal=words.decimal)
    )


class _PanelBuilder:
    """Chart points and comparison lines of one indicator, as the PDF draws them."""

    def __init__(
        self,
        data: ReportData,
        definition: ReportDefinition,
        words: Words,
        indicators: IndicatorSet,
    ) -> None:
        self.data = data
        self.definition = definition
        self.w = words
        self.indicators = indicators
        self.groups = data.groups(definition.breakdown)

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
            notes.append(w("chart.reference_source", source=indicator.reference.source))
        published = not estimate.suppressed and math.isfinite(estimate.value)
        return IndicatorPanel(
            indicator=indicator,
            label=indicator.label(w.t.language),
            estimate=estimate,
            shown=w.shown(estimate, indicator),
            interval=w.interval(estimate, indicator) if published else "",
            bars=bars,
            separators=separators,
            trend=trend,
            scale=self.scale(indicator, [*bars, *trend]),
            comparisons=tuple(self.comparison_line(indicator, kind) for kind in SHOWN_COMPARISONS),
            notes=tuple(notes),
        )

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

    def bars(self, indicator: Indicator) -> tuple[tuple[Point, ...], tuple[int, ...]]:
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
        if data.previous is not None:
            info, results = data.previous
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
            value = parent.other_value
            points.append(
                Point(
                    w("chart.region"),
                    value * factor,
                    None,
                    None,
                    w.value(value, indicator),
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
        if group.kind is GroupKind.GENDER:
            return self.w(f"chart.gender_{group.code}")
        return self.w("chart.grade", grade=group.code)

    def trend(self, indicator: Indicator) -> tuple[Point, ...]:
        return tuple(
            self.point(
                results.estimate(indicator.id, self.data.area, ALL),
                indicator,
                info.short,
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

    def message(self, comparison: Comparison) -> str:
        """A key-message sentence, worded as in the PDF's key messages page."""
        w = self.w
        indicator = self.indicators[comparison.indicator]
        higher = "higher" if comparison.difference > 0 else "lower"
        statement = w(f"indicators.{indicator.id}.{higher}")
        if comparison.kind is ComparisonKind.TREND:
            waves = [part.strip() for part in comparison.against.split(",") if part.strip()]
            return w(
                "key_messages.trend",
                statement=statement,
                first=w.wave_label(waves[0]) if waves else "",
                waves=len(waves),
            )
        now = w.value(self.data.estimate(indicator.id).value, indicator)
        other = w.value(comparison.other_value, indicator)
        if comparison.kind is ComparisonKind.PREVIOUS_WAVE:
            return w(
                "key_messages.change",
                statement=statement,
                now=now,
                then=other,
                previous=w.wave_label(comparison.against),
            )
        return w(
            "key_messages.versus",
            statement=statement,
            now=now,
            other=other,
            reference=w.other_name(comparison),
        )
