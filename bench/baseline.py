"""The baseline: a bare Temporal workflow calling the same no-op service, one activity per step.

Deliberately minimal and stock: the default sandbox, no search attributes, no
progress bookkeeping, a plain ``execute_activity`` per step on the activity's own
task queue (as our per-agent design has it), and an activity that POSTs a small
JSON body with a shared HTTP client. Whatever our engine adds on top shows up as
the ratio against this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    # Passed through: a stdlib-only module, imported once rather than per run.
    import json

BASELINE_WORKFLOW = "BenchBaselineWorkflow"
BASELINE_ACTIVITY = "bench_baseline_call"
BASELINE_WORKFLOW_QUEUE = "bench-baseline"
BASELINE_ACTIVITY_QUEUE = "bench-baseline-agent"


@dataclass
class BaselineInput:
    steps: int
    activity_queue: str = BASELINE_ACTIVITY_QUEUE


@dataclass
class BaselineResult:
    agent_ms: float


@dataclass
class CallInput:
    step: int
    value: int


@dataclass
class CallResult:
    value: int
    agent_ms: float


@workflow.defn(name=BASELINE_WORKFLOW)
class BaselineWorkflow:
    """``steps`` sequential activities, each fed the previous one's value."""

    @workflow.run
    async def run(self, input: BaselineInput) -> BaselineResult:
        value = 0
        agent_ms = 0.0
        for step in range(input.steps):
            result = await workflow.execute_activity(
                BASELINE_ACTIVITY,
                CallInput(step=step, value=value),
                result_type=CallResult,
                task_queue=input.activity_queue,
                start_to_close_timeout=timedelta(seconds=300),
            )
            value = result.value
            agent_ms += result.agent_ms
        return BaselineResult(agent_ms=agent_ms)


class BaselineActivities:
    """The baseline's one activity; the HTTP client and URL come from the bench."""

    def __init__(self, http: object, invoke_url: str) -> None:
        # ``http`` is the workers' agent client (``activities.agent_calls.AgentHttpClient``,
        # the one our engine uses too, so the comparison isolates orchestration); typed
        # loosely so this module (which the workflow sandbox re-imports) does not import it.
        self._http = http
        self._url = invoke_url

    @activity.defn(name=BASELINE_ACTIVITY)
    async def call(self, input: CallInput) -> CallResult:
        """POST one step to the no-op service and return what it answered."""
        body = json.dumps({"step_id": str(input.step), "inputs": {"value": input.value + 1}})
        response = await self._http.post(  # type: ignore[attr-defined]
            self._url, content=body, headers={"content-type": "application/json"}
        )
        if response.status_code != 200:
            raise RuntimeError(f"the no-op agent answered {response.status_code}")
        answer = response.json()
        return CallResult(
            value=int(answer["outputs"]["value"]),
            agent_ms=float(answer["usage"]["latency_ms"]),
        )
