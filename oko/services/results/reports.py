"""Reports from the database: the :class:`ReportData` a PDF is rendered from, and the PDF.

Numbers come from :func:`oko.services.results.engine.wave_results` (cached per wave and data
version), so a report shows exactly what the dashboard and exports show; this module adds
what only the database knows: names, who took part, pupil numbers for the response rate,
whether the data are synthetic. The web download and ``oko report build`` both call
:func:`build_report`; ``--all`` uses :func:`wave_reports`, which loads the results once for
every report of a wave.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oko.indicators.groups import Area, AreaLevel
from oko.indicators.results import WaveResults
from oko.models import Municipality, PopulationCount, Response, School, SchoolGradeCount, Wave
from oko.models.responses import ACCEPTED
from oko.reporting import Participation, ReportData, WaveInfo, render_report
from oko.reporting.data import season_of
from oko.reporting.plans import Plans
from oko.services.demo.synthetic_data import SOURCE as SYNTHETIC_SOURCE
from oko.services.plans import reading as plans
from oko.services.results.engine import Settings, previous_waves, wave_results
from oko.services.survey import class_sessions


class ReportError(LookupError):
    """A report cannot be made (unknown area or wave, school too small); says why."""


@dataclass(frozen=True)
class ReportTarget:
    """One report of a wave: a municipality, or one of its schools."""

    municipality: str
    school: str | None = None

    @property
    def name(self) -> str:
        return self.municipality if self.school is None else f"{self.municipality}-{self.school}"


@dataclass(frozen=True)
class _Taking:
    """Who answered in the wave, per school: responses per grade and any synthetic ones."""

    responses: Mapping[int, Mapping[int, int]]
    town_of: Mapping[int, int]
    synthetic: frozenset[int]
    pupils: Mapping[tuple[int, int], int]
    #: Municipalities with pupil counts for this wave: their results are weighted.
    weighted: frozenset[int]
    #: Each municipality's goals and actions as this wave's report shows them.
    plans: Mapping[int, Plans]


def find_wave(session: Session, slug: str) -> Wave:
    wave = session.execute(select(Wave).where(Wave.slug == slug)).scalar_one_or_none()
    if wave is None:
        known = session.execute(select(Wave.slug).order_by(Wave.slug)).scalars()
        raise ReportError(f"Unknown wave {slug!r}. Known waves: {_some(list(known))}.")
    return wave


def find_municipality(session: Session, slug: str) -> Municipality:
    row = session.execute(
        select(Municipality).where(Municipality.slug == slug)
    ).scalar_one_or_none()
    if row is None:
        known = session.execute(select(Municipality.slug).order_by(Municipality.slug)).scalars()
        raise ReportError(f"Unknown municipality {slug!r}. Known: {_some(list(known))}.")
    return row


def find_school(session: Session, slug: str, municipality: Municipality) -> School:
    row = session.execute(select(School).where(School.slug == slug)).scalar_one_or_none()
    if row is None:
        known = session.execute(
            select(School.slug)
            .where(School.municipality_id == municipality.id)
            .order_by(School.slug)
        ).scalars()
        raise ReportError(
            f"Unknown school {slug!r}. Schools of {municipality.slug}: {_some(list(known))}."
        )
    if row.municipality_id != municipality.id:
        raise ReportError(f"School {slug!r} is not in municipality {municipality.slug!r}.")
    return row


def report_data(
    session: Session,
    *,
    wave: str,
    municipality: str,
    school: str | None = None,
    settings: Settings,
    report_date: date,
) -> ReportData:
    """The data of one report; raises :class:`ReportError` with a reason a user can act on."""
    wave_row = find_wave(session, wave)
    town = find_municipality(session, municipality)
    school_row = find_school(session, school, town) if school else None
    waves, results = _results(session, wave_row, settings)
    taking = _taking(session, wave_row)
    return _data(wave_row, town, school_row, waves, results, taking, settings, report_date)


def build_report(
    session: Session,
    *,
    wave: str,
    municipality: str,
    school: str | None = None,
    language: str = "nl",
    settings: Settings,
    report_date: date,
    reports_dir: str,
) -> bytes:
    """The PDF of one report (what the dashboard offers for download)."""
    data = report_data(
        session,
        wave=wave,
        municipality=municipality,
        school=school,
        settings=settings,
        report_date=report_date,
    )
    return render_report(data, language, reports_dir)


def wave_reports(
    session: Session,
    *,
    wave: str,
    settings: Settings,
    report_date: date,
    schools: bool = False,
) -> list[tuple[ReportTarget, ReportData]]:
    """Every municipality report of a wave (and school reports for schools large enough),
    sharing one load of the results."""
    wave_row = find_wave(session, wave)
    waves, results = _results(session, wave_row, settings)
    taking = _taking(session, wave_row)
    towns = {m.id: m for m in session.execute(select(Municipality)).scalars()}
    school_rows = {s.id: s for s in session.execute(select(School)).scalars()}
    current = results[-1]
    reports = []
    for area in current.areas_at(AreaLevel.MUNICIPALITY):
        town = towns[area.code]
        reports.append(
            (
                ReportTarget(town.slug),
                _data(wave_row, town, None, waves, results, taking, settings, report_date),
            )
        )
        if not schools:
            continue
        for school_area in current.areas_at(AreaLevel.SCHOOL):
            row = school_rows[school_area.code]
            kept = current.exclusions.get(school_area)
            if row.municipality_id != town.id or kept is None:
                continue
            if kept.kept < settings.min_school_size:
                continue
            reports.append(
                (
                    ReportTarget(town.slug, row.slug),
                    _data(wave_row, town, row, waves, results, taking, settings, report_date),
                )
            )
    return reports


def _results(
    session: Session, wave: Wave, settings: Settings
) -> tuple[tuple[WaveInfo, ...], tuple[WaveResults, ...]]:
    """This wave's results and those of the earlier waves it is compared with, oldest first."""
    rows = [*previous_waves(session, wave), wave]
    results = tuple(wave_results(session, row, settings).results for row in rows)
    years = [(row.closes_at or row.opens_at or row.created_at).year for row in rows]
    unique = len(set(years)) == len(years)
    infos = tuple(
        WaveInfo(row.slug, row.name, str(year) if unique else row.name, *wave_season(row))
        for row, year in zip(rows, years, strict=True)
    )
    return infos, results


def wave_season(wave: Wave) -> tuple[str, int | None]:
    """When the wave ran (its fieldwork start), for naming it in another language."""
    return season_of(wave.opens_at or wave.closes_at)


def _taking(session: Session, wave: Wave) -> _Taking:
    responses: dict[int, dict[int, int]] = defaultdict(dict)
    town_of = {}
    synthetic = set()
    query = (
        select(
            Response.school_id,
            School.municipality_id,
            Response.grade,
            Response.source,
            func.count(),
        )
        .join(School, School.id == Response.school_id)
        .where(Response.wave_id == wave.id, Response.status == ACCEPTED)
        .group_by(Response.school_id, School.municipality_id, Response.grade, Response.source)
    )
    for school_id, town_id, grade, source, count in session.execute(query):
        grades = responses[school_id]
        grades[grade] = grades.get(grade, 0) + count
        town_of[school_id] = town_id
        if source == SYNTHETIC_SOURCE:
            synthetic.add(school_id)
    weighted = frozenset(
        session.execute(
            select(PopulationCount.municipality_id)
            .where(PopulationCount.wave_id == wave.id)
            .distinct()
        ).scalars()
    )
    pupils = class_sessions.class_pupils(session, wave.id) | {
        (school_id, grade): count
        for school_id, grade, count in session.execute(
            select(SchoolGradeCount.school_id, SchoolGradeCount.grade, SchoolGradeCount.pupils)
        )
    }
    return _Taking(
        responses, town_of, frozenset(synthetic), pupils, weighted, plans.for_wave(session, wave)
    )


def _data(
    wave: Wave,
    town: Municipality,
    school: School | None,
    waves: tuple[WaveInfo, ...],
    results: tuple[WaveResults, ...],
    taking: _Taking,
    settings: Settings,
    report_date: date,
) -> ReportData:
    current = results[-1]
    if school is None:
        area = Area(AreaLevel.MUNICIPALITY, town.id)
        schools = sorted(s for s, t in taking.town_of.items() if t == town.id)
    else:
        area = Area(AreaLevel.SCHOOL, school.id)
        schools = [school.id] if school.id in taking.responses else []
    counts = current.exclusions.get(area)
    where = f"{school.slug!r}" if school else f"municipality {town.slug!r}"
    if not schools or counts is None or counts.kept == 0:
        raise ReportError(f"No responses from {where} in wave {wave.slug!r}.")
    if school is not None and counts.kept < settings.min_school_size:
        raise ReportError(
            f"School {school.slug!r} has {counts.kept} usable responses in wave {wave.slug!r}; "
            f"a school report needs at least {settings.min_school_size} (MIN_SCHOOL_SIZE)."
        )
    pairs = [(s, g) for s in schools for g in taking.responses[s]]
    known = [pair for pair in pairs if pair in taking.pupils]
    participation = Participation(
        schools=len(schools),
        grades=tuple(sorted({g for _s, g in pairs})),
        pupils=sum(taking.pupils[pair] for pair in known) if known else None,
        rated=None if len(known) == len(pairs) else sum(taking.responses[s][g] for s, g in known),
    )
    return ReportData(
        area=area,
        area_name=school.name if school else town.name,
        municipality_name=town.name,
        region_name=town.region,
        waves=waves,
        results=results,
        participation=participation,
        questionnaire=wave.questionnaire_id,
        questionnaire_version=wave.questionnaire_version,
        report_date=report_date,
        synthetic=any(s in taking.synthetic for s in schools),
        weighted=town.id in taking.weighted,
        plans=taking.plans.get(town.id, Plans()) if school is None else Plans(),
    )


def _some(names: list[str], limit: int = 12) -> str:
    """A short list of valid names for an error message."""
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown}, … ({len(names)} in all)"
