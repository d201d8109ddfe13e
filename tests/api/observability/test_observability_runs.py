"""Real runs on a real dev server → traces, metrics, violations, the runs list and SSE."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import uuid
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.responses import JSONResponse

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.step_results import StepResultRecorder
from api.app import create_app
from api.config import ApiConfig
from storage.artifacts import LocalArtifactStore
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.prices import PriceTable
from storage.repositories import AppRepository
from tests.auth_support import admin_headers
from tests.engine_support import plans as p
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.fixtures import start_with_temporal_cli
from tests.engine_support.harness import recording_orchestrator, wait_until
from workers.builders import build_agent_worker, run_workers

VIOLATIONS = [
    {"pointer": "/score", "message": "'score' is a required property", "attempt": 1},
    {"pointer": "/rating", "message": "'X' is not one of ['A', 'B']", "attempt": 2},
]


async def _serve(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    await wait_until(lambda: server.started, what="API server")
    return server, task, f"http://127.0.0.1:{sock.getsockname()[1]}"


async def test_real_runs_give_traces_metrics_violations_list_and_events(
    temporal_env: Any, agent_service: AgentService, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(db_url)
    client = temporal_env.client
    ok, flaky, broken, fan, viol = (
        p.unique_agent_type(r) for r in ("ok", "flaky", "broken", "fan", "viol")
    )
    agent_service.configure(ok, Behaviour(tokens=7))
    agent_service.configure(flaky, Behaviour(fail_times=1, fail_status=503, tokens=5))
    agent_service.configure(
        broken, Behaviour(error_status=400, error_detail="bad input: no document")
    )
    agent_service.configure(fan, Behaviour(tokens=3))
    agent_service.configure(viol, Behaviour(tokens=2))
    original = agent_service._answer

    async def answer_with_violations(request, body, behaviour, previous, record):  # type: ignore[no-untyped-def]
        response = await original(request, body, behaviour, previous, record)
        if body.agent_type == viol and response.status_code == 200:
            data = json.loads(bytes(response.body))
            data["violations"] = VIOLATIONS
            return JSONResponse(data)
        return response

    agent_service._answer = answer_with_violations  # type: ignore[method-assign]
    sessions = create_session_factory(create_db_engine(db_url))
    # The listing shows runs of the hub's apps (runs of an app id it does not know, e.g.
    # started with the Temporal CLI for a made-up app, are Temporal's alone).
    with sessions() as session:
        app_id = AppRepository(session).create(f"obs {uuid.uuid4().hex[:8]}").id
        session.commit()
    plan = p.plan(
        [p.agent(a, a) for a in (ok, flaky, broken, fan, viol)],
        [
            p.step("extract", ok, inputs=[p.trigger("doc")], outputs=["data"]),
            p.step("retry", flaky, depends_on=["extract"]),
            p.step(
                "fanout", fan, inputs=[p.trigger("items")], foreach=p.foreach(p.trigger("items"), 3)
            ),
            p.step("violate", viol, inputs=[p.trigger("doc")]),
            p.step("broken", broken, inputs=[p.trigger("doc")], on_error="continue"),
        ],
        app_id=app_id,
    )
    failing_plan = p.plan(
        [p.agent(broken, broken)],
        [p.step("broken", broken, inputs=[p.trigger("doc")])],
        app_id=app_id,
    )
    queue = f"hub-orchestrator-test-{uuid.uuid4().hex[:12]}"
    recorder = StepResultRecorder(sessions, PriceTable.load())
    api = create_app(
        ApiConfig(database_url=db_url, temporal_ui_url="http://ui"),
        temporal_connect=lambda: _client(client),
    )
    server, server_task, base = await _serve(api)
    async with build_agent_http_client() as http:
        activities = AgentActivities(
            http, agent_service.url_for, LocalArtifactStore(tmp_path / "a"), 65536, recorder
        )
        workers = [recording_orchestrator(client, sessions, queue)]
        workers += [
            build_agent_worker(client, t, activities) for t in (ok, flaky, broken, fan, viol)
        ]
        stop = asyncio.Event()
        runner = asyncio.create_task(run_workers(workers, stop))
        try:
            async with httpx.AsyncClient(
                base_url=base, timeout=60, headers=admin_headers()
            ) as api_client:
                from schemas.runs import RunInput

                run_id = f"run-{uuid.uuid4().hex[:12]}"
                handle = await client.start_workflow(
                    "OrchestrationWorkflow",
                    RunInput(app_id=app_id, inputs={"doc": "d", "items": [1, 2, 3]}, plan=plan),
                    id=run_id,
                    task_queue=queue,
                )
                # SSE while the run is in flight: every step event, in order, then the end.
                events: list[dict[str, Any]] = []
                async with api_client.stream("GET", f"/runs/{run_id}/events") as stream:
                    assert stream.status_code == 200
                    async for line in stream.aiter_lines():
                        if line.startswith("data: "):
                            events.append(json.loads(line[6:]))
                await handle.result()
                assert events[-1]["event"] == "run" and events[-1]["state"] == "completed"
                assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
                for step_id, final in [
                    ("extract", "completed"),
                    ("retry", "completed"),
                    ("fanout", "completed"),
                    ("violate", "completed"),
                    ("broken", "failed"),
                ]:
                    states = [e["state"] for e in events if e.get("step_id") == step_id]
                    assert states == ["running", final], (step_id, states)
                order = [e["step_id"] for e in events if e["event"] == "step"]
                assert order.index("extract") < order.index("retry")
                # A reconnecting client (Last-Event-ID) gets only the events after it.
                resumed: list[dict[str, Any]] = []
                async with api_client.stream(
                    "GET", f"/runs/{run_id}/events", headers={"Last-Event-ID": "3"}
                ) as stream:
                    async for line in stream.aiter_lines():
                        if line.startswith("data: "):
                            resumed.append(json.loads(line[6:]))
                assert [e["seq"] for e in resumed] == [e["seq"] for e in events[3:]]
                assert resumed[-1]["event"] == "run"

                # Trace: spans per attempt with statuses, errors, retries and counts.
                trace = (await api_client.get(f"/observability/traces/{run_id}")).json()
                spans = trace["spans"]
                by_id = {s["span_id"]: s for s in spans}
                run_span = by_id[run_id]
                assert run_span["kind"] == "run" and run_span["status"] == "completed"
                attempts = {
                    (s["name"].split(" attempt ")[0], s["attempt"]): s
                    for s in spans
                    if s["kind"] == "attempt"
                }
                assert attempts[("retry", 1)]["status"] == "failed"
                assert "503" in attempts[("retry", 1)]["error"]
                assert attempts[("retry", 2)]["status"] == "completed"
                assert "503" in attempts[("retry", 2)]["retry_reason"]
                assert ("retry", 3) not in attempts
                assert attempts[("broken", 1)]["status"] == "failed"
                assert "bad input: no document" in attempts[("broken", 1)]["error"]
                assert ("broken", 2) not in attempts
                assert {k[0] for k in attempts if k[0].startswith("fanout[")} == {
                    "fanout[0]",
                    "fanout[1]",
                    "fanout[2]",
                }
                assert attempts[("violate", 1)]["schema_violations"] == 2
                for span in spans:
                    if span["kind"] != "run":
                        assert span["parent_id"] in by_id
                assert attempts[("extract", 1)]["input_tokens"] == 7
                assert run_span["input_tokens"] == 7 + 5 + 3 * 3 + 2
                assert attempts[("extract", 1)]["agent_type"] == ok
                assert attempts[("extract", 1)]["task_queue"] == f"agent-{ok}"

                # Violations endpoint.
                page = (
                    await api_client.get("/observability/violations", params={"run_id": run_id})
                ).json()
                assert sorted(v["pointer"] for v in page["items"]) == ["/rating", "/score"]
                assert {v["agent_type"] for v in page["items"]} == {viol}

                # A failing run, then metrics equal to what we compute from the runs.
                failed = await client.start_workflow(
                    "OrchestrationWorkflow",
                    RunInput(app_id=app_id, inputs={"doc": "d"}, plan=failing_plan),
                    id=f"run-{uuid.uuid4().hex[:12]}",
                    task_queue=queue,
                )
                with contextlib.suppress(Exception):
                    await failed.result()

                # A run started with the Temporal CLI appears in the list.
                cli_run = f"run-cli-{uuid.uuid4().hex[:8]}"
                run_input = RunInput(
                    app_id=app_id,
                    inputs={"doc": "d"},
                    plan=p.plan(
                        [p.agent(ok, ok)],
                        [p.step("only", ok, inputs=[p.trigger("doc")])],
                        app_id=app_id,
                    ),
                )
                start_with_temporal_cli(
                    client.service_client.config.target_host,
                    queue,
                    cli_run,
                    run_input.model_dump_json(),
                )
                await client.get_workflow_handle(cli_run).result()

                async def listed() -> bool:
                    answer = await api_client.get(
                        "/observability/runs", params={"app_id": app_id, "limit": 2}
                    )
                    ids = {r["run_id"] for r in answer.json()["items"]}
                    nxt = answer.json()["next_cursor"]
                    while nxt:
                        more = (
                            await api_client.get(
                                "/observability/runs",
                                params={"app_id": app_id, "limit": 2, "cursor": nxt},
                            )
                        ).json()
                        ids |= {r["run_id"] for r in more["items"]}
                        nxt = more["next_cursor"]
                    return {run_id, cli_run, failed.id} <= ids

                # Each run recorded its own end: listed at once, with its status.
                assert await listed()
                listing = (
                    await api_client.get(
                        "/observability/runs", params={"app_id": app_id, "status": "failed"}
                    )
                ).json()
                assert [r["run_id"] for r in listing["items"]] == [failed.id]
                main = [
                    r
                    for r in (
                        await api_client.get(
                            "/observability/runs",
                            params={"app_id": app_id, "status": "completed", "limit": 10},
                        )
                    ).json()["items"]
                    if r["run_id"] == run_id
                ][0]
                assert main["steps_completed"] == 6 and main["steps_failed"] == 1
                assert main["tokens"] == 2 * (7 + 5 + 9 + 2)
                assert main["temporal_ui_url"].endswith(f"/workflows/{run_id}")

                metrics = (
                    await api_client.get("/observability/metrics", params={"app_id": app_id})
                ).json()
                assert metrics["runs_by_status"] == {"completed": 2, "failed": 1}
                assert abs(metrics["success_rate"] - 2 / 3) < 1e-9
                per_type = {m["agent_type"]: m for m in metrics["agent_types"]}
                expected_calls = {ok: 2, flaky: 2, broken: 2, fan: 3, viol: 1}
                expected_failures = {ok: 0, flaky: 1, broken: 2, fan: 0, viol: 0}
                expected_retries = {ok: 0, flaky: 1, broken: 0, fan: 0, viol: 0}
                for agent_type in expected_calls:
                    assert per_type[agent_type]["calls"] == expected_calls[agent_type], agent_type
                    assert per_type[agent_type]["failures"] == expected_failures[agent_type], (
                        agent_type
                    )
                    assert per_type[agent_type]["retries"] == expected_retries[agent_type], (
                        agent_type
                    )
                    assert per_type[agent_type]["backlog"] == 0
                assert per_type[viol]["schema_violations"] == 2
                assert per_type[ok]["input_tokens"] == 14
                assert metrics["run_duration_p50_ms"] is not None
                # Cost per model (the rollups' model key) adds up to the totals.
                by_model = metrics["by_model"]
                assert by_model and all(m["calls"] > 0 for m in by_model)
                assert sum(m["calls"] for m in by_model) == sum(expected_calls.values())
                assert sum(m["input_tokens"] for m in by_model) == metrics["input_tokens"]
                assert abs(sum(m["cost_usd"] for m in by_model) - metrics["cost_usd"]) < 1e-9
        finally:
            agent_service._answer = original  # type: ignore[method-assign]
            stop.set()
            await runner
            server.should_exit = True
            await server_task


async def _client(client: Any) -> Any:
    return client
