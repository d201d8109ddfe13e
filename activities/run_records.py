"""A run's start and end in the hub's ``runs`` table, written by the orchestrator worker.

Two writers, so the runs listing is right as soon as a run's result is:

- :class:`EndRecordingRunner` wraps the worker's workflow runner. When an activation of an
  ``OrchestrationWorkflow`` run (not a replay) completes with the command that ends the
  run (complete, fail or cancel), it writes the end, one ``UPDATE``, before the
  completion goes back to Temporal. The run pays no workflow activation and no local
  activity for it (a local activity cost the worker's process about 4.5 ms of CPU per
  run, bench/README.md). The write runs on the recorder's own thread; the activation
  waits for it at most :data:`END_WAIT_SECONDS`, well inside the SDK's deadlock
  detection, and a slower write lands after the result. A failed write is tried again,
  then left to the visibility reconcile. Runs the hub starts say so in their input
  (``RunInput.worker_records_end``) and run no ``record_run`` for their end.
- The ``record_run`` local activity: a run's start when it has no row yet (started by a
  schedule or the Temporal CLI), and the end of runs started before
  ``worker_records_end`` (their histories hold it). On SQLite an end is written inline,
  on the event loop's thread, on a kept connection that never waits for a lock
  (``busy_timeout=0``) and never checkpoints: no thread hop and no ORM session for the
  one statement. A locked database, a run without a row and every other backend take
  the thread path (``storage.run_listing.record_run``).

A worker without a hub database (a test's engine) records nothing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import temporalio.workflow
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.api.failure.v1 import Failure
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails, WorkflowRunner

from schemas.names import WORKFLOW_TYPE
from schemas.run_records import RECORD_RUN_ACTIVITY, EndStatus, RunEnd, RunRecord
from storage.database import discard_connection, event_loop_sqlite_connection
from storage.run_listing import record_end, record_run

logger = logging.getLogger(__name__)

#: How long an activation that ends a run waits for the end's write (the SDK takes an
#: activation running past 2 s for a deadlock).
END_WAIT_SECONDS = 1.0
#: Pauses between the tries of an end's write that failed.
END_RETRY_PAUSES = (0.2, 0.5, 1.0)
#: A failed run's error when no failure in its chain has a message.
FAILED_WITHOUT_WORDS = "the run failed without a message"


class RunRecords:
    def __init__(self, session_factory: sessionmaker[Session] | None = None) -> None:
        self._sessions = session_factory
        engine = session_factory.kw.get("bind") if session_factory is not None else None
        self._engine = engine if isinstance(engine, Engine) else None
        self._inline_possible = self._engine is not None and self._engine.dialect.name == "sqlite"
        self._inline: Connection | None = None  # the event loop's thread only
        # Made here, not on first use: activations of several runs end on several threads.
        self._ends = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="hub-run-ends"
        )

    # ------------------------------------------------- ends, by the workflow runner

    def workflow_runner(self, runner: WorkflowRunner) -> WorkflowRunner:
        """``runner``, writing the end of every run it completes (none without a database)."""
        if self._engine is None:
            return runner
        return EndRecordingRunner(runner, self)

    def write_end(self, end: RunEnd) -> None:
        """Write ``end`` on the recorder's thread; wait for it at most ``END_WAIT_SECONDS``."""
        written = self._ends.submit(self._write_end, end)
        try:
            written.result(timeout=END_WAIT_SECONDS)
        except concurrent.futures.TimeoutError:
            logger.info("run %s: its end is written after its result", end.run_id)

    def _write_end(self, end: RunEnd) -> None:
        assert self._engine is not None
        for pause in (*END_RETRY_PAUSES, None):
            try:
                with self._engine.begin() as connection:
                    if not record_end(connection, end):
                        logger.debug("run %s has no row: its end is not recorded", end.run_id)
                return
            except Exception as err:
                if pause is None:
                    logger.warning(
                        "run %s: its end could not be recorded in the hub database (%r); "
                        "the visibility reconcile will",
                        end.run_id,
                        err,
                    )
                    return
                time.sleep(pause)

    # ------------------------------------------------- the record_run local activity

    @activity.defn(name=RECORD_RUN_ACTIVITY)
    async def record_run(self, record: RunRecord) -> None:
        if self._sessions is None:
            return
        if record.status != "running" and self._end_inline(record.end(datetime.now(UTC))):
            return
        await asyncio.to_thread(self._write, record)

    def _drop_inline(self) -> None:
        connection, self._inline = self._inline, None
        discard_connection(connection)

    def _end_inline(self, end: RunEnd) -> bool:
        """The end on SQLite, right here; False: leave it to the thread path."""
        if not self._inline_possible:
            return False
        assert self._engine is not None
        try:
            if self._inline is None:
                self._inline = event_loop_sqlite_connection(self._engine)
            written = record_end(self._inline, end)
            self._inline.commit()
        except Exception:
            self._drop_inline()
            return False
        return written

    def _write(self, record: RunRecord) -> None:
        assert self._sessions is not None
        with self._sessions() as session:
            record_run(session, record)


class EndRecordingRunner(WorkflowRunner):
    """A workflow runner whose ``OrchestrationWorkflow`` instances record their end."""

    def __init__(self, runner: WorkflowRunner, records: RunRecords) -> None:
        self._runner = runner
        self._records = records

    def prepare_workflow(self, defn: temporalio.workflow._Definition) -> None:
        self._runner.prepare_workflow(defn)

    def set_worker_level_failure_exception_types(
        self, types: Sequence[type[BaseException]]
    ) -> None:
        self._runner.set_worker_level_failure_exception_types(types)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        instance = self._runner.create_instance(det)
        if det.defn.name != WORKFLOW_TYPE:
            return instance
        return _EndRecordingInstance(instance, det, self._records)


class _EndRecordingInstance(WorkflowInstance):
    def __init__(
        self, instance: WorkflowInstance, det: WorkflowInstanceDetails, records: RunRecords
    ) -> None:
        self._instance = instance
        self._workflow_id = det.info.workflow_id
        self._records = records

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        completion = self._instance.activate(act)
        if not act.is_replaying:
            end = run_end(self._workflow_id, act, completion)
            if end is not None:
                self._records.write_end(end)
        return completion

    def get_serialization_context(self, command_info: Any) -> Any:
        return self._instance.get_serialization_context(command_info)

    def get_external_store_context(self, command_info: Any) -> Any:
        return self._instance.get_external_store_context(command_info)

    def get_info(self) -> temporalio.workflow.Info:
        return self._instance.get_info()

    def get_thread_id(self) -> int | None:
        return self._instance.get_thread_id()


def run_end(
    workflow_id: str, act: WorkflowActivation, completion: WorkflowActivationCompletion
) -> RunEnd | None:
    """The end of run ``workflow_id`` if ``completion`` (of ``act``) ends it: completed,
    canceled, or failed with the failure's innermost message (as ``failure_message``)."""
    status: EndStatus
    error: str | None = None
    for command in completion.successful.commands:
        if command.HasField("complete_workflow_execution"):
            status = "completed"
        elif command.HasField("cancel_workflow_execution"):
            status, error = "canceled", "canceled"
        elif command.HasField("fail_workflow_execution"):
            failure = command.fail_workflow_execution.failure
            status, error = "failed", recorded_failure_message(failure) or FAILED_WITHOUT_WORDS
        else:
            continue
        return RunEnd(
            run_id=workflow_id,
            temporal_run_id=act.run_id,
            status=status,
            ended_at=act.timestamp.ToDatetime(tzinfo=UTC),
            error=error,
        )
    return None


def recorded_failure_message(failure: Failure) -> str | None:
    """The innermost message of a failure as Temporal records it (``None``: it has no
    words): what :func:`~schemas.workflow_contract.failure_message` finds in the
    exception the failure was made from (the same walk, over the recorded form)."""
    message: str | None = None
    current: Failure | None = failure
    while current is not None:
        message = current.message or message
        current = current.cause if current.HasField("cause") else None
    return message
