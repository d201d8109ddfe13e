"""The server's floor: one step driven by raw gRPC polls, with no SDK worker involved.

A step of a sequential pipeline is: the workflow task completes with a
"schedule activity" command → the activity reaches a poller → the activity
completes → the next workflow task reaches a poller. Here both polls are already
outstanding (raw ``Poll*TaskQueue`` calls through the client's service stub)
when the task is created, so what is measured is the dev server's own work plus
one loopback gRPC hop per call. An SDK step slower than this is time spent, or
waited, on the worker side.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from typing import Any

from google.protobuf.duration_pb2 import Duration
from temporalio.api.command.v1 import (
    Command,
    CompleteWorkflowExecutionCommandAttributes,
    ScheduleActivityTaskCommandAttributes,
)
from temporalio.api.common.v1 import ActivityType
from temporalio.api.enums.v1 import CommandType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import (
    PollActivityTaskQueueRequest,
    PollActivityTaskQueueResponse,
    PollWorkflowTaskQueueRequest,
    PollWorkflowTaskQueueResponse,
    RespondActivityTaskCompletedRequest,
    RespondWorkflowTaskCompletedRequest,
)
from temporalio.client import Client

IDENTITY = "bench-raw-poller"
#: Lets the long poll reach the server and park before the task is created.
POLL_SETTLE_SECONDS = 0.2


def _since(began: float) -> float:
    return (time.perf_counter() - began) * 1000.0


async def raw_step_latency(client: Client, rounds: int) -> dict[str, Any]:
    """``rounds`` one-step workflows driven by raw polls; p50s in ms."""
    service = client.workflow_service
    namespace = client.namespace
    to_activity: list[float] = []
    to_next_task: list[float] = []

    def poll_workflow(queue: str) -> asyncio.Task[PollWorkflowTaskQueueResponse]:
        request = PollWorkflowTaskQueueRequest(
            namespace=namespace, task_queue=TaskQueue(name=queue), identity=IDENTITY
        )
        return asyncio.create_task(service.poll_workflow_task_queue(request))

    def poll_activity(queue: str) -> asyncio.Task[PollActivityTaskQueueResponse]:
        request = PollActivityTaskQueueRequest(
            namespace=namespace, task_queue=TaskQueue(name=queue), identity=IDENTITY
        )
        return asyncio.create_task(service.poll_activity_task_queue(request))

    for _ in range(rounds):
        queue = f"bench-raw-{uuid.uuid4().hex[:10]}"
        activity_queue = f"{queue}-agent"
        workflow_poll, activity_poll = poll_workflow(queue), poll_activity(activity_queue)
        await asyncio.sleep(POLL_SETTLE_SECONDS)
        await client.start_workflow("BenchRawWorkflow", id=queue, task_queue=queue)
        first_task = await workflow_poll

        workflow_poll = poll_workflow(queue)
        await asyncio.sleep(POLL_SETTLE_SECONDS)
        schedule = Command(
            command_type=CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
            schedule_activity_task_command_attributes=ScheduleActivityTaskCommandAttributes(
                activity_id="s1",
                activity_type=ActivityType(name="noop"),
                task_queue=TaskQueue(name=activity_queue),
                start_to_close_timeout=Duration(seconds=30),
            ),
        )
        began = time.perf_counter()
        await service.respond_workflow_task_completed(
            RespondWorkflowTaskCompletedRequest(
                namespace=namespace,
                task_token=first_task.task_token,
                commands=[schedule],
                identity=IDENTITY,
            )
        )
        activity_task = await activity_poll
        to_activity.append(_since(began))

        began = time.perf_counter()
        await service.respond_activity_task_completed(
            RespondActivityTaskCompletedRequest(
                namespace=namespace, task_token=activity_task.task_token, identity=IDENTITY
            )
        )
        next_task = await workflow_poll
        to_next_task.append(_since(began))

        complete = Command(
            command_type=CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
            complete_workflow_execution_command_attributes=(
                CompleteWorkflowExecutionCommandAttributes()
            ),
        )
        await service.respond_workflow_task_completed(
            RespondWorkflowTaskCompletedRequest(
                namespace=namespace,
                task_token=next_task.task_token,
                commands=[complete],
                identity=IDENTITY,
            )
        )
    step = [a + b for a, b in zip(to_activity, to_next_task, strict=True)]
    return {
        "rounds": rounds,
        "workflow_task_completed_to_activity_polled_ms_p50": statistics.median(to_activity),
        "activity_completed_to_next_workflow_task_polled_ms_p50": statistics.median(to_next_task),
        "step_ms_p50": statistics.median(step),
    }
