"""The coalition dashboard on the demo data: same numbers, suppression and flags as the
engine and the PDF, scoped to the coalition's own municipality, in Dutch and English."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest
from sqlalchemy import select

from oko.indicators import ALL, Area, AreaLevel, ComparisonKind
from oko.models import AuditEntry, Municipality
from oko.questionnaire import load
from oko.services.demo import instance as demo
from oko.services.results import dashboard
from oko.services.results.engine import Settings
from oko.services.staff import accounts, authz
from tests.staff import staff_factories as f


@pytest.fixture
def demo_app(app):
    """The demo's three municipalities and closed waves, plus a coalition member of each."""
    with app.extensions["oko.db"].session() as session:
        questionnaire = load(f"{app.config['QUESTIONNAIRE_DIR']}/oko-core.yaml")
        demo.load_data(session, questionnaire)
        session.commit()
        for town in session.execute(select(Municipality)).scalars():
            f.user(session, "coalition", f"{town.slug}@example.org", municipality_row=town)
        f.user(session, "admin")
        session.commit()
    return app


def _board(app, slug: str, email: str, language: str = "en"):
    with app.extensions["oko.db"].session() as session:
        user = accounts.get_by_email(session, email)
        town = dashboard.require_municipality(session, user, slug)
        wave = dashboard.result_waves(session, town)[0]
        return dashboard.municipality_dashboard(
            session,
            user,
            town,
            wave,
            language=language,
            settings=Settings.from_config(app.config),
            reports_dir=app.config["REPORTS_DIR"],
            today=date(2026, 11, 23),
        )


def test_dashboard_shows_the_engines_numbers_suppression_and_flags(demo_app) -> None:
    board = _board(demo_app, "duinrade", "duinrade@example.org")
    results = board.content.data.current
    area = Area(AreaLevel.MUNICIPALITY, board.municipality.id)
    assert board.content.data.area == area
    groups = [ALL, *board.content.data.groups(("gender", "grade"))]
    suppressed = 0
    for domain in board.content.domains:
        for panel in domain.indicators:
            factor = 100 if panel.indicator.is_proportion else 1
            shown = [p for p in panel.bars if p.role.value in ("current", "group")]
            assert len(shown) == len(groups)
            for point, group in zip(shown, groups, strict=True):
                estimate = results.estimate(panel.indicator.id, area, group)
                if estimate.suppressed:
                    suppressed += 1
                    assert point.value is None and point.lo is None and point.hi is None
                    assert not any(ch.isdigit() for ch in point.text)
                else:
                    assert point.value == pytest.approx(estimate.value * factor)
                    assert point.lo == pytest.approx(estimate.lower * factor)
                    assert point.hi == pytest.approx(estimate.upper * factor)
            if panel.estimate.suppressed:
                assert not any(ch.isdigit() for ch in panel.shown)
            for line in panel.comparisons:
                comparison = results.comparison(panel.indicator.id, area, ALL, line.kind)
                usable = comparison is not None and math.isfinite(comparison.difference)
                assert line.flag == (comparison.flag if usable else None)
    assert suppressed, "the demo data has suppressed groups (small grades, sensitive items)"
    assert board.content.key_messages.good or board.content.key_messages.attention


def test_coalition_sees_only_its_own_municipality(demo_app) -> None:
    with pytest.raises(authz.Forbidden):
        _board(demo_app, "duinrade", "zilverhaven@example.org")
    client = demo_app.test_client()
    f.login(client, "zilverhaven@example.org")
    assert client.get("/dashboard/").headers["Location"] == "/dashboard/zilverhaven/"
    wave = client.get("/dashboard/zilverhaven/").headers["Location"]
    for path in (
        "/dashboard/duinrade/",
        f"{wave.replace('zilverhaven', 'duinrade')}",
        f"{wave.replace('zilverhaven', 'duinrade')}/report-nl.pdf",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert b"Duinrade" not in response.data


def test_dashboard_page_in_both_languages_with_svg_charts(demo_app) -> None:
    client = demo_app.test_client()
    f.login(client, "zilverhaven@example.org")
    wave_url = client.get("/dashboard/zilverhaven/").headers["Location"]
    en = client.get(wave_url + "?lang=en&domain=substance_use")
    assert en.status_code == 200
    html = en.data.decode()
    assert "Alcohol, tobacco and cannabis" in html
    assert html.count("<svg") >= 2 * 9  # bars and trend for every indicator of the domain
    assert 'role="img"' in html and "<desc" in html
    assert "style=" not in html and "<script>" not in html  # CSP: nothing inline
    nl = client.get(wave_url + "?lang=nl")
    assert "Gezin" in nl.data.decode() or "gezin" in nl.data.decode()
    assert client.get(wave_url + "?domain=nonsense").status_code == 200  # first domain


def test_pdf_download_in_both_languages_is_audited(demo_app) -> None:
    client = demo_app.test_client()
    f.login(client, "zilverhaven@example.org")
    wave_url = client.get("/dashboard/zilverhaven/").headers["Location"]
    for language in ("nl", "en"):
        response = client.get(f"{wave_url}/report-{language}.pdf")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
        assert re.search(
            r'attachment; filename="oko-.*-zilverhaven-' + language,
            response.headers["Content-Disposition"],
        )
    assert client.get(f"{wave_url}/report-de.pdf").status_code == 404
    with demo_app.extensions["oko.db"].session() as session:
        entries = (
            session.execute(select(AuditEntry).where(AuditEntry.action == "report.download"))
            .scalars()
            .all()
        )
    assert sorted(e.detail["language"] for e in entries) == ["en", "nl"]


def test_open_wave_and_unknown_names_have_no_results(demo_app) -> None:
    client = demo_app.test_client()
    f.login(client, "admin@example.org")
    assert client.get("/dashboard/atlantis/").status_code == 404
    assert client.get("/dashboard/zilverhaven/no-such-wave").status_code == 404
    with demo_app.extensions["oko.db"].session() as session:
        wave = f.wave(session, "still-open", status="open")
        session.commit()
    assert client.get(f"/dashboard/zilverhaven/{wave.slug}").status_code == 404
    page = client.get("/dashboard/")
    assert page.status_code == 200 and b"Zilverhaven" in page.data  # admin chooses


def test_previous_wave_comparison_matches_the_pdf_wording(demo_app) -> None:
    board = _board(demo_app, "zilverhaven", "zilverhaven@example.org")
    lines = [
        line
        for d in board.content.domains
        for p in d.indicators
        for line in p.comparisons
        if line.kind is ComparisonKind.PREVIOUS_WAVE and line.sentence
    ]
    assert lines
    assert all(line.sentence.startswith(("▲", "▼", "≈")) for line in lines)


def test_wave_picker_names_waves_as_the_reports_do(demo_app) -> None:
    client = demo_app.test_client()
    f.login(client, "zilverhaven@example.org")
    wave_url = client.get("/dashboard/zilverhaven/").headers["Location"]

    def picker(language: str) -> list[str]:
        html = client.get(f"{wave_url}?lang={language}").data.decode()
        nav = html.split('class="wave-picker"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r">([^<>]+)</a>", nav)

    english, dutch = picker("en"), picker("nl")
    assert len(english) == len(dutch) >= 2
    assert all(re.fullmatch(r"(Spring|Summer|Autumn|Winter) \d{4}", name) for name in english)
    assert all(name.startswith(("Najaar", "Voorjaar")) for name in dutch)
