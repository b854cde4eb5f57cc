"""A Frictionless Data Package descriptor (``datapackage.json``) for a set of CSV tables.

With it, ``frictionless validate datapackage.json`` checks every file against its schema, and
tools such as R's ``frictionless`` package or pandas readers know each column's type.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from oko.research.tables import Field, Table

_NAME = re.compile(r"[^a-z0-9._-]+")


def package_name(*parts: str) -> str:
    """A name Frictionless accepts: lower case letters, digits, ``.``, ``_`` and ``-``."""
    return "-".join(_NAME.sub("-", part.lower()).strip("-") for part in parts if part)


def descriptor(
    name: str,
    title: str,
    description: str,
    files: Sequence[tuple[Table, str, bytes]],
    *,
    created: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The descriptor for ``files``: (table, path in the package, the CSV bytes written)."""
    return {
        "profile": "tabular-data-package",
        "name": package_name(name),
        "title": title,
        "description": description,
        "created": created,
        **dict(extra or {}),
        "resources": [_resource(table, path, data) for table, path, data in files],
    }


def _resource(table: Table, path: str, data: bytes) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_field(spec) for spec in table.fields],
        "missingValues": [""],
    }
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": other, "fields": [other_column]}}
            for column, other, other_column in table.foreign_keys
        ]
    return {
        "name": package_name(table.name),
        "title": table.title,
        "description": table.description,
        "path": path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": schema,
    }


def _field(spec: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"name": spec.name, "type": spec.type}
    if spec.description:
        out["description"] = spec.description
    if spec.enum:
        out["constraints"] = {"enum": list(spec.enum)}
    return out
