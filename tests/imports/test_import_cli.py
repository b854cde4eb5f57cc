"""``oko import responses``: what the person at the keyboard sees, and the exit status."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from sqlalchemy import func, select

from oko.db import Database
from oko.models import Response, Wave
from tests.imports.import_helpers import csv_bytes

VALID = "de-linde,2,1,14,1;3,1,2,2,1,1,3,4,hallo"
BAD = "de-linde,2,1,99,,1,1,,,1,3,4,"


def write(tmp_path: Path, *lines: str, name: str = "paper.csv") -> str:
    path = tmp_path / name
    path.write_bytes(csv_bytes(*lines))
    return str(path)


def count(database: Database) -> int:
    with database.session() as session:
        return session.execute(select(func.count()).select_from(Response)).scalar_one()


def test_import_and_import_again(
    oko: Callable[..., Result], database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, VALID, VALID)
    result = oko("import", "responses", "--wave", "2026-autumn", path)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported 2 responses into wave 2026-autumn.\n"
    again = oko("import", "responses", "--wave", "2026-autumn", path)
    assert again.exit_code == 0
    assert again.stdout == (
        "Already imported, left as they are: 2 rows: 2-3.\n"
        "Imported 0 responses into wave 2026-autumn.\n"
    )
    assert count(database) == 2


def test_problems_are_listed_and_nothing_is_imported(
    oko: Callable[..., Result], database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, VALID, BAD, "de-eik,2")
    result = oko("import", "responses", "--wave", "2026-autumn", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}: row 3, column age: 99 is out of range: the item takes 10 to 20\n"
        f"{path}: row 4: 2 cells, but the header has 13 columns\n"
        "Error: 2 problems in the file; nothing was imported.\n"
    )
    assert count(database) == 0


def test_skip_invalid_lists_the_skipped_rows(
    oko: Callable[..., Result], database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, VALID, BAD, BAD.replace("de-linde", "het-baken"), VALID)
    result = oko("import", "responses", "--wave", "2026-autumn", "--skip-invalid", path)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{path}: row 3, column age: 99 is out of range: the item takes 10 to 20\n"
        f"{path}: row 4, column age: 99 is out of range: the item takes 10 to 20\n"
    )
    assert result.stdout == (
        "Skipped 2 rows, invalid: 3-4.\nImported 2 responses into wave 2026-autumn.\n"
    )
    assert count(database) == 2


def test_dry_run(oko: Callable[..., Result], database: Database, tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    result = oko("import", "responses", "--wave", "2026-autumn", "--dry-run", path)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Dry run: 1 response would be imported into wave 2026-autumn; nothing stored.\n"
    )
    assert count(database) == 0


def test_language(oko: Callable[..., Result], database: Database, tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    wrong = oko("import", "responses", "--wave", "2026-autumn", "--language", "de", path)
    assert wrong.exit_code == 2
    assert "Invalid value for --language: use one of nl, en" in wrong.stderr
    assert (
        oko("import", "responses", "--wave", "2026-autumn", "--language", "en", path).exit_code == 0
    )
    with database.session() as session:
        assert session.execute(select(Response.language)).scalar_one() == "en"


def test_refusals(oko: Callable[..., Result], database: Database, tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    unknown = oko("import", "responses", "--wave", "2027-spring", path)
    assert (unknown.exit_code, unknown.stderr) == (1, "Error: Unknown wave '2027-spring'.\n")
    with database.session() as session:
        session.execute(select(Wave)).scalar_one().status = "closed"
        session.commit()
    closed = oko("import", "responses", "--wave", "2026-autumn", path)
    assert closed.exit_code == 1
    assert closed.stderr == (
        "Error: Wave 2026-autumn is closed and read-only: nothing can be imported into it.\n"
    )
    missing = oko("import", "responses", "--wave", "2026-autumn", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "No such file or directory" in missing.stderr
    assert count(database) == 0


def test_an_empty_file_and_a_file_that_is_not_utf8(
    oko: Callable[..., Result], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = oko("import", "responses", "--wave", "2026-autumn", str(empty))
    assert result.stderr == (
        f"{empty}: the file is empty\nError: 1 problem in the file; nothing was imported.\n"
    )
    latin = tmp_path / "latin.csv"
    latin.write_bytes(csv_bytes(VALID.replace("hallo", "café")).decode().encode("latin-1"))
    result = oko("import", "responses", "--wave", "2026-autumn", str(latin))
    assert result.stderr.splitlines()[0] == (
        f"{latin}: row 2: the file is not UTF-8 text (byte 0xe9); save it as 'CSV UTF-8' "
        "and import it again"
    )
