"""OrchestrationWorkflow on a real Temporal dev server with real workers and a real HTTP agent."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from schemas.orchestration import ExecutionPlan, PlanLimits
from schemas.runs import RunResult
from schemas.workflow_contract import AGENT_TYPES_KEY, APP_ID_KEY, APP_VERSION_KEY, HUB_RUN_ID_KEY
from tests.engine_support.agent_service import AgentService, Behaviour, CallRecord
from tests.engine_support.harness import running_engine
from tests.engine_support.plans import (
    agent,
    condition,
    foreach,
    from_step,
    plan,
    step,
    trigger,
    unique_agent_type,
)
from workflows.search_attributes import run_search_attributes


async def test_sequential_steps_pass_outputs_along(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    extractor, summarizer = unique_agent_type("extract"), unique_agent_type("summ")
    agent_service.configure(extractor)
    agent_service.configure(summarizer)
    the_plan = plan(
        [agent("agent-1", extractor), agent("agent-2", summarizer)],
        [
            step("1", "agent-1", inputs=[trigger("document")], outputs=["extracted_data"]),
            step("2", "agent-2", inputs=[from_step("1", "extracted_data")], outputs=["report"]),
        ],
    )
    async with running_engine(
        temporal_env.client, agent_service, tmp_path, [extractor, summarizer]
    ) as engine:
        handle = await engine.start(the_plan, {"document": "loan memo"})
        result = await handle.result()

    assert result.outputs["1"] == {"extracted_data": {"document": "loan memo"}}
    assert result.outputs["2"] == {"report": {"extracted_data": {"document": "loan memo"}}}
    assert [s.state for s in result.steps] == ["completed", "completed"]
    assert result.total_tokens == 40
    first, second = agent_service.calls_of(extractor)[0], agent_service.calls_of(summarizer)[0]
    assert first.ended is not None and first.ended <= second.started
    assert first.idempotency_key == f"{handle.id}/1"
    assert first.run_id == handle.id


async def test_independent_steps_run_in_parallel(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    slow = unique_agent_type("slow")
    agent_service.configure(slow, Behaviour(sleep_seconds=1.0))
    the_plan = plan(
        [agent("agent-a", slow)],
        [
            step("a", "agent-a", inputs=[trigger("x")], outputs=["a_out"]),
            step("b", "agent-a", inputs=[trigger("x")], outputs=["b_out"]),
            step("c", "agent-a", inputs=[from_step("a", "a_out"), from_step("b", "b_out")]),
        ],
    )
    async with running_engine(temporal_env.client, agent_service, tmp_path, [slow]) as engine:
        result = await (await engine.start(the_plan, {"x": 1})).result()

    calls = {c.step_id: c for c in agent_service.calls_of(slow)}
    a, b, c = calls["a"], calls["b"], calls["c"]
    assert a.ended and b.ended
    # Overlap proof: each of a and b started before the other ended.
    assert a.started < b.ended and b.started < a.ended
    assert c.started >= max(a.ended, b.ended)
    assert result.outputs["c"] == {"a_out": {"x": 1}, "b_out": {"x": 1}}


async def test_max_parallel_steps_serialises_independent_steps(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    slow = unique_agent_type("slow")
    agent_service.configure(slow, Behaviour(sleep_seconds=0.3))
    the_plan = plan(
        [agent("agent-a", slow)],
        [step(s, "agent-a", inputs=[trigger("x")]) for s in ("a", "b", "c")],
        limits=PlanLimits(max_parallel_steps=1),
    )
    async with running_engine(temporal_env.client, agent_service, tmp_path, [slow]) as engine:
        await (await engine.start(the_plan, {"x": 1})).result()

    assert max_in_flight(agent_service.calls_of(slow)) == 1


def max_in_flight(calls: list[CallRecord]) -> int:
    """The most calls that were running at the same moment."""
    edges = sorted([(c.started, 1) for c in calls] + [(c.ended or 0.0, -1) for c in calls])
    peak = current = 0
    for _moment, delta in edges:
        current += delta
        peak = max(peak, current)
    return peak


@pytest.mark.parametrize("go", [True, False])
async def test_when_runs_or_skips_the_step_and_its_dependents(
    go: bool, temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    echo = unique_agent_type()
    agent_service.configure(echo)
    the_plan = plan(
        [agent("agent-e", echo)],
        [
            step("check", "agent-e", inputs=[trigger("amount")], outputs=["checked"]),
            step(
                "review",
                "agent-e",
                inputs=[from_step("check", "checked")],
                outputs=["reviewed"],
                when=condition("steps.check.checked.amount > 1000"),
            ),
            step("after", "agent-e", inputs=[from_step("review", "reviewed")]),
        ],
    )
    async with running_engine(temporal_env.client, agent_service, tmp_path, [echo]) as engine:
        result = await (await engine.start(the_plan, {"amount": 5000 if go else 10})).result()

    states = {s.step_id: s.state for s in result.steps}
    if go:
        assert states == {"check": "completed", "review": "completed", "after": "completed"}
    else:
        assert states == {"check": "completed", "review": "skipped", "after": "skipped"}
        assert sorted(c.step_id for c in agent_service.calls_of(echo)) == ["check"]
        assert "review" not in result.outputs


async def test_foreach_respects_max_concurrency_and_keeps_item_order(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    worker_type = unique_agent_type("item")
    agent_service.configure(worker_type, Behaviour(sleep_seconds=0.3))
    items = [f"doc-{i}" for i in range(6)]
    the_plan = plan(
        [agent("agent-i", worker_type)],
        [
            step(
                "each",
                "agent-i",
                inputs=[trigger("docs"), trigger("mode")],
                outputs=["summary"],
                foreach=foreach(trigger("docs"), max_concurrency=2),
            )
        ],
    )
    async with running_engine(
        temporal_env.client, agent_service, tmp_path, [worker_type]
    ) as engine:
        handle = await engine.start(the_plan, {"docs": items, "mode": "short"})
        result = await handle.result()

    calls = agent_service.calls_of(worker_type)
    assert len(calls) == 6
    assert max_in_flight(calls) == 2
    assert result.outputs["each"]["summary"] == [{"docs": d, "mode": "short"} for d in items]
    assert sorted(c.idempotency_key for c in calls) == sorted(
        f"{handle.id}/each/{i}" for i in range(6)
    )
    progress = result.steps[0]
    assert (progress.items_total, progress.items_done, progress.attempts) == (6, 6, 6)


@pytest.mark.parametrize("on_error", ["continue", "fail"])
async def test_on_error(
    on_error: str, temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    broken, echo = unique_agent_type("broken"), unique_agent_type()
    agent_service.configure(
        broken, Behaviour(error_status=422, error_detail="field 'x' is not a number")
    )
    agent_service.configure(echo)
    the_plan = plan(
        [agent("agent-b", broken), agent("agent-e", echo)],
        [
            step("flaky", "agent-b", inputs=[trigger("x")], outputs=["y"], on_error=on_error),
            step("uses_flaky", "agent-e", inputs=[from_step("flaky", "y")]),
            step("independent", "agent-e", inputs=[trigger("x")]),
        ],
    )
    async with running_engine(
        temporal_env.client, agent_service, tmp_path, [broken, echo]
    ) as engine:
        handle = await engine.start(the_plan, {"x": "abc"})
        if on_error == "continue":
            result = await handle.result()
            states = {s.step_id: s.state for s in result.steps}
            assert states == {
                "flaky": "failed",
                "uses_flaky": "skipped",
                "independent": "completed",
            }
            failed = next(s for s in result.steps if s.step_id == "flaky")
            assert failed.error and "field 'x' is not a number" in failed.error
            assert failed.attempts == 1
        else:
            with pytest.raises(WorkflowFailureError) as caught:
                await handle.result()
            message = str(caught.value.cause)
            assert "step 'flaky' failed" in message
            assert "field 'x' is not a number" in message
    assert len(agent_service.calls_of(broken)) == 1


async def test_limits_exceeded_fail_the_run_naming_the_limit(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    echo = unique_agent_type()
    agent_service.configure(echo, Behaviour(tokens=10, cost_usd=0.5))
    steps = [
        step("1", "agent-e", inputs=[trigger("x")], outputs=["o1"]),
        step("2", "agent-e", inputs=[from_step("1", "o1")], outputs=["o2"]),
        step("3", "agent-e", inputs=[from_step("2", "o2")]),
    ]
    cases = {
        "max_steps": PlanLimits(max_steps=2),
        "max_tokens": PlanLimits(max_tokens=15),
        "max_cost_usd": PlanLimits(max_cost_usd=0.6),
    }
    run_of: dict[str, str] = {}
    async with running_engine(temporal_env.client, agent_service, tmp_path, [echo]) as engine:
        for limit_name, limits in cases.items():
            handle = await engine.start(
                plan([agent("agent-e", echo)], steps, limits=limits), {"x": 1}
            )
            run_of[limit_name] = handle.id
            with pytest.raises(WorkflowFailureError) as caught:
                await handle.result()
            cause = caught.value.cause
            assert isinstance(cause, ApplicationError)
            assert cause.type == "LimitExceeded"
            assert f"run limit {limit_name}=" in cause.message
    calls_per_run: dict[str, int] = {}
    for call in agent_service.calls_of(echo):
        calls_per_run[call.run_id] = calls_per_run.get(call.run_id, 0) + 1
    # Each call uses 20 tokens and $0.50: max_steps stops before the third call, the
    # budgets right after the call that overran them.
    assert {name: calls_per_run[run_id] for name, run_id in run_of.items()} == {
        "max_steps": 2,
        "max_tokens": 1,
        "max_cost_usd": 2,
    }


async def test_run_started_with_only_app_id_loads_the_deployed_plan(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    echo = unique_agent_type()
    agent_service.configure(echo)
    deployed = plan(
        [agent("agent-e", echo)],
        [step("1", "agent-e", inputs=[trigger("document")], outputs=["extracted"])],
        app_id="app-deployed",
        app_version="2.1.0",
    )
    loaded: list[str] = []

    async def load(app_id: str) -> ExecutionPlan | None:
        loaded.append(app_id)
        return deployed if app_id == "app-deployed" else None

    async with running_engine(
        temporal_env.client, agent_service, tmp_path, [echo], load_deployed_plan=load
    ) as engine:
        # Exactly what `temporal workflow start --input '{"app_id": ..., "inputs": ...}'` sends.
        handle = await engine.client.start_workflow(
            "OrchestrationWorkflow",
            {"app_id": "app-deployed", "inputs": {"document": "memo"}},
            id=f"run-cli-{uuid.uuid4().hex[:8]}",
            task_queue=engine.task_queue,
            result_type=RunResult,
        )
        result = await handle.result()
        missing = await engine.start(None, {"document": "memo"}, app_id="app-draft")
        with pytest.raises(WorkflowFailureError) as caught:
            await missing.result()

    assert result.app_version == "2.1.0"
    assert result.outputs["1"] == {"extracted": {"document": "memo"}}
    assert (
        "app app-draft has no deployed release; deploy it with POST /apps/app-draft/deploy"
        in str(caught.value.cause)
    )
    assert loaded == ["app-deployed", "app-draft"]
    described = await handle.describe()
    attributes = described.typed_search_attributes
    assert attributes.get(APP_ID_KEY) == "app-deployed"
    assert attributes.get(APP_VERSION_KEY) == "2.1.0"
    assert attributes.get(HUB_RUN_ID_KEY) == handle.id
    assert attributes.get(AGENT_TYPES_KEY) == [deployed.agents[a].type for a in deployed.agents]
    assert await upserts_in_history(handle) == 1


async def upserts_in_history(handle: WorkflowHandle[Any, Any]) -> int:
    """Upserts of the hub's search attributes. (The SDK records each ``workflow.patched``
    id in ``TemporalChangeVersion`` with an upsert of its own, in the same workflow task:
    one per run since the run records, never counted here.)"""
    history = await handle.fetch_history()
    upserts = [
        set(
            event.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        )
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    ]
    assert upserts.count({"TemporalChangeVersion"}) == 1, upserts
    return sum(1 for fields in upserts if fields != {"TemporalChangeVersion"})


async def test_a_run_started_with_its_search_attributes_upserts_none(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    echo = unique_agent_type("echo")
    agent_service.configure(echo)
    the_plan = plan([agent("a", echo)], [step("1", "a", inputs=[trigger("x")])])
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    async with running_engine(temporal_env.client, agent_service, tmp_path, [echo]) as engine:
        # What the API sets when it starts a run.
        handle = await engine.start(
            the_plan,
            {"x": 1},
            workflow_id=run_id,
            search_attributes=run_search_attributes(the_plan, run_id),
        )
        await handle.result()
    assert await upserts_in_history(handle) == 0
    attributes = (await handle.describe()).typed_search_attributes
    assert attributes.get(HUB_RUN_ID_KEY) == run_id
    assert attributes.get(AGENT_TYPES_KEY) == [echo]


async def test_local_dispatch_runs_on_the_orchestrator_worker(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    local_type = unique_agent_type("local")
    agent_service.configure(local_type)
    the_plan = plan(
        [agent("agent-l", local_type, dispatch="local")],
        [step("1", "agent-l", inputs=[trigger("x")], outputs=["y"])],
    )
    # No agent worker polls agent-<local_type>: only the orchestrator can run the step.
    async with running_engine(
        temporal_env.client, agent_service, tmp_path, [], local_dispatch=True
    ) as engine:
        result = await (await engine.start(the_plan, {"x": 7})).result()
    assert result.outputs["1"] == {"y": {"x": 7}}
    assert len(agent_service.calls_of(local_type)) == 1
