"""What a report is made from: the engine's results plus the facts only the database knows.

The layout never queries anything (pretix's report pattern): :mod:`oko.services.results.reports`
builds a :class:`ReportData` from the database and the indicator engine, and the renderer
turns it into a PDF. Numbers stay in the engine's own types (:class:`WaveResults`,
:class:`Estimate`, :class:`Comparison`), so suppression decided there cannot be undone here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from oko.indicators.groups import ALL, Area, AreaLevel, Group, GroupKind
from oko.indicators.results import Comparison, ComparisonKind, Estimate, WaveResults
from oko.reporting.plans import Plans

if TYPE_CHECKING:
    from oko.reporting.texts import Texts

KINDS = {AreaLevel.MUNICIPALITY: "municipality", AreaLevel.SCHOOL: "school"}


#: The language wave names are entered in; reports in other languages name a wave by its
#: season and year instead (``wave.autumn`` in the texts: "Autumn 2026").
NAMES_LANGUAGE = "nl"
SEASONS = {
    **dict.fromkeys((12, 1, 2), "winter"),
    **dict.fromkeys((3, 4, 5), "spring"),
    **dict.fromkeys((6, 7, 8), "summer"),
    **dict.fromkeys((9, 10, 11), "autumn"),
}


def season_of(start: date | None) -> tuple[str, int | None]:
    """The season and year a wave's fieldwork started in (``("", None)`` when not known)."""
    return (SEASONS[start.month], start.year) if start else ("", None)


def wave_name(name: str, season: str, year: int | None, texts: Texts) -> str:
    """How ``texts``' language names a wave: by its season and year ("Autumn 2026") where the
    stored name is in another language ("Najaar 2026"), else as stored. Reports and staff
    pages both name waves with it, so a wave is called the same everywhere."""
    if texts.language == NAMES_LANGUAGE or not season or year is None:
        return name
    return texts(f"wave.{season}", year=year)


@dataclass(frozen=True)
class WaveInfo:
    """A wave as readers know it: the engine's wave id, its full name and a short label for
    chart axes (e.g. "Najaar 2026" and "2026").

    ``season`` (``autumn``, from :data:`SEASONS`) and ``year`` say when the wave ran, so a
    report in another language than the names' can name it in its own words; empty when not
    known, and then the name is used as it is.
    """

    id: str
    name: str
    short: str
    season: str = ""
    year: int | None = None


@dataclass(frozen=True)
class Participation:
    """Who took part in the report's area in the current wave.

    ``pupils`` is the number of students enrolled in the grades surveyed whose number is known
    (from the schools' pupil counts, else their class sessions' class sizes), or None when no
    grade's number is known: then no response rate is given. ``rated`` is the questionnaires
    handed in within those grades (None: all of them), the rate's numerator
    (:func:`oko.reporting.content.rates.response_rate`).
    """

    schools: int
    grades: tuple[int, ...]
    pupils: int | None = None
    rated: int | None = None


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows; ``results`` are oldest first, the last is the current wave.

    ``waves`` matches ``results`` one to one. ``region`` names the municipality's region (the
    "rest of region" comparison); for a school report ``municipality`` is its municipality.
    """

    area: Area
    area_name: str
    municipality_name: str
    region_name: str
    waves: tuple[WaveInfo, ...]
    results: tuple[WaveResults, ...]
    participation: Participation
    questionnaire: str
    questionnaire_version: str
    report_date: date
    synthetic: bool = False
    weighted: bool = False
    #: The coalition's goals and actions (municipality reports; empty for schools).
    plans: Plans = field(default_factory=Plans)

    def __post_init__(self) -> None:
        if self.area.level not in KINDS:
            raise ValueError(f"reports exist for municipalities and schools, not {self.area}")
        if not self.results or len(self.waves) != len(self.results):
            raise ValueError("give one WaveInfo per WaveResults, and at least the current wave")
        for info, results in zip(self.waves, self.results, strict=True):
            if info.id != results.wave:
                raise ValueError(f"wave {info.id!r} does not match results of {results.wave!r}")

    @property
    def kind(self) -> str:
        """``municipality`` or ``school``: picks the report definition."""
        return KINDS[self.area.level]

    @property
    def current(self) -> WaveResults:
        return self.results[-1]

    @property
    def wave(self) -> WaveInfo:
        return self.waves[-1]

    @property
    def previous(self) -> tuple[WaveInfo, WaveResults] | None:
        """The wave the engine compared with, when its results are part of the data."""
        wanted = self.current.previous_wave
        for info, results in zip(self.waves[:-1], self.results[:-1], strict=True):
            if info.id == wanted:
                return info, results
        return None

    def estimate(self, indicator: str, group: Group = ALL) -> Estimate:
        return self.current.estimate(indicator, self.area, group)

    def comparison(
        self, indicator: str, kind: ComparisonKind, group: Group = ALL
    ) -> Comparison | None:
        return self.current.comparison(indicator, self.area, group, kind)

    def groups(self, breakdown: tuple[str, ...]) -> tuple[Group, ...]:
        """The groups to show, in the engine's order: the reported genders, the surveyed
        grades, and the affluence groups and school levels the wave's results have (none for
        a questionnaire without the equity module)."""
        wanted = []
        if "gender" in breakdown:
            wanted += [Group(GroupKind.GENDER, g) for g in self.current.config.gender_groups]
        if "grade" in breakdown:
            wanted += [Group(GroupKind.GRADE, g) for g in self.participation.grades]
        for kind in (GroupKind.AFFLUENCE, GroupKind.SCHOOL_LEVEL):
            if kind.value in breakdown:
                wanted += [g for g in self.current.groups if g.kind is kind]
        return tuple(g for g in wanted if g in self.current.groups)
