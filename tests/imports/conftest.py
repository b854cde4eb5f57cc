"""Import tests: a municipality with two schools and an open wave of ``import-mini``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from oko.cli import main
from oko.db import Database
from oko.questionnaire import Questionnaire, load
from tests.imports.import_helpers import DATA, World, make_world


@pytest.fixture
def questionnaire() -> Questionnaire:
    return load(DATA / "import-mini.yaml")


@pytest.fixture
def app_config(app_config: dict[str, object]) -> dict[str, object]:
    app_config["QUESTIONNAIRE_DIR"] = str(DATA)
    return app_config


@pytest.fixture
def world(app, database: Database) -> World:
    """The areas and wave, in tables the ``app`` fixture has just emptied."""
    return make_world(database)


@pytest.fixture
def oko(runner: CliRunner, database: Database, monkeypatch) -> Callable[..., Result]:
    monkeypatch.setenv("OKO_QUESTIONNAIRE_DIR", str(DATA))
    make_world(database)

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args))

    return run
