"""The workers' event loop: uvloop, as uvicorn gives the API and the agent services."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any

import pytest
import uvloop
from typer.testing import CliRunner

from hub import event_loop
from hub.cli import app as cli


async def loop_type() -> type[asyncio.AbstractEventLoop]:
    return type(asyncio.get_running_loop())


def test_run_runs_the_coroutine_on_uvloop_and_returns_its_result() -> None:
    assert event_loop.run(loop_type()) is uvloop.Loop


def test_without_uvloop_it_falls_back_to_asyncios_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # makes `import uvloop` fail
    assert event_loop.loop_factory() is None
    assert not issubclass(event_loop.run(loop_type()), uvloop.Loop)


@pytest.mark.parametrize(
    "argv",
    [["worker", "orchestrator"], ["worker", "agent", "--type", "mapper"], ["worker", "all"]],
)
def test_every_worker_command_runs_on_the_hubs_loop(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def fake_run(main: Coroutine[Any, Any, Any]) -> None:
        ran.append(main.cr_code.co_name)
        main.close()  # never started: no worker, no Temporal

    monkeypatch.setattr(event_loop, "run", fake_run)
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    assert ran == ["run_worker_processes"]
