"""Regenerate the saved histories that tests/workflows/test_replay.py replays.

Run after an intentional, versioned change of the workflow:

    .venv/bin/python -m tests.workflows.make_histories

It starts a dev server, the test agent service and real workers, runs the
representative scenarios below and writes one JSON history per scenario.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from schemas.orchestration import PlanLimits
from schemas.runs import ApprovalDecision, RunProgress
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.fixtures import temporal_cli_path
from tests.engine_support.harness import running_engine, wait_until
from tests.engine_support.plans import (
    agent,
    approval_step,
    condition,
    foreach,
    from_step,
    plan,
    step,
    trigger,
)
from workflows.search_attributes import hub_search_attribute_keys

HISTORIES = Path(__file__).parent / "histories"
# Fixed agent types so regenerated histories differ only where the workflow changed.
ECHO, FLAKY = "replay-echo", "replay-flaky"


async def record(client: Client, agents: AgentService, root: Path) -> dict[str, str]:
    """Run each scenario to completion and return name → history JSON."""
    agents.configure(ECHO)
    agents.configure(FLAKY, Behaviour(fail_times=1, fail_retry_after="0"))
    agents_in_plan = [agent("agent-e", ECHO), agent("agent-f", FLAKY)]
    scenarios = {
        "dag_when_foreach": plan(
            agents_in_plan,
            [
                step("extract", "agent-e", inputs=[trigger("docs")], outputs=["data"]),
                step("flaky", "agent-f", inputs=[trigger("docs")], outputs=["checked"]),
                step(
                    "each",
                    "agent-e",
                    inputs=[trigger("docs")],
                    outputs=["summary"],
                    foreach=foreach(trigger("docs"), max_concurrency=2),
                    depends_on=["extract"],
                ),
                step(
                    "skipped",
                    "agent-e",
                    inputs=[from_step("extract", "data")],
                    when=condition("inputs.big == true"),
                ),
                step(
                    "join",
                    "agent-e",
                    inputs=[from_step("each", "summary"), from_step("flaky", "checked")],
                ),
            ],
            limits=PlanLimits(max_parallel_steps=3, max_tokens=100000),
        ),
        "approval": plan(
            agents_in_plan,
            [
                step("analyze", "agent-e", inputs=[trigger("docs")], outputs=["analysis"]),
                approval_step(
                    "sign_off",
                    depends_on=["analyze"],
                    input_schema={"type": "object", "required": ["limit"]},
                ),
                step("report", "agent-e", inputs=[from_step("sign_off", "limit")]),
            ],
        ),
    }
    histories: dict[str, str] = {}
    async with running_engine(client, agents, root, [ECHO, FLAKY]) as engine:
        for name, the_plan in scenarios.items():
            handle = await engine.start(
                the_plan, {"docs": ["a", "b", "c"], "big": False}, workflow_id=f"replay-{name}"
            )
            if name == "approval":

                async def waiting(h=handle) -> bool:  # noqa: ANN001
                    progress = await h.query("progress", result_type=RunProgress)
                    return any(s.state == "waiting_approval" for s in progress.steps)

                await wait_until(waiting, what="the approval gate")
                await handle.execute_update(
                    "approve", ApprovalDecision(step_id="sign_off", payload={"limit": 10})
                )
            await handle.result()
            histories[name] = (await handle.fetch_history()).to_json()
    return histories


async def main() -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli_path(),
        data_converter=pydantic_data_converter,
        search_attributes=list(hub_search_attribute_keys().values()),
    )
    agents = AgentService()
    agents.start()
    try:
        with tempfile.TemporaryDirectory() as root:
            histories = await record(env.client, agents, Path(root))
    finally:
        agents.stop()
        await env.shutdown()
    HISTORIES.mkdir(exist_ok=True)
    for name, text in histories.items():
        (HISTORIES / f"{name}.json").write_text(text)


if __name__ == "__main__":
    asyncio.run(main())
