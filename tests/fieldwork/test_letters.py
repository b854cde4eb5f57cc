"""The letter to parents in the student languages: Turkish, Polish and Ukrainian as PDF with
the translated topics, Arabic as a printable right-to-left page; bad texts files refused."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from oko import PROJECT_ROOT
from oko.cli import main
from oko.questionnaire import load
from oko.reporting import fieldwork
from oko.services.staff import kit
from tests.survey.survey_factories import CORE, log_in, make_world, staff

TEXTS = PROJECT_ROOT / "reports" / "fieldwork"
BASE = "/fieldwork/2026-autumn/documents/school-a"


def _words(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_left_to_right_letters_are_pdfs_with_the_translated_topics(runner, database, tmp_path):
    make_world(database)
    args = ["fieldwork", "documents", "--wave", "2026-autumn", "--out", str(tmp_path)]
    assert runner.invoke(main, args).exit_code == 0
    questionnaire = load(CORE)
    for lang in ("tr", "pl", "uk"):
        letter = _words((tmp_path / "school-a" / f"parent-letter.{lang}.pdf").read_bytes())
        for page in questionnaire.pages:
            assert " ".join(page.title[lang].split()) in letter
    assert "Шановні батьки" in _words((tmp_path / "school-a" / "parent-letter.uk.pdf").read_bytes())
    assert "Szanowni Rodzice" in _words(
        (tmp_path / "school-a" / "parent-letter.pl.pdf").read_bytes()
    )
    assert not (tmp_path / "school-a" / "parent-letter.ar.pdf").exists()
    for name in ("teacher-sheets", "paper-questionnaire"):
        assert not list((tmp_path / "school-a").glob(f"{name}.uk.*"))


def test_the_arabic_letter_is_a_printable_right_to_left_page(app, client, database) -> None:
    world = make_world(database)
    make_world(database, school_slug="school-b")
    staff(database, "coordinator", "coord@example.org", (world.school_id,))
    log_in(client, "coord@example.org")
    index = client.get("/fieldwork/?lang=en").data.decode()
    assert f"{BASE}/parent-letter.ar.html" in index
    assert f"{BASE}/parent-letter.uk.pdf" in index
    assert f"{BASE}/parent-letter.ar.pdf" not in index
    page = client.get(f"{BASE}/parent-letter.ar.html?lang=en")
    assert page.status_code == 200
    html = page.data.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "css/letter.css" in html
    assert "does not join Arabic letters" in html
    assert "not reviewed by a native speaker" in html
    for item in load(CORE).pages:
        assert item.title["ar"] in html
    pdf = client.get(f"{BASE}/parent-letter.ar.pdf?lang=en")
    assert pdf.status_code == 409 and "open it as a web page" in pdf.data.decode()
    uk = client.get(f"{BASE}/parent-letter.uk.pdf")
    assert uk.status_code == 200 and uk.data.startswith(b"%PDF")
    assert client.get(f"{BASE}/teacher-sheets.uk.pdf").status_code == 409
    assert client.get(f"{BASE}/parent-letter.xx.html").status_code == 409
    assert client.get(f"{BASE}/parent-letter.<b>.html").status_code in (404, 409)
    other = "/fieldwork/2026-autumn/documents/school-b/parent-letter.ar.html"
    assert client.get(other).status_code == 403
    assert (
        client.get("/fieldwork/2026-autumn/documents/nowhere/parent-letter.ar.html").status_code
        == 404
    )


def test_a_letter_texts_file_with_missing_keys_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    shutil.copytree(TEXTS, folder)
    (folder / "pl.yaml").write_text(
        "language: pl\ndirection: ltr\nletter:\n  title: Tytuł\n", encoding="utf-8"
    )
    (folder / "tr.yaml").write_text("language: tr\n", encoding="utf-8")
    (folder / "uk.yaml").write_text("letter: [\n", encoding="utf-8")
    kit_data = fieldwork.SchoolKit("W", "S", "M", "", load(CORE))
    with pytest.raises(fieldwork.FieldworkTextsError, match=r"pl\.yaml: missing .*letter\.closing"):
        fieldwork.parent_letter(kit_data, "pl", folder)
    with pytest.raises(fieldwork.FieldworkTextsError, match="no 'letter' part"):
        fieldwork.parent_letter(kit_data, "tr", folder)
    with pytest.raises(fieldwork.FieldworkTextsError, match=r"uk\.yaml"):
        fieldwork.parent_letter(kit_data, "uk", folder)


def test_every_student_language_has_a_reviewed_or_marked_letter() -> None:
    questionnaire = load(CORE)
    languages = kit.letter_languages(questionnaire, TEXTS)
    assert set(languages) == set(questionnaire.student_languages)
    for lang in set(languages) - set(questionnaire.languages):
        text = fieldwork.letter(fieldwork.SchoolKit("W", "S", "M", "", questionnaire), lang, TEXTS)
        assert text.review_status and text.direction in ("ltr", "rtl")
    assert [lang for lang, pdf in kit.letter_formats(questionnaire, TEXTS) if not pdf] == ["ar"]
