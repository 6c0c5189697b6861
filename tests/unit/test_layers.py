"""The house's rules, read off the sources: core never imports QGIS or a front end, its wings
import only downward (ORDER), and no two modules import each other, even lazily."""

from __future__ import annotations

import ast
from collections import defaultdict

from conftest import ROOT

# core's wings, lowest first: a wing imports only from wings before it (and errors, core's
# root). reports only renders plain data, so data (show_batch) may draw with it.
ORDER = ("runtime", "reports", "data", "models", "sources", "packages", "training",
         "inference", "workflows", "api")
FRONT_ENDS = ("algorithms", "cli", "gui", "interface", "plugin", "provider")


def core_imports() -> dict[str, set[str]]:
    """Each core module's (dotted, from the plugin root) imports of other core modules,
    at the top or inside functions."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / "core").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        package = path.name == "__init__.py"
        module = module.removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(node, module, package):
                found[module].add(target)
    return found


def _targets(node: ast.AST, module: str, package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if not node.level:
        return [node.module or ""]
    parts = module.split(".") if package else module.split(".")[:-1]
    base = ".".join(parts[:len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
    if node.module:
        return [base]
    return [f"{base}.{alias.name}" for alias in node.names]


def wing(module: str) -> str:
    """core's wing (or top-level module) a module lies in; "core" for core's root package
    and the names it defines (core.RESOURCES)."""
    parts = module.split(".")
    if len(parts) < 2 or not ((ROOT / "core" / parts[1]).is_dir()
                              or (ROOT / "core" / f"{parts[1]}.py").is_file()):
        return "core"
    return parts[1]


def test_core_never_imports_qgis_or_a_front_end():
    offenders = sorted(f"{module} imports {target}"
                       for module, targets in core_imports().items() for target in targets
                       if target.split(".")[0] in ("qgis", "PyQt5", "PyQt6", *FRONT_ENDS)
                       or target.startswith(tuple(f"core.{name}" for name in FRONT_ENDS)))
    assert not offenders, offenders


def test_core_wings_import_only_downward():
    allowed = {name: set(ORDER[:index]) | {"errors", "core", "__init__"}
               for index, name in enumerate(ORDER)}
    offenders = []
    for module, targets in core_imports().items():
        here = wing(module)
        for target in targets:
            there = wing(target) if target.startswith("core") else None
            if there is None or there == here or here in ("errors", "core"):
                continue
            if there not in allowed.get(here, set()):
                offenders.append(f"{module} ({here}) imports {target} ({there})")
    assert not offenders, "\n".join(sorted(offenders))


def test_every_core_module_lives_in_a_wing():
    top = sorted(path.name for path in (ROOT / "core").glob("*.py"))
    assert top == ["__init__.py", "api.py", "errors.py"]
    wings = sorted(path.name for path in (ROOT / "core").iterdir()
                   if path.is_dir() and path.name != "__pycache__")
    assert wings == sorted(ORDER[:-1])


def test_no_two_core_modules_import_each_other():
    imports = core_imports()
    modules = set(imports)
    graph = {module: {target for target in targets if target in modules and target != module}
             for module, targets in imports.items()}
    cycles = []
    for start in graph:
        for middle in graph[start]:
            if start in _reachable(graph, middle):
                cycles.append(f"{start} -> {middle} -> ... -> {start}")
    assert not cycles, "\n".join(sorted(cycles))


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, pending = set(), [start]
    while pending:
        for following in graph.get(pending.pop(), ()):
            if following not in seen:
                seen.add(following)
                pending.append(following)
    return seen


def test_front_ends_reach_core_only_through_its_public_modules():
    """algorithms/ and cli/ import core, never the reverse (checked above); they do not
    reach into core's private names."""
    offenders = []
    for folder in ("algorithms", "cli", "gui"):
        for path in sorted((ROOT / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and "core" in (node.module or ""):
                    offenders += [f"{path.relative_to(ROOT)}: {alias.name}"
                                  for alias in node.names if alias.name.startswith("_")]
    assert not offenders, offenders


def test_relative_imports_are_resolved_as_python_does():
    """The rules are only as good as the reading of the imports."""
    def targets(code: str, module: str, package: bool = False) -> list[str]:
        return _targets(ast.parse(code).body[0], module, package)

    assert targets("from ..api import FeatureClassifier", "core.runtime.devices") == ["core.api"]
    assert targets("from . import devices", "core.runtime", True) == ["core.runtime.devices"]
    assert targets("from .. import __version__", "core.packages.definition") == \
        ["core.__version__"]
    assert wing("core.runtime.devices") == "runtime" and wing("core.api") == "api"
    assert wing("core.__version__") == "core" and wing("core") == "core"
