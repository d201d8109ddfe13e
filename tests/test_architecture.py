"""The import direction of DESIGN.md, checked on every module of every package.

| package    | may import (of ours)                 |
|------------|--------------------------------------|
| schemas    | nothing                              |
| workflows  | schemas                              |
| activities | schemas, storage                     |
| storage    | schemas                              |
| agents     | schemas                              |
| api        | schemas, storage, workflows.compiler, workflows.edge_fits |
| workers    | everything but api                   |
| hub        | everything (the composition root)    |

Nothing but ``hub`` imports ``api``. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("schemas", "workflows", "activities", "storage", "workers", "api", "agents", "hub")

#: For each package, the packages of ours it may import (itself is always allowed).
ALLOWED: dict[str, set[str]] = {
    "schemas": set(),
    "workflows": {"schemas"},
    "activities": {"schemas", "storage"},
    "storage": {"schemas"},
    "agents": {"schemas"},
    "api": {"schemas", "storage", "workflows"},
    # DESIGN's table lists workflows and activities; the team's rule ("hub and workers:
    # everything") also lets worker processes build their dependencies from settings.
    # The composition (settings, database, plan loader) lives in hub.worker_processes.
    "workers": {"schemas", "workflows", "activities", "storage"},
    "hub": set(PACKAGES),
}
#: Within ``workflows``, the API may use only the compiler and the graph view of its
#: results (both pure, no Temporal).
API_WORKFLOW_MODULES = {"workflows.compiler", "workflows.edge_fits"}


def _modules() -> list[Path]:
    files = [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    return [p for p in files if ".venv" not in p.parts and "__pycache__" not in p.parts]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, module_name: str | None = None) -> list[tuple[int, str]]:
    """Every module ``path`` imports (absolute names), with the line of the import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = (module_name or _module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # ``from workflows import compiler`` imports the submodule workflows.compiler
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _violations(path: Path) -> list[str]:
    owner = _module_name(path).split(".")[0]
    problems = []
    for line, module in imported_modules(path):
        top = module.split(".")[0]
        if top not in PACKAGES or top == owner:
            continue
        where = f"{path.relative_to(ROOT)}:{line}"
        if top == "api" and owner != "hub":
            problems.append(f"{where} imports {module}: nothing but hub imports api")
        elif top not in ALLOWED[owner]:
            problems.append(f"{where} imports {module}: {owner} may not import {top}")
        elif (
            owner == "api"
            and top == "workflows"
            and module != "workflows"
            and not any(module == m or module.startswith(m + ".") for m in API_WORKFLOW_MODULES)
        ):
            problems.append(f"{where} imports {module}: api may use only workflows.compiler")
    return problems


@pytest.mark.parametrize("package", PACKAGES)
def test_import_direction(package: str) -> None:
    modules = [p for p in _modules() if p.relative_to(ROOT).parts[0] == package]
    assert modules, f"package {package} has no modules"
    problems = [problem for path in modules for problem in _violations(path)]
    assert not problems, "\n".join(problems)


def test_the_checker_catches_violations(tmp_path: Path) -> None:
    """A self-check: the walker sees nested, relative and dynamic imports."""
    source = (
        "import importlib\n"
        "def f():\n"
        "    from storage import models\n"
        "    importlib.import_module('api.app')\n"
        "from . import compiler\n"
    )
    probe = tmp_path / "probe.py"
    probe.write_text(source)
    names = {m for _, m in imported_modules(probe, "workflows.probe")}
    assert {"storage", "storage.models", "api.app", "workflows.compiler"} <= names
