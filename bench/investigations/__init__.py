"""One-off investigations: not part of ``make bench``; each runs only when named.

``python -m bench --only server`` (perf samples of the dev server, root) and
``python -m bench --only floor`` (one step driven by raw gRPC polls) answered
questions of issue 8; ``python -m bench.investigations.api_ab --base DIR`` (two versions
of the API side by side) answered one of issue 19. They stay runnable for the next such
question. Their history
and findings are in ``bench/investigations/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from temporalio.client import Client

from bench.engines import Engine, engines, warmup_runs
from bench.investigations.server_floor import raw_step_latency
from bench.investigations.server_profile import GoSymbols, perf_available, profile_server
from bench.measure import CPU_PARTS, warm_up

#: The throughput section's pipeline length and its highest level, reused here.
STEPS = 3


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def run_floor(
    args: argparse.Namespace, client: Client, _agent_url: str, _workdir: Path, out: dict[str, Any]
) -> None:
    progress("floor: one step driven by raw gRPC polls already waiting (no SDK worker)")
    out["floor"] = await raw_step_latency(client, 3 if args.quick else 10)


async def run_server(
    args: argparse.Namespace, client: Client, agent_url: str, workdir: Path, out: dict[str, Any]
) -> None:
    why = perf_available()
    if why is not None:
        progress(f"server: skipped, {why}")
        out["server"] = {"skipped": why}
        return
    in_flight, seconds = max(args.in_flight), 5.0 if args.quick else 12.0
    progress(
        f"server: perf samples of the dev server, {in_flight} {STEPS}-step runs "
        f"in flight, {seconds:.0f} s per engine"
    )
    server_pid = CPU_PARTS["temporal"]
    binary = Path(f"/proc/{server_pid}/exe").resolve()
    symbols = await asyncio.to_thread(GoSymbols.load, binary)
    section: dict[str, Any] = {"in_flight": in_flight, "steps": STEPS}
    for name, factory in engines(args, client, agent_url, workdir):
        engine: Engine
        async with factory() as engine:
            await warm_up(engine, warmup_runs(args), progress)
            section[name] = await profile_server(
                engine, server_pid, binary, symbols, in_flight, STEPS, seconds
            )
            progress(
                f"  {name:>10}: {section[name]['server_cpu_ms_per_run']:.1f} ms of server CPU "
                f"per run ({section[name]['samples']} samples)"
            )
    out["server"] = section


#: Sections ``--only NAME`` runs; never part of the default run.
INVESTIGATIONS = {"server": run_server, "floor": run_floor}


def render_floor(floor: dict[str, Any]) -> str:
    return (
        f"\nServer floor (raw gRPC polls already waiting, no SDK worker; "
        f"{floor['rounds']} rounds): a step takes {floor['step_ms_p50']:.1f} ms p50 "
        f"= WFT completed → activity polled "
        f"{floor['workflow_task_completed_to_activity_polled_ms_p50']:.1f} ms + "
        f"activity completed → next WFT polled "
        f"{floor['activity_completed_to_next_workflow_task_polled_ms_p50']:.1f} ms"
    )


def render_server(server: dict[str, Any], table: Any, num: Any) -> str:
    if "skipped" in server:
        return f"\nServer profile skipped: {server['skipped']}"
    names = [n for n in ("ours", "ours_local", "baseline") if n in server]
    categories = list(server[names[0]]["ms_per_run"])
    rows = [
        [category, *(num(server[n]["ms_per_run"][category], 2) for n in names)]
        for category in categories
    ]
    rows.append(
        ["total (from /proc)", *(num(server[n]["server_cpu_ms_per_run"], 2) for n in names)]
    )
    rows.append(["runs/s while sampled", *(num(server[n]["runs_per_second"]) for n in names)])
    return (
        f"\nTemporal server CPU per {server['steps']}-step run, {server['in_flight']} in "
        "flight, by what it was doing (ms; perf samples of the server)\n"
        + table(["server work", *names], rows)
    )
