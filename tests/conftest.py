"""Markers by where a test lives and what it starts, so that no test carries one by hand.

- ``e2e``: a started stack or external tools (``hub up``, browsers, Prometheus, the
  benchmarks' smoke runs, deploy manifests checked by their validators).
- ``engine``: a real Temporal dev server, the agent service, a database or the API app
  (it asks for one of the fixtures that start them).
- ``unit``: everything else: pure code, in process, no server. ``make test-fast`` runs
  these (``pytest -m unit``); ``make test`` runs all three.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

#: Folders whose tests start a stack or outside tools.
E2E_FOLDERS = ("e2e", "bench", "deploy")
#: Folders whose every test uses the engine or a database (through their conftest).
ENGINE_FOLDERS = ("api", "activities", "storage", "workers")
#: Files of other folders whose tests start processes (named here, not marked by hand).
E2E_FILES = frozenset({"hub/test_cli_api_workers.py"})  # `hub api --workers 2`
ENGINE_FILES = frozenset(
    {
        "hub/test_cli_temporal.py",  # records a history on a Temporal dev server
        "agents/base/test_log_scrubbing.py",  # starts each agent's main module
    }
)
#: Fixtures that start a server or a database: a test asking for one is an engine test.
ENGINE_FIXTURES = frozenset(
    {
        "temporal_env",
        "agent_service",
        "database_url",
        "empty_database_url",
        "postgresql_url",
        "sqlite_url",
        "session",
        "api_app",
        "client",
        "agents_client",
        "api_url",
        "hub_env",
    }
)


def kind_of(path: Path, fixtures: set[str]) -> str:
    """``unit``, ``engine`` or ``e2e`` for a test in ``path`` using ``fixtures``."""
    relative = path.relative_to(TESTS)
    folder = relative.parts[0] if len(relative.parts) > 1 else ""
    if folder in E2E_FOLDERS or relative.as_posix() in E2E_FILES:
        return "e2e"
    if (
        folder in ENGINE_FOLDERS
        or relative.as_posix() in ENGINE_FILES
        or fixtures & ENGINE_FIXTURES
    ):
        return "engine"
    return "unit"


#: Under pytest-xdist, files of these folders are handed out first: they hold the longest
#: files (stacks, Prometheus, the soak), and a long file taken last would run alone at the end.
FIRST_UNDER_XDIST = ("e2e", "bench")
#: Long files of other folders, handed out first too (each over half a minute).
FIRST_FILES_UNDER_XDIST = frozenset({"api/test_fuzz.py", "hub/test_cli_api_workers.py"})


def distributed(config: pytest.Config) -> bool:
    """True in a pytest-xdist worker (``pytest -n N``; the workers collect, not the controller)."""
    return hasattr(config, "workerinput")


def handed_out_first(path: Path) -> bool:
    relative = path.relative_to(TESTS)
    return relative.parts[0] in FIRST_UNDER_XDIST or relative.as_posix() in FIRST_FILES_UNDER_XDIST


def unique_node_id(item: pytest.Item) -> None:
    """Give an item its own node id when it shares its function's: schemathesis names each
    operation's test ``test_x[GET /path]`` but, under pytest 9, leaves every one the node id
    ``...::test_x``. pytest-xdist schedules by node id, and ran one of them only."""
    assert item.parent is not None
    own = f"{item.parent.nodeid}::{item.name}"
    if item.nodeid != own:
        item._id = type(item._id).parse(own)  # pytest's structured id, from the string


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        item.add_marker(kind_of(Path(str(item.path)), fixtures))
        unique_node_id(item)
    if distributed(config):
        # A stable sort: each file's tests keep their order (the same in every worker).
        items.sort(key=lambda item: not handed_out_first(Path(str(item.path))))
