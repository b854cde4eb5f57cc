from pathlib import Path

from click.testing import CliRunner

from oko import PROJECT_ROOT
from oko.cli import main

DATA = Path(__file__).parent.parent / "data" / "questionnaires"


def test_core_questionnaire_passes() -> None:
    result = CliRunner().invoke(
        main, ["questionnaire", "check", str(PROJECT_ROOT / "questionnaires" / "oko-core.yaml")]
    )
    assert result.exit_code == 0, result.output
    assert "1 questionnaire file(s) OK" in result.output


def test_invalid_definition_exits_non_zero_with_every_problem() -> None:
    result = CliRunner().invoke(main, ["questionnaire", "check", str(DATA / "invalid-skip.yaml")])
    assert result.exit_code == 1
    assert "invalid-skip.yaml: item" in result.output
    assert "2 problem(s) found" in result.output


def test_missing_file_is_reported() -> None:
    result = CliRunner().invoke(main, ["questionnaire", "check", "no/such/file.yaml"])
    assert result.exit_code == 1
    assert "file.yaml" in result.output
