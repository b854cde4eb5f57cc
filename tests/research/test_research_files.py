"""File formats: CSV neutralisation, XLSX text cells, SPSS labels, a valid data package."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pyreadstat
import pytest
from frictionless import Package

from oko.questionnaire import load
from oko.research import bundles, microdata
from oko.research.formulas import neutralise
from oko.research.tables import Field, Table
from oko.research.writers import to_csv, to_xlsx

MINI = Path(__file__).parents[1] / "data" / "research" / "research-mini.yaml"

TABLE = Table(
    name="things",
    title="Things",
    description="Text and numbers side by side.",
    fields=(Field("name", "string"), Field("value", "number"), Field("n", "integer")),
    rows=(
        ("=1+1", -0.031, 12),
        ("+cmd|' /C calc'!A0", None, 3),
        ("@SUM(A1)", 0.1 + 0.2, 0),
        ("-2", 1.0, -4),
        ("\tx", 2.5, 1),
        ("\rx", 2.5, 1),
        ("plain", 2.5, 1),
    ),
)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_formula_looking_text_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_csv_neutralises_text_but_keeps_numbers_numeric() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(TABLE).decode())))
    assert rows[0] == ["name", "value", "n"]
    assert [r[0] for r in rows[1:]] == [
        "'=1+1",
        "'+cmd|' /C calc'!A0",
        "'@SUM(A1)",
        "'-2",
        "'\tx",
        "'\rx",
        "plain",
    ]
    assert rows[1][1:] == ["-0.031", "12"]
    assert rows[2][1] == ""  # None is an empty cell
    assert float(rows[3][1]) == 0.1 + 0.2  # repr round-trips exactly
    assert rows[4][2] == "-4"


def test_xlsx_stores_text_as_text_never_as_formula() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx([TABLE])))
    sheet = book["things"]
    cells = list(sheet.iter_rows(min_row=2, values_only=False))
    assert all(row[0].data_type == "s" for row in cells)
    assert cells[0][0].value == "=1+1" and cells[0][0].quotePrefix
    assert cells[0][1].value == -0.031 and cells[0][1].data_type == "n"


def test_table_refuses_wrong_types() -> None:
    with pytest.raises(TypeError):
        Table("t", "t", "", (Field("x", "number"),), (("1",),))
    with pytest.raises(ValueError):
        Table("t", "t", "", (Field("x", "number"),), ((float("nan"),),))


@pytest.fixture(scope="module")
def microdata_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    questionnaire = load(MINI)
    records = [
        microdata.ResponseRecord(
            i,
            1 + i % 2,
            2,
            {
                "gender": 1 + i % 2,
                "age": 13 + i % 3,
                "grade": 2,
                "pets": [1],
                "alc_lifetime": 1,
                "sch_safe": 1 + i % 4,
                "sch_belong": 4,
                "relevin_lifetime": 1,
                "comments": "=cmd",
            },
        )
        for i in range(60)
    ]
    data = microdata.build(questionnaire, records, microdata.Policy(b"k", 20, 5))
    files = bundles.microdata_files(
        data,
        wave_slug="2026-autumn",
        wave_name="Autumn 2026",
        languages=questionnaire.languages,
        spss_language="nl",
        created="2026-11-23T00:00:00Z",
        readme="test",
    )
    folder = tmp_path_factory.mktemp("micro")
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def test_microdata_package_validates(microdata_files: Path) -> None:
    report = Package(str(microdata_files / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((microdata_files / "datapackage.json").read_text())
    assert [r["path"] for r in descriptor["resources"]] == [
        "microdata.csv",
        "variables.csv",
        "values.csv",
    ]


def test_sav_opens_with_labels(microdata_files: Path) -> None:
    frame, meta = pyreadstat.read_sav(str(microdata_files / "microdata.sav"))
    assert len(frame) == 60
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["sch_safe"] == "Eens? — Ik voel me veilig op school."
    assert meta.variable_value_labels["gender"][2] == "Meisje"
    assert meta.variable_value_labels["alc_30d"][-2] == "niet gevraagd (overgeslagen)"
    assert "comments" not in meta.column_names
    _, user_missing = pyreadstat.read_sav(
        str(microdata_files / "microdata.sav"), user_missing=True, metadataonly=True
    )
    assert {-1, -2, -3} <= set(user_missing.missing_ranges["alc_30d"][0].values()) | {
        r["lo"] for r in user_missing.missing_ranges["alc_30d"]
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sav_agrees_with_the_codebook(microdata_files: Path) -> None:
    """Variable labels, value labels and measure levels in SPSS are the codebook's (nl)."""
    _, meta = pyreadstat.read_sav(str(microdata_files / "microdata.sav"), metadataonly=True)
    variables = read_csv(microdata_files / "variables.csv")
    values = read_csv(microdata_files / "values.csv")
    assert meta.column_names == [row["variable"] for row in variables]
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels == {row["variable"]: row["label_nl"] for row in variables}
    assert meta.variable_measure == {row["variable"]: row["measure"] for row in variables}
    coded: dict[str, dict[float, str]] = {}
    for row in values:
        coded.setdefault(row["variable"], {})[float(row["code"])] = row["label_nl"]
    assert meta.variable_value_labels == coded
    measures = meta.variable_measure
    assert (measures["gender"], measures["pets_1"], measures["school"]) == ("nominal",) * 3
    assert (measures["sch_safe"], measures["age"], measures["row"]) == ("ordinal", "scale", "scale")


def test_sav_shows_codes_as_whole_numbers(microdata_files: Path) -> None:
    _, meta = pyreadstat.read_sav(str(microdata_files / "microdata.sav"), metadataonly=True)
    formats = meta.original_variable_types
    assert formats["gender"] == "F2.0"  # -3 (withheld) is the widest code
    assert formats["row"] == "F2.0"
    assert formats["school"].startswith("A")
    assert all(
        formats[name].endswith(".0")
        for name in meta.column_names
        if name not in ("school", "source")
    )
