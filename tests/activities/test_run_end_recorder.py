"""The orchestrator worker writes a run's end as the workflow task that ends it completes.

Runs the hub starts (``RunInput.worker_records_end``) run no ``record_run`` local
activity for their end: the worker's runner writes it before the completion goes back to
Temporal, so the row is right as soon as ``result()`` returns. A replay (a query on the
closed run) writes nothing again. The failure's text is the workflow's own
``failure_message`` of it, for any chain of causes (Hypothesis).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, select
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.client import Client, WorkflowFailureError
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.run_records import FAILED_WITHOUT_WORDS, run_end
from schemas.run_records import RECORD_RUN_ACTIVITY
from schemas.workflow_contract import failure_message
from storage.artifacts import LocalArtifactStore
from storage.models import Run
from tests.engine_support.agent_service import AgentService
from tests.engine_support.harness import (
    ending_plans,
    history_text,
    hub_database_with_app,
    recording_orchestrator,
    start_as_the_api,
)
from workers.builders import build_agent_worker, run_workers


async def test_each_end_is_on_the_row_when_the_result_is_out_and_no_replay_rewrites_it(
    temporal_env: Any, agent_service: AgentService, tmp_path: Path
) -> None:
    client: Client = temporal_env.client
    queue = f"hub-orchestrator-ends-{uuid.uuid4().hex[:12]}"
    hub = hub_database_with_app(tmp_path, "ends")
    ok, broken, plans = ending_plans(agent_service, hub.app_id)

    def row(run_id: str) -> tuple[Any, ...]:
        with hub.engine.connect() as conn:
            found = conn.execute(
                select(Run.status, Run.ended_at, Run.error, Run.temporal_run_id).where(
                    Run.id == run_id
                )
            ).one()
        return tuple(found)

    async with build_agent_http_client() as agents_http:
        activities = AgentActivities(
            agents_http, agent_service.url_for, LocalArtifactStore(tmp_path / "a"), 65536
        )
        workers = [
            recording_orchestrator(client, hub.sessions, queue),
            build_agent_worker(client, ok, activities),
            build_agent_worker(client, broken, activities),
        ]
        stop = asyncio.Event()
        runner = asyncio.create_task(run_workers(workers, stop))
        try:
            completed = await start_as_the_api(client, hub, queue, plans["ok"])
            await completed.result()
            status, ended_at, error, temporal_run_id = row(completed.id)
            assert (status, error) == ("completed", None)
            assert temporal_run_id == completed.result_run_id
            description = await completed.describe()
            assert description.close_time is not None
            assert abs((description.close_time - ended_at).total_seconds()) < 60

            failed = await start_as_the_api(client, hub, queue, plans["broken"])
            try:
                await failed.result()
                raise AssertionError("the broken run completed")
            except WorkflowFailureError as err:
                expected_error = failure_message(err)
            assert "no document" in expected_error
            assert row(failed.id)[0::2] == ("failed", expected_error)

            canceled = await start_as_the_api(client, hub, queue, plans["wait"])
            await canceled.cancel()
            with contextlib.suppress(WorkflowFailureError):
                await canceled.result()
            assert row(canceled.id)[0::2] == ("canceled", "canceled")

            # No record_run in any of their histories: the worker wrote the ends.
            for handle in (completed, failed, canceled):
                assert RECORD_RUN_ACTIVITY not in await history_text(handle)

            # A query on a closed run replays its whole history: nothing is written.
            before = row(completed.id)
            writes: list[str] = []
            event.listen(hub.engine, "commit", lambda _c: writes.append("commit"))
            progress = await completed.query("progress")
            assert progress["app_id"] == hub.app_id
            assert writes == []
            assert row(completed.id) == before
        finally:
            stop.set()
            await runner


# ----------------------------------------------------------- the failure's text

_messages = st.text(st.characters(codec="utf-8"), max_size=40)


def _failed_end(error: BaseException, noise: int) -> Any:
    """What ``run_end`` makes of a task that fails the run with ``error`` after
    ``noise`` other commands."""
    converter = DataConverter.default
    completion = WorkflowActivationCompletion(run_id="r")
    for _ in range(noise):
        completion.successful.commands.add().start_timer.seq = 1
    failure = completion.successful.commands.add().fail_workflow_execution.failure
    converter.failure_converter.to_failure(error, converter.payload_converter, failure)
    act = WorkflowActivation(run_id="temporal-run")
    act.timestamp.FromDatetime(datetime(2026, 12, 7, 23, 0, tzinfo=UTC))
    return run_end("run-1", act, completion)


def _chain(messages: list[str]) -> BaseException:
    """``ApplicationError`` s caused by one another; the last message is the innermost."""
    error: BaseException | None = None
    for message in reversed(messages):
        outer = ApplicationError(message, type="Hub", non_retryable=True)
        outer.__cause__ = error
        error = outer
    assert error is not None
    return error


@given(
    messages=st.lists(_messages, min_size=1, max_size=5).filter(any),
    noise=st.integers(0, 3),
)
def test_a_failed_end_says_the_workflows_own_failure_message(
    messages: list[str], noise: int
) -> None:
    """Any chain of causes with words in it, behind any other commands: the text is
    ``failure_message``'s of the chain the workflow raised."""
    error = _chain(messages)

    end = _failed_end(error, noise)

    assert end is not None
    assert (end.run_id, end.temporal_run_id, end.status) == ("run-1", "temporal-run", "failed")
    assert end.error == failure_message(error)
    assert end.ended_at == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)


@given(depth=st.integers(1, 4))
def test_a_failure_without_words_is_recorded_as_such(depth: int) -> None:
    """No message anywhere in the chain: a sentence that says so, never an empty text."""
    end = _failed_end(_chain([""] * depth), 0)
    assert end is not None
    assert end.error == FAILED_WITHOUT_WORDS


@given(noise=st.integers(0, 4))
def test_a_task_that_does_not_end_the_run_records_nothing(noise: int) -> None:
    completion = WorkflowActivationCompletion(run_id="r")
    for _ in range(noise):
        completion.successful.commands.add().start_timer.seq = 1
    assert run_end("run-1", WorkflowActivation(run_id="temporal-run"), completion) is None
