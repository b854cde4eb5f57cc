"""Class codes: readable, hard to guess, refused with a friendly message when they do not work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from oko.config import DEFAULTS
from oko.models import ClassSession, Draft, RateLimitCounter, Response, Wave, utcnow
from oko.services.survey import class_sessions
from oko.services.survey.class_sessions import ALPHABET, CODE_LENGTH
from tests.survey.survey_factories import World, count


def test_codes_use_an_alphabet_without_look_alikes() -> None:
    assert not set("01OIL") & set(ALPHABET)
    codes = {class_sessions.generate_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)


def test_guessing_is_hopeless_under_the_rate_limit() -> None:
    """One client, trying as fast as the limit allows for a code's whole lifetime, against 500
    classes running at once, hits any of them with a chance below 1 in 5,000."""
    windows = 60 * DEFAULTS["CLASS_CODE_TTL_HOURS"] / DEFAULTS["CODE_ATTEMPT_WINDOW_MINUTES"]
    guesses = DEFAULTS["CODE_ATTEMPTS_PER_WINDOW"] * windows
    chance = guesses * 500 / len(ALPHABET) ** CODE_LENGTH
    assert chance < 1 / 5_000


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("K7P-3QXM", "K7P3QXM"), ("k7p3qxm", "K7P3QXM"), (" k7p 3qx-m ", "K7P3QXM")],
)
def test_a_code_is_accepted_in_any_case_with_or_without_the_dash(typed, stored) -> None:
    assert class_sessions.normalise_code(typed) == stored
    assert class_sessions.format_code(stored) == "K7P-3QXM"


@pytest.mark.parametrize("typed", ["", "K7P-3QX", "K7P-3QXMM", "K0P-3QXM", "KIP-3QXM", "ÄÄÄÄÄÄÄ"])
def test_a_mistyped_code_is_not_a_code(typed) -> None:
    assert class_sessions.normalise_code(typed) is None


def _typed(world: World) -> str:
    return class_sessions.format_code(world.code).lower()


def test_the_typed_code_leads_to_the_introduction_in_the_language_chosen_before(
    client, world: World
) -> None:
    entry = client.get("/?lang=en").data.decode()
    assert 'hreflang="nl"' in entry and "Nederlands" in entry and "Українська" in entry
    response = client.post("/", data={"code": _typed(world)})
    assert response.status_code == 302 and response.location == f"/s/{world.code}"
    onward = client.get(response.location)
    assert onward.status_code == 302 and onward.location == f"/s/{world.code}/intro"
    assert "may stop" in client.get(onward.location).data.decode()


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"session": {"status": "closed"}}, 410, "This class code has been closed"),
        ({"session": {"opened_at": utcnow() - timedelta(hours=13)}}, 410, "has expired"),
        ({"wave": {"status": "closed"}}, 410, "This questionnaire has closed"),
        ({"wave": {"closes_at": utcnow() - timedelta(minutes=1)}}, 410, "has closed"),
        ({"wave": {"status": "planned"}}, 403, "has not started yet"),
        ({"wave": {"opens_at": utcnow() + timedelta(days=1)}}, 403, "has not started yet"),
    ],
)
def test_a_code_that_does_not_work_gets_a_friendly_refusal(
    client, database, world: World, change, status, message
) -> None:
    with database.transaction() as session:
        if "session" in change:
            session.execute(update(ClassSession).values(**change["session"]))
        if "wave" in change:
            session.execute(update(Wave).values(**change["wave"]))
    client.get("/?lang=en")
    for response in (
        client.post("/", data={"code": world.code}),
        client.get(f"/s/{world.code}"),
        client.get(f"/s/{world.code}/intro"),
        client.post(f"/s/{world.code}/start"),
    ):
        assert response.status_code == status
        html = response.data.decode()
        assert message in html
        assert 'id="code"' in html  # the student can type another code right there
    assert count(database, Draft) == 0 and count(database, Response) == 0


def test_an_unknown_code_is_404_and_stores_nothing(client, database, world: World) -> None:
    client.get("/?lang=en")
    for response in (
        client.post("/", data={"code": "ZZZ-ZZZZ"}),
        client.post("/", data={"code": "not a code"}),
        client.get("/s/ZZZZZZZ"),
        client.post("/s/ZZZZZZZ/start"),
        client.get("/s/ZZZZZZZ/p/about_you"),
    ):
        assert response.status_code == 404
        assert "We do not know this code" in response.data.decode()
    assert count(database, Draft) == 0 and count(database, Response) == 0


def test_an_empty_code_is_asked_for(client, world: World) -> None:
    client.get("/?lang=en")
    response = client.post("/", data={"code": ""})
    assert response.status_code == 400
    assert "Type the class code" in response.data.decode()


def test_wrong_codes_are_rate_limited_per_client(app, client, database, world: World) -> None:
    limit = app.config["CODE_ATTEMPTS_PER_WINDOW"]
    client.get("/?lang=en")
    for _ in range(limit):
        assert client.post("/", data={"code": "ZZZ-ZZZZ"}).status_code == 404
    blocked = client.post("/", data={"code": world.code})
    assert blocked.status_code == 429
    assert "Wait a quarter of an hour" in blocked.data.decode()
    assert client.get(f"/s/{world.code}").status_code == 429
    # Another address is not affected, and nothing identifies the client in the database.
    other = app.test_client()
    other_response = other.post(
        "/", data={"code": world.code}, environ_base={"REMOTE_ADDR": "10.9.8.7"}
    )
    assert other_response.status_code == 302
    with database.session() as session:
        keys = [row.key for row in session.query(RateLimitCounter)]
    assert keys and all("127.0.0.1" not in key for key in keys)


def test_a_whole_class_behind_one_address_gets_in(app, database, world: World) -> None:
    """Only wrong codes count: thirty students typing the right code at once are not blocked."""
    for _ in range(30):
        assert app.test_client().post("/", data={"code": world.code}).status_code == 302


def test_a_draft_is_only_valid_for_its_own_class(app, database, world: World) -> None:
    from tests.survey.survey_factories import Student, make_world

    student = Student(app.test_client(), world)
    student.start()
    other = make_world(database, school_slug="school-b")
    # With a draft for class A, the code of class B still starts B's questionnaire afresh.
    assert student.client.get(f"/s/{other.code}").location == f"/s/{other.code}/intro"
    assert (
        student.client.get(f"/s/{other.code}/p/about_you").data.decode().count("recover-form") == 1
    )
