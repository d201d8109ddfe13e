"""The measurements: per-step overhead of sequential pipelines, and throughput under load."""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.engines import Engine

Progress = Callable[[str], None]


@dataclass
class RunSample:
    """One run as the client saw it: wall time (start call → result) and agent time."""

    workflow_id: str
    wall_ms: float
    agent_ms: float


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


async def timed_run(engine: Engine, steps: int) -> RunSample:
    """Start one run of ``steps`` steps and wait for it."""
    began = time.perf_counter()
    handle = await engine.start(steps)
    agent_ms = await engine.finish(handle)
    wall_ms = (time.perf_counter() - began) * 1000.0
    return RunSample(handle.id, wall_ms, agent_ms)


async def warm_up(engine: Engine, runs: int, progress: Progress) -> list[float]:
    """Sequential 3-step runs before measuring; returns their wall times (cold-start view)."""
    walls: list[float] = []
    for _ in range(runs):
        walls.append((await timed_run(engine, 3)).wall_ms)
    if runs:
        progress(f"  {engine.name}: warmed up with {runs} runs")
    return walls


#: The engine every other engine's runs are paired with (same round) in ``overhead``.
PAIRED_AGAINST = "baseline"


def paired_ratios(runs: list[RunSample], base_runs: list[RunSample]) -> dict[str, float]:
    """Quartiles of run-by-run ratios ``runs[i] / base_runs[i]`` (agent time subtracted).

    Runs of one round ran back to back, so each pair saw the same machine; the spread
    of the pairs says whether a difference of medians is more than the drift.
    """
    ratios = sorted(
        (a.wall_ms - a.agent_ms) / (b.wall_ms - b.agent_ms)
        for a, b in zip(runs, base_runs, strict=True)
    )
    if len(ratios) < 2:
        return {"p25": ratios[0], "p50": ratios[0], "p75": ratios[0], "pairs": len(ratios)}
    p25, p50, p75 = statistics.quantiles(ratios, n=4)
    return {"p25": p25, "p50": p50, "p75": p75, "pairs": len(ratios)}


async def overhead(
    engines: dict[str, Engine], steps: int, repeats: int, progress: Progress
) -> dict[str, dict[str, Any]]:
    """``repeats`` sequential runs of a ``steps``-step pipeline per engine, one at a time,
    **interleaved** (ours, ours local, baseline, ours, …): on a machine whose speed drifts
    (shared cores, a VM's steal time) every engine sees the same drift.

    Overhead per step = (run wall time − agent time) / steps; the figure is the
    median over the repeats (the mean and spread are kept too), and each engine's runs
    paired with the baseline's run of the same round give ``paired_ratio`` quartiles.
    """
    samples: dict[str, list[RunSample]] = {name: [] for name in engines}
    order = list(engines.items())
    for round_number in range(repeats):
        # Alternate the order every round, so no engine always runs right after another.
        for name, engine in order if round_number % 2 == 0 else reversed(order):
            samples[name].append(await timed_run(engine, steps))
    result: dict[str, dict[str, Any]] = {}
    base_runs = samples.get(PAIRED_AGAINST)
    for name, runs in samples.items():
        per_step = [(s.wall_ms - s.agent_ms) / steps for s in runs]
        figures = {
            "runs": len(runs),
            "steps": steps,
            "overhead_ms_per_step": statistics.median(per_step),
            "overhead_ms_per_step_mean": statistics.fmean(per_step),
            "overhead_ms_per_step_min": min(per_step),
            "overhead_ms_per_step_max": max(per_step),
            "run_wall_ms_p50": statistics.median(s.wall_ms for s in runs),
            "agent_ms_per_step": statistics.fmean(s.agent_ms for s in runs) / steps,
        }
        if base_runs is not None and name != PAIRED_AGAINST:
            figures["paired_ratio"] = paired_ratios(runs, base_runs)
        progress(
            f"  {name:>10} {steps:>3} steps: {figures['overhead_ms_per_step']:8.2f} ms/step "
            f"(run p50 {figures['run_wall_ms_p50']:.1f} ms, {len(runs)} runs)"
        )
        result[name] = figures
    return result


#: Processes whose CPU time the throughput section reports per run (name → pid); the
#: bench fills it in once its children are up. CPU time, unlike wall time, hardly moves
#: with the neighbours' load, so it shows which engine costs more per run, and where.
CPU_PARTS: dict[str, int] = {}


def cpu_ms(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (ms), from /proc; 0 if unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def cpu_snapshot() -> dict[str, float]:
    return {name: cpu_ms(pid) for name, pid in CPU_PARTS.items()}


async def throughput(
    engine: Engine, in_flight: int, total_runs: int, steps: int, progress: Progress
) -> dict[str, Any]:
    """Keep ``in_flight`` runs going until ``total_runs`` have finished (a closed loop)."""
    remaining = total_runs
    latencies: list[float] = []

    async def runner() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            latencies.append((await timed_run(engine, steps)).wall_ms)

    began, cpu_before = time.perf_counter(), cpu_snapshot()
    await asyncio.gather(*(runner() for _ in range(min(in_flight, total_runs))))
    seconds = time.perf_counter() - began
    cpu_after = cpu_snapshot()
    figures = {
        "in_flight": in_flight,
        "runs": len(latencies),
        "steps": steps,
        "seconds": seconds,
        "runs_per_second": len(latencies) / seconds,
        "latency_ms_p50": percentile(latencies, 50),
        "latency_ms_p95": percentile(latencies, 95),
        "latencies_ms": latencies,
        "cpu_ms_per_run": {
            name: (cpu_after[name] - cpu_before[name]) / max(1, len(latencies))
            for name in cpu_after
        },
    }
    progress(
        f"  {engine.name:>8} {in_flight:>3} in flight: {figures['runs_per_second']:7.1f} runs/s, "
        f"p50 {figures['latency_ms_p50']:.0f} ms, p95 {figures['latency_ms_p95']:.0f} ms "
        f"({len(latencies)} runs)"
    )
    return figures


def merge_throughput(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """One figure from several blocks of the same engine and level (runs pooled)."""
    latencies = sorted(ms for block in blocks for ms in block.pop("latencies_ms"))
    runs = sum(block["runs"] for block in blocks)
    seconds = sum(block["seconds"] for block in blocks)
    parts = blocks[0]["cpu_ms_per_run"].keys()
    return {
        "in_flight": blocks[0]["in_flight"],
        "runs": runs,
        "steps": blocks[0]["steps"],
        "seconds": seconds,
        "blocks": len(blocks),
        "runs_per_second": runs / seconds,
        "runs_per_second_by_block": [block["runs_per_second"] for block in blocks],
        "latency_ms_p50": percentile(latencies, 50),
        "latency_ms_p95": percentile(latencies, 95),
        "cpu_ms_per_run": {
            part: sum(b["cpu_ms_per_run"][part] * b["runs"] for b in blocks) / max(1, runs)
            for part in parts
        },
        "cpu_ms_per_run_by_block": [block["cpu_ms_per_run"] for block in blocks],
    }


def ratio(ours: float, baseline: float) -> float | None:
    """ours / baseline (None when the baseline is zero or missing)."""
    if not baseline or math.isnan(baseline) or math.isnan(ours):
        return None
    return ours / baseline
