"""What a report says, as plain frozen dataclasses: every number and sentence, once.

The PDF (:mod:`oko.reporting.story`) lays these out as ReportLab flowables and the coalition
dashboard as HTML and SVG; neither words a number or a sentence itself, so the two cannot
drift apart. Texts are plain (not escaped): each renderer escapes for its own medium.
"""

from __future__ import annotations

from dataclasses import dataclass

from oko.indicators.definitions import Indicator
from oko.indicators.flagging import Flag
from oko.indicators.groups import Group
from oko.indicators.results import ComparisonKind, Estimate
from oko.reporting.charts import Point, Scale
from oko.reporting.content.words import Words
from oko.reporting.data import ReportData
from oko.reporting.plans import Verdict


@dataclass(frozen=True)
class ParticipationFigures:
    """Who took part, and the response rate by its one definition.

    The response rate is the questionnaires handed in (``submitted``) divided by the pupils
    enrolled in the surveyed classes, as the fieldwork monitor counts it; responses left out
    of the analysis afterwards (``excluded``) are reported next to it, not subtracted from it.
    """

    schools: int
    #: Responses kept for the analysis: the n behind every figure.
    students: int
    submitted: int
    excluded: int
    #: (reason as written, count) for every reason that excluded someone.
    excluded_by_reason: tuple[tuple[str, int], ...]
    pupils: int | None
    rate: float | None
    #: "90% of 1,021 pupils", or why there is no rate.
    rate_text: str
    #: "2 and 4": the surveyed grades, as a list in the language.
    grades: str


@dataclass(frozen=True)
class KeyMessage:
    text: str
    up: bool


@dataclass(frozen=True)
class KeyMessagesContent:
    #: The note that this is the first wave ("" when there is an earlier one).
    first_wave: str
    intro: str
    good: tuple[KeyMessage, ...]
    attention: tuple[KeyMessage, ...]
    #: "… and 3 more" under each list, "" when nothing was left out.
    more_good: str
    more_attention: str
    #: "3 of the 35 indicators show no real change since 2024", or "" for a first wave.
    stable: str


@dataclass(frozen=True)
class ComparisonLine:
    """One "compared with" cell: what with, and the flag wording (▲ better, ≈ same)."""

    kind: ComparisonKind
    other: str
    other_value: str
    flag: Flag | None
    #: The table cell: "▲ better", "≈ same", "–" (empty for a trend, which has no column).
    text: str
    #: The summary line: "▲ better than in 2024 (45%)"; empty when not compared.
    sentence: str


@dataclass(frozen=True)
class IndicatorPanel:
    indicator: Indicator
    label: str
    estimate: Estimate
    #: The value as printed ("18%", "7.4") or, when suppressed, the reason.
    shown: str
    #: The table cell: the value with an asterisk when to be read with caution, or "–".
    value_cell: str
    interval: str
    #: "In 2026: 18% (95% interval 15–21%, n = 345)." or why nothing is shown.
    summary: str
    caution: bool
    comparisons: tuple[ComparisonLine, ...]
    #: "▲ a steady rise since 2022"; None without a flagged trend.
    trend_line: ComparisonLine | None
    #: "Girls 30%, boys 18%: a real difference", for each pair of groups of the area (girls
    #: and boys, grade 2 and 4) whose difference is flagged; both values are published.
    group_lines: tuple[ComparisonLine, ...]
    #: Bars: this wave, previous wave, rest of the parent area, reference, then the groups.
    bars: tuple[Point, ...]
    #: Index of the first bar of each breakdown (gender, grade), where a separator goes.
    separators: tuple[int, ...]
    trend: tuple[Point, ...]
    scale: Scale
    #: Notes under the chart: the scale of a mean, the source of a reference value.
    notes: tuple[str, ...]

    @property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(c.flag for c in self.comparisons if c.flag is not None)

    @property
    def lines(self) -> tuple[ComparisonLine, ...]:
        """The comparison sentences under the summary, in the order shown."""
        lines = tuple(c for c in self.comparisons if c.sentence)
        trend = (self.trend_line,) if self.trend_line else ()
        return (*lines, *trend, *self.group_lines)


@dataclass(frozen=True)
class DomainPanel:
    id: str
    title: str
    intro: str
    indicators: tuple[IndicatorPanel, ...]


@dataclass(frozen=True)
class TableHeader:
    """The column heads of a domain's overview table."""

    indicator: str
    n: str
    value: str
    interval: str
    previous: str
    parent: str
    reference: str


@dataclass(frozen=True)
class GroupCell:
    """One group's share with strong protection, or why it is hidden (never a number then)."""

    group: Group
    label: str
    estimate: Estimate
    #: "31%", or the reason it is not shown ("hidden").
    shown: str
    #: The engine flags this group clearly below its counterpart (girls against boys).
    missing_out: bool

    @property
    def cell(self) -> str:
        """The table cell: the value or reason, marked ▼ when the group is missing out."""
        return f"▼ {self.shown}" if self.missing_out else self.shown


@dataclass(frozen=True)
class ProfileMeasure:
    """One indicator of a protective factor: this wave, compared, and by group."""

    indicator: Indicator
    label: str
    estimate: Estimate
    #: The value with an asterisk when to be read with caution, or why it is hidden.
    value_cell: str
    interval: str
    #: Against the previous wave, the rest of the parent area and the reference, in the
    #: order of :data:`~oko.reporting.content.SHOWN_COMPARISONS`.
    comparisons: tuple[ComparisonLine, ...]
    groups: tuple[GroupCell, ...]

    @property
    def weak(self) -> bool:
        """Clearly worse than last time, the rest of the region or the reference."""
        return any(c.flag is Flag.WORSE for c in self.comparisons)


@dataclass(frozen=True)
class ProfileFactor:
    """One of the NJi top-10 protective factors, with its measures (none if not measured)."""

    id: str
    name: str
    measures: tuple[ProfileMeasure, ...]
    #: Why there is no figure ("not measured by a student survey"); "" when measured.
    not_measured: str

    @property
    def weak(self) -> bool:
        return any(m.weak for m in self.measures)

    @property
    def heading(self) -> str:
        """The name as a table row starts it: texts write it as a sentence uses it."""
        return self.name[:1].upper() + self.name[1:]


@dataclass(frozen=True)
class ProfileContent:
    """The pedagogical-basis profile: the factors weakest first, and in plain sentences
    which are weak here and for whom."""

    title: str
    #: "Which protective factors are weak here, and for whom?"
    question: str
    intro: str
    #: The answer to the question: weak factors, then the groups missing out.
    messages: tuple[str, ...]
    factors: tuple[ProfileFactor, ...]
    #: Column heads of the table by group.
    factor_header: str
    groups_title: str
    group_labels: tuple[str, ...]
    legend: str


@dataclass(frozen=True)
class ReportContent:
    data: ReportData
    #: Labels and numbers in the report's language, for the renderers' fixed labels.
    words: Words
    participation: ParticipationFigures
    key_messages: KeyMessagesContent
    domains: tuple[DomainPanel, ...]
    header: TableHeader
    #: Under each domain table: what the flags mean, and the asterisk.
    legend: str
    goals: GoalsContent
    actions: ActionsContent
    #: The pedagogical-basis profile; None when the report has none.
    profile: ProfileContent | None = None

    def domain(self, domain_id: str) -> DomainPanel | None:
        return next((d for d in self.domains if d.id == domain_id), None)


@dataclass(frozen=True)
class GoalLine:
    """One goal as both the dashboard and the PDF show it."""

    indicator: Indicator
    #: "Drunk in the last 30 days (girls): down to at most 10% by 2028".
    title: str
    #: "The coalition's reason: …", or "" when none was given.
    priority: str
    #: "18% in 2024", or "not measured" when the starting wave is not in this report.
    baseline: str
    target: str
    #: "14% (95% interval 11–17%)", or why no figure is shown.
    current: str
    verdict: Verdict
    verdict_text: str
    #: Why the verdict is what it is, in plain words.
    explanation: str


@dataclass(frozen=True)
class GoalsContent:
    title: str
    intro: str
    #: Said instead of the list when the coalition set no goals.
    none: str
    columns: tuple[str, str, str, str]
    goals: tuple[GoalLine, ...]
    #: How a verdict is reached (the method text's paragraph, also shown on the dashboard).
    rule: str


@dataclass(frozen=True)
class ActionLine:
    what: str
    responsible: str
    since: str
    #: The indicator the action aims at, by its label.
    aim: str
    status: str


@dataclass(frozen=True)
class ActionsContent:
    title: str
    intro: str
    none: str
    columns: tuple[str, str, str, str, str]
    actions: tuple[ActionLine, ...]
