"""The dashboard and the PDF say the same thing: every number and sentence shown on a
municipality's dashboard, in every domain, in the protective-factor profile and on its goals
and actions page, appears
identically in the PDF report of that municipality, wave and language, for every demo
municipality and closed wave.

The demo data are built once for the module. The PDF is the one the dashboard's download link
serves, read back with pypdf; whitespace is left out on both sides, since the PDF breaks lines
where the page does and the HTML where the template does.
"""

from __future__ import annotations

import io
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from oko.models import Municipality, User
from oko.questionnaire import load
from oko.reporting.definition import definition_path, load_definition
from oko.services.demo import instance as demo
from oko.services.demo import plans as demo_plans
from oko.services.results import dashboard
from oko.services.results.engine import Settings
from tests.staff import staff_factories as f

#: The parts of the page that show results (not the navigation, downloads or page title).
RESULT_PARTS = ("figures", "key-messages", "profile", "domain", "goals", "actions")
#: Texts that name a chart for screen readers, composed by the page: not report content.
SKIPPED_TAGS = {"title", "desc", "caption", "a"}


@pytest.fixture(scope="module")
def demo_app(module_app: Flask) -> Flask:
    with module_app.extensions["oko.db"].session() as session:
        # What the demo asks: the core and the modules, so the profile has its scales.
        questionnaire = load(f"{module_app.config['QUESTIONNAIRE_DIR']}/oko-basis.yaml")
        demo.load_data(session, questionnaire)
        f.user(session, "admin")
        session.commit()
        demo_plans.ensure_plans(
            session, Settings.from_config(module_app.config), demo.COALITION_MUNICIPALITY
        )
    return module_app


def _dashboards(app: Flask) -> list[tuple[str, str]]:
    with app.extensions["oko.db"].session() as session:
        towns = session.execute(select(Municipality).order_by(Municipality.slug)).scalars()
        return [
            (town.slug, wave.slug)
            for town in towns
            for wave in dashboard.result_waves(session, town)
        ]


class _ResultTexts(HTMLParser):
    """The text nodes inside the page's result sections, one entry per node."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skipping = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if self.depth:
            self.depth += 1
        elif tag == "section" and ({values.get("id"), *classes} & set(RESULT_PARTS)):
            self.depth = 1
        if self.depth and (tag in SKIPPED_TAGS or self.skipping):
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1
        if self.depth:
            self.depth -= 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Self-closing elements (lines, rects) open nothing."""

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skipping and data.strip():
            self.texts.append(data.strip())


def _texts(app: Flask, language: str) -> dict[str, Any]:
    path = Path(app.config["REPORTS_DIR"]) / "texts" / f"{language}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_every_number_and_sentence_on_the_dashboard_is_in_the_pdf(demo_app: Flask) -> None:
    client = demo_app.test_client()
    f.login(client, "admin@example.org")
    pages = _dashboards(demo_app)
    definition = load_definition(definition_path(demo_app.config["REPORTS_DIR"], "municipality"))
    domains = [section.id.value for section in definition.domains]
    assert len(pages) == 9  # three municipalities, three closed waves each
    goals_checked = 0
    for town, wave in pages:
        for language in ("nl", "en"):
            base = f"/dashboard/{town}/{wave}"
            pdf = client.get(f"{base}/report-{language}.pdf")
            assert pdf.status_code == 200
            reader = PdfReader(io.BytesIO(pdf.data))
            corpus = _squeezed(" ".join(page.extract_text() for page in reader.pages))
            if language == "en":  # waves named in English, not by their Dutch names
                assert "Autumn" in corpus and "Najaar" not in corpus
            checked = 0
            question = {
                lang: _texts(demo_app, lang)["profile"]["question"] for lang in ("nl", "en")
            }
            for domain in domains:
                page = client.get(f"{base}?lang={language}&domain={domain}")
                assert page.status_code == 200
                parser = _ResultTexts()
                parser.feed(page.data.decode())
                missing = [t for t in parser.texts if _squeezed(t) not in corpus]
                assert not missing, (town, wave, language, domain, missing[:5])
                checked += len(parser.texts)
                assert question[language] in parser.texts  # the profile is checked too
            assert checked > 100
            page = client.get(f"{base}/goals?lang={language}")
            assert page.status_code == 200
            parser = _ResultTexts()
            parser.feed(page.data.decode())
            missing = [t for t in parser.texts if _squeezed(t) not in corpus]
            assert not missing, (town, wave, language, "goals", missing[:5])
            goals_checked += len(parser.texts) if town == demo.COALITION_MUNICIPALITY else 0
    # Zilverhaven's goals and actions: titles, figures, verdicts and their reasons.
    assert goals_checked > 40


def test_every_profile_figure_is_the_engines_estimate_or_its_suppression(
    demo_app: Flask,
) -> None:
    """For every demo municipality and closed wave, each figure of the profile (the factor
    and each of its groups) is the engine's estimate as the report writes it; a hidden one
    carries its reason and no digit."""
    options = {
        "settings": Settings.from_config(demo_app.config),
        "reports_dir": str(demo_app.config["REPORTS_DIR"]),
        "today": date(2026, 12, 1),
    }
    cells = 0
    with demo_app.extensions["oko.db"].session() as session:
        admin = session.execute(select(User).where(User.role == "admin")).scalars().first()
        for town_slug, wave_slug in _dashboards(demo_app):
            town = dashboard.require_municipality(session, admin, town_slug)
            wave = dashboard.require_result_wave(session, town, wave_slug)
            content = dashboard.municipality_dashboard(
                session, admin, town, wave, language="en", **options
            ).content
            assert content.profile is not None
            data, w = content.data, content.words
            for factor in content.profile.factors:
                for measure in factor.measures:
                    ident = measure.indicator.id
                    engine = data.estimate(ident)
                    assert repr(measure.estimate) == repr(engine)  # NaN when hidden
                    assert measure.value_cell.rstrip("*") == w.shown(engine, measure.indicator)
                    for cell in measure.groups:
                        group_estimate = data.estimate(ident, cell.group)
                        assert repr(cell.estimate) == repr(group_estimate)  # NaN when hidden
                        assert cell.shown == w.shown(group_estimate, measure.indicator)
                        cells += 1
                        if group_estimate.suppressed:
                            assert not any(ch.isdigit() for ch in cell.cell)
            factors = sum(1 for factor in content.profile.factors if factor.measures)
            assert factors == 9, (town_slug, wave_slug)  # every factor but cognitive skills
    assert cells > 100
