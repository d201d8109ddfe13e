"""The embedded dev server's visibility table without the indexes the hub never queries
(``hub.stack.prune_visibility_indexes``): what is kept, that every listing still answers
(on kept and dropped columns, for open and closed runs), and that a restart on the same
file keeps it that way."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from hub.stack import PRUNED_VISIBILITY_INDEXES, prune_visibility_indexes
from tests.e2e.processes import (
    KEPT_VISIBILITY_INDEXES,
    TemporalDevServer,
    started_dev_server,
    visibility_indexes,
)
from workers.temporal_client import connect

APP_ID = SearchAttributeKey.for_keyword("AppId")
AGENT_TYPES = SearchAttributeKey.for_keyword_list("AgentTypes")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[TemporalDevServer]:
    with started_dev_server(tmp_path) as temporal:
        yield temporal


async def listed(client: Client, query: str, workflow_id: str) -> bool:
    """Whether ``query`` lists ``workflow_id`` within 10 s (visibility lags the history)."""
    for _ in range(100):
        if any([e.id == workflow_id async for e in client.list_workflows(query)]):
            return True
        await asyncio.sleep(0.1)
    return False


async def test_only_the_unqueried_indexes_are_dropped_and_every_listing_still_answers(
    server: TemporalDevServer,
) -> None:
    indexes = visibility_indexes(server.db_file)
    dropped = [n for n in indexes if any(fnmatch(n, p) for p in PRUNED_VISIBILITY_INDEXES)]
    assert dropped == [], f"left in place: {dropped}"
    assert indexes >= KEPT_VISIBILITY_INDEXES, f"missing: {KEPT_VISIBILITY_INDEXES - indexes}"

    client = await connect(server.address)
    app_id, workflow_id = f"app-{uuid.uuid4().hex[:8]}", f"run-{uuid.uuid4().hex[:8]}"
    handle = await client.start_workflow(
        "NobodyRunsThis",
        id=workflow_id,
        task_queue="no-worker",
        search_attributes=TypedSearchAttributes(
            [SearchAttributePair(APP_ID, app_id), SearchAttributePair(AGENT_TYPES, ["mapper"])]
        ),
    )
    assert await listed(client, f'AppId = "{app_id}" AND ExecutionStatus = "Running"', workflow_id)
    assert await listed(client, 'AgentTypes = "mapper"', workflow_id)
    await handle.terminate("test")
    # The close rewrites the row: kept and dropped columns both still find it.
    closed = f'AppId = "{app_id}" AND ExecutionStatus = "Terminated"'
    assert await listed(client, closed, workflow_id)
    assert await listed(client, "HistoryLength >= 2", workflow_id)
    by_type = f'WorkflowType = "NobodyRunsThis" AND AppId = "{app_id}"'
    assert await listed(client, by_type, workflow_id)

    # Restarted on the same file: nothing to drop again, the old run is still listed.
    server.stop()
    server.start()
    assert prune_visibility_indexes(server.db_file) == []
    assert visibility_indexes(server.db_file) == indexes
    client = await connect(server.address)
    assert await listed(client, f'AppId = "{app_id}"', workflow_id)
