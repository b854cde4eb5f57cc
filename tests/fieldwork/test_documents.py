"""The fieldwork documents: topics from the questionnaire, a working code on every teacher's
sheet, a paper questionnaire with item and option codes, clear refusals."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import delete, update

from oko.cli import main
from oko.models import ClassSession, Wave
from oko.questionnaire import load
from oko.services.survey import class_sessions
from tests.survey.survey_factories import CORE, log_in, make_world, staff


def _text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_documents_of_every_school_in_every_language(runner, database, app, tmp_path) -> None:
    world = make_world(database)
    second = make_world(database, school_slug="school-b", grade=3)
    result = runner.invoke(
        main, ["fieldwork", "documents", "--wave", "2026-autumn", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    questionnaire = load(CORE)
    for slug in ("school-a", "school-b"):
        for lang in questionnaire.languages:
            for name in ("parent-letter", "teacher-sheets", "paper-questionnaire"):
                assert (tmp_path / slug / f"{name}.{lang}.pdf").read_bytes().startswith(b"%PDF")
    for lang in questionnaire.languages:
        letter = _text(tmp_path / "school-a" / f"parent-letter.{lang}.pdf")
        for page in questionnaire.pages:
            assert " ".join(page.title[lang].split()) in letter
    client = app.test_client()
    for slug, own in (("school-a", world), ("school-b", second)):
        sheet = _text(tmp_path / slug / "teacher-sheets.en.pdf")
        shown = class_sessions.format_code(own.code)
        assert shown in sheet
        opened = client.post("/", data={"code": shown})
        assert opened.status_code == 302 and own.code in opened.location
        assert "The code works until" in sheet


def test_the_paper_questionnaire_has_item_and_option_codes(runner, database, tmp_path) -> None:
    make_world(database)
    runner.invoke(main, ["fieldwork", "documents", "--wave", "2026-autumn", "--out", str(tmp_path)])
    paper = _text(tmp_path / "school-a" / "paper-questionnaire.en.pdf")
    questionnaire = load(CORE)
    gender = questionnaire.items["gender"]
    assert "Item gender" in paper
    for option in gender.options:
        assert f"{option.code} = {option.label['en']}" in paper
    grid_row = next(item for item in questionnaire.items.values() if item.grid)
    assert f"[{grid_row.id}]" in paper


def test_clear_messages_without_sessions_or_questionnaire(runner, database, tmp_path) -> None:
    world = make_world(database)

    with database.transaction() as session:
        session.execute(delete(ClassSession).where(ClassSession.id == world.session_id))
    args = ["fieldwork", "documents", "--wave", "2026-autumn", "--out", str(tmp_path)]
    none = runner.invoke(main, args)
    assert none.exit_code != 0 and "No school has class sessions" in none.output
    one = runner.invoke(main, [*args, "--school", "school-a"])
    assert one.exit_code == 0
    assert "has no open or not yet started class sessions in wave" in one.output
    assert not (tmp_path / "school-a" / "teacher-sheets.en.pdf").exists()
    assert (tmp_path / "school-a" / "parent-letter.en.pdf").exists()
    with database.transaction() as session:
        session.execute(update(Wave).values(questionnaire_version="0.0"))
    missing = runner.invoke(main, [*args, "--school", "school-a", "--out", str(tmp_path / "x")])
    assert missing.exit_code != 0 and "has no questionnaire file" in missing.output
    assert not (tmp_path / "x").exists()


def test_the_coordinator_downloads_the_documents_of_their_school(app, client, database) -> None:
    world = make_world(database)
    make_world(database, school_slug="school-b")
    staff(database, "coordinator", "coord@example.org", (world.school_id,))
    log_in(client, "coord@example.org")
    index = client.get("/fieldwork/?lang=en").data.decode()
    base = "/fieldwork/2026-autumn/documents"
    assert f"{base}/school-a/teacher-sheets.en.pdf" in index
    assert "school-b" not in index
    for name in ("parent-letter", "teacher-sheets", "paper-questionnaire"):
        response = client.get(f"{base}/school-a/{name}.nl.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert response.mimetype == "application/pdf"
    assert client.get(f"{base}/school-b/parent-letter.nl.pdf").status_code == 403
    assert client.get(f"{base}/school-a/parent-letter.xx.pdf").status_code == 409
    assert client.get(f"{base}/school-a/nothing.nl.pdf").status_code == 404
    with database.transaction() as session:
        session.execute(delete(ClassSession).where(ClassSession.id == world.session_id))
    refused = client.get(f"{base}/school-a/teacher-sheets.en.pdf?lang=en")
    assert refused.status_code == 409
    assert "has no open or not yet started class sessions in wave" in refused.data.decode()
