"""``GET /observability/metrics``'s Temporal figures, kept off the request path
(``api/observability/temporal_figures.py``): the same figures Temporal gives, at most
``max_age`` old, read once however many requests wait for them."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from api.app import create_app
from api.config import ApiConfig
from api.observability.service import ObservabilityService, read_metrics
from api.observability.temporal_figures import TemporalFigures
from schemas.names import WORKFLOW_TYPE
from storage.migrations import upgrade
from storage.models import App, Run
from tests.api.observability.test_observability_runs import _serve
from tests.auth_support import admin_headers
from tests.engine_support.harness import wait_until


def _figures(max_age: float) -> tuple[TemporalFigures, list[str]]:
    calls: list[str] = []

    async def sync(_session: Any) -> int:
        calls.append("sync")
        await asyncio.sleep(0.01)
        return 0

    figures = TemporalFigures(
        sync=sync,
        session_factory=lambda: _Nothing(),  # type: ignore[arg-type,return-value]
        max_age_seconds=max_age,
        idle_seconds=0.2,
    )
    return figures, calls


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        return None


async def test_a_figure_is_read_once_for_every_request_within_its_age() -> None:
    figures, calls = _figures(max_age=60)
    reads: list[int] = []

    async def read() -> int:
        reads.append(1)
        await asyncio.sleep(0.01)
        return len(reads)

    # Ten requests at once share one read (and one sync); later ones within the age too.
    answers = await asyncio.gather(*(figures.get("running x", read) for _ in range(10)))
    assert {value for value, _at in answers} == {1} and len(reads) == 1
    await asyncio.gather(*(figures.synced() for _ in range(10)))
    assert calls == ["sync"]
    assert (await figures.get("running x", read))[0] == 1
    # Another key is another figure.
    assert (await figures.get("running y", read))[0] == 2
    await figures.close()


async def test_figures_older_than_their_age_are_read_again_and_kept_fresh_while_used() -> None:
    figures, calls = _figures(max_age=0.1)
    before = datetime.now(UTC).timestamp()
    read_at = await figures.synced()
    assert read_at >= before and calls == ["sync"]
    # Used: the background task re-reads it every max_age / 2 …
    await wait_until(lambda: len(calls) >= 3, what="background re-reads", limit=10)
    # … and a request then finds a figure younger than max_age without waiting.
    assert await figures.synced() >= read_at
    # Not used for idle_seconds: the task stops, and so do the reads.
    await wait_until(
        lambda: figures._refresher is None or figures._refresher.done(),
        what="the background task to stop",
        limit=10,
    )
    settled = len(calls)
    await asyncio.sleep(0.3)
    assert len(calls) == settled
    await figures.close()


async def test_a_failed_read_is_not_served_and_the_next_request_reads_again() -> None:
    figures, _calls = _figures(max_age=60)
    outcomes: list[Any] = [RuntimeError("Temporal unreachable"), 7]

    async def read() -> int:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return int(outcome)

    with pytest.raises(RuntimeError):
        await figures.get("backlog a", read)
    assert (await figures.get("backlog a", read))[0] == 7
    await figures.close()


def _attributes(app_id: str) -> TypedSearchAttributes:
    return TypedSearchAttributes(
        [SearchAttributePair(SearchAttributeKey.for_keyword("AppId"), app_id)]
    )


async def _count(client: Client, app_id: str, status: str) -> int:
    query = (
        f"WorkflowType = '{WORKFLOW_TYPE}' AND AppId = '{app_id}' AND ExecutionStatus = '{status}'"
    )
    return int((await client.count_workflows(query)).count)


async def test_metrics_count_the_listings_running_runs_and_temporals_closes_within_their_age(
    temporal_env: Any, tmp_path: Path
) -> None:
    """Running runs as the runs listing shows them (the ``runs`` table, as the API writes
    a row before it starts a run), closed runs as Temporal's visibility has them; a run
    terminated in Temporal shows within the figures' age (``temporal_read_at`` says how
    old they are), and the figures equal a read made in the request itself."""
    db_url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(db_url)
    client: Client = temporal_env.client
    app_id = f"app-tf{uuid.uuid4().hex[:8]}"
    api = create_app(
        ApiConfig(database_url=db_url, metrics_temporal_max_age_seconds=1.0),
        temporal_connect=lambda: _same(client),
    )
    server, server_task, base = await _serve(api)
    idle_queue = f"idle-{uuid.uuid4().hex[:8]}"  # no worker: the runs stay running
    with api.state.session_factory() as session:
        session.add(App(id=app_id, name="figures"))
        session.commit()
    handles = []
    for _ in range(3):  # as the API starts a run: its row, then the workflow
        run_id = f"run-tf-{uuid.uuid4().hex[:8]}"
        with api.state.session_factory() as session:
            session.add(Run(id=run_id, app_id=app_id, workflow_id=run_id, app_version="1.0.0"))
            session.commit()
        handles.append(
            await client.start_workflow(
                WORKFLOW_TYPE,
                id=run_id,
                task_queue=idle_queue,
                search_attributes=_attributes(app_id),
            )
        )
    # Started in Temporal directly, and no worker has run it: it has no row yet (its
    # workflow records its start when it first runs), so neither the listing nor the
    # metrics show it.
    unrecorded = await client.start_workflow(
        WORKFLOW_TYPE,
        id=f"run-tf-direct-{uuid.uuid4().hex[:8]}",
        task_queue=idle_queue,
        search_attributes=_attributes(app_id),
    )
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60, headers=admin_headers()) as http:

            async def metrics() -> dict[str, Any]:
                answer = await http.get("/observability/metrics", params={"app_id": app_id})
                assert answer.status_code == 200, answer.text
                return dict(answer.json())

            async def listed_running() -> int:
                answer = await http.get(
                    "/observability/runs", params={"app_id": app_id, "status": "running"}
                )
                assert answer.status_code == 200, answer.text
                return len(answer.json()["items"])

            async def visible(running: int, terminated: int) -> bool:
                return (
                    await _count(client, app_id, "Running"),
                    await _count(client, app_id, "Terminated"),
                ) == (running, terminated)

            await wait_until(lambda: visible(4, 0), what="four running runs in visibility")
            first = await metrics()
            assert first["runs_by_status"] == {"running": 3} == {"running": await listed_running()}
            assert first["temporal_read_at"] is not None

            await handles[0].terminate(reason="test")
            await wait_until(lambda: visible(3, 1), what="the termination in visibility")
            seen = datetime.now(UTC)

            async def caught_up() -> bool:
                answer = await metrics()
                read_at = datetime.fromisoformat(answer["temporal_read_at"])
                return read_at > seen

            # At most max_age (1 s) later the figures are read after the termination …
            await wait_until(caught_up, what="figures read after the termination")
            after = await metrics()
            # … and the run is terminated, as Temporal says (synced into the rollups, its
            # row reconciled), the others still running, as the listing shows them.
            assert after["runs_by_status"] == {"running": 2, "terminated": 1}
            assert after["runs_by_status"]["running"] == await listed_running()
            assert await _count(client, app_id, "Terminated") == 1
            assert after["runs_total"] == 3
            # Figures read in the request itself (max age 0) say the same.
            in_request = TemporalFigures(
                sync=lambda session: ObservabilityService(
                    session, api.state.temporal
                ).sync_run_summaries(),
                session_factory=api.state.session_factory,
                max_age_seconds=0,
            )
            direct = await read_metrics(
                api.state.rollup_reader,
                api.state.run_reader,
                in_request,
                api.state.temporal,
                since=None,
                until=None,
                app_id=app_id,
                agent_type=None,
            )
            assert direct.runs_by_status == after["runs_by_status"]
    finally:
        for handle in [*handles[1:], unrecorded]:
            await handle.terminate(reason="test over")
        await api.state.temporal_figures.close()
        server.should_exit = True
        await server_task


async def _same(client: Client) -> Client:
    return client
