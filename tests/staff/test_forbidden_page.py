"""A logged-in account outside its scope gets a 403 page that says so in its language and
keeps the staff menu; anonymous visitors and the API keep the plain answers."""

from __future__ import annotations

import pytest

from tests.staff import staff_factories as f


@pytest.fixture
def coalition_client(app):
    with app.extensions["oko.db"].session() as session:
        north = f.municipality(session, "north")
        f.municipality(session, "south")
        f.user(session, "coalition", municipality_row=north)
    client = app.test_client()
    assert f.login(client, "coalition@example.org").status_code == 302
    return client


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("nl", "heeft geen toegang tot deze gemeente of pagina"),
        ("en", "has no access to this municipality or page"),
    ],
)
@pytest.mark.parametrize("path", ["/dashboard/south/", "/admin/users"])
def test_forbidden_page_explains_and_keeps_the_menu(coalition_client, lang, text, path) -> None:
    response = coalition_client.get(f"{path}?lang={lang}")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert text in page
    assert "coalition@example.org" in page
    assert "Er ging iets mis" not in page and "Something went wrong" not in page
    assert 'action="/logout"' in page  # the staff menu is there
    assert 'href="/dashboard/"' in page


def test_api_and_anonymous_answers_are_unchanged(coalition_client, app) -> None:
    response = coalition_client.get("/admin/users", headers={"Accept": "application/json"})
    assert response.status_code == 403
    anonymous = app.test_client().get("/admin/users")
    assert anonymous.status_code == 302
