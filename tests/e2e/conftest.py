"""One built-in stack for the e2e modules that only drive it (each makes its own apps)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.builtin_stack import BuiltinStack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltinStack]:
    """The real engine with the built-in agents, started once per session.

    Modules that need a stack of another kind (faults, Prometheus, a crash) define their
    own ``stack`` fixture, which takes precedence in that module.
    """
    started = BuiltinStack(tmp_path_factory.mktemp("builtin-stack")).start()
    try:
        yield started
    finally:
        started.stop()
