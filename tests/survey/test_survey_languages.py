"""Every student can take part: six languages chosen once on the entry page, kept to the
thank-you page, right to left for Arabic, and only the languages the wave offers."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from oko.models import Wave
from oko.web.i18n import catalogue, student_languages
from tests.survey.survey_factories import Student, World, core_answers, drafts, responses

NEW_LANGUAGES = ("ar", "tr", "pl", "uk")


def offer(database, world: World, languages: str) -> None:
    with database.transaction() as session:
        session.execute(update(Wave).where(Wave.id == world.wave_id).values(languages=languages))


def test_every_student_message_is_in_every_student_language() -> None:
    assert student_languages() == ("nl", "en", *NEW_LANGUAGES)
    for key, texts in catalogue().items():
        if key.startswith("survey."):
            assert set(texts) >= set(student_languages()), key


@pytest.mark.parametrize("language", NEW_LANGUAGES)
def test_a_student_completes_the_questionnaire_in_a_new_language(
    student: Student, database, world: World, language: str
) -> None:
    offer(database, world, "nl,en,ar,tr,pl,uk")
    student.start(language=language)
    page = student.client.get(student.page_url("about_you")).data.decode()
    direction = ' dir="rtl"' if language == "ar" else ""
    assert f'<html lang="{language}"{direction}>' in page
    assert student.questionnaire.items["gender"].text[language] in page
    student.answer_everything(core_answers())
    thanks = student.send("l" * 32)
    page = student.client.get(thanks.location).data.decode()
    assert f'<html lang="{language}"' in page
    assert '<a href="tel:08000432"' in page
    assert '<a href="https://kindertelefoon.nl" class="nowrap" dir="ltr"' in page
    assert '<a href="tel:112"' in page
    assert responses(database)[0].language == language


def test_the_entry_page_offers_every_language_in_its_own_words(client) -> None:
    html = client.get("/?lang=ar").data.decode()
    assert '<html lang="ar" dir="rtl">' in html
    for name in ("Nederlands", "English", "العربية", "Türkçe", "Polski", "Українська"):
        assert name in html
    assert 'aria-current="true" lang="ar" dir="rtl">العربية' in html


def test_a_language_the_wave_does_not_offer_is_chosen_again_among_the_offered(
    client, database, world: World
) -> None:
    offer(database, world, "nl,en,uk")
    client.get("/?lang=ar")
    client.post("/", data={"code": world.code})
    choice = client.get(f"/s/{world.code}")
    assert choice.status_code == 200
    html = choice.data.decode()
    assert "Українська" in html and "English" in html and "العربية" not in html
    assert client.get(f"/s/{world.code}/intro").location == f"/s/{world.code}"
    assert client.get(f"/s/{world.code}/intro?lang=uk").status_code == 200


def test_an_out_of_range_age_gets_the_message_in_the_students_language(
    student: Student, database, world: World
) -> None:
    offer(database, world, "nl,en,pl")
    student.start(language="pl")
    page = student.post("about_you", {"gender": 1, "age": 99, "grade": 2, "school_type": 1})
    assert page.status_code == 400
    html = page.data.decode()
    assert 'id="survey-form" novalidate' in html
    # The error summary reads as a sentence: the message, then which question it is about.
    assert "Wpisz liczbę od 10 do 20. Chodzi o pytanie: Ile masz lat?" in html
    assert drafts(database)[0].answers == {}


def test_an_arabic_page_is_mirrored_and_has_read_aloud_on_every_question(
    student: Student, database, world: World
) -> None:
    offer(database, world, "nl,en,ar")
    student.start(language="ar")
    student.post("about_you", {"gender": 1, "age": 14, "grade": 2, "school_type": 1})
    html = student.client.get(student.page_url("wellbeing")).data.decode()
    questions = len(re.findall(r'class="question[ "]', html))
    assert questions == html.count('class="secondary read-aloud"') > 1
    assert "اقرأ بصوت عالٍ" in html
