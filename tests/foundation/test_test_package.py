"""The tests are a package: helpers are imported by their full name (``tests.survey...``), so
any selection of folders collects alike, and no module edits the import path."""

import ast
from pathlib import Path

from oko import PROJECT_ROOT

TESTS = PROJECT_ROOT / "tests"


def _modules() -> list[Path]:
    return sorted(TESTS.rglob("*.py"))


def test_every_test_folder_is_a_package() -> None:
    folders = {path.parent for path in _modules()}
    assert [f for f in sorted(folders) if not (f / "__init__.py").is_file()] == []


def test_no_bare_name_imports_of_test_modules_and_no_import_path_edits() -> None:
    local_names = {path.stem for path in _modules()} - {"__init__"}
    problems = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                names = []
            problems += [f"{path}: import {n}" for n in names if n.split(".")[0] in local_names]
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "path"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            ):
                problems.append(f"{path}:{node.lineno}: sys.path")
    assert problems == []
