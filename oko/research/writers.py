"""Writing tables as CSV, JSON and XLSX, the same cells in every format.

Floats are written with ``repr`` (the shortest text that reads back as the same number), so a
CSV read back equals the engine's values exactly; rounding is for reports, not for data.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from oko.research.formulas import is_risky, neutralise
from oko.research.tables import Field, Table, Value


def csv_cell(spec: Field, value: Value) -> str:
    if value is None:
        return ""
    if spec.type == "boolean":
        return "true" if value else "false"
    if spec.type == "string":
        return neutralise(str(value))
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(table: Table) -> bytes:
    """RFC 4180: UTF-8 without byte-order mark, comma-separated, a header row, CRLF line ends.

    Any cell holding a CR or LF is quoted, so a stray carriage return cannot split a row.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.names)
    for row in table.rows:
        writer.writerow(
            csv_cell(spec, value) for spec, value in zip(table.fields, row, strict=True)
        )
    return buffer.getvalue().encode("utf-8")


def table_to_json(table: Table) -> dict[str, Any]:
    """A table as ``{"name", "title", "fields", "rows": [records]}``: values keep their types."""
    return {
        "name": table.name,
        "title": table.title,
        "description": table.description,
        "fields": [field_to_json(spec) for spec in table.fields],
        "rows": list(table.records()),
    }


def field_to_json(spec: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"name": spec.name, "type": spec.type}
    if spec.description:
        out["description"] = spec.description
    if spec.enum:
        out["enum"] = list(spec.enum)
    return out


def to_json(document: Mapping[str, Any]) -> bytes:
    """Strict JSON (no NaN), UTF-8, readable diffs."""
    return (json.dumps(document, ensure_ascii=False, allow_nan=False, indent=1) + "\n").encode()


def to_xlsx(tables: Iterable[Table], about: Iterable[tuple[str, str]] = ()) -> bytes:
    """One sheet per table (header row frozen), plus an "about" sheet of key/value lines.

    Text cells are always stored as text, never as formulas; those that look like formulas
    also get Excel's quote prefix, so editing the cell does not turn it into one.
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    about = list(about)
    if about:
        sheet = workbook.create_sheet("about")
        for key, value in about:
            sheet.append([_text_cell(sheet, key, bold), _text_cell(sheet, value)])
    for table in tables:
        sheet = workbook.create_sheet(table.name[:31])
        sheet.freeze_panes = "A2"
        sheet.append([_text_cell(sheet, name, bold) for name in table.names])
        for row in table.rows:
            sheet.append(
                [_cell(sheet, spec, value) for spec, value in zip(table.fields, row, strict=True)]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, spec: Field, value: Value) -> Any:
    if spec.type == "string" and value is not None:
        return _text_cell(sheet, str(value))
    return value


def _text_cell(sheet: Any, text: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if is_risky(text):
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell
