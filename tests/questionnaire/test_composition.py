"""Core plus modules: the shipped composition, and every composition problem named precisely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from oko import PROJECT_ROOT
from oko.questionnaire import QuestionnaireError, check_files, load

SHIPPED = PROJECT_ROOT / "questionnaires"

MODULE = """\
module: extra
version: "1"
pages:
  - id: extra_page
    title: {nl: Extra, en: Extra}
    items:
      - id: extra_item
        type: single
        text: {nl: Vraag, en: Question}
        options:
          - {code: 1, label: {nl: Nee, en: "No"}}
          - {code: 2, label: {nl: Ja, en: "Yes"}}
"""


def folder(tmp_path: Path, modules: dict[str, str], composition: str) -> Path:
    """A questionnaire folder with the shipped core, the given modules and a composition."""
    shutil.copy(SHIPPED / "oko-core.yaml", tmp_path / "oko-core.yaml")
    (tmp_path / "modules").mkdir()
    for name, text in modules.items():
        (tmp_path / "modules" / f"{name}.yaml").write_text(text, encoding="utf-8")
    path = tmp_path / "composed.yaml"
    path.write_text(composition, encoding="utf-8")
    return path


def errors(path: Path) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    return caught.value.errors


def compose(modules: str) -> str:
    return f'id: composed\nversion: "1"\ncore: oko-core.yaml\nmodules: {modules}\n'


def test_shipped_composition_is_core_plus_modules_in_order() -> None:
    core = load(SHIPPED / "oko-core.yaml")
    basis = load(SHIPPED / "oko-basis.yaml")
    assert (basis.id, basis.version) == ("oko-basis", "2026.1")
    assert [m for m, _ in basis.modules] == ["protective-factors", "leisure", "equity"]
    # Every core item keeps its id; module pages come before the core's closing page.
    assert set(core.items) < set(basis.items)
    assert basis.pages[-1].id == core.pages[-1].id == "closing"
    assert [p.id for p in basis.pages[: len(core.pages) - 1]] == [p.id for p in core.pages[:-1]]
    assert {s.id for s in core.scales} < {s.id for s in basis.scales}
    assert core.modules == ()
    assert check_files([SHIPPED / "oko-basis.yaml"]) == []


def test_a_module_changes_the_composed_questionnaire_without_a_stale_cache(
    tmp_path: Path,
) -> None:
    path = folder(tmp_path, {"extra": MODULE}, compose("[extra]"))
    assert "extra_item" in load(path).items
    module = tmp_path / "modules" / "extra.yaml"
    module.write_text(MODULE.replace("extra_item", "extra_question"), encoding="utf-8")
    assert "extra_question" in load(path).items


@pytest.mark.parametrize(
    ("modules", "composition", "message"),
    [
        (
            {"extra": MODULE},
            compose("[nothing]"),
            "composed.yaml: unknown module 'nothing': no file modules/nothing.yaml "
            "(modules: extra)",
        ),
        (
            {"extra": MODULE},
            compose("[extra, extra]"),
            "composed.yaml: module 'extra' is listed twice",
        ),
        (
            {"extra": MODULE.replace("extra_item", "alc_lifetime")},
            compose("[extra]"),
            "composed.yaml: module 'extra': item 'alc_lifetime' is already defined in core "
            "'oko-core.yaml'",
        ),
        (
            {"extra": MODULE, "second": MODULE.replace("module: extra", "module: second")},
            compose("[extra, second]"),
            "composed.yaml: module 'second': item 'extra_item' is already defined in module "
            "'extra'",
        ),
        (
            {
                "extra": MODULE,
                "second": MODULE.replace("module: extra", "module: second")
                .replace("extra_page", "second_page")
                .replace(
                    "id: extra_item\n",
                    'id: second_item\n        show_if: {"==": [{var: extra_item}, 2]}\n',
                ),
            },
            compose("[second]"),
            "composed.yaml: module 'second': item 'second_item': show_if refers to item "
            "'extra_item' of module 'extra', which this questionnaire does not include",
        ),
        (
            {"extra": MODULE.replace('version: "1"\n', 'version: "1"\nrequires: [other]\n')},
            compose("[extra]"),
            "composed.yaml: module 'extra' requires module 'other', which this questionnaire "
            "does not include",
        ),
        (
            {"extra": MODULE.replace("module: extra", "module: extar")},
            compose("[extra]"),
            "composed.yaml: module 'extra': 'module' says 'extar'; it must match the file name "
            "'extra'",
        ),
        (
            {"extra": MODULE + "colour: red\n"},
            compose("[extra]"),
            "composed.yaml: module 'extra': unknown key 'colour' (allowed: module, version, "
            "requires, pages, scales)",
        ),
        (
            {"extra": MODULE},
            'id: composed\nversion: "1"\ncore: oko-core\nmodules: [extra]\n',
            "composed.yaml: 'core' must name the core questionnaire file, e.g. oko-core.yaml, "
            "got 'oko-core'",
        ),
        (
            {"extra": MODULE},
            compose("[extra]") + "pages: []\n",
            "composed.yaml: unknown key 'pages' in a composition (allowed: id, version, core, "
            "modules)",
        ),
    ],
)
def test_composition_problems_are_named_precisely(
    tmp_path: Path, modules: dict[str, str], composition: str, message: str
) -> None:
    path = folder(tmp_path, modules, composition)
    assert f"{path.parent}/{message}" in errors(path)


def test_a_condition_on_a_later_module_is_caught_by_the_questionnaire_rules(
    tmp_path: Path,
) -> None:
    """Modules keep the one-pass rule: a condition reads only items that come earlier."""
    first = MODULE.replace(
        "id: extra_item\n", 'id: extra_item\n        show_if: {"==": [{var: later_item}, 2]}\n'
    )
    later = (
        MODULE.replace("module: extra", "module: later")
        .replace("extra_page", "later_page")
        .replace("extra_item", "later_item")
    )
    path = folder(tmp_path, {"extra": first, "later": later}, compose("[extra, later]"))
    assert errors(path) == [
        f"{path}: item 'extra_item': show_if refers to item 'later_item', which comes later in "
        "the questionnaire"
    ]


def test_a_module_file_on_its_own_is_not_a_questionnaire(tmp_path: Path) -> None:
    path = folder(tmp_path, {"extra": MODULE}, compose("[extra]"))
    module = path.parent / "modules" / "extra.yaml"
    assert errors(module) == [
        f"{module}: is a module, not a questionnaire: check a composition that lists it"
    ]
