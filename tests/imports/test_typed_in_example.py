"""The demo's example of typed-in paper questionnaires passes every check of the import."""

from __future__ import annotations

import pytest

from oko import PROJECT_ROOT
from oko.questionnaire import load
from oko.services.demo.typed_in import example_csv
from oko.services.survey.imports import check_file
from tests.imports.import_helpers import DATA


@pytest.mark.parametrize(
    "path", [PROJECT_ROOT / "questionnaires" / "oko-core.yaml", DATA / "import-mini.yaml"]
)
def test_the_example_file_imports_without_problems(path) -> None:
    questionnaire = load(path)
    data = example_csv(questionnaire, "de-linde", 2, rows=5)
    checked = check_file(data, questionnaire, {"de-linde": 7}, wave_id=1)
    assert checked.problems == ()
    assert len(checked.rows) == 5
    assert {row.school_id for row in checked.rows} == {7}
    assert len({row.submission_id for row in checked.rows}) == 5
    assert all(row.answers for row in checked.rows)
