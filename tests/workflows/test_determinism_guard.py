"""The orchestration workflow runs without Temporal's sandbox, so its determinism is
checked here instead: every module it runs (found by following its imports inside this
repository) imports only deterministic libraries and calls no clock, randomness, I/O or
thread primitive. A replay test (test_replay.py) catches the rest: changed commands.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ROOT_MODULE = "workflows.orchestration"
OUR_PACKAGES = ("workflows", "schemas")

#: Top-level modules the workflow's code may import. Anything else (os, time, random,
#: uuid, socket, threading, httpx, sqlalchemy, …) needs a review and an entry here.
ALLOWED_IMPORTS = frozenset(
    {
        "__future__",
        "asyncio",
        "collections",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "functools",
        "itertools",
        "json",
        "math",
        "pydantic",
        "re",
        "typing",
        "temporalio.common",
        "temporalio.exceptions",
        "temporalio.workflow",
        *OUR_PACKAGES,
    }
)

#: Calls that read the clock, randomness or the outside world, by attribute name
#: (``datetime.now()``, ``date.today()``) or plain name (``open()``).
FORBIDDEN_ATTRIBUTE_CALLS = frozenset(
    {"now", "utcnow", "today", "time", "monotonic", "perf_counter", "sleep_ms", "urandom"}
)
FORBIDDEN_NAME_CALLS = frozenset({"open", "input", "print", "exec", "eval", "id", "hash"})


def module_path(name: str) -> Path | None:
    """Our source file of module ``name``; None when ``name`` is not a module of ours
    (``from workflows.conditions import evaluate_condition`` also yields
    ``workflows.conditions.evaluate_condition``)."""
    base = REPO.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def is_ours(name: str) -> bool:
    return name.split(".")[0] in OUR_PACKAGES


def imported_names(tree: ast.AST) -> list[tuple[str, int]]:
    names: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.module, node.lineno))
            # ``from temporalio import workflow`` imports the submodule.
            names += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return names


def allowed(name: str) -> bool:
    return any(name == a or name.startswith(f"{a}.") for a in ALLOWED_IMPORTS)


def workflow_modules() -> dict[str, ast.Module]:
    """The root module and everything of ours it imports, transitively."""
    found: dict[str, ast.Module] = {}
    pending = [ROOT_MODULE]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        path = module_path(name)
        assert path is not None, name
        tree = ast.parse(path.read_text(), filename=name)
        found[name] = tree
        for imported, _line in imported_names(tree):
            if is_ours(imported) and module_path(imported) is not None:
                pending.append(imported)
    return found


def violations(name: str, tree: ast.Module) -> list[str]:
    problems: list[str] = []
    for imported, line in imported_names(tree):
        top_level_ok = allowed(imported) or (
            # ``from temporalio import workflow``: the package itself is fine when the
            # names it imports are (they are checked as ``temporalio.<name>``).
            imported == "temporalio"
        )
        if not top_level_ok:
            problems.append(f"{name}:{line} imports {imported}")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        on_workflow = isinstance(func, ast.Attribute) and (
            isinstance(func.value, ast.Name) and func.value.id == "workflow"
        )  # ``workflow.now()`` and friends are Temporal's deterministic versions
        if (
            isinstance(func, ast.Attribute)
            and func.attr in FORBIDDEN_ATTRIBUTE_CALLS
            and not on_workflow
        ):
            problems.append(f"{name}:{node.lineno} calls .{func.attr}()")
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_NAME_CALLS:
            problems.append(f"{name}:{node.lineno} calls {func.id}()")
    return problems


def test_the_guard_follows_the_workflow_into_its_helpers() -> None:
    modules = workflow_modules()
    assert {"workflows.orchestration", "workflows.conditions", "schemas.runs"} <= set(modules)


@pytest.mark.parametrize("name", sorted(workflow_modules()))
def test_workflow_code_is_deterministic(name: str) -> None:
    assert violations(name, workflow_modules()[name]) == []


@pytest.mark.parametrize(
    "source, problem",
    [
        ("import random\n", "imports random"),
        ("from time import monotonic\n", "imports time"),
        ("import uuid\nx = uuid.uuid4()\n", "imports uuid"),
        ("from datetime import datetime\nx = datetime.now()\n", "calls .now()"),
        ("x = open('f').read()\n", "calls open()"),
        ("import httpx\n", "imports httpx"),
    ],
)
def test_the_guard_catches_nondeterminism(source: str, problem: str) -> None:
    found = violations("example", ast.parse(source))
    assert any(problem in p for p in found), found


def test_temporal_deterministic_clock_is_allowed() -> None:
    source = "from temporalio import workflow\nx = workflow.now()\n"
    assert violations("example", ast.parse(source)) == []
