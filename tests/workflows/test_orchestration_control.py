"""Approvals, cancellation, retries, agent errors and claim-check on a real dev server."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import (
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError, CancelledError
from temporalio.testing import WorkflowEnvironment

from schemas.runs import ApprovalDecision, RunProgress
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.harness import history_text, running_engine, wait_until
from tests.engine_support.plans import (
    agent,
    approval_step,
    from_step,
    plan,
    step,
    trigger,
    unique_agent_type,
)

APPROVAL_SCHEMA = {
    "type": "object",
    "required": ["limit"],
    "properties": {"limit": {"type": "number", "minimum": 0, "maximum": 1000000}},
}


def approval_plan(agent_type: str, **approval: Any):  # noqa: ANN201 - an ExecutionPlan
    return plan(
        [agent("agent-e", agent_type)],
        [
            step("analyze", "agent-e", inputs=[trigger("memo")], outputs=["analysis"]),
            approval_step("sign_off", depends_on=["analyze"], **approval),
            step(
                "report",
                "agent-e",
                inputs=[from_step("analyze", "analysis"), from_step("sign_off", "limit")],
            ),
        ],
    )


async def state_of(handle: WorkflowHandle[Any, Any], step_id: str) -> str:
    progress = await handle.query("progress", result_type=RunProgress)
    return next((s.state for s in progress.steps if s.step_id == step_id), "unknown")


async def wait_for_approval_gate(handle: WorkflowHandle[Any, Any]) -> None:
    async def waiting() -> bool:
        return await state_of(handle, "sign_off") == "waiting_approval"

    await wait_until(waiting, what="the approval gate")


async def test_approval_approved_with_a_valid_payload_continues(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    echo = unique_agent_type()
    agent_service.configure(echo)
    async with running_engine(temporal_env.client, agent_service, tmp_path, [echo]) as engine:
        handle = await engine.start(
            approval_plan(echo, input_schema=APPROVAL_SCHEMA), {"memo": "m"}
        )
        await wait_for_approval_gate(handle)
        answer = await handle.execute_update(
            "approve",
            ApprovalDecision(step_id="sign_off", payload={"limit": 5000}, approver="ana"),
            result_type=dict,
        )
        result = await handle.result()
    assert answer["step_id"] == "sign_off"
    assert result.outputs["sign_off"]["limit"] == 5000
    assert result.outputs["sign_off"]["approver"] == "ana"
    assert result.outputs["report"]["limit"] == 5000
    assert [s.state for s in result.steps] == ["completed", "completed", "completed"]


async def test_approval_rejected_fails_the_run_with_the_reason(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    echo = unique_agent_type()
    agent_service.configure(echo)
    async with running_engine(temporal_env.client, agent_service, tmp_path, [echo]) as engine:
        handle = await engine.start(approval_plan(echo), {"memo": "m"})
        await wait_for_approval_gate(handle)
        await handle.execute_update(
            "approve",
            ApprovalDecision(
                step_id="sign_off", approved=False, comment="exposure too high", approver="bo"
            ),
        )
        with pytest.raises(WorkflowFailureError) as caught:
            await handle.result()
    assert "step 'sign_off' was rejected by bo: exposure too high" in str(caught.value.cause)
    assert [c.step_id for c in agent_service.calls_of(echo)] == ["analyze"]


@pytest.mark.parametrize("on_timeout", ["reject", "approve"])
async def test_approval_timeout(
    on_timeout: str, temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    echo = unique_agent_type()
    agent_service.configure(echo)
    the_plan = approval_plan(echo, timeout_seconds=1.0, on_timeout=on_timeout)
    async with running_engine(temporal_env.client, agent_service, tmp_path, [echo]) as engine:
        handle = await engine.start(the_plan, {"memo": "m"})
        if on_timeout == "reject":
            with pytest.raises(WorkflowFailureError) as caught:
                await handle.result()
            assert "approval of step 'sign_off' timed out after 1.0s" in str(caught.value.cause)
        else:
            # `report` reads `limit`, which an automatic approval does not provide.
            with pytest.raises(WorkflowFailureError) as caught:
                await handle.result()
            assert "needs 'limit' from step 'sign_off'" in str(caught.value.cause)
            progress = await handle.query("progress", result_type=RunProgress)
            assert {s.step_id: s.state for s in progress.steps}["sign_off"] == "completed"


async def test_invalid_approvals_are_rejected_before_reaching_history(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    echo = unique_agent_type()
    agent_service.configure(echo)
    async with running_engine(temporal_env.client, agent_service, tmp_path, [echo]) as engine:
        handle = await engine.start(
            approval_plan(echo, input_schema=APPROVAL_SCHEMA), {"memo": "m"}
        )
        await wait_for_approval_gate(handle)
        bad = {
            "unknown step": ApprovalDecision(step_id="nope", payload={"limit": 1}),
            "not an approval step": ApprovalDecision(step_id="analyze", payload={"limit": 1}),
            "schema violation": ApprovalDecision(
                step_id="sign_off", payload={"limit": "lots-marker"}
            ),
            "missing field": ApprovalDecision(step_id="sign_off", payload={}),
        }
        messages = {}
        for name, decision in bad.items():
            with pytest.raises(WorkflowUpdateFailedError) as caught:
                await handle.execute_update("approve", decision)
            messages[name] = str(caught.value.cause)
        await handle.execute_update(
            "approve", ApprovalDecision(step_id="sign_off", payload={"limit": 1})
        )
        await handle.result()
        history = await history_text(handle)

    assert "is not an approval step" in messages["unknown step"]
    assert "is not an approval step" in messages["not an approval step"]
    assert "/limit: expected number" in messages["schema violation"]
    assert "'limit' is required" in messages["missing field"]
    assert "lots-marker" not in history
    accepted = [
        e
        for e in (await handle.fetch_history()).events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    ]
    assert len(accepted) == 1


async def test_cancel_cancels_the_in_flight_agent_call(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    slow = unique_agent_type("slow")
    agent_service.configure(slow, Behaviour(sleep_seconds=60))
    the_plan = plan(
        [agent("agent-s", slow)],
        [
            step("long", "agent-s", inputs=[trigger("x")], outputs=["y"]),
            step("next", "agent-s", inputs=[from_step("long", "y")]),
        ],
    )
    async with running_engine(temporal_env.client, agent_service, tmp_path, [slow]) as engine:
        handle = await engine.start(the_plan, {"x": 1})
        await wait_until(lambda: bool(agent_service.calls_of(slow)), what="the agent call")
        await handle.cancel()
        with pytest.raises(WorkflowFailureError) as caught:
            await handle.result()
        await wait_until(
            lambda: agent_service.calls_of(slow)[0].disconnected, what="the agent to see the cancel"
        )
        progress = await handle.query("progress", result_type=RunProgress)
    assert isinstance(caught.value.cause, CancelledError)
    assert (await handle.describe()).status == WorkflowExecutionStatus.CANCELED
    assert {s.step_id: s.state for s in progress.steps} == {"long": "canceled", "next": "pending"}
    assert len(agent_service.calls_of(slow)) == 1


async def test_503_twice_then_200_succeeds_on_the_third_attempt(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    flaky = unique_agent_type("flaky")
    agent_service.configure(flaky, Behaviour(fail_times=2, fail_status=503, fail_retry_after="0"))
    the_plan = plan(
        [agent("agent-f", flaky)], [step("1", "agent-f", inputs=[trigger("x")], outputs=["y"])]
    )
    async with running_engine(temporal_env.client, agent_service, tmp_path, [flaky]) as engine:
        handle = await engine.start(the_plan, {"x": 1})
        result = await handle.result()
        history = await handle.fetch_history()
    calls = agent_service.calls_of(flaky)
    assert [c.attempt for c in calls] == [1, 2, 3]
    assert agent_service.calls_by_key(flaky) == {f"{handle.id}/1": 3}
    assert result.steps[0].attempts == 3
    started = [
        e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    ]
    assert started == [3]


async def test_400_fails_at_once_with_the_agents_message(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    picky = unique_agent_type("picky")
    agent_service.configure(
        picky, Behaviour(error_status=400, error_detail="input 'document' must be a PDF")
    )
    the_plan = plan([agent("agent-p", picky)], [step("1", "agent-p", inputs=[trigger("document")])])
    async with running_engine(temporal_env.client, agent_service, tmp_path, [picky]) as engine:
        handle = await engine.start(the_plan, {"document": "plain text"})
        with pytest.raises(WorkflowFailureError) as caught:
            await handle.result()
    cause = caught.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "StepFailed"
    assert "input 'document' must be a PDF" in cause.message
    assert len(agent_service.calls_of(picky)) == 1


async def test_documents_and_large_outputs_stay_out_of_history(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    producer, consumer = unique_agent_type("big"), unique_agent_type("reader")
    agent_service.configure(producer, Behaviour(output_bytes=50_000))
    agent_service.configure(consumer)
    document = b"%PDF-1.4 CONFIDENTIAL-CREDIT-MEMO " * 200
    the_plan = plan(
        [agent("agent-b", producer), agent("agent-r", consumer)],
        [
            step("extract", "agent-b", inputs=[trigger("document")], outputs=["data"]),
            step("read", "agent-r", inputs=[from_step("extract", "data")], outputs=["seen"]),
        ],
    )
    async with running_engine(
        temporal_env.client, agent_service, tmp_path, [producer, consumer], inline_max_bytes=4096
    ) as engine:
        ref = engine.artifacts.put(document, "memo.pdf", "application/pdf")
        handle = await engine.start(the_plan, {"document": ref.uri})
        result = await handle.result()
        history = await history_text(handle)

    extract_call = agent_service.calls_of(producer)[0]
    assert extract_call.inputs["document"]["sha256"] == ref.sha256
    assert extract_call.inputs["document"]["filename"] == "memo.pdf"
    # The consumer received the large value itself, re-hydrated from the store.
    read_call = agent_service.calls_of(consumer)[0]
    assert read_call.inputs["data"]["blob"] == "x" * 50_000
    # Only the oversized value was moved out; the small one stays inline.
    data = result.outputs["extract"]["data"]
    assert set(data["blob"]) == {"$artifact"}
    assert data["blob"]["$artifact"].startswith("artifact://art-")
    assert data["document"]["sha256"] == ref.sha256
    assert "CONFIDENTIAL-CREDIT-MEMO" not in history
    assert base64.b64encode(document[:300]).decode()[:100] not in history
    assert "x" * 1000 not in history
    assert ref.uri in history
