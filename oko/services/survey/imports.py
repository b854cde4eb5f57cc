"""Responses collected elsewhere (paper questionnaires keyed in, another survey tool), from CSV.

The CSV format is documented in ``questionnaires/README.md`` ("Importing responses"). An
imported response must be indistinguishable downstream from one handed in on the web, so
every row goes through the questionnaire's own rules: :func:`~oko.questionnaire.validate_answer`
per cell, the routing (a value for an item the student would not have been asked is an error,
not something to drop silently: it means the row or the column is not what it seems), the
stored-answer convention of :func:`oko.services.survey.submissions.final_answers`, and the quality
flags computed as at submit (``too_fast`` cannot be judged: a file has no timings).

All or nothing: :func:`check_file` finds *every* problem (row, column, reason) so one run tells
the whole story, and :func:`import_responses` stores nothing unless every row passes, or, when
asked to skip invalid rows, stores the valid ones and names the others. Problems with the file
as a whole (encoding, header) always stop the import. Everything is one transaction.

Re-importing is harmless: each row's submission id is a hash of the wave and the row's
*content* (school, grade and answers as stored) plus how many identical rows came before it in
the file. A hash of the whole file would change as soon as one skipped row is corrected, and
the corrected file would then import every other row a second time; hashing the row keeps the
ids of unchanged rows, wherever they move. Rows found stored already are reported as such. The
price: two students of the same school and grade whose answers are identical in every item,
keyed into two *different* files, look like one re-imported row (within one file they are
told apart). With dozens of items that only happens to rows left almost blank.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oko.models import Response, School, User, Wave
from oko.questionnaire import (
    Answer,
    InvalidAnswer,
    Item,
    Questionnaire,
    quality_flags,
    referenced_items,
    validate_answer,
)
from oko.services import audit
from oko.services.refusal import Refusal
from oko.services.staff import authz
from oko.services.survey.class_sessions import GRADES
from oko.services.survey.submissions import final_answers

SOURCE = "import"
#: The two columns that are not items: where and in which grade the student answered.
SCHOOL_COLUMN = "school"
GRADE_COLUMN = "grade"
#: Field separators recognised in the header line (spreadsheets in Dutch write ``;``).
DELIMITERS = (",", ";", "\t")
#: Rows per INSERT statement, as in :mod:`oko.services.demo.synthetic_data`; also the size of the
#: "already imported?" look-ups.
BATCH_SIZE = 1000
_DIGITS = re.compile("[0-9]+")
_ITEM_ID = re.compile("[A-Za-z0-9_]+")
#: How a workbook file starts (xlsx/ods are zip archives, xls an OLE2 compound file): a file
#: renamed to .csv is named for what it is instead of failing as "not UTF-8".
SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
#: A cell a spreadsheet would run as a formula: refused, so no export can carry one on.
_FORMULA = re.compile(r"[=+@\t\r]|-[^0-9]")
#: Validation messages of :func:`validate_answer` are for students; imports explain their own.
_LANGUAGE = "en"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the file: ``row`` 1 is the header, ``None`` the file as a whole;
    ``column`` is a column name ("" when the problem is not about one cell)."""

    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


@dataclass(frozen=True)
class ImportRow:
    """A valid row, ready to store."""

    row: int
    school_id: int
    grade: int
    answers: dict[str, Answer]
    quality_flags: list[str]
    submission_id: str


@dataclass(frozen=True)
class Checked:
    """What :func:`check_file` found: the valid rows and every problem."""

    rows: tuple[ImportRow, ...]
    problems: tuple[Problem, ...]
    #: SHA-256 of the file's bytes, for the audit log.
    sha256: str = ""
    #: The problems are with the file as a whole (encoding, CSV syntax, header): no row could
    #: be read or trusted, so nothing is imported, with or without skipping invalid rows.
    fatal: bool = False

    @property
    def file_problems(self) -> tuple[Problem, ...]:
        return self.problems if self.fatal else ()

    @property
    def invalid_rows(self) -> tuple[int, ...]:
        if self.fatal:
            return ()
        return tuple(sorted({p.row for p in self.problems if p.row is not None}))


@dataclass(frozen=True)
class ImportResult:
    """Row numbers (as a spreadsheet shows them) of what happened to each row."""

    imported: tuple[int, ...]
    already_imported: tuple[int, ...]
    skipped: tuple[int, ...]
    #: The problems of the skipped rows.
    problems: tuple[Problem, ...]
    dry_run: bool


class ImportRefused(Refusal):
    """Nothing was imported; ``problems`` lists what is wrong with the file, if anything."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "wave_closed": "Wave {wave} is closed and read-only: nothing can be imported into it.",
        "wave_not_open": "Wave {wave} is {status}: responses can only be imported into an "
        "open wave.",
        "invalid": "{count} problem{s} in the file; nothing was imported.",
        "concurrent": "Another import stored some of these rows at the same moment; nothing "
        "was imported. Run the import again.",
    }

    def __init__(self, code: str, problems: Sequence[Problem] = (), **values: object) -> None:
        super().__init__(code, **values)
        self.problems = tuple(problems)


# Reading and checking the file (no database) ------------------------------------------------


def check_file(
    data: bytes, questionnaire: Questionnaire, schools: Mapping[str, int], wave_id: int
) -> Checked:
    """Every row of ``data`` checked against ``questionnaire``; ``schools`` maps short names
    to school ids. ``wave_id`` goes into the submission ids (the same file may be imported
    into another wave)."""
    sha256 = hashlib.sha256(data).hexdigest()
    if data.startswith(SPREADSHEET_SIGNATURES):
        reason = (
            "this is a spreadsheet workbook (Excel or similar), not CSV text: "
            "save it as 'CSV UTF-8' and import that file"
        )
        return Checked((), (Problem(None, "", reason),), sha256, fatal=True)
    text, problem = _decode(data)
    if problem is not None:
        return Checked((), (problem,), sha256, fatal=True)
    records, problem = _records(text)
    if problem is not None:
        return Checked((), (problem,), sha256, fatal=True)
    records = [(number, cells) for number, cells in records if any(c.strip() for c in cells)]
    if not records:
        return Checked((), (Problem(None, "", "the file is empty"),), sha256, fatal=True)
    header_row, header = records[0][0], [name.strip() for name in records[0][1]]
    if len(header) == 1 and not _ITEM_ID.fullmatch(header[0]):
        other = next((c for c in header[0] if not (c.isalnum() or c == "_")), "")
        reason = (
            f"the header is one column (separated by {other!r}?): separate the columns by a "
            "comma, semicolon or tab"
        )
        return Checked((), (Problem(header_row, "", reason),), sha256, fatal=True)
    header_problems = _check_header(header_row, header, questionnaire)
    if header_problems:
        return Checked((), tuple(header_problems), sha256, fatal=True)
    body = records[1:]
    if not body:
        no_rows = Problem(None, "", "the file has a header but no rows")
        return Checked((), (no_rows,), sha256, fatal=True)
    rows: list[ImportRow] = []
    problems: list[Problem] = []
    seen: Counter[str] = Counter()
    for number, cells in body:
        row, row_problems = _check_row(number, header, cells, questionnaire, schools)
        if row_problems:
            problems.extend(row_problems)
            continue
        assert row is not None
        school_id, grade, answers = row
        content = _content(wave_id, school_id, grade, answers)
        submission_id = _submission_id(content, seen[content])
        seen[content] += 1
        flags = quality_flags(questionnaire, answers)
        rows.append(ImportRow(number, school_id, grade, answers, flags, submission_id))
    return Checked(tuple(rows), tuple(problems), sha256)


def _decode(data: bytes) -> tuple[str, Problem | None]:
    """UTF-8 text (a byte-order mark, as spreadsheets write it, is dropped), or the problem.

    The row of a bad byte is the number of CSV records up to it, so it matches the row a
    spreadsheet shows even when an earlier cell holds a line break.
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8-sig", errors="replace")
        row = len(list(csv.reader(io.StringIO(before, newline=""))))
        if not before or before.endswith(("\n", "\r")):
            row += 1
        reason = (
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save it as 'CSV UTF-8' and import it again"
        )
        return "", Problem(row, "", reason)


def _records(text: str) -> tuple[list[tuple[int, list[str]]], Problem | None]:
    """(row number, cells) per CSV record, or the first record that is not valid CSV.

    The separator is the one the header line uses: item ids contain none of them.
    """
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    delimiter = max(DELIMITERS, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            records.append((len(records) + 1, cells))
    except csv.Error as exc:
        return records, Problem(len(records) + 1, "", f"not valid CSV: {exc}")
    return records, None


def _check_header(row: int, header: list[str], questionnaire: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(Problem(row, str(position), "the column has no name"))
            continue
        positions.setdefault(name, []).append(position)
    for name, where in positions.items():
        if len(where) > 1:
            columns = ", ".join(map(str, where))
            reason = f"the column appears more than once (columns {columns})"
            problems.append(Problem(row, name, reason))
    for required in (SCHOOL_COLUMN, GRADE_COLUMN):
        if required not in positions:
            reason = f"missing: every file needs a '{required}' column"
            problems.append(Problem(row, required, reason))
    known = {SCHOOL_COLUMN, GRADE_COLUMN, *questionnaire.items}
    for name in positions:
        if name not in known:
            problems.append(Problem(row, name, _unknown_column(name, questionnaire, known)))
    return problems


def _unknown_column(name: str, questionnaire: Questionnaire, known: Iterable[str]) -> str:
    grid = questionnaire.grids.get(name)
    if grid is not None:
        rows = ", ".join(row.id for row in grid.rows)
        return f"'{name}' is a grid, not an item: give each of its rows a column ({rows})"
    reason = f"unknown item: questionnaire '{questionnaire.id}' has no item '{name}'"
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"{reason} (did you mean '{close[0]}'?)" if close else reason


def _check_row(
    number: int,
    header: list[str],
    cells: list[str],
    questionnaire: Questionnaire,
    schools: Mapping[str, int],
) -> tuple[tuple[int, int, dict[str, Answer]] | None, list[Problem]]:
    """(school id, grade, stored answers) of one row, or its problems."""
    if len(cells) != len(header):
        reason = f"{len(cells)} cells, but the header has {len(header)} columns"
        return None, [Problem(number, "", reason)]
    values = dict(zip(header, (cell.strip() for cell in cells), strict=True))
    problems: list[Problem] = []
    school = values[SCHOOL_COLUMN].lower()
    if not school:
        problems.append(Problem(number, SCHOOL_COLUMN, "no school given"))
    elif school not in schools:
        reason = f"unknown school '{school}': no school has this short name"
        problems.append(Problem(number, SCHOOL_COLUMN, reason))
    grade = _grade(values[GRADE_COLUMN])
    if grade is None:
        reason = (
            f"'{values[GRADE_COLUMN]}' is not a grade: use a whole number from "
            f"{GRADES.start} to {GRADES.stop - 1}"
            if values[GRADE_COLUMN]
            else "no grade given"
        )
        problems.append(Problem(number, GRADE_COLUMN, reason))
    for column, raw in values.items():
        if _FORMULA.match(raw):
            problems.append(Problem(number, column, "a formula, not a value: type the value"))
    formulas = {p.column for p in problems if p.reason.startswith("a formula")}
    answers: dict[str, Answer] = {}
    for column, raw in values.items():
        if column in formulas:
            continue
        item = questionnaire.items.get(column)
        if item is None or column == SCHOOL_COLUMN or (column == GRADE_COLUMN and grade is None):
            continue
        try:
            answers[column] = _answer(item, raw)
        except InvalidAnswer:
            problems.append(Problem(number, column, _explain(item, raw)))
    visible = questionnaire.visible_ids(answers)
    for column, value in answers.items():
        item = questionnaire.items[column]
        if value is not None and column not in visible:
            problems.append(Problem(number, column, _not_asked(item)))
    refused = {p.column for p in problems}
    for item_id, item in questionnaire.items.items():
        missing = item_id in visible and answers.get(item_id) is None
        if item.required and missing and item_id not in refused:
            problems.append(Problem(number, item_id, "no answer, but the item is required"))
    if problems:
        return None, sorted(problems, key=lambda p: _column_order(p, header))
    assert grade is not None
    return (schools[school], grade, final_answers(questionnaire, answers)), []


def _column_order(problem: Problem, header: list[str]) -> int:
    return header.index(problem.column) if problem.column in header else len(header)


def _grade(raw: str) -> int | None:
    if not _DIGITS.fullmatch(raw):
        return None
    grade = int(raw)
    return grade if grade in GRADES else None


def _answer(item: Item, raw: str) -> Answer:
    """The stored value of one cell: blank is "not answered"; required items are checked
    once visibility is known (a required item that was not asked needs no answer)."""
    if not raw:
        return None
    return validate_answer(item, item.kind.from_cell(raw), _LANGUAGE)


def _explain(item: Item, raw: str) -> str:
    """Why :func:`validate_answer` refused ``raw``, for whoever keyed the data in."""
    return item.kind.explain(item, raw)


def _not_asked(item: Item) -> str:
    sources = ", ".join(f"'{i}'" for i in referenced_items(item.show_if)) if item.show_if else ""
    return f"answered, but not asked: the item's condition on {sources} is false for this row"


def _content(wave_id: int, school_id: int, grade: int, answers: Mapping[str, Answer]) -> str:
    return json.dumps([wave_id, school_id, grade, answers], sort_keys=True, ensure_ascii=False)


def _submission_id(content: str, occurrence: int) -> str:
    digest = hashlib.sha256(f"{content}\n{occurrence}".encode()).hexdigest()
    return f"import-{digest[:40]}"


# Storing ------------------------------------------------------------------------------------


def import_responses(
    session: Session,
    wave: Wave,
    questionnaire: Questionnaire,
    data: bytes,
    *,
    language: str,
    now: datetime,
    skip_invalid: bool = False,
    dry_run: bool = False,
    actor_id: int | None = None,
) -> ImportResult:
    """Check ``data`` and store its rows as responses of ``wave`` in one transaction.

    Refused (:class:`ImportRefused`, nothing stored) when the wave is not open (a closed wave
    is read-only, as everywhere in :mod:`oko.services.staff.admin`; a planned wave's questionnaire
    may still change), when the file or its header is wrong, or when a row is invalid and
    ``skip_invalid`` is not set. ``dry_run`` checks everything and stores nothing.
    """
    authz.require_admin(session, actor_id)
    schools = {slug: id_ for slug, id_ in session.execute(select(School.slug, School.id))}
    return _store(
        session,
        wave,
        questionnaire,
        data,
        schools,
        language=language,
        now=now,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        actor_id=actor_id,
    )


def upload_responses(
    session: Session,
    wave: Wave,
    questionnaire: Questionnaire,
    data: bytes,
    *,
    user: User,
    language: str,
    now: datetime,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """:func:`import_responses` for the upload page: coordinators import rows of their own
    schools only (another school's short name is an unknown school), admins of any."""
    authz.require_role(user, "coordinator")
    query = select(School.slug, School.id)
    if not authz.is_admin(user):
        query = query.where(School.id.in_(authz.school_ids(user)))
    schools = {slug: id_ for slug, id_ in session.execute(query)}
    return _store(
        session,
        wave,
        questionnaire,
        data,
        schools,
        language=language,
        now=now,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        actor_id=user.id,
    )


def _store(
    session: Session,
    wave: Wave,
    questionnaire: Questionnaire,
    data: bytes,
    schools: Mapping[str, int],
    *,
    language: str,
    now: datetime,
    skip_invalid: bool,
    dry_run: bool,
    actor_id: int | None,
) -> ImportResult:
    if wave.status == "closed":
        raise ImportRefused("wave_closed", wave=wave.slug)
    if wave.status != "open":
        raise ImportRefused("wave_not_open", wave=wave.slug, status=wave.status)
    checked = check_file(data, questionnaire, schools, wave.id)
    blocking = checked.file_problems or (() if skip_invalid else checked.problems)
    if blocking:
        count = len(blocking)
        raise ImportRefused("invalid", blocking, count=count, s="" if count == 1 else "s")
    stored = _stored_ids(session, [row.submission_id for row in checked.rows])
    new = [row for row in checked.rows if row.submission_id not in stored]
    result = ImportResult(
        imported=tuple(row.row for row in new),
        already_imported=tuple(row.row for row in checked.rows if row.submission_id in stored),
        skipped=checked.invalid_rows,
        problems=checked.problems,
        dry_run=dry_run,
    )
    if dry_run:
        return result
    try:
        for start in range(0, len(new), BATCH_SIZE):
            batch = new[start : start + BATCH_SIZE]
            values = [_values(row, wave, questionnaire, language, now) for row in batch]
            session.execute(insert(Response), values)
        audit.record(
            session,
            "responses.import",
            user_id=actor_id,
            target=f"wave:{wave.slug}",
            detail={
                "sha256": checked.sha256,
                "imported": len(result.imported),
                "already_imported": len(result.already_imported),
                "skipped": len(result.skipped),
            },
        )
        session.commit()
    except IntegrityError as exc:
        # A concurrent import of the same rows committed first: ours stores nothing.
        session.rollback()
        raise ImportRefused("concurrent") from exc
    return result


def _stored_ids(session: Session, submission_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(submission_ids), BATCH_SIZE):
        chunk = submission_ids[start : start + BATCH_SIZE]
        query = select(Response.submission_id).where(Response.submission_id.in_(chunk))
        found.update(session.execute(query).scalars())
    return found


def _values(
    row: ImportRow, wave: Wave, questionnaire: Questionnaire, language: str, now: datetime
) -> dict[str, object]:
    return {
        "submission_id": row.submission_id,
        "wave_id": wave.id,
        "school_id": row.school_id,
        "grade": row.grade,
        "class_session_id": None,
        "questionnaire_id": questionnaire.id,
        "questionnaire_version": questionnaire.version,
        "language": language,
        "answers": row.answers,
        "submitted_on": now.date(),
        "duration_seconds": None,
        "quality_flags": row.quality_flags,
        "source": SOURCE,
    }


def describe_rows(rows: Iterable[int]) -> str:
    """``2-5, 9, 12-13``: row numbers as ranges, short enough for a thousand skipped rows."""
    ranges: list[list[int]] = []
    for row in sorted(rows):
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)
