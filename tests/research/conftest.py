"""Research tests read the tiny questionnaire and its indicators in tests/data/research."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data" / "research"


@pytest.fixture
def app_config(app_config: dict[str, object]) -> dict[str, object]:
    app_config["QUESTIONNAIRE_DIR"] = str(DATA)
    return app_config
