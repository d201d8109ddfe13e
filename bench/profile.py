"""Where a step's time goes: event-history timestamps of a few runs, plus HTTP and
serialisation measured directly.

From each run's history (server timestamps):

- ``wft_dispatch``   WORKFLOW_TASK_SCHEDULED → STARTED: the workflow task waiting for a
  poller of the workflow's queue (matching / long-poll dispatch latency);
- ``wft_processing`` WORKFLOW_TASK_STARTED → COMPLETED: the workflow worker receiving the
  task, running the workflow code (sandbox, payload decoding) and answering;
- ``activity_dispatch`` ACTIVITY_TASK_SCHEDULED → STARTED: the activity waiting for a
  poller of its own task queue;
- ``activity_execution`` ACTIVITY_TASK_STARTED → COMPLETED: the activity worker running
  the activity (HTTP call, claim-check, serialisation) and reporting its result;
- ``agent``: what the agent itself reported as its handling time (subtracted);
- ``unaccounted``: the run's history duration minus all of the above (server-side
  transaction time between events, e.g. activity completed → next task scheduled);
- ``client_extra``: the client's wall time minus the history duration (start RPC,
  result long-poll wake-up).
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from activities.agent_calls import build_agent_http_client
from bench.baseline import BaselineInput, BaselineResult, CallInput, CallResult
from bench.engines import NOOP_AGENT_TYPE, Engine, noop_pipeline
from bench.measure import RunSample, percentile, timed_run
from schemas.agent_calls import InvokeAgentInput, InvokeAgentResult
from schemas.invoke import InvokeRequest, Usage
from schemas.runs import RunInput, RunResult

Progress = Callable[[str], None]

PHASES = (
    "wft_dispatch",
    "wft_processing",
    "activity_dispatch",
    "activity_execution_minus_agent",
    "agent",
    "unaccounted",
    "client_extra",
)


def _ms(event: HistoryEvent) -> float:
    return float(event.event_time.ToNanoseconds()) / 1e6


def history_breakdown(events: list[HistoryEvent], sample: RunSample, steps: int) -> dict[str, Any]:
    """One run's time split into the phases of :data:`PHASES` (ms per run)."""
    at = {e.event_id: _ms(e) for e in events}
    sums = dict.fromkeys(
        ("wft_dispatch", "wft_processing", "activity_dispatch", "activity_execution"), 0.0
    )
    counts = {"workflow_tasks": 0, "activities": 0, "workflow_task_failures_or_timeouts": 0}
    wft_dispatches: list[float] = []
    activity_dispatches: list[float] = []
    for event in events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            scheduled = event.workflow_task_started_event_attributes.scheduled_event_id
            wait = _ms(event) - at[scheduled]
            sums["wft_dispatch"] += wait
            wft_dispatches.append(wait)
            counts["workflow_tasks"] += 1
        elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            started = event.workflow_task_completed_event_attributes.started_event_id
            sums["wft_processing"] += _ms(event) - at[started]
        elif kind in (
            EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
            EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
        ):
            counts["workflow_task_failures_or_timeouts"] += 1
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            scheduled = event.activity_task_started_event_attributes.scheduled_event_id
            wait = _ms(event) - at[scheduled]
            sums["activity_dispatch"] += wait
            activity_dispatches.append(wait)
            counts["activities"] += 1
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            started = event.activity_task_completed_event_attributes.started_event_id
            sums["activity_execution"] += _ms(event) - at[started]
    history_ms = _ms(events[-1]) - _ms(events[0])
    phases = {
        "wft_dispatch": sums["wft_dispatch"],
        "wft_processing": sums["wft_processing"],
        "activity_dispatch": sums["activity_dispatch"],
        "activity_execution_minus_agent": sums["activity_execution"] - sample.agent_ms,
        "agent": sample.agent_ms,
    }
    phases["unaccounted"] = history_ms - sum(phases.values())
    phases["client_extra"] = sample.wall_ms - history_ms
    return {
        "steps": steps,
        "client_wall_ms": sample.wall_ms,
        "history_ms": history_ms,
        "events": len(events),
        **counts,
        "phases_ms": phases,
        "wft_dispatch_each_ms": wft_dispatches,
        "activity_dispatch_each_ms": activity_dispatches,
    }


async def profile_engine(
    client: Client, engine: Engine, runs: int, steps: int, progress: Progress
) -> dict[str, Any]:
    """Run ``runs`` sequential pipelines and average their history breakdowns per step."""
    breakdowns: list[dict[str, Any]] = []
    for _ in range(runs):
        sample = await timed_run(engine, steps)
        history = await client.get_workflow_handle(sample.workflow_id).fetch_history()
        breakdowns.append(history_breakdown(list(history.events), sample, steps))
    per_step = {
        phase: statistics.fmean(b["phases_ms"][phase] for b in breakdowns) / steps
        for phase in PHASES
    }
    wft_each = [x for b in breakdowns for x in b["wft_dispatch_each_ms"]]
    act_each = [x for b in breakdowns for x in b["activity_dispatch_each_ms"]]
    summary = {
        "runs": runs,
        "steps": steps,
        "per_step_ms": per_step,
        "client_wall_ms_per_step": statistics.fmean(b["client_wall_ms"] for b in breakdowns)
        / steps,
        "workflow_tasks_per_run": statistics.fmean(b["workflow_tasks"] for b in breakdowns),
        "events_per_run": statistics.fmean(b["events"] for b in breakdowns),
        "workflow_task_failures_or_timeouts": sum(
            b["workflow_task_failures_or_timeouts"] for b in breakdowns
        ),
        "wft_dispatch_ms_p50": percentile(wft_each, 50),
        "wft_dispatch_ms_max": max(wft_each, default=float("nan")),
        "activity_dispatch_ms_p50": percentile(act_each, 50),
        "activity_dispatch_ms_max": max(act_each, default=float("nan")),
        "runs_detail": [
            {k: v for k, v in b.items() if not k.endswith("_each_ms")} for b in breakdowns
        ],
    }
    progress(
        f"  {engine.name:>8}: {summary['client_wall_ms_per_step']:.1f} ms/step client-side, "
        f"dispatch p50 wft {summary['wft_dispatch_ms_p50']:.1f} ms / "
        f"activity {summary['activity_dispatch_ms_p50']:.1f} ms"
    )
    return summary


def _time_us(action: Callable[[], object], loops: int) -> float:
    began = time.perf_counter()
    for _ in range(loops):
        action()
    return (time.perf_counter() - began) / loops * 1e6


def serialization_costs(steps: int, loops: int = 300) -> dict[str, Any]:
    """Encode + decode time (µs) and size (bytes) of each payload a step carries."""
    converter = pydantic_data_converter.payload_converter
    plan = noop_pipeline(steps)
    config = plan.agents["noop"].config
    cases: dict[str, tuple[object, type]] = {
        "ours.workflow_input(RunInput with plan)": (
            RunInput(app_id="app-bench", inputs={"value": 0}, plan=plan),
            RunInput,
        ),
        "ours.activity_input(InvokeAgentInput)": (
            InvokeAgentInput(
                app_id="app-bench",
                step_id="s1",
                agent_id="noop",
                agent_type=NOOP_AGENT_TYPE,
                config=config,
                inputs={"value": 0},
            ),
            InvokeAgentInput,
        ),
        "ours.activity_result(InvokeAgentResult)": (
            InvokeAgentResult(outputs={"value": 0}, usage=Usage(model="noop", latency_ms=0.1)),
            InvokeAgentResult,
        ),
        "ours.workflow_result(RunResult)": (
            RunResult(app_id="app-bench", outputs={f"s{i}": {"value": 0} for i in range(steps)}),
            RunResult,
        ),
        "baseline.workflow_input": (BaselineInput(steps=steps), BaselineInput),
        "baseline.activity_input": (CallInput(step=0, value=0), CallInput),
        "baseline.activity_result": (CallResult(value=0, agent_ms=0.1), CallResult),
        "baseline.workflow_result": (BaselineResult(agent_ms=0.1), BaselineResult),
    }
    costs: dict[str, Any] = {}
    for name, (value, kind) in cases.items():
        payloads = converter.to_payloads([value])
        costs[name] = {
            "bytes": len(payloads[0].data),
            "encode_us": _time_us(functools.partial(converter.to_payloads, [value]), loops),
            "decode_us": _time_us(
                functools.partial(converter.from_payloads, payloads, [kind]), loops
            ),
        }
    return costs


async def http_costs(agent_url: str, requests: int) -> dict[str, Any]:
    """Client-side round trip of our invoke body to the no-op service, vs its handling time."""
    plan = noop_pipeline(1)
    config = plan.agents["noop"].config
    assert config is not None
    body = InvokeRequest(
        run_id="bench-http",
        step_id="s1",
        idempotency_key="bench-http/s1",
        agent_id="noop",
        agent_type=NOOP_AGENT_TYPE,
        config=config,
        inputs={"value": 0},
    ).model_dump_json()
    round_trips: list[float] = []
    handling: list[float] = []
    async with build_agent_http_client() as http:  # the workers' own agent client
        for _ in range(requests):
            began = time.perf_counter()
            response = await http.post(
                f"{agent_url}/invoke", body, {"content-type": "application/json"}
            )
            round_trips.append((time.perf_counter() - began) * 1000.0)
            handling.append(float(response.json()["usage"]["latency_ms"]))
    return {
        "requests": requests,
        "body_bytes": len(body),
        "round_trip_ms_p50": percentile(round_trips, 50),
        "round_trip_ms_p95": percentile(round_trips, 95),
        "agent_handling_ms_p50": percentile(handling, 50),
    }
