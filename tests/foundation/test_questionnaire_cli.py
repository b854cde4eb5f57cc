import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

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


def _check_configured(tmp_path: Path) -> Result:
    return CliRunner().invoke(
        main, ["--instance", str(tmp_path / "instance"), "questionnaire", "check"]
    )


def test_without_paths_checks_the_shipped_questionnaires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OKO_QUESTIONNAIRE_DIR", raising=False)
    result = _check_configured(tmp_path)
    assert result.exit_code == 0, result.output
    # oko-core and the composition oko-basis (core plus modules)
    assert "2 questionnaire file(s) OK" in result.output


def test_without_paths_checks_every_questionnaire_in_the_configured_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    shutil.copy(DATA / "minimal.yaml", folder)
    shutil.copy(DATA / "invalid-skip.yaml", folder)
    # Indicator definitions share the folder but are no questionnaires.
    (folder / "minimal.indicators.yaml").write_text("not: a questionnaire\n", "utf-8")
    monkeypatch.setenv("OKO_QUESTIONNAIRE_DIR", str(folder))
    result = _check_configured(tmp_path)
    assert result.exit_code == 1
    assert "invalid-skip.yaml: item" in result.output
    assert "indicators" not in result.output


def test_without_paths_an_empty_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKO_QUESTIONNAIRE_DIR", str(tmp_path))
    result = _check_configured(tmp_path)
    assert result.exit_code == 1
    assert "No questionnaire (*.yaml) in QUESTIONNAIRE_DIR" in result.output
