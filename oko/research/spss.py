"""SPSS ``.sav`` files with variable labels, value labels and user-missing codes (pyreadstat).

Many social scientists work in SPSS; a ``.sav`` with labels spares them re-typing the
codebook. Labels are in one language per file (SPSS has no multilingual labels).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyreadstat

from oko.research.microdata import MISSING_CODES, Microdata

if TYPE_CHECKING:
    from pyreadstat.pyclasses import MissingRange

#: SPSS allows at most this many characters in a variable label.
MAX_LABEL = 256
MAX_FILE_LABEL = 64


def to_sav(microdata: Microdata, language: str, file_label: str = "") -> bytes:
    """The microdata table as a labelled SPSS file (compressed)."""
    table = microdata.table
    frame = pd.DataFrame(
        {
            spec.name: pd.Series(
                table.column(spec.name), dtype="int64" if spec.type == "integer" else "object"
            )
            for spec in table.fields
        }
    )
    variables = {v.name: v for v in microdata.variables}
    labels: dict[str, str | None] = {
        name: variables[name].label.get(language, variables[name].label.get("en", ""))[:MAX_LABEL]
        for name in table.names
    }
    value_labels: dict[str, dict[int | float, str]] = {
        name: {code: text.get(language, text.get("en", "")) for code, text in v.values.items()}
        for name, v in variables.items()
        if v.values
    }
    missing: dict[str, list[int | float | str | MissingRange]] = {
        name: list(MISSING_CODES) for name, v in variables.items() if v.item and v.type == "integer"
    }
    measure = {
        name: "nominal" if v.type == "string" or v.item == "" else "ordinal"
        for name, v in variables.items()
    }
    measure["row"] = "scale"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "microdata.sav"
        pyreadstat.write_sav(
            frame,
            path,
            file_label=file_label[:MAX_FILE_LABEL],
            column_labels=labels,
            variable_value_labels=value_labels,
            missing_ranges=missing,
            variable_measure=measure,
            compress=True,
        )
        return path.read_bytes()
