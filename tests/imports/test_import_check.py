"""Checking a CSV file against the questionnaire: every problem, with row, column and reason.

:func:`oko.services.survey.imports.check_file` needs no database, so these tests give it the schools
as a mapping; the messages are asserted exactly, as the people keying in data will read them.
"""

from __future__ import annotations

import pytest

from oko.questionnaire import Questionnaire
from oko.services.survey.imports import Problem, check_file, describe_rows
from tests.imports.import_helpers import HEADER, csv_bytes

SCHOOLS = {"de-linde": 1, "het-baken": 2}
VALID = "de-linde,2,1,14,1;3,1,2,2,1,1,3,4,hallo"


def problems(questionnaire: Questionnaire, data: bytes) -> list[str]:
    return [str(p) for p in check_file(data, questionnaire, SCHOOLS, wave_id=1).problems]


def test_valid_rows_become_stored_answers(questionnaire: Questionnaire) -> None:
    checked = check_file(
        csv_bytes(VALID, "HET-BAKEN , 4,2,15,,1,1,,,1,2,,"), questionnaire, SCHOOLS, 1
    )
    assert checked.problems == ()
    first, second = checked.rows
    assert (first.row, first.school_id, first.grade) == (2, 1, 2)
    assert first.answers == {
        "gender": 1,
        "grade": 2,
        "age": 14,
        "pets": [1, 3],
        "paper": 1,
        "smokes": 2,
        "amount": 2,
        "quit": 1,
        "relevin": 1,
        "sch_safe": 3,
        "sch_belong": 4,
        "comments": "hallo",
    }
    # Blank = shown but not answered (None); routed past = absent, as the web survey stores.
    assert (second.row, second.school_id, second.grade) == (3, 2, 4)
    assert second.answers == {
        "gender": 2,
        "grade": 4,
        "age": 15,
        "pets": None,
        "paper": 1,
        "smokes": 1,
        "relevin": 1,
        "sch_safe": 2,
        "sch_belong": None,
        "comments": None,
    }
    assert first.submission_id.startswith("import-") and len(first.submission_id) == 47


def test_items_without_a_column_are_shown_but_not_answered(questionnaire: Questionnaire) -> None:
    checked = check_file(
        csv_bytes("de-linde,2,1,2", header="school,grade,paper,smokes"), questionnaire, SCHOOLS, 1
    )
    assert checked.rows[0].answers == {
        "gender": None,
        "grade": 2,
        "age": None,
        "pets": None,
        "paper": 1,
        "smokes": 2,
        "amount": None,
        "relevin": None,
        "sch_safe": None,
        "sch_belong": None,
        "comments": None,
    }


def test_quality_flags_are_computed_as_at_submit(questionnaire: Questionnaire) -> None:
    honest, boaster = check_file(
        csv_bytes(VALID, VALID.replace(",1,1,3,4,", ",1,2,3,4,")), questionnaire, SCHOOLS, 1
    ).rows
    assert honest.quality_flags == []
    assert boaster.quality_flags == ["fictitious_drug"]


def test_semicolon_separated_files_from_dutch_spreadsheets(questionnaire: Questionnaire) -> None:
    header = HEADER.replace(",", ";")
    line = 'de-linde;2;1;14;"1;3";1;2;2;1;1;3;4;"hallo, daar"'
    (row,) = check_file(csv_bytes(line, header=header), questionnaire, SCHOOLS, 1).rows
    assert row.answers["pets"] == [1, 3]
    assert row.answers["comments"] == "hallo, daar"


def test_a_byte_order_mark_and_blank_lines_are_fine(questionnaire: Questionnaire) -> None:
    data = b"\xef\xbb\xbf" + csv_bytes(VALID, "", ",,,,,,,,,,,,", VALID.replace("hallo", "hoi"))
    checked = check_file(data, questionnaire, SCHOOLS, 1)
    assert checked.problems == ()
    assert [r.row for r in checked.rows] == [2, 5]


def test_identical_rows_get_different_ids_the_same_file_the_same_ids(
    questionnaire: Questionnaire,
) -> None:
    data = csv_bytes(VALID, VALID)
    first = [r.submission_id for r in check_file(data, questionnaire, SCHOOLS, 1).rows]
    again = [r.submission_id for r in check_file(data, questionnaire, SCHOOLS, 1).rows]
    assert first == again and len(set(first)) == 2
    # Ids follow the row's content, not its position or how the cells were written ...
    moved = csv_bytes(VALID.replace("hallo", "x"), VALID.replace("1;3", "3;1"), VALID)
    assert [r.submission_id for r in check_file(moved, questionnaire, SCHOOLS, 1).rows][1:] == first
    # ... and belong to one wave.
    other_wave = [r.submission_id for r in check_file(data, questionnaire, SCHOOLS, 2).rows]
    assert not set(other_wave) & set(first)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf\n\n", "the file is empty"),
        (HEADER.encode() + b"\n\n,,,\n", "the file has a header but no rows"),
    ],
)
def test_file_problems(questionnaire: Questionnaire, data: bytes, expected: str) -> None:
    assert problems(questionnaire, data) == [expected]


def test_text_that_is_not_utf8_names_the_row(questionnaire: Questionnaire) -> None:
    data = csv_bytes(VALID, '"de-linde",2,1,14,,1,1,,,1,2,,"two\nlines"', VALID) + (
        "de-linde,2,1,14,,1,1,,,1,2,,café\n".encode("latin-1")
    )
    assert problems(questionnaire, data) == [
        "row 5: the file is not UTF-8 text (byte 0xe9); save it as 'CSV UTF-8' and import it again"
    ]


def test_broken_quoting(questionnaire: Questionnaire) -> None:
    data = csv_bytes(VALID, 'de-linde,2,1,14,"1;3"x,1,2,2,1,1,3,4,')
    assert problems(questionnaire, data) == ["row 3: not valid CSV: ',' expected after '\"'"]


def test_header_problems(questionnaire: Questionnaire) -> None:
    header = "school,gender,alc_30d,sch,,smokes,gender,Smokes,xyz"
    assert problems(questionnaire, csv_bytes("de-linde,1,1,1,1,1,1,1,1", header=header)) == [
        "row 1, column 5: the column has no name",
        "row 1, column gender: the column appears more than once (columns 2, 7)",
        "row 1, column grade: missing: every file needs a 'grade' column",
        "row 1, column alc_30d: unknown item: questionnaire 'import-mini' has no item 'alc_30d'",
        "row 1, column sch: 'sch' is a grid, not an item: give each of its rows a column "
        "(sch_safe, sch_belong)",
        "row 1, column Smokes: unknown item: questionnaire 'import-mini' has no item 'Smokes' "
        "(did you mean 'smokes'?)",
        "row 1, column xyz: unknown item: questionnaire 'import-mini' has no item 'xyz'",
    ]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("school", "", "no school given"),
        ("school", "de-eik", "unknown school 'de-eik': no school has this short name"),
        ("grade", "", "no grade given"),
        ("grade", "7", "'7' is not a grade: use a whole number from 1 to 6"),
        ("grade", "2b", "'2b' is not a grade: use a whole number from 1 to 6"),
        ("grade", "3", "'3' is not a code of this item (codes: 2, 4)"),
        ("gender", "4", "'4' is not a code of this item (codes: 1, 2, 3)"),
        ("gender", "boy", "'boy' is not a code of this item (codes: 1, 2, 3)"),
        ("age", "9", "9 is out of range: the item takes 10 to 20"),
        ("age", "21", "21 is out of range: the item takes 10 to 20"),
        ("age", "14.5", "'14.5' is not a whole number"),
        (
            "pets",
            "1;4;x",
            "'4', 'x' are not codes of this item (codes: 1, 2, 3; separate several with ';')",
        ),
        (
            "pets",
            "1,2",
            "'1,2' is not a code of this item (codes: 1, 2, 3; separate several with ';')",
        ),
        ("paper", "", "no answer, but the item is required"),
        ("sch_belong", "0", "'0' is not a code of this item (codes: 1, 2, 3, 4)"),
        ("comments", "x" * 21, "the text has 21 characters; at most 20 are allowed"),
    ],
)
def test_cell_problems(questionnaire: Questionnaire, column: str, value: str, reason: str) -> None:
    cells = dict(zip(HEADER.split(","), VALID.split(","), strict=True))
    cells[column] = f'"{value}"'
    line = ",".join(cells.values())
    assert problems(questionnaire, csv_bytes(VALID, line)) == [f"row 3, column {column}: {reason}"]


def test_answers_to_items_that_were_not_asked(questionnaire: Questionnaire) -> None:
    # smokes = 1 routes past amount, and so past quit (shown if amount == 2): a chain.
    line = "de-linde,2,1,14,,1,1,2,1,1,3,4,"
    assert problems(questionnaire, csv_bytes(line)) == [
        "row 2, column amount: answered, but not asked: the item's condition on 'smokes' is "
        "false for this row",
        "row 2, column quit: answered, but not asked: the item's condition on 'amount' is "
        "false for this row",
    ]
    # Left blank, a routed item is simply not asked; a blank filter question routes past too.
    assert problems(questionnaire, csv_bytes("de-linde,2,1,14,,1,1,,,1,3,4,")) == []
    assert problems(questionnaire, csv_bytes("de-linde,2,1,14,,1,,1,,1,3,4,")) == [
        "row 2, column amount: answered, but not asked: the item's condition on 'smokes' is "
        "false for this row"
    ]


def test_a_row_with_too_few_or_too_many_cells(questionnaire: Questionnaire) -> None:
    assert problems(questionnaire, csv_bytes("de-linde,2,1", VALID + ",extra")) == [
        "row 2: 3 cells, but the header has 13 columns",
        "row 3: 14 cells, but the header has 13 columns",
    ]


def test_every_problem_of_every_row_is_reported(questionnaire: Questionnaire) -> None:
    data = csv_bytes("nowhere,9,1,14,,1,1,,,1,3,4,", VALID, "de-linde,2,5,99,,1,1,,,1,3,4,")
    checked = check_file(data, questionnaire, SCHOOLS, 1)
    assert [r.row for r in checked.rows] == [3]
    assert checked.invalid_rows == (2, 4)
    assert checked.file_problems == ()
    assert [(p.row, p.column) for p in checked.problems] == [
        (2, "school"),
        (2, "grade"),
        (4, "gender"),
        (4, "age"),
    ]


def test_problem_and_row_list_texts() -> None:
    assert str(Problem(None, "", "the file is empty")) == "the file is empty"
    assert str(Problem(3, "", "x")) == "row 3: x"
    assert str(Problem(3, "age", "x")) == "row 3, column age: x"
    assert describe_rows([9, 2, 3, 4, 12, 13, 20]) == "2-4, 9, 12-13, 20"


def test_blank_lines_before_the_header_keep_the_row_numbers(questionnaire: Questionnaire) -> None:
    data = b"\n,,\n" + csv_bytes(VALID, "de-linde,2,1,99,,1,1,,,1,3,4,")
    checked = check_file(data, questionnaire, SCHOOLS, 1)
    assert [r.row for r in checked.rows] == [4]
    assert [str(p) for p in checked.problems] == [
        "row 5, column age: 99 is out of range: the item takes 10 to 20"
    ]
    assert checked.invalid_rows == (5,)
