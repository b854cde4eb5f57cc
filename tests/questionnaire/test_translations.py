"""Translation files: every shipped language complete and current, and each problem named by
the text's key so a translator knows what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from oko import PROJECT_ROOT
from oko.questionnaire import QuestionnaireError, check_files, load
from oko.questionnaire.translations import keyed_texts, source_hash, template

SHIPPED = PROJECT_ROOT / "questionnaires"
NEWCOMER_LANGUAGES = ("ar", "pl", "tr", "uk")


def copy_core(tmp_path: Path) -> Path:
    shutil.copy(SHIPPED / "oko-core.yaml", tmp_path / "oko-core.yaml")
    shutil.copytree(SHIPPED / "oko-core.translations", tmp_path / "oko-core.translations")
    return tmp_path / "oko-core.yaml"


def edit_translation(path: Path, change) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def test_shipped_questionnaires_are_translated_completely_and_currently() -> None:
    assert check_files([SHIPPED / "oko-core.yaml", SHIPPED / "oko-basis.yaml"]) == []
    basis = load(SHIPPED / "oko-basis.yaml")
    assert basis.languages == ("nl", "en")
    assert basis.student_languages == ("nl", "en", *NEWCOMER_LANGUAGES)
    for translation in basis.translations:
        assert translation.review_status == "drafted, not reviewed by a native speaker"
    assert {t.language: t.direction for t in basis.translations}["ar"] == "rtl"
    # Every text a student reads, modules included, is in every language and not the English.
    for key, text in keyed_texts(basis):
        for language in NEWCOMER_LANGUAGES:
            assert text[language].strip(), (key, language)
    assert basis.items["lei_sport"].text["ar"] == "نادٍ رياضي أو جمعية رياضية"
    assert basis.items["gender"].options[1].label["uk"] == "Дівчина"


def test_a_changed_source_text_makes_the_translation_stale(tmp_path: Path) -> None:
    path = copy_core(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Hoe oud ben je?", "Hoe oud ben jij?"), encoding="utf-8")
    problems = check_files([path])
    assert len(problems) == 4
    assert all("item.age: stale" in p for p in problems)
    # The student sees the English text until the translator catches up, never the old one.
    assert load(path).items["age"].text["pl"] == "How old are you?"
    todo = template(load(path), [], "pl")
    assert todo["item.age"]["source"] == source_hash("Hoe oud ben jij?")


def test_a_missing_entry_is_named_by_its_key(tmp_path: Path) -> None:
    path = copy_core(tmp_path)
    edit_translation(
        tmp_path / "oko-core.translations" / "tr.yaml",
        lambda raw: raw["texts"].pop("item.gender.3"),
    )
    assert check_files([path]) == [f"{path}: translation 'tr': item.gender.3: missing"]
    assert load(path).items["gender"].options[2].label["tr"] == "Other or I'd rather not say"


def test_an_entry_for_no_text_is_reported(tmp_path: Path) -> None:
    path = copy_core(tmp_path)
    file = tmp_path / "oko-core.translations" / "uk.yaml"
    edit_translation(
        file, lambda raw: raw["texts"].update({"item.nope": {"source": "x", "text": "y"}})
    )
    assert check_files([path]) == [f"{file}: item.nope: no such text in the questionnaire"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw.pop("review_status"), "review_status must be a non-empty text"),
        (lambda raw: raw.update(direction="up"), "direction must be one of ltr, rtl, got 'up'"),
        (lambda raw: raw.update(language="fa"), "language 'fa' does not match the file name"),
        (lambda raw: raw.update(colour="red"), "unknown key 'colour'"),
        (
            lambda raw: raw["texts"].update({"title": {"source": "x", "text": " "}}),
            "title: must be {source: <hash>, text: <non-empty text>}",
        ),
    ],
)
def test_a_broken_translation_file_is_refused_with_its_problem(
    tmp_path: Path, change, message: str
) -> None:
    path = copy_core(tmp_path)
    edit_translation(tmp_path / "oko-core.translations" / "ar.yaml", change)
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    assert any(message in error for error in caught.value.errors), caught.value.errors
