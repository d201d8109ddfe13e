"""Dashboard reads, the runs listing and the API's memory (``make bench`` sections
``dashboard`` and ``memory``).

``dashboard``: ``hub api`` (PostgreSQL, auth on, one process) against the bench's
Temporal dev server. For each size (default 10,000 and 100,000 runs) the database gets
that many finished runs (four step results each, a tenth retried, a violation per five
runs, spread over the last 20 hours; written with plain INSERTs, so whatever the
schema maintains on write — the rollups' triggers — runs as in production) and
Temporal the same number of runs of the hub's workflow type, left running on a queue
no worker polls (closed runs would make every metrics call re-sync its five-minute
overlap of closes, which this bench does not mean to measure). Then, each read timed
sequentially ``--dashboard-repeat`` times over HTTP: ``GET /apps/{id}`` (the yardstick),
``GET /observability/metrics`` (platform, one app, today), the console dashboard's
violations read, and ``GET /observability/runs`` (first page, the page after 20
cursors, the dashboard's running runs). Each p95 is printed as a ratio to
``GET /apps/{id}``'s p95 in the same run (target ≤ 3×).

``memory``: the same API under a mixed load (lists, single reads, creates, metrics,
runs listing, violations; four connections) for ``--memory-minutes`` (default 10),
sampling the API process's RSS every 5 s: start (after a 30 s warm-up), peak, end and
the slope over the second half, in MB per minute.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert
from temporalio.client import Client
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from bench.api_load import api_process, bearer_token, bench_database, seed
from bench.measure import percentile
from bench.processes import free_port
from schemas.names import WORKFLOW_TYPE
from storage.database import create_db_engine, create_session_factory
from storage.models import Run, RunAgentType, RunSummary, SchemaViolation, StepResult

DEFAULT_SIZES = (10_000, 100_000)
DEFAULT_REPEAT = 200
DEFAULT_MEMORY_MINUTES = 10.0
DEFAULT_TEMPORAL_CAP = 10_000
APPS = 40
AGENT_TYPES = ("extractor", "mapper", "analyzer", "summarizer")
MODELS = ("gpt-4o-mini", "gpt-4o", "claude-3-5-haiku")
#: A queue no worker polls: the seeded Temporal runs stay running, listed, untouched.
IDLE_QUEUE = "bench-dashboard-idle"
Progress = Callable[[str], None]


def analyze(url: str) -> None:
    """``VACUUM ANALYZE`` every table: what autovacuum does within a minute of a bulk
    write. Without it the planner guesses from empty-table statistics, and the rollup
    rows every write updates (the ``*`` rows, the 6-hour and daily rows) carry the dead
    versions of a 2,000-run transaction's updates."""
    engine = create_db_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


def seed_database_runs(url: str, app_ids: list[str], first: int, last: int) -> int:
    """Finished runs ``first..last-1`` of the last 20 hours; returns step results written."""
    rng = random.Random(first)
    now = datetime.now(UTC)
    engine = create_db_engine(url)
    written = 0
    try:
        sessions = create_session_factory(engine)
        for start in range(first, last, 2000):
            summaries: list[dict[str, Any]] = []
            runs: list[dict[str, Any]] = []
            run_types: list[dict[str, Any]] = []
            results: list[dict[str, Any]] = []
            violations: list[dict[str, Any]] = []
            for index in range(start, min(start + 2000, last)):
                run_id = f"run-dash-{index:07d}"
                app = app_ids[index % len(app_ids)]
                began = now - timedelta(seconds=rng.uniform(60, 20 * 3600))
                duration = rng.uniform(2000, 30000)
                failed = rng.random() < 0.05
                summaries.append(
                    {
                        "run_id": run_id,
                        "app_id": app,
                        "app_version": "1.0.0",
                        "agent_types": list(AGENT_TYPES),
                        "status": "failed" if failed else "completed",
                        "started_at": began,
                        "ended_at": began + timedelta(milliseconds=duration),
                        "duration_ms": duration,
                    }
                )
                # The runs table as production fills it: the row the API writes at the
                # start (version, agent types), with the end the workflow records.
                runs.append(
                    {
                        "id": run_id,
                        "app_id": app,
                        "workflow_id": run_id,
                        "status": "failed" if failed else "completed",
                        "inputs": {},
                        "created_at": began,
                        "updated_at": began + timedelta(milliseconds=duration),
                        "ended_at": began + timedelta(milliseconds=duration),
                        "trigger_kind": "api",
                        "app_version": "1.0.0",
                        "agent_types": sorted(AGENT_TYPES),
                        "evaluation": False,
                    }
                )
                run_types += [
                    {"run_id": run_id, "agent_type": t, "created_at": began} for t in AGENT_TYPES
                ]
                for position, agent_type in enumerate(AGENT_TYPES):
                    attempts = 2 if rng.random() < 0.1 else 1
                    for attempt in range(1, attempts + 1):
                        ok = attempt == attempts and not (failed and position == 3)
                        results.append(
                            {
                                "run_id": run_id,
                                "app_id": app,
                                "app_version": "1.0.0",
                                "step_id": str(position),
                                "activity_id": str(position),
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
                                "model": rng.choice(MODELS),
                                "provider": "openai",
                                "prompt_versions": {},
                            }
                        )
                if index % 5 == 0:
                    violations.append(
                        {
                            "run_id": run_id,
                            "app_id": app,
                            "step_id": "1",
                            "activity_id": "1",
                            "agent_id": "agent-mapper",
                            "agent_type": "mapper",
                            "attempt": 1,
                            "seq": 0,
                            "pointer": "/total",
                            "message": "not a number",
                            "severity": "error",
                            "created_at": began,
                        }
                    )
            with sessions() as session:
                session.execute(insert(Run), runs)
                session.execute(insert(RunAgentType), run_types)
                session.execute(insert(RunSummary), summaries)
                session.execute(insert(StepResult), results)
                session.execute(insert(SchemaViolation), violations)
                session.commit()
            written += len(results)
    finally:
        engine.dispose()
    return written


async def seed_temporal_runs(
    client: Client,
    app_ids: list[str],
    first: int,
    last: int,
    progress: Progress,
    database_url: str | None = None,
) -> None:
    """Runs ``first..last-1`` of the hub's workflow type, running on an idle queue (with
    the running rows the API would have written, in ``database_url``)."""
    semaphore = asyncio.Semaphore(64)
    started: list[dict[str, Any]] = []

    async def start(index: int) -> None:
        attributes = TypedSearchAttributes(
            [
                SearchAttributePair(_keyword("AppId"), app_ids[index % len(app_ids)]),
                SearchAttributePair(_keyword("AppVersion"), "1.0.0"),
                SearchAttributePair(_keyword("HubTrigger"), "api"),
            ]
        )
        run_id = f"bench-dash-{uuid.uuid4().hex[:8]}-{index}"
        async with semaphore:
            now = datetime.now(UTC)
            await client.start_workflow(
                WORKFLOW_TYPE, id=run_id, task_queue=IDLE_QUEUE, search_attributes=attributes
            )
        started.append(
            {
                "id": run_id,
                "app_id": app_ids[index % len(app_ids)],
                "workflow_id": run_id,
                "status": "running",
                "inputs": {},
                "created_at": now,
                "updated_at": now,
                "trigger_kind": "api",
                "app_version": "1.0.0",
                "agent_types": [],
                "evaluation": False,
            }
        )

    began = time.perf_counter()
    for chunk in range(first, last, 5000):
        await asyncio.gather(*(start(i) for i in range(chunk, min(chunk + 5000, last))))
        progress(f"  temporal: {min(chunk + 5000, last)} runs started")
    if database_url is not None:
        await asyncio.to_thread(_insert_rows, database_url, started)
    progress(f"  temporal: {last - first} runs in {time.perf_counter() - began:.0f}s")


def _insert_rows(url: str, rows: list[dict[str, Any]]) -> None:
    engine = create_db_engine(url)
    try:
        with create_session_factory(engine)() as session:
            session.execute(insert(Run), rows)
            session.commit()
    finally:
        engine.dispose()


def _keyword(name: str) -> SearchAttributeKey[str]:
    return SearchAttributeKey.for_keyword(name)


async def timed(api: httpx.AsyncClient, path: str, repeat: int) -> dict[str, float]:
    """``GET path`` ``repeat`` times after three warm-ups; p50/p95 in ms."""
    for _ in range(3):
        (await api.get(path)).raise_for_status()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        answer = await api.get(path)
        samples.append((time.perf_counter() - began) * 1000)
        answer.raise_for_status()
    return {
        "p50_ms": round(percentile(samples, 50), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "samples": len(samples),
    }


async def later_runs_cursor(api: httpx.AsyncClient, pages: int) -> str:
    cursor = ""
    for _ in range(pages):
        params = {"limit": "50", **({"cursor": cursor} if cursor else {})}
        answer = await api.get("/observability/runs", params=params)
        answer.raise_for_status()
        cursor = answer.json()["next_cursor"] or ""
    return cursor


def _today() -> str:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0).isoformat()


async def measure_reads(
    api: httpx.AsyncClient, app_ids: list[str], repeat: int, progress: Progress
) -> dict[str, Any]:
    since_24h = (datetime.now(UTC) - timedelta(hours=24)).isoformat()
    cursor = await later_runs_cursor(api, 20)
    cases = {
        "get_app": f"/apps/{app_ids[0]}",
        "metrics_platform_24h": "/observability/metrics",
        "metrics_one_app_24h": f"/observability/metrics?app_id={app_ids[1]}",
        "metrics_today": "/observability/metrics?" + str(httpx.QueryParams({"since": _today()})),
        "violations_dashboard": "/observability/violations?"
        + str(httpx.QueryParams({"since": since_24h, "limit": 50, "severity": "error"})),
        "runs_first_page": "/observability/runs?limit=50",
        "runs_page_21": "/observability/runs?"
        + str(httpx.QueryParams({"limit": 50, "cursor": cursor})),
        "runs_running_dashboard": "/observability/runs?status=running&limit=20",
    }
    figures: dict[str, Any] = {}
    for name, path in cases.items():
        figures[name] = await timed(api, path, repeat)
    single = figures["get_app"]["p95_ms"]
    figures["p95_ratio_to_get_app"] = {
        name: round(value["p95_ms"] / single, 2)
        for name, value in figures.items()
        if name != "get_app" and isinstance(value, dict) and "p95_ms" in value
    }
    for name, value in figures.items():
        if name in cases:
            ratio = figures["p95_ratio_to_get_app"].get(name)
            progress(
                f"    {name:<24} p50 {value['p50_ms']:8.1f} ms  p95 {value['p95_ms']:8.1f} ms"
                + (f"  ({ratio:.2f}x)" if ratio is not None else "")
            )
    return figures


def _api_env_process(workdir: Path, url: str, port: int, temporal: str) -> Any:
    """``hub api`` as the api section starts it, talking to the bench's dev server."""
    api = api_process(workdir, url, port)
    api.env = {**(api.env or os.environ), "HUB_TEMPORAL_ADDRESS": temporal}
    return api


async def dashboard(
    client: Client,
    workdir: Path,
    sizes: list[int],
    repeat: int,
    progress: Progress,
    temporal_cap: int = 10_000,
) -> dict[str, Any]:
    """The ``dashboard`` section (see the module docstring)."""
    result: dict[str, Any] = {"database": "postgresql", "auth": "on", "sizes": {}}
    with bench_database() as url:
        app_ids, key = await asyncio.to_thread(seed, url, APPS)
        port = free_port()
        api = _api_env_process(workdir, url, port, client.service_client.config.target_host)
        api.start()
        try:
            base = f"http://127.0.0.1:{port}"
            token = await asyncio.to_thread(bearer_token, base, key)
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as http:
                seeded = temporal_seeded = 0
                for size in sorted(sizes):
                    progress(f"dashboard: seeding runs {seeded}..{size} (database, Temporal)")
                    began = time.perf_counter()
                    await asyncio.to_thread(seed_database_runs, url, app_ids, seeded, size)
                    seed_seconds = time.perf_counter() - began
                    # As a deployment's autovacuum would within a minute.
                    await asyncio.to_thread(analyze, url)
                    in_temporal = min(size, temporal_cap)
                    if in_temporal > temporal_seeded:
                        await seed_temporal_runs(
                            client, app_ids, temporal_seeded, in_temporal, progress, url
                        )
                        temporal_seeded = in_temporal
                    seeded = size
                    progress(f"dashboard: {size} runs (database seeded in {seed_seconds:.0f}s)")
                    figures = await measure_reads(http, app_ids, repeat, progress)
                    figures["database_seed_seconds"] = round(seed_seconds, 1)
                    figures["temporal_runs"] = temporal_seeded
                    result["sizes"][str(size)] = figures
        finally:
            api.stop()
    return result


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` (and its children: hub api may fork workers), in MB."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return round(total, 1)


async def memory(
    client: Client, workdir: Path, minutes: float, progress: Progress
) -> dict[str, Any]:
    """The ``memory`` section (see the module docstring)."""
    with bench_database() as url:
        app_ids, key = await asyncio.to_thread(seed, url, APPS)
        await asyncio.to_thread(seed_database_runs, url, app_ids, 0, 2000)
        port = free_port()
        api = _api_env_process(workdir, url, port, client.service_client.config.target_host)
        api.start()
        try:
            pid = api.process.pid
            base = f"http://127.0.0.1:{port}"
            token = await asyncio.to_thread(bearer_token, base, key)
            headers = {"Authorization": f"Bearer {token}"}
            requests = 0
            errors = 0
            stop_at = time.monotonic() + 30 + minutes * 60
            samples: list[tuple[float, float]] = []

            async def load(worker: int) -> None:
                nonlocal requests, errors
                rng = random.Random(worker)
                async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
                    counter = 0
                    while time.monotonic() < stop_at:
                        counter += 1
                        pick = rng.random()
                        if pick < 0.3:
                            answer = await http.get(f"/apps/{rng.choice(app_ids)}")
                        elif pick < 0.5:
                            answer = await http.get("/apps", params={"limit": 50})
                        elif pick < 0.6:
                            answer = await http.post(
                                "/apps",
                                json={"name": f"mem {worker}-{counter}", "team_id": "bench"},
                            )
                        elif pick < 0.75:
                            answer = await http.get("/observability/metrics")
                        elif pick < 0.9:
                            answer = await http.get("/observability/runs", params={"limit": 50})
                        else:
                            answer = await http.get(
                                "/observability/violations", params={"limit": 50}
                            )
                        requests += 1
                        errors += answer.status_code >= 400

            async def sample() -> None:
                began = time.monotonic()
                while time.monotonic() < stop_at:
                    samples.append((time.monotonic() - began, rss_mb(pid)))
                    await asyncio.sleep(5)

            progress(f"memory: mixed load for {minutes:g} min (+30 s warm-up), RSS every 5 s")
            await asyncio.gather(sample(), *(load(w) for w in range(4)))
        finally:
            api.stop()
    measured = [(t, mb) for t, mb in samples if t >= 30]
    second_half = measured[len(measured) // 2 :]
    slope = 0.0
    if len(second_half) >= 3:
        xs = [t / 60 for t, _ in second_half]
        ys = [mb for _, mb in second_half]
        mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
        var = sum((x - mean_x) ** 2 for x in xs)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
    result = {
        "minutes": minutes,
        "requests": requests,
        "errors": errors,
        "rss_mb_start": measured[0][1] if measured else None,
        "rss_mb_peak": max((mb for _, mb in measured), default=None),
        "rss_mb_end": measured[-1][1] if measured else None,
        "rss_mb_per_minute_second_half": round(slope, 2),
        "samples": samples,
    }
    progress(
        f"memory: {requests} requests ({errors} errors); RSS start {result['rss_mb_start']} MB, "
        f"peak {result['rss_mb_peak']} MB, end {result['rss_mb_end']} MB, "
        f"slope (second half) {result['rss_mb_per_minute_second_half']} MB/min"
    )
    return result


def add_arguments(parser: Any) -> None:
    """This module's ``python -m bench`` options."""
    parser.add_argument(
        "--dashboard-runs",
        default=",".join(str(n) for n in DEFAULT_SIZES),
        help="run counts the dashboard section measures at (default 10000,100000)",
    )
    parser.add_argument(
        "--dashboard-repeat",
        type=int,
        default=DEFAULT_REPEAT,
        help=f"requests per read in the dashboard section (default {DEFAULT_REPEAT})",
    )
    parser.add_argument(
        "--dashboard-temporal-runs",
        type=int,
        default=DEFAULT_TEMPORAL_CAP,
        help="most runs started in Temporal for the runs listing (default "
        f"{DEFAULT_TEMPORAL_CAP}: the dev server starts about 100 a second here)",
    )
    parser.add_argument(
        "--memory-minutes",
        type=float,
        default=DEFAULT_MEMORY_MINUTES,
        help=f"length of the memory section's mixed load (default {DEFAULT_MEMORY_MINUTES:g})",
    )


async def run_dashboard(
    args: Any, client: Client, _agent_url: str, workdir: Path, out: dict[str, Any]
) -> None:
    sizes = [int(n) for n in str(args.dashboard_runs).split(",") if n.strip()]
    if args.quick:
        sizes, repeat = [min(sizes)], 30
    else:
        repeat = args.dashboard_repeat
    out["dashboard"] = await dashboard(
        client, workdir, sizes, repeat, _progress, args.dashboard_temporal_runs
    )


async def run_memory(
    args: Any, client: Client, _agent_url: str, workdir: Path, out: dict[str, Any]
) -> None:
    minutes = 1.0 if args.quick else args.memory_minutes
    out["memory"] = await memory(client, workdir, minutes, _progress)


def _progress(message: str) -> None:
    import sys

    print(message, file=sys.stderr, flush=True)


def render(results: dict[str, Any]) -> str:
    """This module's sections as plain-text tables ('' when neither ran)."""
    lines: list[str] = []
    section = results.get("dashboard")
    if section:
        sizes = list(section["sizes"])
        lines.append(
            "\ndashboard reads (hub api, PostgreSQL, auth on): p95 ms (ratio to GET /apps/{id})"
        )
        lines.append(f"{'read':<26}" + "".join(f"{size + ' runs':>24}" for size in sizes))
        names = [
            n
            for n in section["sizes"][sizes[0]]
            if isinstance(section["sizes"][sizes[0]][n], dict)
            and "p95_ms" in section["sizes"][sizes[0]][n]
        ]
        for name in names:
            cells = []
            for size in sizes:
                figures = section["sizes"][size]
                ratio = figures["p95_ratio_to_get_app"].get(name)
                cell = f"{figures[name]['p95_ms']:.1f}" + (f" ({ratio:.2f}x)" if ratio else "")
                cells.append(f"{cell:>24}")
            lines.append(f"{name:<26}" + "".join(cells))
    memory_section = results.get("memory")
    if memory_section:
        lines.append(
            f"\nAPI memory through {memory_section['minutes']:g} min of mixed load "
            f"({memory_section['requests']} requests, {memory_section['errors']} errors): "
            f"RSS start {memory_section['rss_mb_start']} MB, peak {memory_section['rss_mb_peak']} "
            f"MB, end {memory_section['rss_mb_end']} MB, second-half slope "
            f"{memory_section['rss_mb_per_minute_second_half']} MB/min"
        )
    return "\n".join(lines)


def violations_plan(engine: Any) -> str:
    """The dashboard's violations read (errors of the last 24 hours, newest 50) as
    PostgreSQL runs it: its plan's scans and the time inside the database."""
    from sqlalchemy import event

    from storage.observability import ObservabilityRepository, ViolationFilter

    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    since = datetime.now(UTC) - timedelta(hours=24)
    event.listen(engine, "before_cursor_execute", capture)
    try:
        with create_session_factory(engine)() as session:
            ObservabilityRepository(session).list_violations(
                ViolationFilter(since=since, severity="error"), after_id=None, limit=51
            )
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = captured[-1]
    with engine.connect() as conn:
        (plan,) = conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters
        ).one()
    scans, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        if "Scan" in node["Node Type"] or node["Node Type"] == "Sort":
            scans.append(
                f"{node['Node Type']}"
                + (f" on {node['Relation Name']}" if node.get("Relation Name") else "")
                + (f" using {node['Index Name']}" if node.get("Index Name") else "")
                + f" ({node.get('Actual Rows', 0)} rows)"
            )
        stack.extend(node.get("Plans", []))
    return (
        f"{', '.join(scans)}; planning {plan[0]['Planning Time']:.2f} ms, "
        f"execution {plan[0]['Execution Time']:.2f} ms"
    )


def _unkept_read_ms(engine: Any, sessions: Any, window: Any, app_id: str | None) -> float:
    """The metrics read with nothing kept (the first after a write in its hours), ms."""
    from storage.rollups import RollupReader, forget_kept

    forget_kept(engine)
    began = time.perf_counter()
    with sessions() as session:
        RollupReader(session).figures(window, app_id=app_id, agent_type=None)
    return (time.perf_counter() - began) * 1000


def profile_reads(sizes: list[int], repeat: int = 50) -> str:
    """``python -m bench.dashboard profile [--runs 10000,100000]``: where one metrics
    request's time goes, in process (no HTTP, no auth, Temporal figures left out).

    Seeds the runs into a fresh PostgreSQL database (as the ``dashboard`` section does,
    then ``ANALYZE``), and for each of the dashboard's windows times ``repeat`` times
    (medians): the SQL statements of the rollup read (count, and time of each as the
    driver reports it), the rest of the read in Python, the response model's
    construction (``metrics_public``), and its serialisation — ``model_dump_json``, as
    the endpoint sends it, and for comparison what FastAPI does with a returned model
    (dump, validate again, serialise, ``json.dumps``). The read is timed as the
    endpoint does it over and over (its rollup part kept, migration 0019: the raw
    slices and the versions only) and, last column, with nothing kept (the first read,
    or the first after a write in the window's hours).
    """
    import json

    from pydantic import TypeAdapter
    from sqlalchemy import event

    from api.observability.service import metrics_public
    from schemas.observability import MetricsPublic
    from storage.rollups import RollupReader, Window

    lines: list[str] = []
    adapter = TypeAdapter(MetricsPublic)
    with bench_database() as url:
        app_ids, _key = seed(url, APPS)
        engine = create_db_engine(url)
        statements: list[tuple[str, float]] = []

        def before(_conn: Any, _c: Any, _s: Any, _p: Any, context: Any, _m: Any) -> None:
            context._bench_began = time.perf_counter()

        def after(_conn: Any, _c: Any, statement: str, _p: Any, context: Any, _m: Any) -> None:
            spent = (time.perf_counter() - context._bench_began) * 1000
            statements.append((" ".join(statement.split())[:60], spent))

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        sessions = create_session_factory(engine)
        seeded = 0
        for size in sizes:
            began = time.perf_counter()
            seed_database_runs(url, app_ids, seeded, size)
            seconds = time.perf_counter() - began
            unanalysed = violations_plan(engine)
            analyze(url)
            seeded = size
            lines.append(f"{size} runs (seeded in {seconds:.0f}s, then VACUUM ANALYZE)")
            lines.append(f"  violations read before ANALYZE: {unanalysed}")
            lines.append(f"  violations read after ANALYZE:  {violations_plan(engine)}")
            now = datetime.now(UTC)
            midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
            cases = {
                "platform 24 h": (now - timedelta(hours=24), None),
                "one app 24 h": (now - timedelta(hours=24), app_ids[1]),
                "today": (midnight, None),
                "platform 7 d": (now - timedelta(days=7), None),
                "platform 30 d": (now - timedelta(days=30), None),
            }
            lines.append(
                f"  {'window':<14} {'statements':>10} {'SQL ms':>7} {'read ms':>8} "
                f"{'build ms':>8} {'json ms':>8} {'FastAPI ms':>10} {'periods':>8} "
                f"{'unkept read ms':>13}"
            )
            for name, (since, app_id) in cases.items():
                samples: list[tuple[float, ...]] = []
                count = 0
                first: list[float] = []
                for _ in range(repeat):
                    until = datetime.now(UTC)
                    window = Window.of(since, until, now=until)
                    first.append(_unkept_read_ms(engine, sessions, window, app_id))
                    statements.clear()
                    t0 = time.perf_counter()
                    with sessions() as session:
                        read = RollupReader(session).figures(window, app_id=app_id, agent_type=None)
                    t1 = time.perf_counter()
                    public = metrics_public(
                        read,
                        since=since,
                        until=until,
                        app_id=app_id,
                        agent_type=None,
                        by_status=read.runs.by_status,
                        backlogs={},
                        read_at=until,
                    )
                    t2 = time.perf_counter()
                    public.model_dump_json()
                    t3 = time.perf_counter()
                    # FastAPI's path for a returned model: dump, validate, serialise, dumps.
                    again = adapter.validate_python(public.model_dump())
                    json.dumps(adapter.dump_python(again, mode="json")).encode()
                    t4 = time.perf_counter()
                    count = len(statements)
                    sql = sum(ms for _, ms in statements)
                    samples.append(
                        (
                            sql,
                            (t1 - t0) * 1000,
                            (t2 - t1) * 1000,
                            (t3 - t2) * 1000,
                            (t4 - t3) * 1000,
                        )
                    )
                sql, read_ms, build, dump, fastapi = (
                    statistics.median(column) for column in zip(*samples, strict=True)
                )
                periods = len(window.periods) + len(window.edges) + len(window.cuts)
                lines.append(
                    f"  {name:<14} {count:>10} {sql:>7.2f} {read_ms:>8.2f} {build:>8.2f} "
                    f"{dump:>8.2f} {fastapi:>10.2f} {periods:>8} "
                    f"{statistics.median(first):>13.2f}"
                )
        engine.dispose()
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.dashboard")
    parser.add_argument("what", choices=["profile"])
    parser.add_argument("--runs", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=50)
    arguments = parser.parse_args()
    print(profile_reads([int(n) for n in arguments.runs.split(",")], arguments.repeat))
