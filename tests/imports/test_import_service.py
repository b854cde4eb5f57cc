"""Storing imported responses: one transaction, all or nothing, idempotent, closed waves refused,
and the responses count in the results like any other."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from oko.db import Database
from oko.indicators.groups import Area, AreaLevel
from oko.models import AuditEntry, Response, Wave
from oko.questionnaire import Questionnaire
from oko.services.results import engine as results
from oko.services.survey import imports
from tests.imports.import_helpers import World, csv_bytes

NOW = datetime(2026, 10, 20, 12, 0)
VALID = "de-linde,2,1,14,1;3,1,2,2,1,1,3,4,hallo"
OTHER = "het-baken,4,2,15,,1,1,,,1,2,,"
BAD = "de-linde,2,1,99,,1,1,,,1,3,4,"


def run(
    database: Database, questionnaire: Questionnaire, data: bytes, **options: object
) -> imports.ImportResult:
    with database.session() as session:
        wave = session.execute(select(Wave)).scalar_one()
        return imports.import_responses(
            session, wave, questionnaire, data, language="nl", now=NOW, **options
        )


def stored(database: Database) -> list[Response]:
    with database.session() as session:
        return list(session.execute(select(Response).order_by(Response.id)).scalars())


def test_valid_rows_are_stored_like_web_responses(
    database: Database, world: World, questionnaire: Questionnaire
) -> None:
    result = run(database, questionnaire, csv_bytes(VALID, OTHER))
    assert result == imports.ImportResult((2, 3), (), (), (), dry_run=False)
    first, second = stored(database)
    assert first.source == "import"
    assert first.class_session_id is None
    assert (first.wave_id, first.school_id, first.grade) == (
        world.wave_id,
        world.school_ids["de-linde"],
        2,
    )
    assert (first.questionnaire_id, first.questionnaire_version) == ("import-mini", "1")
    assert (first.language, first.submitted_on) == ("nl", NOW.date())
    assert first.duration_seconds is None
    assert first.answers["pets"] == [1, 3] and first.answers["amount"] == 2
    assert "amount" not in second.answers and second.answers["sch_belong"] is None
    assert first.quality_flags == [] and second.quality_flags == []
    assert first.submission_id.startswith("import-")
    with database.session() as session:
        entry = session.execute(select(AuditEntry)).scalar_one()
    assert entry.action == "responses.import"
    assert entry.target == "wave:2026-autumn"
    assert entry.detail["imported"] == 2 and len(entry.detail["sha256"]) == 64


def test_nothing_is_imported_unless_every_row_passes(
    database: Database, world: World, questionnaire: Questionnaire
) -> None:
    with pytest.raises(imports.ImportRefused) as refused:
        run(database, questionnaire, csv_bytes(VALID, BAD, OTHER, "x,2"))
    assert str(refused.value) == "2 problems in the file; nothing was imported."
    assert [str(p) for p in refused.value.problems] == [
        "row 3, column age: 99 is out of range: the item takes 10 to 20",
        "row 5: 2 cells, but the header has 13 columns",
    ]
    assert stored(database) == []


def test_skip_invalid_imports_the_valid_rows_and_names_the_others(
    database: Database, world: World, questionnaire: Questionnaire
) -> None:
    result = run(database, questionnaire, csv_bytes(VALID, BAD, OTHER), skip_invalid=True)
    assert result.imported == (2, 4)
    assert result.skipped == (3,)
    assert [str(p) for p in result.problems] == [
        "row 3, column age: 99 is out of range: the item takes 10 to 20"
    ]
    assert len(stored(database)) == 2


def test_file_problems_stop_even_a_skipping_import(
    database: Database, world: World, questionnaire: Questionnaire
) -> None:
    with pytest.raises(imports.ImportRefused) as refused:
        run(
            database,
            questionnaire,
            csv_bytes(VALID, header="school,grade,age,age"),
            skip_invalid=True,
        )
    assert [str(p) for p in refused.value.problems] == [
        "row 1, column age: the column appears more than once (columns 3, 4)"
    ]
    assert str(refused.value) == "1 problem in the file; nothing was imported."
    assert stored(database) == []


def test_importing_the_same_rows_again_stores_nothing_twice(
    database: Database, world: World, questionnaire: Questionnaire
) -> None:
    data = csv_bytes(VALID, VALID, BAD, OTHER)
    first = run(database, questionnaire, data, skip_invalid=True)
    assert (first.imported, first.already_imported, first.skipped) == ((2, 3, 5), (), (4,))
    again = run(database, questionnaire, data, skip_invalid=True)
    assert (again.imported, again.already_imported, again.skipped) == ((), (2, 3, 5), (4,))
    # The skipped row corrected in the same file: only that row is new.
    corrected = csv_bytes(VALID, VALID, BAD.replace(",99,", ",13,"), OTHER)
    fixed = run(database, questionnaire, corrected)
    assert (fixed.imported, fixed.already_imported, fixed.skipped) == ((4,), (2, 3, 5), ())
    assert len(stored(database)) == 4
    with database.session() as session:
        audits = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    assert audits == 3


def test_a_dry_run_checks_everything_and_stores_nothing(
    database: Database, world: World, questionnaire: Questionnaire
) -> None:
    result = run(database, questionnaire, csv_bytes(VALID, OTHER), dry_run=True)
    assert result.imported == (2, 3) and result.dry_run
    assert stored(database) == []
    with pytest.raises(imports.ImportRefused):
        run(database, questionnaire, csv_bytes(VALID, BAD), dry_run=True)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("closed", "Wave 2026-autumn is closed and read-only: nothing can be imported into it."),
        (
            "planned",
            "Wave 2026-autumn is planned: responses can only be imported into an open wave.",
        ),
    ],
)
def test_only_an_open_wave_takes_imports(
    database: Database, world: World, questionnaire: Questionnaire, status: str, message: str
) -> None:
    with database.session() as session:
        session.execute(select(Wave)).scalar_one().status = status
        session.commit()
    with pytest.raises(imports.ImportRefused, match=message):
        run(database, questionnaire, csv_bytes(VALID))
    assert stored(database) == []


def test_imported_responses_count_in_the_results(
    app, database: Database, world: World, questionnaire: Questionnaire
) -> None:
    settings = results.Settings.from_config(app.config)
    town = Area(AreaLevel.MUNICIPALITY, world.town_id)

    def n(indicator: str) -> int:
        with database.session() as session:
            wave = session.execute(select(Wave)).scalar_one()
            loaded = results.wave_results(session, wave, settings)
            return loaded.results.estimate(indicator, town).n

    run(database, questionnaire, csv_bytes(*[VALID] * 30))
    assert (n("smokes_daily"), n("feels_safe")) == (30, 30)
    # A blank follow-up is "not answered" (out of the denominator); routed past counts as "no".
    run(database, questionnaire, csv_bytes(*[OTHER] * 5, *["de-linde,2,1,14,,1,2,,,1,,,"] * 3))
    assert (n("smokes_daily"), n("feels_safe")) == (35, 35)


def test_a_concurrent_import_of_the_same_rows_leaves_only_the_first(
    database: Database, world: World, questionnaire: Questionnaire, monkeypatch
) -> None:
    run(database, questionnaire, csv_bytes(OTHER))
    # As if the other import committed between our look-up and our insert.
    monkeypatch.setattr(imports, "_stored_ids", lambda session, ids: set())
    with pytest.raises(imports.ImportRefused, match="Another import stored some of these rows"):
        run(database, questionnaire, csv_bytes(VALID, OTHER))
    assert len(stored(database)) == 1
    with database.session() as session:
        assert session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == 1


def test_a_csv_syntax_error_stops_even_a_skipping_import(
    database: Database, world: World, questionnaire: Questionnaire
) -> None:
    # The rows after a broken quote cannot be read, so skipping would lose them silently.
    data = csv_bytes(VALID, 'de-linde,2,1,14,"1;3"x,1,2,2,1,1,3,4,', OTHER)
    with pytest.raises(imports.ImportRefused) as refused:
        run(database, questionnaire, data, skip_invalid=True)
    assert [str(p) for p in refused.value.problems] == [
        "row 3: not valid CSV: ',' expected after '\"'"
    ]
    assert stored(database) == []
