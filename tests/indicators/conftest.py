"""Fixtures for the indicator engine tests: tiny indicator sets and response columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from oko.indicators import NOT_ANSWERED, IndicatorSet, ResponseColumns, load_indicators
from oko.indicators.definitions import parse_indicators
from tests.indicators.indicator_data import CORE_INDICATORS, indicator


@pytest.fixture
def make_indicators() -> Callable[..., IndicatorSet]:
    def make(*entries: dict[str, Any]) -> IndicatorSet:
        return parse_indicators(
            {"questionnaire": "test", "indicators": list(entries) or [indicator()]}, "test.yaml"
        )

    return make


@pytest.fixture(scope="session")
def core_indicators() -> IndicatorSet:
    return load_indicators(CORE_INDICATORS)


@pytest.fixture
def make_columns() -> Callable[..., ResponseColumns]:
    """Columns from a few arrays; areas default to one region and one municipality."""

    def make(
        answers: dict[str, Any],
        psu: Any,
        *,
        municipality: Any = None,
        region: Any = None,
        gender: Any = None,
        grade: Any = None,
        **extra: Any,
    ) -> ResponseColumns:
        psu = np.asarray(psu)
        n = psu.size
        return ResponseColumns(
            answers={k: np.asarray(v, dtype=np.int16) for k, v in answers.items()},
            psu=psu,
            municipality=np.zeros(n, int) if municipality is None else municipality,
            region=np.zeros(n, int) if region is None else region,
            gender=np.full(n, NOT_ANSWERED) if gender is None else gender,
            grade=np.full(n, NOT_ANSWERED) if grade is None else grade,
            **extra,
        )

    return make
