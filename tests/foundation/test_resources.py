"""The data folders: the checkout's in a source checkout, the wheel's copy once installed."""

from pathlib import Path

import pytest

from oko import PROJECT_ROOT, resources
from oko.config import load_config


def test_a_checkout_reads_its_top_level_folders(tmp_path: Path) -> None:
    for name in resources.FOLDERS:
        assert resources.folder(name) == PROJECT_ROOT / name
    config = load_config(tmp_path, environ={})
    assert config["QUESTIONNAIRE_DIR"] == str(PROJECT_ROOT / "questionnaires")
    assert config["REPORTS_DIR"] == str(PROJECT_ROOT / "reports")


def test_an_installed_wheel_reads_its_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "reports").mkdir()
    monkeypatch.setattr(resources, "PACKAGED_DIR", tmp_path)
    assert resources.folder("reports") == tmp_path / "reports"
    assert resources.folder("migrations") == PROJECT_ROOT / "migrations"


def test_the_wheel_maps_every_folder() -> None:
    """setup.py maps each folder (and its subfolders) into ``oko._data``."""
    setup_text = (PROJECT_ROOT / "setup.py").read_text("utf-8")
    tops = [PROJECT_ROOT / name for name in resources.FOLDERS]
    subs = [path for top in tops for path in top.rglob("*") if path.is_dir()]
    for folder in [*tops, *subs]:
        if folder.name == "__pycache__":
            continue
        if folder.suffix == ".translations":
            # Not a package: its parent's package data ("*.translations/*.yaml", pyproject).
            continue
        relative = folder.relative_to(PROJECT_ROOT).as_posix()
        package = "oko._data." + relative.replace("/", ".")
        assert f'"{package}": "{relative}"' in setup_text
