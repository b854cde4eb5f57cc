"""Indicator entries and data files the indicator tests share (imported, not a conftest, so
that several test folders can be collected in one run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oko import PROJECT_ROOT

REFERENCE_DATA = Path(__file__).resolve().parent.parent / "data" / "reference"
CORE_INDICATORS = PROJECT_ROOT / "questionnaires" / "oko-core.indicators.yaml"


def indicator(ident: str = "yes", item: str = "q", **fields: Any) -> dict[str, Any]:
    """One indicator entry as YAML would give it (a proportion of code 1 on codes 1..2)."""
    entry: dict[str, Any] = {
        "id": ident,
        "label": {"nl": ident, "en": ident},
        "domain": "wellbeing",
        "kind": "proportion",
        "item": item,
        "valid": [1, 2],
        "yes_codes": [1],
        "direction": "risk",
    }
    entry.update(fields)
    return entry
