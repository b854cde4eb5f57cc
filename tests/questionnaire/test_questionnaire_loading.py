"""Reading files: YAML traps, unreadable files, the per-version cache, frozen results."""

import dataclasses
import os
from pathlib import Path

import pytest

from oko.questionnaire import Questionnaire, check_files, load


def test_loaded_definitions_are_frozen(item_types: Questionnaire) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        item_types.items["smokes"].required = True
    with pytest.raises(TypeError):
        item_types.items["new"] = item_types.items["smokes"]


def test_same_file_is_loaded_once(data_dir: Path) -> None:
    assert load(data_dir / "minimal.yaml") is load(str(data_dir / "minimal.yaml"))


def test_a_changed_file_is_loaded_again(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "q.yaml"
    original = (data_dir / "minimal.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    first = load(path)
    path.write_text(original.replace('version: "1"', 'version: "2"'), encoding="utf-8")
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 1_000_000))
    assert (first.version, load(path).version) == ("1", "2")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    assert check_files([path]) == [f"{path}: cannot read: No such file or directory"]


def test_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\npages: [\n", encoding="utf-8")
    [message] = check_files([path])
    assert message.startswith(f"{path}: not valid YAML: ")
    assert "(line 3, column 1)" in message


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    assert check_files([path]) == [
        f"{path}: the file must hold a mapping with id, version, languages and pages"
    ]


def test_a_repeated_key_is_an_error_not_a_silent_overwrite(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "twice.yaml"
    text = (data_dir / "minimal.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("type: single", "type: single\n        type: text"), "utf-8")
    assert check_files([path]) == [
        f"{path}: not valid YAML: duplicate key 'type' (line 14, column 9)"
    ]


def test_yes_and_no_are_text_not_booleans(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "yes-no.yaml"
    text = (data_dir / "minimal.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace('"Yes"', "Yes").replace('"No"', "No"), encoding="utf-8")
    labels = [option.label["en"] for option in load(path).items["q1"].options]
    assert labels == ["Yes", "No"]


def test_check_files_reports_every_file(tmp_path: Path, data_dir: Path) -> None:
    absent = tmp_path / "absent.yaml"
    errors = check_files([data_dir / "minimal.yaml", absent, data_dir / "invalid-skip.yaml"])
    assert errors[0] == f"{absent}: cannot read: No such file or directory"
    assert len(errors) == 3


def test_every_test_questionnaire_is_valid_except_the_broken_one(data_dir: Path) -> None:
    paths = sorted(p for p in data_dir.glob("*.yaml") if not p.name.startswith("invalid-"))
    assert paths
    assert check_files(paths) == []


def test_texts_are_stripped_and_readable_in_every_language(item_types: Questionnaire) -> None:
    item = item_types.items["smokes"]
    assert (item.text["nl"], item.text["en"]) == ("Rook je?", "Do you smoke?")
    assert item.text.languages == ("nl", "en")
    with pytest.raises(KeyError):
        item.text["fr"]
