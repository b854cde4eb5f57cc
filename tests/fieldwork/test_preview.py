"""The questionnaire preview: page by page, skip logic working, every language, no code and
nothing stored."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from oko.models import AuditEntry, ClassSession, Draft, Response
from oko.questionnaire import Answer, Questionnaire, load
from tests.staff import staff_factories as f
from tests.survey.survey_factories import CORE, core_answers, form_data

FORM = re.compile(r'<form method="post" action="([^"]+)"')
CARRIED = re.compile(r'name="carried" value="([^"]*)"')


@pytest.fixture
def kit(app):
    with app.extensions["oko.db"].session() as session:
        town = f.municipality(session)
        school = f.school(session, town)
        wave = f.wave(session)
        wave.questionnaire_version = load(CORE).version
        f.wave(session, "no-questionnaire")  # a version no file has
        f.user(session, "coordinator", schools=(school,))
        f.user(session, "coalition", municipality_row=town)
        f.user(session, "researcher", waves=(wave,))
        session.commit()
        return wave.slug


def _rows(app) -> dict[str, int]:
    with app.extensions["oko.db"].session() as session:
        return {
            model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Draft, Response, ClassSession, AuditEntry)
        }


def _walk(client: FlaskClient, slug: str, answers: dict[str, Answer], lang: str) -> list[str]:
    """Next through the preview with ``answers``; returns the page ids shown."""
    questionnaire = load(CORE)
    page = client.get(f"/fieldwork/{slug}/preview?lang={lang}")
    assert page.status_code == 200
    shown = []
    while True:
        html = page.data.decode()
        match = FORM.search(html)
        if match is None:
            assert "Nothing was stored" in html or "niets opgeslagen" in html
            return shown
        action = unescape(match.group(1))
        page_id = action.split("/preview/", 1)[1].split("?")[0]
        shown.append(page_id)
        on_page = {item.id for item in questionnaire.page(page_id).items}
        data = form_data({k: v for k, v in answers.items() if k in on_page})
        data |= {"action": "next", "carried": unescape(CARRIED.search(html).group(1))}
        page = client.post(action, data=data)
        assert page.status_code == 200, page.data.decode()[:2000]


def _expected(questionnaire: Questionnaire, answers: dict[str, Answer]) -> list[str]:
    pages, current = [], questionnaire.next_page(None, answers)
    while current is not None:
        pages.append(current.id)
        current = questionnaire.next_page(current.id, answers)
    return pages


@pytest.mark.parametrize("role", ["coordinator", "coalition"])
def test_the_whole_questionnaire_in_each_language_with_nothing_stored(
    app, client, kit, role
) -> None:
    f.login(client, f"{role}@example.org")
    questionnaire = load(CORE)
    before = _rows(app)
    for lang in questionnaire.languages:
        answers = core_answers()
        assert _walk(client, kit, answers, lang) == _expected(questionnaire, answers)
    assert _rows(app) == before


def test_skip_logic_drops_answers_on_a_path_not_taken(client, kit) -> None:
    """The alcohol follow-ups count only after "yes, ever": the carried answers say so."""
    f.login(client, "coordinator@example.org")
    url = f"/fieldwork/{kit}/preview/alcohol"
    for lifetime, kept in ((1, False), (3, True)):
        data = form_data(core_answers(alc_lifetime=3, alc_30d=2, binge_4w=1))
        on_page = {item.id for item in load(CORE).page("alcohol").items}
        data = {k: v for k, v in data.items() if k[2:] in on_page} | {"q_alc_lifetime": lifetime}
        assert "q_alc_30d" in data
        page = client.post(url, data=data | {"action": "next", "carried": "{}"})
        assert page.status_code == 200
        carried = unescape(CARRIED.search(page.data.decode()).group(1))
        assert ('"alc_30d"' in carried) is kept
        assert '"alc_lifetime"' in carried


def test_a_page_is_shown_in_the_chosen_language(client, kit) -> None:
    f.login(client, "coordinator@example.org")
    questionnaire = load(CORE)
    first = questionnaire.pages[0]
    for lang in questionnaire.languages:
        html = client.get(f"/fieldwork/{kit}/preview?lang={lang}").data.decode()
        assert unescape(first.title[lang]) in unescape(html)


def test_tampered_carried_answers_are_refused(client, kit) -> None:
    f.login(client, "coordinator@example.org")
    first = load(CORE).pages[0].id
    url = f"/fieldwork/{kit}/preview/{first}"
    for bad in ("not json", '{"answers": {"nope": 1}}', '{"answers": {"gender": 99}}'):
        assert client.post(url, data={"carried": bad, "action": "next"}).status_code == 400
    assert client.post(f"/fieldwork/{kit}/preview/nope", data={}).status_code == 400
    assert client.get("/fieldwork/no-such-wave/preview").status_code == 404
    missing = client.get("/fieldwork/no-questionnaire/preview?lang=en")
    assert missing.status_code == 404
    assert "No questionnaire was found" in missing.data.decode()


def test_only_coordinators_and_coalition_members(client, kit) -> None:
    assert client.get(f"/fieldwork/{kit}/preview").status_code == 302  # to the login
    f.login(client, "researcher@example.org")
    assert client.get(f"/fieldwork/{kit}/preview").status_code == 403
