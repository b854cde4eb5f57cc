"""A table as plain data: named, typed fields and rows, the common input of every writer."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

#: Frictionless Table Schema field types used in oko's files.
FieldType: TypeAlias = Literal["string", "integer", "number", "boolean"]

Value: TypeAlias = str | int | float | bool | None

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


@dataclass(frozen=True)
class Field:
    """A column: its name is stable across waves, its description goes into the codebook."""

    name: str
    type: FieldType
    description: str = ""
    #: Allowed values, when the column holds one of a fixed few.
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """Rows aligned with ``fields``; ``None`` is an empty cell (suppressed or not applicable)."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    rows: tuple[tuple[Value, ...], ...]
    primary_key: tuple[str, ...] = ()
    #: (column, other table, other column): e.g. results.indicator -> indicators.id.
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    notes: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        width = len(self.fields)
        names = [f.name for f in self.fields]
        if len(set(names)) != width:
            raise ValueError(f"table {self.name}: duplicate column names")
        for number, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"table {self.name}, row {number}: {len(row)} values for {width}")
            for spec, value in zip(self.fields, row, strict=True):
                _check_type(self.name, spec, value)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def records(self) -> Iterator[dict[str, Value]]:
        """Rows as dicts in column order (JSON and the API use these)."""
        names = self.names
        for row in self.rows:
            yield dict(zip(names, row, strict=True))

    def column(self, name: str) -> list[Value]:
        index = self.names.index(name)
        return [row[index] for row in self.rows]


def _check_type(table: str, spec: Field, value: Value) -> None:
    """Catch a builder putting text in a numeric column before a file is written."""
    if value is None:
        return
    allowed = _PYTHON_TYPES[spec.type]
    if isinstance(value, bool) and spec.type != "boolean":
        raise TypeError(f"table {table}, column {spec.name}: boolean in a {spec.type} column")
    if not isinstance(value, allowed):
        raise TypeError(
            f"table {table}, column {spec.name}: {type(value).__name__} in a {spec.type} column"
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"table {table}, column {spec.name}: {value} (use None for empty)")
    if spec.enum and value not in spec.enum:
        raise ValueError(f"table {table}, column {spec.name}: {value!r} not in {spec.enum}")
