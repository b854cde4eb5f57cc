"""Core plus modules: a questionnaire composed of a core file and the modules a municipality chose.

A composition file names its own id and version, the core questionnaire file and the modules::

    id: oko-basis
    version: "2026.1"
    core: oko-core.yaml
    modules: [protective-factors, leisure, equity]

Each module is ``modules/<id>.yaml`` next to the composition: ``module``, ``version``, optional
``requires`` (other modules it needs), ``pages`` and optional ``scales``. Module pages go before
the core's last page (the closing page), in the order listed; scales follow the core's. The
composition's version is the one a wave records, so core and modules are versioned together;
the modules' own versions are kept on the questionnaire (:attr:`Questionnaire.modules`).

This module only merges parsed YAML and reports composition problems (unknown or repeated
modules, ids defined twice, conditions on items of modules that were not chosen); the merged
mapping is then validated like any questionnaire by :func:`oko.questionnaire.builder.build`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from oko.questionnaire.builder import QuestionnaireError

COMPOSITION_KEYS = ("id", "version", "core", "modules")
MODULE_KEYS = ("module", "version", "requires", "pages", "scales")
MODULE_FOLDER = "modules"

#: Reads one YAML file (raising ``QuestionnaireError`` with a message naming it).
ReadYaml = Callable[[Path], Any]


def is_composition(raw: object) -> bool:
    """A mapping with a ``core`` key is a composition, not a questionnaire of its own."""
    return isinstance(raw, Mapping) and "core" in raw


def is_module(raw: object) -> bool:
    return isinstance(raw, Mapping) and "module" in raw


def parts(raw: Mapping[str, Any], folder: Path) -> list[Path]:
    """The existing files a composition reads (core first, then each module), for cache keys;
    a missing one is reported by :func:`compose`."""
    found = []
    if isinstance(raw.get("core"), str):
        found.append(folder / raw["core"])
    modules = raw.get("modules") or []
    if isinstance(modules, list):
        found.extend(folder / MODULE_FOLDER / f"{m}.yaml" for m in modules if isinstance(m, str))
    return [path for path in found if path.is_file()]


def compose(
    raw: Mapping[str, Any], folder: Path, source: str, read: ReadYaml
) -> tuple[dict[str, Any], list[str], tuple[tuple[str, str], ...]]:
    """``(merged questionnaire mapping, composition errors, (module id, version) pairs)``.

    Errors are collected, not raised, so an author sees every problem at once; the caller
    builds the merged mapping only when there are none.
    """
    errors: list[str] = []

    def error(problem: str) -> None:
        errors.append(f"{source}: {problem}")

    for key in sorted(set(raw) - set(COMPOSITION_KEYS), key=str):
        error(f"unknown key {key!r} in a composition (allowed: {', '.join(COMPOSITION_KEYS)})")
    core_name = raw.get("core")
    if not isinstance(core_name, str) or not core_name.endswith(".yaml"):
        error(
            f"'core' must name the core questionnaire file, e.g. oko-core.yaml, got {core_name!r}"
        )
        return {}, errors, ()
    core = read(folder / core_name)
    if not isinstance(core, Mapping) or is_composition(core) or is_module(core):
        error(f"core {core_name!r} is not a questionnaire (a composition or module cannot be one)")
        return {}, errors, ()
    chosen = raw.get("modules", [])
    if not isinstance(chosen, list) or not all(isinstance(m, str) for m in chosen):
        error(f"'modules' must list module ids, got {chosen!r}")
        return {}, errors, ()
    modules: dict[str, Mapping[str, Any]] = {}
    for module_id in chosen:
        if module_id in modules:
            error(f"module {module_id!r} is listed twice")
            continue
        path = folder / MODULE_FOLDER / f"{module_id}.yaml"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in (folder / MODULE_FOLDER).glob("*.yaml")))
            error(
                f"unknown module {module_id!r}: no file {MODULE_FOLDER}/{module_id}.yaml "
                f"(modules: {known or 'none'})"
            )
            continue
        module = read(path)
        problems = _module_problems(module_id, module)
        errors.extend(f"{source}: {p}" for p in problems)
        if not problems:
            modules[module_id] = module
    for module_id, module in modules.items():
        for needed in module.get("requires", []) or []:
            if needed not in chosen:
                error(
                    f"module {module_id!r} requires module {needed!r}, which this "
                    "questionnaire does not include"
                )
    errors.extend(f"{source}: {p}" for p in _duplicates(core_name, core, modules))
    errors.extend(f"{source}: {p}" for p in _foreign_conditions(folder, modules, read))
    merged = dict(core)
    merged["id"], merged["version"] = raw.get("id"), raw.get("version")
    core_pages = list(core.get("pages") or [])
    module_pages = [page for module in modules.values() for page in module["pages"]]
    merged["pages"] = [*core_pages[:-1], *module_pages, *core_pages[-1:]]
    module_scales = [scale for module in modules.values() for scale in module.get("scales") or []]
    merged["scales"] = [*(core.get("scales") or []), *module_scales]
    versions = tuple((module_id, str(m["version"])) for module_id, m in modules.items())
    return merged, errors, versions


def _module_problems(module_id: str, module: object) -> list[str]:
    where = f"module {module_id!r}"
    if not isinstance(module, Mapping):
        return [f"{where}: the file must hold a mapping with module, version and pages"]
    problems = [
        f"{where}: unknown key {key!r} (allowed: {', '.join(MODULE_KEYS)})"
        for key in sorted(set(module) - set(MODULE_KEYS), key=str)
    ]
    if module.get("module") != module_id:
        problems.append(
            f"{where}: 'module' says {module.get('module')!r}; it must match the "
            f"file name {module_id!r}"
        )
    version = module.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.append(f'{where}: version must be a quoted string such as "2026.1"')
    if not isinstance(module.get("pages"), list) or not module["pages"]:
        problems.append(f"{where}: 'pages' must be a non-empty list")
    requires = module.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        problems.append(f"{where}: 'requires' must list module ids")
    return problems


def _ids(raw: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(kind, id)`` of every page, item, grid, grid row and scale in a mapping."""
    for page in raw.get("pages") or []:
        if not isinstance(page, Mapping):
            continue
        yield "page", str(page.get("id"))
        for element in page.get("items") or []:
            if not isinstance(element, Mapping):
                continue
            yield "item", str(element.get("id"))
            for row in element.get("rows") or []:
                if isinstance(row, Mapping):
                    yield "item", str(row.get("id"))
    for scale in raw.get("scales") or []:
        if isinstance(scale, Mapping):
            yield "scale", str(scale.get("id"))


def _duplicates(
    core_name: str, core: Mapping[str, Any], modules: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """An id defined by two parts: item ids must be unique across core and modules."""
    owner: dict[tuple[str, str], str] = {}
    problems = []
    parts_ = [
        (f"core {core_name!r}", core),
        *((f"module {m!r}", raw) for m, raw in modules.items()),
    ]
    for part, raw in parts_:
        for kind, ident in _ids(raw):
            first = owner.setdefault((kind, ident), part)
            if first != part:
                problems.append(f"{part}: {kind} {ident!r} is already defined in {first}")
    return problems


def _condition_items(condition: object) -> Iterator[str]:
    if isinstance(condition, Mapping):
        for key, value in condition.items():
            if key in ("var", "answered") and isinstance(value, str):
                yield value
            else:
                yield from _condition_items(value)
    elif isinstance(condition, list):
        for value in condition:
            yield from _condition_items(value)


def _foreign_conditions(
    folder: Path, modules: Mapping[str, Mapping[str, Any]], read: ReadYaml
) -> list[str]:
    """Conditions in a chosen module that read an item only an unchosen module defines."""
    elsewhere: dict[str, str] = {}
    for path in sorted((folder / MODULE_FOLDER).glob("*.yaml")):
        if path.stem in modules:
            continue
        try:
            other = read(path)
        except QuestionnaireError:  # an unchosen module's own problems are not this one's
            continue
        if isinstance(other, Mapping):
            for kind, ident in _ids(other):
                if kind == "item":
                    elsewhere.setdefault(ident, path.stem)
    problems = []
    for module_id, module in modules.items():
        for page in module["pages"]:
            for element in (page.get("items") or []) if isinstance(page, Mapping) else []:
                if not isinstance(element, Mapping):
                    continue
                for ref in _condition_items(element.get("show_if")):
                    if ref in elsewhere:
                        problems.append(
                            f"module {module_id!r}: item {element.get('id')!r}: show_if refers "
                            f"to item {ref!r} of module {elsewhere[ref]!r}, which this "
                            "questionnaire does not include"
                        )
    return problems
