"""The files of a download, as ``{name: bytes}``, and a zip of them.

A bundle is a Frictionless Data Package: CSV tables, their ``datapackage.json`` and a short
README. Building it in memory keeps web, API and command line on one code path.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from oko.research import datapackage
from oko.research.microdata import Microdata, codebook_tables
from oko.research.spss import to_sav
from oko.research.tables import Table
from oko.research.writers import to_csv, to_json

#: A fixed timestamp inside zip files, so the same content gives the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def csv_package(
    tables: Sequence[Table],
    *,
    name: str,
    title: str,
    description: str,
    created: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, bytes]:
    """Each table as ``<name>.csv`` plus the ``datapackage.json`` describing them."""
    written = [(table, f"{table.name}.csv", to_csv(table)) for table in tables]
    files = {path: data for _, path, data in written}
    descriptor = datapackage.descriptor(
        name, title, description, written, created=created, extra=extra
    )
    files["datapackage.json"] = to_json(descriptor)
    return files


def microdata_files(
    data: Microdata,
    *,
    wave_slug: str,
    wave_name: str,
    languages: Sequence[str],
    spss_language: str,
    created: str,
    readme: str,
) -> dict[str, bytes]:
    """microdata.csv, variables.csv, values.csv, datapackage.json, microdata.sav, README.txt."""
    variables, values = codebook_tables(data, languages)
    files = csv_package(
        (data.table, variables, values),
        name=f"oko-{wave_slug}-microdata",
        title=f"{wave_name}: response-level data",
        description="Pseudonymised responses; codes in values.csv, recoding in variables.csv.",
        created=created,
        extra={"omitted": dict(data.omitted)},
    )
    files["microdata.sav"] = to_sav(data, spss_language, file_label=f"oko {wave_slug}")
    files["README.txt"] = readme.encode("utf-8")
    return files


def to_zip(files: Mapping[str, bytes], folder: str) -> bytes:
    """The files under ``folder/`` in a deflated zip with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
