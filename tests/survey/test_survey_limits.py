"""Rate limits stop one client, never a class behind one school address."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oko.db import Database
from oko.models import Response
from oko.services.survey.class_sessions import ALPHABET, CODE_LENGTH
from tests.survey.survey_factories import TEST_QUESTIONNAIRES, Student, World, count, make_world

SCHOOL = {"REMOTE_ADDR": "192.0.2.50"}


def _at_school(app: Flask) -> FlaskClient:
    """A browser behind the school's one address."""
    client = app.test_client()
    client.environ_base.update(SCHOOL)
    return client


def _guesses(n: int) -> list[str]:
    """``n`` distinct well-formed codes (none of them the class's: all start with 2)."""
    codes = []
    for number in range(n):
        digits = []
        for _ in range(CODE_LENGTH - 1):
            number, index = divmod(number, len(ALPHABET))
            digits.append(ALPHABET[index])
        codes.append("2" + "".join(digits))
    return codes


def test_a_class_behind_one_address_mistyping_twice_all_get_in(app: Flask, world: World) -> None:
    """Thirty students each type two wrong codes (all sixty before any right one), then the
    right one: every one of them is admitted."""
    students = [app.test_client() for _ in range(30)]
    typos = iter(_guesses(60))
    for client in students:
        for _ in range(2):
            response = client.post("/", data={"code": next(typos)}, environ_base=SCHOOL)
            assert response.status_code == 404
    for client in students:
        response = client.post("/", data={"code": world.code}, environ_base=SCHOOL)
        assert response.status_code == 302


def test_a_client_guessing_codes_is_stopped(app: Flask, world: World) -> None:
    client = app.test_client()
    client.get("/?lang=en")
    budget = app.config["CODE_ATTEMPTS_PER_WINDOW"]
    statuses = [client.post("/", data={"code": code}).status_code for code in _guesses(1_000)]
    assert statuses[:budget] == [404] * budget
    assert set(statuses[budget:]) == {429}
    # Knowing a right code buys nothing: it is refused too, and restores no guesses.
    right = client.post("/", data={"code": world.code})
    assert right.status_code == 429 and "Wait a quarter of an hour" in right.data.decode()
    assert client.post("/", data={"code": _guesses(1)[0]}).status_code == 429


def _small_world(app_config: dict[str, object], database: Database, request) -> World:
    """A class session of the short ``survey-routing`` questionnaire, in an app made now
    (change ``app_config`` before)."""
    app_config["QUESTIONNAIRE_DIR"] = str(TEST_QUESTIONNAIRES)
    request.getfixturevalue("app")
    return make_world(database, TEST_QUESTIONNAIRES / "survey-routing.yaml")


@pytest.fixture
def small_world(app_config: dict[str, object], database: Database, request) -> World:
    return _small_world(app_config, database, request)


def test_a_class_behind_one_address_sends_within_a_minute(
    small_world: World, database: Database, request: pytest.FixtureRequest
) -> None:
    app = request.getfixturevalue("app")
    for n in range(30):
        student = Student(_at_school(app), small_world)
        student.complete({"pet": 1}, submission_id=f"class{n:027d}")
    assert count(database, Response) == 30


def test_a_burst_of_finishes_from_one_client_is_refused(
    app_config: dict[str, object], database: Database, request
) -> None:
    app_config["FINISHES_PER_MINUTE"] = 3
    small_world = _small_world(app_config, database, request)
    app = request.getfixturevalue("app")
    for n in range(3):
        Student(app.test_client(), small_world).complete({"pet": 1}, submission_id=f"b{n:031d}")
    student = Student(app.test_client(), small_world)
    student.start()
    student.answer_everything({"pet": 1})
    refused = student.send("c" * 32)
    assert refused.status_code == 429
    assert "Wait a minute" in refused.data.decode()
    assert count(database, Response) == 3
    # Another address (another school) is not held up by it.
    other = Student(_at_school(app), small_world)
    other.complete({"pet": 1}, submission_id="d" * 32)
    assert count(database, Response) == 4
