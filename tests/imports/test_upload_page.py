"""The upload page: the import's checks for coordinators, every problem with row and column,
nothing stored unless valid (or invalid rows skipped on request), clear pages for bad files."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from oko.db import Database
from oko.models import Response
from oko.services.staff import accounts
from tests.imports.import_helpers import World, csv_bytes

VALID = "de-linde,2,1,14,1;3,1,2,2,1,1,3,4,hallo"
BAD = "de-linde,2,1,99,,1,1,,,1,3,4,"
#: The header of a file made for a wave of another questionnaire.
OTHER_WAVE = "school,grade,gender,alc_lifetime"
PASSWORD = "correct horse battery"
URL = "/fieldwork/2026-autumn/upload?lang=en"


def _count(database: Database) -> int:
    with database.session() as session:
        return session.execute(select(func.count()).select_from(Response)).scalar_one()


def _account(database: Database, role: str, email: str, schools: tuple[int, ...] = ()) -> None:
    with database.session() as session:
        accounts.create_user(
            session,
            email=email,
            password=PASSWORD,
            role=role,
            scope=accounts.Scope(school_ids=schools),
        )
        session.commit()


@pytest.fixture
def coordinator(client, database: Database, world: World):
    _account(database, "coordinator", "coord@example.org", (world.school_ids["de-linde"],))
    assert client.post("/login", data={"email": "coord@example.org", "password": PASSWORD})
    return client


def _send(client, data: bytes, name: str = "paper.csv", **extra: str):
    """A browser's multipart POST, encoded in memory (the test client would spool a large
    body to a temporary file that nobody closes when the page refuses to read it)."""
    upload = FileStorage(io.BytesIO(data), filename=name, content_type="text/csv")
    form = {"file": upload, "language": "nl"} | extra
    boundary, body = encode_multipart(form)
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post(URL, data=body, content_type=content_type)


def test_a_valid_file_is_stored(coordinator, database) -> None:
    page = coordinator.get(URL)
    assert page.status_code == 200 and b'type="file"' in page.data
    response = _send(coordinator, csv_bytes(VALID, VALID))
    assert response.status_code == 200, response.data.decode()
    assert "2 questionnaires stored" in response.data.decode()
    assert _count(database) == 2


def test_every_problem_is_shown_with_row_and_column(coordinator, database) -> None:
    response = _send(coordinator, csv_bytes(VALID, BAD))
    html = response.data.decode()
    assert response.status_code == 422
    assert "nothing was imported" in html
    assert '<td class="num">3</td><td><code>age</code></td>' in html
    assert _count(database) == 0
    skipped = _send(coordinator, csv_bytes(VALID, BAD), skip_invalid="y")
    assert skipped.status_code == 200
    assert "1 rows with problems skipped" in skipped.data.decode()
    assert _count(database) == 1


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (csv_bytes(VALID).replace(b"hallo", b"caf\xe9"), "paper.csv", "not UTF-8"),
        (csv_bytes(VALID).replace(b",", b"|"), "paper.csv", "comma, semicolon or tab"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, "paper.csv", "spreadsheet workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "paper.csv", "spreadsheet workbook"),
        (csv_bytes("de-linde,2,1,14,1;3,1,2,2,1,1,3,4,=HYPERLINK(1)"), "paper.csv", "a formula"),
        (csv_bytes("de-linde,2,1,14,1;3,1,2,2,1,1,3,4,@SUM(1)"), "paper.csv", "a formula"),
        (
            csv_bytes("de-linde,2,1,1", header="school,grade,gender,alc_lifetime"),
            "x",
            "alc_lifetime",
        ),
        (csv_bytes(VALID.replace("de-linde", "het-baken")), "paper.csv", "unknown school"),
        (b"", "paper.csv", "empty"),
    ],
    ids=[
        "encoding",
        "delimiter",
        "xlsx-renamed",
        "xls-renamed",
        "formula",
        "formula-at",
        "another-wave",
        "another-school",
        "empty",
    ],
)
def test_bad_files_are_refused_with_a_clear_message(coordinator, database, data, name, says):
    response = _send(coordinator, data, name)
    assert response.status_code in (400, 422), response.status_code
    assert says in response.data.decode()
    assert _count(database) == 0


def test_a_file_over_five_megabytes_gets_a_clear_413(coordinator, database) -> None:
    big = csv_bytes(*([VALID] * (5 * 1024 * 1024 // len(VALID) + 10)))
    assert len(big) > 5 * 1024 * 1024
    response = _send(coordinator, big)
    assert response.status_code == 413
    assert "larger than 5 MB" in response.data.decode()
    assert _count(database) == 0


def test_only_coordinators_and_admins(client, database: Database, world: World) -> None:
    _account(database, "researcher", "res@example.org")
    client.post("/login", data={"email": "res@example.org", "password": PASSWORD})
    assert client.get(URL).status_code == 403
    assert _send(client, csv_bytes(VALID)).status_code == 403
    assert _count(database) == 0
