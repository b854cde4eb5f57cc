"""Admins choose per wave which languages students are offered, seeing each one's review
status; a language the questionnaire does not have is refused and nothing is stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from oko import PROJECT_ROOT
from oko.models import Wave
from oko.services.staff import admin
from tests.staff import staff_factories as f
from tests.staff import test_admin_pages

#: An admin signed in, with the small staff questionnaire in QUESTIONNAIRE_DIR.
admin_client = test_admin_pages.admin_client


def waves(admin_client) -> list[Wave]:
    with admin_client.application.extensions["oko.db"].session() as session:
        return list(session.execute(select(Wave)).scalars())


def test_an_admin_offers_translations_and_sees_their_review_status(admin_client) -> None:
    admin_client.application.config["QUESTIONNAIRE_DIR"] = PROJECT_ROOT / "questionnaires"
    form = admin_client.get("/admin/waves/new?lang=en").data.decode()
    assert "العربية (ar): drafted, not reviewed by a native speaker" in form
    assert "Nederlands (nl): the language the questionnaire is written in" in form
    data = {
        "name": "Autumn 2026",
        "slug": "2026-autumn",
        "questionnaire": "oko-basis@2026.1",
        "language_codes": ["uk", "nl", "ar"],
    }
    assert admin_client.post("/admin/waves/new", data=data).status_code == 302
    (wave,) = waves(admin_client)
    # Kept in the questionnaire's order, whatever order the form sent.
    assert wave.languages == "nl,ar,uk"
    edit = admin_client.get(f"/admin/waves/{wave.id}?lang=en").data.decode()
    checked = re.findall(
        r'<input checked id="language_codes-\d+" name="language_codes" '
        r'type="checkbox" value="(\w+)">',
        edit,
    )
    assert checked == ["nl", "ar", "uk"]


def test_a_wave_without_a_choice_offers_the_questionnaires_own_languages(admin_client) -> None:
    data = {"name": "Autumn 2026", "slug": "2026-autumn", "questionnaire": "staff-mini@1.0"}
    assert admin_client.post("/admin/waves/new", data=data).status_code == 302
    assert waves(admin_client)[0].language_codes == ("nl", "en")


def test_a_language_the_questionnaire_lacks_is_refused(admin_client) -> None:
    data = {
        "name": "Autumn 2026",
        "slug": "2026-autumn",
        "questionnaire": "staff-mini@1.0",
        "language_codes": ["nl", "ar"],
    }
    response = admin_client.post("/admin/waves/new?lang=en", data=data)
    assert response.status_code == 200
    assert 'class="field-error"' in response.data.decode()
    assert waves(admin_client) == []


def test_the_service_refuses_a_language_the_questionnaire_lacks(app) -> None:
    with app.extensions["oko.db"].session() as session:
        actor = f.user(session, "admin").id
        with pytest.raises(admin.AdminError) as refused:
            admin.save_wave(
                session,
                slug="w",
                name="W",
                questionnaire_id="oko-basis",
                questionnaire_version="2026.1",
                questionnaire_dir=PROJECT_ROOT / "questionnaires",
                languages=("nl", "fa"),
                actor_id=actor,
            )
        assert refused.value.code == "wave_languages"
        assert refused.value.values == {"languages": "nl, en, ar, pl, tr, uk"}
        assert session.execute(select(Wave)).first() is None
