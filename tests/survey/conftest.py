"""Fixtures for the student's questionnaire: a class session of oko-core and a student."""

from __future__ import annotations

import pytest
from flask import Flask

from oko.db import Database
from tests.survey.survey_factories import TEST_QUESTIONNAIRES, Student, World, make_world


@pytest.fixture
def world(app: Flask, database: Database) -> World:
    return make_world(database)


@pytest.fixture
def student(client, world: World) -> Student:
    return Student(client, world)


@pytest.fixture
def routing_student(app_config: dict[str, object], database: Database, request) -> Student:
    """A student of the small ``survey-routing`` questionnaire (required item, cross-page skip)."""
    app_config["QUESTIONNAIRE_DIR"] = str(TEST_QUESTIONNAIRES)
    app = request.getfixturevalue("app")
    world = make_world(database, TEST_QUESTIONNAIRES / "survey-routing.yaml")
    return Student(app.test_client(), world)


@pytest.fixture
def csrf_student(app_config: dict[str, object], database: Database, request) -> Student:
    """A student of oko-core with CSRF protection on, as in production."""
    app_config["WTF_CSRF_ENABLED"] = True
    app = request.getfixturevalue("app")
    return Student(app.test_client(), make_world(database))
