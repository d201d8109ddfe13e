"""OrchestrationWorkflow on a real Temporal dev server with real workers and a real HTTP agent."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.harness import running_engine
from tests.engine_support.plans import agent, from_step, plan, step, trigger, unique_agent_type


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
