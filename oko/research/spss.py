"""SPSS ``.sav`` files with variable labels, value labels and user-missing codes (pyreadstat).

Many social scientists work in SPSS; a ``.sav`` with labels spares them re-typing the
codebook. Labels are in one language per file (SPSS has no multilingual labels). Measurement
levels come from the codebook (nominal codes such as gender have no order), and codes are
shown as whole numbers (``F2.0``, not SPSS's default ``F8.2``, which reads "1.00").
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyreadstat

from oko.research.microdata import MISSING_CODES, Microdata
from oko.research.tables import Value

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
    formats = {
        spec.name: whole_number_format([*table.column(spec.name), *variables[spec.name].values])
        for spec in table.fields
        if spec.type == "integer"
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "microdata.sav"
        pyreadstat.write_sav(
            frame,
            path,
            file_label=file_label[:MAX_FILE_LABEL],
            column_labels=labels,
            variable_value_labels=value_labels,
            missing_ranges=missing,
            variable_measure={v.name: v.measure for v in microdata.variables},
            variable_format=formats,
            compress=True,
        )
        return path.read_bytes()


def whole_number_format(codes: Iterable[Value]) -> str:
    """``F<width>.0``: wide enough for every code given (a minus sign included)."""
    width = max((len(str(code)) for code in codes), default=1)
    return f"F{width}.0"
