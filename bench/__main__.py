"""``python -m bench`` (``make bench``): our engine against a bare Temporal baseline.

Starts a Temporal dev server (fresh SQLite file, hub search attributes) and a
no-op agent service in its own process, runs the workers in this process (one
engine's workers at a time), measures, prints tables and writes everything to
``bench/results/<timestamp>.json``. Ctrl-C or SIGTERM stops everything it started.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from temporalio.client import Client

from bench import dashboard
from bench.api_load import api_load
from bench.console import measure_console
from bench.engines import (
    LOCAL,
    Engine,
    engines,
    install_stop_handlers,
    set_main_task,
    warmup_runs,
)
from bench.investigations import INVESTIGATIONS
from bench.measure import CPU_PARTS, merge_throughput, overhead, ratio, throughput, warm_up
from bench.processes import (
    REPO_ROOT,
    free_port,
    noop_agent_service,
    running,
    temporal_binary,
    temporal_dev_server,
)
from bench.profile import http_costs, profile_engine, serialization_costs
from bench.report import render
from bench.stack_memory import measure_stack
from hub import event_loop
from workers.temporal_client import connect

#: What ``make bench`` runs without ``--only``, in this order.
DEFAULT_SECTIONS = (
    "overhead",
    "throughput",
    "profile",
    "api",
    "dashboard",
    "memory",
    "stack",
    "console",
)
#: ``--only`` also takes the investigations (bench/investigations/), never run by default.
SECTIONS = (*DEFAULT_SECTIONS, *INVESTIGATIONS)
DEFAULT_STEPS = (1, 3, 10, 40)
DEFAULT_IN_FLIGHT = (1, 50, 200)
THROUGHPUT_STEPS = 3
PROFILE_STEPS = 3


def progress(message: str) -> None:
    """Progress lines go to stderr so stdout carries only the final tables."""
    print(message, file=sys.stderr, flush=True)


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Orchestration overhead and throughput of our engine vs a bare "
        "Temporal workflow, on a dev server this command starts.",
    )
    parser.add_argument("--quick", action="store_true", help="few iterations (a smoke check)")
    parser.add_argument("--only", choices=SECTIONS, help="run one section only")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=SECTIONS,
        help="leave a section out (repeatable), e.g. --skip stack",
    )
    parser.add_argument(
        "--steps",
        type=_int_list,
        default=list(DEFAULT_STEPS),
        help="pipeline lengths for the overhead section (default 1,3,10,40)",
    )
    parser.add_argument(
        "--in-flight",
        type=_int_list,
        default=list(DEFAULT_IN_FLIGHT),
        help="concurrency levels for the throughput section (default 1,50,200)",
    )
    parser.add_argument("--repeats", type=int, help="runs per pipeline length (overhead)")
    parser.add_argument("--runs", type=int, help="runs per concurrency level (throughput)")
    parser.add_argument("--warmup", type=int, help="warm-up runs per engine and section")
    parser.add_argument("--profile-runs", type=int, help="runs per engine (profile)")
    parser.add_argument(
        "--profile-steps",
        type=int,
        default=PROFILE_STEPS,
        help=f"steps per run in the profile section (default {PROFILE_STEPS})",
    )
    parser.add_argument(
        "--server-config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a dev-server dynamic config value (repeatable), to try tuning ideas",
    )
    parser.add_argument(
        "--stock-server",
        action="store_true",
        help="start the dev server with Temporal's default dynamic config instead of the "
        "embedded stack's (temporal-config/dynamicconfig.yaml): the 'before' figures",
    )
    parser.add_argument(
        "--in-memory-server",
        action="store_true",
        help="keep the dev server's SQLite in memory instead of a fresh file",
    )
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="our workers skip writing step_results (shows what the product's per-attempt "
        "database write costs)",
    )
    parser.add_argument(
        "--sandboxed",
        action="store_true",
        help="run our workflow in Temporal's sandbox (HUB_WORKFLOW_SANDBOX=true)",
    )
    parser.add_argument(
        "--no-eager",
        action="store_true",
        help="start our runs through the task queue instead of eagerly (as the API starts "
        "them without HUB_API_ORCHESTRATOR)",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=REPO_ROOT / "bench" / "results",
        help="where the JSON file goes (default bench/results)",
    )
    dashboard.add_arguments(parser)
    args = parser.parse_args(argv)
    for name in ("repeats", "runs", "warmup", "profile_runs", "profile_steps"):
        value = getattr(args, name)
        if value is not None and value < (0 if name == "warmup" else 1):
            parser.error(f"--{name.replace('_', '-')} must be positive")
    return args


def overhead_repeats(args: argparse.Namespace, steps: int) -> int:
    if args.repeats:
        return int(args.repeats)
    if args.quick:
        return max(2, min(5, 10 // steps))
    return max(12, min(30, 240 // steps))


def throughput_runs(args: argparse.Namespace, in_flight: int) -> int:
    if args.runs:
        return int(args.runs)
    return max(5, in_flight) if args.quick else max(20, 2 * in_flight)


def environment() -> dict[str, Any]:
    try:
        cli = subprocess.run(
            [temporal_binary(), "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        cli = "unknown"
    return {
        "python": platform.python_version(),
        "temporalio": version("temporalio"),
        "temporal_cli": cli,
        "cpus": os.cpu_count(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def with_ratios(figures: dict[str, Any], key: str) -> dict[str, Any]:
    """``figures`` per engine plus ``ratio`` (ours / baseline) and ``ratio_local``."""
    base = figures["baseline"][key]
    return {
        **figures,
        "ratio": ratio(figures["ours"][key], base),
        "ratio_local": ratio(figures[LOCAL][key], base),
    }


async def run_overhead(
    args: argparse.Namespace, client: Client, agent_url: str, workdir: Path, out: dict[str, Any]
) -> None:
    progress("overhead: sequential no-op pipelines, one run at a time, engines interleaved")
    per_engine: dict[str, dict[int, dict[str, Any]]] = {}
    async with contextlib.AsyncExitStack() as stack:
        running_engines: dict[str, Engine] = {}
        for name, factory in engines(args, client, agent_url, workdir):
            engine = await stack.enter_async_context(factory())
            out.setdefault("warmup_ms", {}).setdefault("overhead", {})[name] = await warm_up(
                engine, warmup_runs(args), progress
            )
            running_engines[name] = engine
            per_engine[name] = {}
        for steps in args.steps:
            by_engine = await overhead(
                running_engines, steps, overhead_repeats(args, steps), progress
            )
            for name, figures in by_engine.items():
                per_engine[name][steps] = figures
    by_steps = {
        str(steps): with_ratios(
            {name: runs[steps] for name, runs in per_engine.items()}, "overhead_ms_per_step"
        )
        for steps in args.steps
    }
    section: dict[str, Any] = {"by_steps": by_steps}
    lo, hi = min(args.steps), max(args.steps)
    if hi > lo:
        # The slope between the shortest and longest pipeline: per-step cost without
        # the fixed per-run cost (start, first and last workflow task, result).
        marginal = {
            name: {
                "ms_per_step": (
                    runs[hi]["overhead_ms_per_step"] * hi - runs[lo]["overhead_ms_per_step"] * lo
                )
                / (hi - lo)
            }
            for name, runs in per_engine.items()
        }
        section["marginal_ms_per_step"] = with_ratios(marginal, "ms_per_step")
    out["overhead"] = section


async def run_throughput(
    args: argparse.Namespace, client: Client, agent_url: str, workdir: Path, out: dict[str, Any]
) -> None:
    progress(
        f"throughput: {THROUGHPUT_STEPS}-step pipelines, closed loop; engines in ABBA order "
        "(a server's cost per run grows with the runs it holds, and the VM's speed drifts)"
    )
    blocks: dict[str, dict[int, list[dict[str, Any]]]] = {}
    order = engines(args, client, agent_url, workdir)
    for name, factory in [*order, *reversed(order)]:
        async with factory() as engine:
            walls = await warm_up(engine, warmup_runs(args), progress)
            out.setdefault("warmup_ms", {}).setdefault("throughput", {}).setdefault(name, walls)
            for in_flight in args.in_flight:
                half = max(1, -(-throughput_runs(args, in_flight) // 2))
                figures = await throughput(engine, in_flight, half, THROUGHPUT_STEPS, progress)
                blocks.setdefault(name, {}).setdefault(in_flight, []).append(figures)
    per_engine = {
        name: {n: merge_throughput(parts) for n, parts in by_level.items()}
        for name, by_level in blocks.items()
    }

    def level(n: int) -> dict[str, Any]:
        figures: dict[str, Any] = {name: runs[n] for name, runs in per_engine.items()}
        base = figures["baseline"]
        for label, name in (("ratio", "ours"), ("ratio_local", LOCAL)):
            figures[label] = {
                key: ratio(figures[name][key], base[key])
                for key in ("runs_per_second", "latency_ms_p50", "latency_ms_p95")
            }
        return figures

    out["throughput"] = {
        "steps": THROUGHPUT_STEPS,
        "by_in_flight": {str(n): level(n) for n in args.in_flight},
    }


async def run_profile(
    args: argparse.Namespace, client: Client, agent_url: str, workdir: Path, out: dict[str, Any]
) -> None:
    runs = args.profile_runs or (3 if args.quick else 10)
    steps = args.profile_steps
    progress(f"profile: {runs} sequential {steps}-step runs per engine, from history")
    section: dict[str, Any] = {"steps": steps}
    # Also our engine with the agent marked ``dispatch: local`` (issue 8's idea), to
    # show what skipping the task-queue hop is worth.
    for name, factory in engines(args, client, agent_url, workdir):
        async with factory() as engine:
            out.setdefault("warmup_ms", {}).setdefault("profile", {})[name] = await warm_up(
                engine, warmup_runs(args), progress
            )
            section[name] = await profile_engine(client, engine, runs, steps, progress)
    section["http"] = await http_costs(agent_url, 50 if args.quick else 200)
    section["serialization"] = serialization_costs(steps, 50 if args.quick else 300)
    out["profile"] = section


async def run_api(
    args: argparse.Namespace, _client: Client, _agent_url: str, workdir: Path, out: dict[str, Any]
) -> None:
    progress("api: hub api on PostgreSQL, auth on, wrk in its own process")
    seconds = 5 if args.quick else 10
    out["api"] = await asyncio.to_thread(api_load, workdir, seconds, progress)


async def run_stack(
    _args: argparse.Namespace, _client: Client, _agent_url: str, _workdir: Path, out: dict[str, Any]
) -> None:
    out["stack"] = await asyncio.to_thread(measure_stack, progress)


async def run_console(
    args: argparse.Namespace, _client: Client, _agent_url: str, _workdir: Path, out: dict[str, Any]
) -> None:
    out["console"] = await asyncio.to_thread(measure_console, progress, args.quick)


SECTION_RUNNERS = {
    "overhead": run_overhead,
    "throughput": run_throughput,
    "profile": run_profile,
    "api": run_api,
    "dashboard": dashboard.run_dashboard,
    "memory": dashboard.run_memory,
    "stack": run_stack,
    "console": run_console,
    **INVESTIGATIONS,
}


def _json_safe(value: Any) -> Any:
    """NaN is not JSON: write it as null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    """Start what is needed, run the chosen sections, stop everything; return the figures."""
    set_main_task(asyncio.current_task())
    install_stop_handlers()
    started = datetime.now(UTC)
    results: dict[str, Any] = {
        "timestamp": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "config": {
            "mode": "quick" if args.quick else "full",
            "sections": [args.only]
            if args.only
            else [name for name in DEFAULT_SECTIONS if name not in args.skip],
            "steps": args.steps,
            "in_flight": args.in_flight,
            "server_config": args.server_config,
            "server_db": "memory" if args.in_memory_server else "sqlite file",
            "server_dynamic_config": "stock" if args.stock_server else "embedded stack",
            "workers": "in-process (one engine's workers at a time)",
            "event_loop": "uvloop" if event_loop.loop_factory() else "asyncio",
            "ours_records_step_results": not args.no_record,
            "ours_sandboxed": args.sandboxed,
            "ours_eager_start": not args.no_eager,
        },
        "environment": environment(),
    }
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        workdir = Path(tmp)
        temporal_port, agent_port = free_port(), free_port()
        progress(
            f"starting Temporal dev server on :{temporal_port} and no-op agent on :{agent_port}"
        )
        children = [
            temporal_dev_server(
                workdir,
                temporal_port,
                args.server_config,
                in_memory=args.in_memory_server,
                stock=args.stock_server,
            ),
            noop_agent_service(workdir, agent_port),
        ]
        with running(children):
            CPU_PARTS.update(
                {
                    "temporal": children[0].process.pid,
                    "workers+client": os.getpid(),
                    "agent": children[1].process.pid,
                }
            )
            client = await connect(f"127.0.0.1:{temporal_port}")
            agent_url = f"http://127.0.0.1:{agent_port}"
            for section in results["config"]["sections"]:
                began = time.perf_counter()
                await SECTION_RUNNERS[section](args, client, agent_url, workdir, results)
                progress(f"{section} done in {time.perf_counter() - began:.0f}s")
            progress("stopping the dev server and the agent service")
    results["environment"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the bench; 0 on success, 130 when interrupted."""
    args = parse_args(argv)
    try:
        results = event_loop.run(bench(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        progress("interrupted: everything the bench started has been stopped")
        return 130
    args.results_dir.mkdir(parents=True, exist_ok=True)
    path = args.results_dir / f"{results['timestamp'].replace(':', '')}.json"
    path.write_text(json.dumps(_json_safe(results), indent=2) + "\n")
    print(render(results))
    print(dashboard.render(results))
    print(f"\nfigures written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
