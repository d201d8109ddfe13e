"""A Temporal server that listens but is still starting answers ``Frontend is not healthy
yet``; :func:`workers.temporal_client.connect` waits that out instead of failing (CI saw
it fail a test that connected the moment the dev server's port opened)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.client import Client

from tests.e2e.processes import TemporalDevServer, started_dev_server
from workers import temporal_client
from workers.temporal_client import TemporalConnectionError, connect

#: What the SDK raised in CI, connecting to a dev server whose port had just opened.
STARTING = RuntimeError(
    "Failed client connect: `get_system_info` call error after connection: Status { code: "
    'Unavailable, message: "Frontend is not healthy yet", metadata: MetadataMap { headers: '
    '{"content-type": "application/grpc"} }, source: None }'
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemporalDevServer]:
    with started_dev_server(tmp_path_factory.mktemp("starting")) as temporal:
        yield temporal


def starting_for(attempts: int, calls: list[str]) -> Any:
    """``Client.connect`` as a server answers it that is starting for ``attempts`` tries."""
    real = Client.connect

    async def connect_(*args: Any, **kwargs: Any) -> Client:
        calls.append("attempt")
        if len(calls) <= attempts:
            raise STARTING
        return await real(*args, **kwargs)

    return connect_


async def test_a_starting_frontend_is_waited_for(
    server: TemporalDevServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(Client, "connect", starting_for(3, calls))
    client = await connect(server.address)
    assert len(calls) == 4
    # The client it returns works: the server answers a query through it.
    assert (await client.count_workflows()).count == 0


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(starting=st.integers(min_value=0, max_value=8))
def test_however_long_it_starts_within_the_timeout_the_client_comes(
    server: TemporalDevServer, starting: int
) -> None:
    calls: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "connect", starting_for(starting, calls))
        client = asyncio.run(connect(server.address))
    assert len(calls) == starting + 1
    assert client.namespace == "default"


async def test_a_server_that_never_finishes_starting_is_reported(
    server: TemporalDevServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(Client, "connect", starting_for(10_000, calls))
    monkeypatch.setattr(temporal_client, "CONNECT_TIMEOUT_SECONDS", 1.0)
    with pytest.raises(TemporalConnectionError, match="did not answer in 1s .or was still start"):
        await connect(server.address)
    assert len(calls) > 1


async def test_other_failures_still_fail_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    refused = RuntimeError("Failed client connect: transport error: Connection refused")

    async def connect_(*args: Any, **kwargs: Any) -> Client:
        calls.append("attempt")
        raise refused

    monkeypatch.setattr(Client, "connect", connect_)
    with pytest.raises(TemporalConnectionError, match="not reachable"):
        await connect("127.0.0.1:1")
    assert calls == ["attempt"]
