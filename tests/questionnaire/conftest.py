"""Fixtures for the questionnaire layer: the core file and the tiny ones under tests/data/."""

from pathlib import Path

import pytest

from oko import PROJECT_ROOT
from oko.questionnaire import Questionnaire, load


@pytest.fixture
def data_dir() -> Path:
    return PROJECT_ROOT / "tests" / "data" / "questionnaires"


@pytest.fixture
def core() -> Questionnaire:
    return load(PROJECT_ROOT / "questionnaires" / "oko-core.yaml")


@pytest.fixture
def item_types(data_dir: Path) -> Questionnaire:
    return load(data_dir / "item-types.yaml")


@pytest.fixture
def skip_chain(data_dir: Path) -> Questionnaire:
    return load(data_dir / "skip-chain.yaml")
