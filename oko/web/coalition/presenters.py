"""Numbers as people read them, in the page's language; shared by the HTML and the JSON."""

from __future__ import annotations

from typing import Any

from oko.services.staff.fieldwork import FieldworkReport, Progress
from oko.web.i18n import current_language, translate


def percent(value: float | None, digits: int = 0) -> str:
    """``0.823`` -> ``82%`` (``82,3%`` in Dutch with one digit); empty for None."""
    if value is None:
        return ""
    text = f"{value * 100:.{digits}f}"
    if current_language() == "nl":
        text = text.replace(".", ",")
    return f"{text}%"


def progress_cells(progress: Progress) -> dict[str, Any]:
    return {
        "sessions_opened": progress.sessions_opened,
        "sessions_open": progress.sessions_open,
        "started": progress.started,
        "finished": progress.finished,
        "pupils": progress.pupils,
        "opt_outs": progress.opt_outs,
        "absentees": progress.absentees,
        "response_rate": percent(progress.response_rate),
        "rate_value": progress.response_rate,
    }


def fieldwork_payload(report: FieldworkReport) -> dict[str, Any]:
    """What monitor.js needs to redraw the table: labels already translated, no HTML."""
    return {
        "wave": {"slug": report.wave_slug, "name": report.wave_name, "status": report.wave_status},
        "generated_at": report.generated_at.isoformat(timespec="seconds") + "Z",
        "schools": [
            {
                "id": school.school_id,
                "name": school.name,
                "municipality": school.municipality,
                "total": progress_cells(school.total),
                "grades": [
                    {
                        "grade": row.grade,
                        "label": translate("monitor.grade", grade=row.grade),
                        **progress_cells(row.progress),
                    }
                    for row in school.grades
                ],
            }
            for school in report.schools
        ],
        "total": progress_cells(report.total),
    }
