"""Synthetic data in the database, and the banner that labels them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from oko import PROJECT_ROOT
from oko.db import Database
from oko.models import (
    AuditEntry,
    Municipality,
    PopulationCount,
    Response,
    School,
    SchoolGradeCount,
    Wave,
)
from oko.questionnaire import load, quality_flags, too_fast
from oko.services.demo.synthetic_data import count_synthetic, has_synthetic_data, load_sample
from oko.services.results.durations import median_duration
from oko.synthetic import SYNTHETIC_MARK, Scenario, SchoolSpec, demo_scenario, generate


def small_scenario() -> Scenario:
    """The demo's areas and waves with two schools only: quick to load."""
    full = demo_scenario()
    schools = (
        SchoolSpec("north", "Noordschool", 0, "mixed", 30),
        SchoolSpec("south", "Zuidschool", 1, "vmbo", 20),
    )
    return Scenario(full.municipalities, schools, full.waves)


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_load_sample_stores_everything_labelled(app: Flask, database: Database) -> None:
    questionnaire = load(PROJECT_ROOT / "questionnaires" / "oko-core.yaml")
    sample = generate(small_scenario(), seed=3)
    with database.session() as session:
        assert not has_synthetic_data(session)
        loaded = load_sample(session, sample, questionnaire, seed=3)
    assert (loaded.municipalities, loaded.schools, loaded.waves) == (3, 2, 3)
    assert loaded.responses == len(sample) == count(database, Response)
    assert count(database, SchoolGradeCount) == 2 * 2
    assert count(database, PopulationCount) == 3 * 3 * 2 * 2
    with database.session() as session:
        assert has_synthetic_data(session)
        assert count_synthetic(session) == len(sample)
        assert all(m.name.endswith(SYNTHETIC_MARK) for m in session.scalars(select(Municipality)))
        assert {w.status for w in session.scalars(select(Wave))} == {"closed"}
        waves = {w.id: w for w in session.scalars(select(Wave))}
        responses = session.scalars(select(Response).order_by(Response.id)).all()
        assert {r.source for r in responses} == {"synthetic"}
        share = questionnaire.quality.too_fast_share_of_median
        medians = {w: median_duration(session, w) for w in waves}
        fast = [too_fast(r.duration_seconds, medians[r.wave_id], share) for r in responses]
        assert (
            sum(bool(r.quality_flags) or f for r, f in zip(responses, fast, strict=True))
            == loaded.flagged
        )
        assert any(fast) and loaded.flagged > sum(fast)
        for response in responses:
            wave = waves[response.wave_id]
            assert wave.opens_at.date() <= response.submitted_on <= wave.closes_at.date()
            assert response.submitted_on.weekday() < 5
            assert response.duration_seconds % 10 == 0
            assert response.questionnaire_version == questionnaire.version
            # The flags are the ones the survey stores at submit; too_fast is not stored.
            assert response.quality_flags == quality_flags(questionnaire, response.answers)
        # Pupil counts add up over the schools of a municipality.
        north = session.scalars(select(School).where(School.slug == "north")).one()
        pupils = session.execute(
            select(func.sum(PopulationCount.pupils)).where(
                PopulationCount.municipality_id == north.municipality_id,
                PopulationCount.wave_id == max(waves),
            )
        ).scalar_one()
        assert pupils == sum(c.pupils for c in north.pupil_counts)
        assert session.scalars(select(AuditEntry.action)).all() == ["synthetic.load"]


def test_banner_only_while_synthetic_data_exist(app: Flask, database: Database) -> None:
    client: FlaskClient = app.test_client()
    assert b"synthetic-banner" not in client.get("/login").data
    questionnaire = load(PROJECT_ROOT / "questionnaires" / "oko-core.yaml")
    with database.session() as session:
        load_sample(session, generate(small_scenario(), seed=1), questionnaire, seed=1)
    app.extensions.pop("oko.synthetic_banner")  # the short cache: a new app would ask at once
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert "Demo with synthetic data" in page
    assert 'class="synthetic-banner" role="note"' in page
