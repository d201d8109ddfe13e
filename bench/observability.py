"""``python -m bench.observability``: how fast the observability endpoints answer at scale.

1. **Trace of a long run**: a real ``--steps``-step run (default 200) of a no-op
   agent on a Temporal dev server this starts, with the hub's workers recording
   step results; then ``GET /observability/traces/{id}`` timed ``--repeat`` times.
   Baseline in the same process: fetching the run's raw history with the Temporal
   client (what the endpoint has to read anyway).
2. **Metrics of many finished runs**: ``--runs`` (default 10,000) finished runs
   seeded straight into ``run_summaries`` and ``step_results`` of a fresh SQLite
   and a fresh PostgreSQL database; then ``GET /observability/metrics`` timed.
   Baseline: a plain ``SELECT COUNT(*)`` over each of the two tables.

Prints p50/p95 and the ratio to the baseline, and writes the figures as JSON to
``bench/results/observability-<time>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select
from temporalio.client import Client

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.plans import PlanActivities
from activities.step_results import StepResultRecorder
from api.app import create_app
from api.config import ApiConfig, AuthConfig
from bench.engines import INLINE_MAX_BYTES, NOOP_AGENT_TYPE, noop_pipeline
from bench.measure import percentile
from bench.processes import free_port, noop_agent_service, running, temporal_dev_server
from schemas.names import ORCHESTRATOR_QUEUE, WORKFLOW_TYPE
from schemas.orchestration import ExecutionPlan
from schemas.runs import RunInput, RunResult
from storage.artifacts import LocalArtifactStore
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.models import RunSummary, StepResult
from storage.prices import PriceTable
from workers.builders import build_agent_worker, build_orchestrator_worker, run_workers
from workers.temporal_client import connect

RESULTS_DIR = Path(__file__).parent / "results"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: Agent types of the seeded runs (each run uses all of them, one step each).
SEEDED_AGENT_TYPES = ("extractor", "mapper", "analyzer", "summarizer")


async def timed(repeat: int, action: Callable[[], Awaitable[Any]]) -> dict[str, float]:
    """``action`` run ``repeat`` times after one warm-up: p50, p95, min (milliseconds)."""
    await action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - started) * 1000.0)
    return {
        "p50_ms": round(percentile(samples, 50), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "min_ms": round(min(samples), 2),
        "samples": len(samples),
    }


@asynccontextmanager
async def api_client(database_url: str, client: Client) -> AsyncIterator[httpx.AsyncClient]:
    """The hub API (auth off: this is a local measurement) over ASGI in this process."""

    async def temporal() -> Client:
        return client

    app = create_app(
        ApiConfig(database_url=database_url, auth=AuthConfig(mode="disabled")),
        temporal_connect=temporal,
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://hub", timeout=120
        ) as http:
            yield http
    finally:
        app.state.engine.dispose()


async def no_deployed_plan(_app_id: str) -> ExecutionPlan | None:
    return None  # bench runs carry their plan


async def long_run_trace(
    client: Client, agent_url: str, workdir: Path, steps: int, repeat: int
) -> dict[str, Any]:
    """Run a ``steps``-step pipeline, then time its trace against the raw history fetch."""
    database_url = f"sqlite:///{workdir / 'trace.db'}"
    upgrade(database_url)
    recorder = StepResultRecorder(
        create_session_factory(create_db_engine(database_url)), PriceTable.load()
    )
    queue = f"{ORCHESTRATOR_QUEUE}-bench-obs-{uuid.uuid4().hex[:8]}"
    async with build_agent_http_client() as http:
        activities = AgentActivities(
            http,
            lambda _type: agent_url,
            LocalArtifactStore(workdir / "a"),
            INLINE_MAX_BYTES,
            recorder,
        )
        workers = [
            build_orchestrator_worker(client, PlanActivities(no_deployed_plan), task_queue=queue),
            build_agent_worker(client, NOOP_AGENT_TYPE, activities),
        ]
        stop = asyncio.Event()
        runner = asyncio.create_task(run_workers(workers, stop))
        try:
            started = time.perf_counter()
            handle = await client.start_workflow(
                WORKFLOW_TYPE,
                RunInput(app_id="app-bench", inputs={"value": 0}, plan=noop_pipeline(steps)),
                id=f"bench-obs-{uuid.uuid4().hex[:12]}",
                task_queue=queue,
                result_type=RunResult,
            )
            await handle.result()
            run_seconds = time.perf_counter() - started
        finally:
            stop.set()
            await runner
    history = await handle.fetch_history()
    async with api_client(database_url, client) as api:
        answer = await api.get(f"/observability/traces/{handle.id}")
        answer.raise_for_status()
        spans = answer.json()["spans"]

        async def fetch_trace() -> None:
            (await api.get(f"/observability/traces/{handle.id}")).raise_for_status()

        endpoint = await timed(repeat, fetch_trace)

    async def fetch_history() -> None:
        await handle.fetch_history()

    baseline = await timed(repeat, fetch_history)
    return {
        "steps": steps,
        "run_seconds": round(run_seconds, 2),
        "history_events": len(history.events),
        "spans": len(spans),
        "trace_endpoint": endpoint,
        "baseline_history_fetch": baseline,
        "ratio_p50": round(endpoint["p50_ms"] / baseline["p50_ms"], 2),
    }


def seed_finished_runs(database_url: str, runs: int, seed: int = 7) -> int:
    """``runs`` finished runs of the last 20 hours, one step result per agent type each
    (a tenth of the steps retried once); returns the number of step results written."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    engine = create_db_engine(database_url)
    sessions = create_session_factory(engine)
    written = 0
    try:
        for start in range(0, runs, 1000):
            summaries: list[dict[str, Any]] = []
            results: list[dict[str, Any]] = []
            for index in range(start, min(start + 1000, runs)):
                run_id = f"run-seed-{index:06d}"
                began = now - timedelta(seconds=rng.uniform(60, 20 * 3600))
                failed = rng.random() < 0.05
                duration = rng.uniform(2000, 30000)
                summaries.append(
                    {
                        "run_id": run_id,
                        "app_id": f"app-seed{index % 20:02d}",
                        "app_version": "1.0.0",
                        "agent_types": list(SEEDED_AGENT_TYPES),
                        "status": "failed" if failed else "completed",
                        "started_at": began,
                        "ended_at": began + timedelta(milliseconds=duration),
                        "duration_ms": duration,
                    }
                )
                for position, agent_type in enumerate(SEEDED_AGENT_TYPES):
                    attempts = 2 if rng.random() < 0.1 else 1
                    for attempt in range(1, attempts + 1):
                        ok = attempt == attempts and not (failed and position == 3)
                        results.append(
                            {
                                "run_id": run_id,
                                "app_id": f"app-seed{index % 20:02d}",
                                "app_version": "1.0.0",
                                "step_id": str(position + 1),
                                "activity_id": str(position + 1),
                                "agent_id": f"agent-{agent_type}",
                                "agent_type": agent_type,
                                "task_queue": f"agent-{agent_type}",
                                "status": "completed" if ok else "failed",
                                "attempt": attempt,
                                "retries": attempt - 1,
                                "started_at": began,
                                "ended_at": began + timedelta(milliseconds=duration / 4),
                                "latency_ms": rng.uniform(50, 5000),
                                "input_tokens": rng.randint(100, 4000),
                                "output_tokens": rng.randint(50, 1000),
                                "cost_usd": rng.uniform(0.0001, 0.05),
                                "model": "gpt-4o-mini",
                                "provider": "openai",
                                "prompt_versions": {},
                                "error": None if ok else "agent answered 503",
                            }
                        )
            with sessions() as session:
                session.execute(insert(RunSummary), summaries)
                session.execute(insert(StepResult), results)
                session.commit()
            written += len(results)
    finally:
        engine.dispose()
    return written


async def metrics_at_scale(
    name: str, database_url: str, client: Client, runs: int, repeat: int
) -> dict[str, Any]:
    """Seed ``runs`` finished runs into ``database_url``, then time the metrics endpoint."""
    upgrade(database_url)
    seeding = time.perf_counter()
    step_results = seed_finished_runs(database_url, runs)
    seed_seconds = time.perf_counter() - seeding
    engine = create_db_engine(database_url)
    sessions = create_session_factory(engine)
    async with api_client(database_url, client) as api:
        answer = await api.get("/observability/metrics")
        answer.raise_for_status()
        body = answer.json()
        seen = sum(n for status, n in body["runs_by_status"].items() if status != "running")

        async def fetch_metrics() -> None:
            (await api.get("/observability/metrics")).raise_for_status()

        endpoint = await timed(repeat, fetch_metrics)

    async def count_rows() -> None:
        with sessions() as session:
            session.execute(select(func.count()).select_from(StepResult)).scalar_one()
            session.execute(select(func.count()).select_from(RunSummary)).scalar_one()

    baseline = await timed(repeat, count_rows)
    engine.dispose()
    return {
        "database": name,
        "runs": runs,
        "step_results": step_results,
        "runs_in_answer": seen,
        "seed_seconds": round(seed_seconds, 2),
        "metrics_endpoint": endpoint,
        "baseline_count_star": baseline,
        "ratio_p50": round(endpoint["p50_ms"] / baseline["p50_ms"], 2),
    }


@asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """A new PostgreSQL database on the local server, dropped afterwards."""
    import psycopg

    name = f"hub_bench_obs_{uuid.uuid4().hex[:10]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(results: dict[str, Any]) -> str:
    """The figures as lines for the terminal."""
    trace = results["trace"]
    lines = [
        f"Trace of a {trace['steps']}-step run ({trace['history_events']} history events, "
        f"{trace['spans']} spans; the run took {trace['run_seconds']} s):",
        f"  GET /observability/traces/{{id}}  p50 {trace['trace_endpoint']['p50_ms']} ms  "
        f"p95 {trace['trace_endpoint']['p95_ms']} ms",
        f"  baseline: raw history fetch      p50 {trace['baseline_history_fetch']['p50_ms']} ms  "
        f"p95 {trace['baseline_history_fetch']['p95_ms']} ms  (ratio p50 {trace['ratio_p50']}x)",
    ]
    for metrics in results["metrics"]:
        lines += [
            f"Metrics of {metrics['runs']} finished runs on {metrics['database']} "
            f"({metrics['step_results']} step results; {metrics['runs_in_answer']} runs counted):",
            f"  GET /observability/metrics       p50 {metrics['metrics_endpoint']['p50_ms']} ms  "
            f"p95 {metrics['metrics_endpoint']['p95_ms']} ms",
            f"  baseline: COUNT(*) of both tables p50 {metrics['baseline_count_star']['p50_ms']} "
            f"ms  p95 {metrics['baseline_count_star']['p95_ms']} ms  "
            f"(ratio p50 {metrics['ratio_p50']}x)",
        ]
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hub-bench-obs-") as folder:
        workdir = Path(folder)
        temporal_port, agent_port = free_port(), free_port()
        children = [
            temporal_dev_server(workdir, temporal_port),
            noop_agent_service(workdir, agent_port),
        ]
        with running(children):
            client = await connect(f"127.0.0.1:{temporal_port}")
            agent_url = f"http://127.0.0.1:{agent_port}"
            results: dict[str, Any] = {
                "time": datetime.now(UTC).isoformat(),
                "repeat": args.repeat,
                "trace": await long_run_trace(client, agent_url, workdir, args.steps, args.repeat),
                "metrics": [],
            }
            sqlite_url = f"sqlite:///{workdir / 'metrics.db'}"
            results["metrics"].append(
                await metrics_at_scale("sqlite", sqlite_url, client, args.runs, args.repeat)
            )
            if not args.no_postgres:
                async with fresh_postgres() as pg_url:
                    results["metrics"].append(
                        await metrics_at_scale("postgresql", pg_url, client, args.runs, args.repeat)
                    )
    return results


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.observability", description=__doc__)
    parser.add_argument("--steps", type=int, default=200, help="Steps of the traced run.")
    parser.add_argument("--runs", type=int, default=10_000, help="Finished runs to seed.")
    parser.add_argument("--repeat", type=int, default=10, help="Timed requests per figure.")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only.")
    parser.add_argument("--out", type=Path, default=None, help="JSON file to write.")
    args = parser.parse_args()
    results = asyncio.run(main(args))
    print(report(results))
    out = args.out or RESULTS_DIR / f"observability-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"figures written to {out}")


if __name__ == "__main__":
    cli()
