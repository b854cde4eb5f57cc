"""The coalition dashboard: a municipality's results of one closed wave, ready to show.

The page lays out the same :class:`~oko.reporting.content.ReportContent` the PDF report is
laid out from, built from :func:`oko.services.results.reports.report_data` (the engine's
results of this and earlier waves, cached per data version), the report definition and the
report texts of the page's language. So the dashboard shows the same numbers, suppression,
flags and sentences as the PDF; this module only checks access, loads and audits.

Scope: admins see every municipality, coalition members their own (``authz``); results exist
only for closed waves in which the municipality took part (an open wave's figures change with
every class, and subtracting two snapshots would expose the students in between).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from oko.models import Municipality, Response, School, User, Wave
from oko.models.responses import TEST
from oko.reporting import ReportData, load_report_setup, render_report
from oko.reporting.content import DomainPanel, ReportContent, build_content
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
        Response.status != TEST,
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
class Dashboard:
    """The municipality and wave asked for, and the report content the page lays out."""

    municipality: Municipality
    wave: Wave
    content: ReportContent

    def domain(self, domain_id: str) -> DomainPanel | None:
        return self.content.domain(domain_id)


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
    """Everything the dashboard page shows for ``municipality`` in ``wave``: the content the
    PDF report of the same municipality, wave and language is laid out from."""
    authz.require_municipality(user, municipality.id)
    data = _report_data(session, municipality, wave, settings, today)
    definition, texts = load_report_setup(data, language, reports_dir)
    return Dashboard(municipality, wave, build_content(data, definition, texts))


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
