"""The embedded stack (``hub up``): resident memory idle and under 200 runs, run-start latency.

Starts the stack exactly as ``hub up --headless`` does (fresh ``HUB_HOME``, SQLite,
auth on with the admin key it writes), deploys the credit-memo demo app through the
API (built-in agents, ``local`` provider, no key), then:

- **idle**: RSS and PSS of every process of the stack (each part and its children)
  after it has settled;
- **run start**: ``POST /apps/{id}/runs`` → 202, one at a time (p50/p95);
- **200 runs**: 200 runs started at once; RSS/PSS sampled every second until they end,
  peak reported. PSS counts shared pages once (RSS sums double-count them).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from hub.settings import Settings
from hub.stack import EmbeddedStack, StackPorts

RUN_STARTS = 30
LOAD_RUNS = 200
LOAD_TIMEOUT_SECONDS = 300.0
IDLE_SETTLE_SECONDS = 10.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    # A process may exit while we read /proc: it simply has no children any more.
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux /proc)."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += _children(current)
    return tree


def _kib(pid: int, field: str, filename: str) -> int:
    with contextlib.suppress(OSError):  # the process exited meanwhile: it uses nothing
        for line in Path(f"/proc/{pid}/{filename}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def stack_memory(stack: EmbeddedStack) -> dict[str, Any]:
    """RSS and PSS in MiB per part (process tree) and in total."""
    parts: dict[str, dict[str, float]] = {}
    for part in stack.parts:
        if part.process is None:
            continue
        pids = process_tree(part.process.pid)
        parts[part.name] = {
            "processes": len(pids),
            "rss_mib": sum(_kib(p, "VmRSS", "status") for p in pids) / 1024,
            "pss_mib": sum(_kib(p, "Pss", "smaps_rollup") for p in pids) / 1024,
        }
    return {
        "parts": parts,
        "rss_mib": sum(p["rss_mib"] for p in parts.values()),
        "pss_mib": sum(p["pss_mib"] for p in parts.values()),
    }


@contextmanager
def embedded_stack(home: Path) -> Iterator[tuple[EmbeddedStack, str]]:
    """``hub up --headless`` in ``home``; yields the stack and its admin key."""
    from hub.api_keys import ensure_admin_key
    from storage.migrations import upgrade

    limits = {
        # One client starts all 200 runs: the per-team cap and the per-principal rate
        # limit would refuse most of them, which is not what is measured here.
        "HUB_MAX_CONCURRENT_RUNS_PER_TEAM": "1000",
        "HUB_RATE_LIMIT_PER_MINUTE": "1000000",
        "HUB_RATE_LIMIT_BURST": "1000000",
        "HUB_LOG_LEVEL": "WARNING",
    }
    os.environ.update({"HUB_HOME": str(home), **limits})
    settings = Settings()
    upgrade(settings.resolved_database_url)
    key = ensure_admin_key(settings)
    assert key is not None
    stack = EmbeddedStack(
        settings=settings,
        ports=StackPorts(api=0, temporal=0, ui=0, agents=0).resolve("127.0.0.1"),
        with_ui=False,
        extra_env=limits,
    )
    try:
        stack.start()
        yield stack, key
    finally:
        stack.stop()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_stack(progress: Callable[[str], None]) -> dict[str, Any]:
    """The whole section (see the module docstring)."""
    from agents.demo.samples import generate_samples
    from hub.demo import create_demo_app

    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hub-bench-stack-") as tmp:
        home = Path(tmp) / "home"
        progress("stack: starting hub up (headless) in a fresh HUB_HOME")
        with embedded_stack(home) as (stack, key):
            api = stack.api_url
            token = httpx.post(f"{api}/auth/token", json={"api_key": key}, timeout=30)
            token.raise_for_status()
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            with httpx.Client(base_url=api, headers=headers, timeout=60) as client:
                time.sleep(IDLE_SETTLE_SECONDS)
                result["idle"] = stack_memory(stack)
                progress(
                    f"  idle: RSS {result['idle']['rss_mib']:.0f} MiB, "
                    f"PSS {result['idle']['pss_mib']:.0f} MiB"
                )
                app_id = create_demo_app(client, lambda _m: None)
                generate_samples(Path(tmp) / "samples")
                pdf = sorted((Path(tmp) / "samples").glob("*.pdf"))[0]
                with pdf.open("rb") as handle:
                    upload = client.post("/artifacts", files={"file": (pdf.name, handle)})
                upload.raise_for_status()
                body = {"inputs": {"document": upload.json()["uri"]}}

                def start_run() -> tuple[float, str]:
                    began = time.perf_counter()
                    answer = client.post(f"/apps/{app_id}/runs", json=body)
                    elapsed = (time.perf_counter() - began) * 1000
                    if answer.status_code != 202:
                        raise RuntimeError(f"run start: {answer.status_code} {answer.text}")
                    return elapsed, str(answer.json()["run_id"])

                starts = [start_run() for _ in range(RUN_STARTS)]
                latencies = [ms for ms, _ in starts]
                result["run_start"] = {
                    "starts": RUN_STARTS,
                    "latency_ms_p50": statistics.median(latencies),
                    "latency_ms_p95": _percentile(latencies, 0.95),
                }
                progress(
                    f"  run start (POST /apps/{{id}}/runs → 202): p50 "
                    f"{result['run_start']['latency_ms_p50']:.1f} ms, p95 "
                    f"{result['run_start']['latency_ms_p95']:.1f} ms"
                )
                _wait_for_runs(client, [run for _, run in starts], LOAD_TIMEOUT_SECONDS)
                result["load"] = _under_load(stack, client, start_run, progress)
    return result


def _wait_for_runs(
    client: httpx.Client,
    run_ids: list[str],
    timeout: float,
    sample: Callable[[], None] = lambda: None,
) -> dict[str, int]:
    """Poll until every run is terminal (or the timeout); returns the count by status."""
    pending = set(run_ids)
    statuses: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        sample()
        for run_id in list(pending):
            answer = client.get(f"/runs/{run_id}")
            status = str(answer.json().get("status")) if answer.status_code == 200 else "?"
            if status in ("completed", "failed", "canceled", "terminated", "timed_out"):
                pending.discard(run_id)
                statuses[run_id] = status
        time.sleep(1.0)
    counts: dict[str, int] = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    if pending:
        counts["still_running"] = len(pending)
    return counts


def _under_load(
    stack: EmbeddedStack,
    client: httpx.Client,
    start_run: Callable[[], tuple[float, str]],
    progress: Callable[[str], None],
) -> dict[str, Any]:
    progress(f"  starting {LOAD_RUNS} runs at once; sampling memory until they end")
    samples: list[dict[str, Any]] = []
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        started = list(pool.map(lambda _i: start_run(), range(LOAD_RUNS)))
    counts = _wait_for_runs(
        client,
        [run for _, run in started],
        LOAD_TIMEOUT_SECONDS,
        sample=lambda: samples.append(stack_memory(stack)),
    )
    samples.append(stack_memory(stack))
    peak = max(samples, key=lambda s: s["pss_mib"])
    elapsed = time.perf_counter() - began
    progress(
        f"  {LOAD_RUNS} runs: {counts} in {elapsed:.0f}s; peak RSS {peak['rss_mib']:.0f} MiB, "
        f"PSS {peak['pss_mib']:.0f} MiB"
    )
    return {
        "runs": LOAD_RUNS,
        "statuses": counts,
        "seconds": elapsed,
        "runs_per_second": LOAD_RUNS / elapsed,
        "peak": peak,
        "start_latency_ms_p50": statistics.median(ms for ms, _ in started),
        "start_latency_ms_p95": _percentile([ms for ms, _ in started], 0.95),
    }
