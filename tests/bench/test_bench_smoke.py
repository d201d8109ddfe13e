"""Smoke test of ``python -m bench``: a tiny configuration runs end to end and writes its figures.

No timing assertions: benchmarks are not pass/fail; this proves the harness works.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_end_to_end_and_writes_every_figure(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--steps",
            "1",
            "--in-flight",
            "2",
            "--runs",
            "2",
            "--repeats",
            "1",
            "--warmup",
            "1",
            "--profile-runs",
            "1",
            # The API load (PostgreSQL + wrk), the dashboard at 100,000 runs, the API's memory
            # through a mixed load, the embedded stack under 200 runs and the console in a
            # browser take minutes; they are run by `make bench`, not by this smoke test (the
            # console's figures come from the same page its browser tests use).
            "--skip",
            "api",
            "--skip",
            "dashboard",
            "--skip",
            "memory",
            "--skip",
            "stack",
            "--skip",
            "console",
            "--results-dir",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]

    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    results = json.loads(files[0].read_text())
    assert results["config"]["sections"] == ["overhead", "throughput", "profile"]

    one_step = results["overhead"]["by_steps"]["1"]
    for engine in ("ours", "ours_local", "baseline"):
        figures = one_step[engine]
        assert figures["runs"] == 1
        assert figures["overhead_ms_per_step"] > 0
    assert one_step["ratio"] > 0
    assert one_step["ratio_local"] > 0

    two_in_flight = results["throughput"]["by_in_flight"]["2"]
    for engine in ("ours", "ours_local", "baseline"):
        figures = two_in_flight[engine]
        assert figures["runs"] == 2
        assert {"runs_per_second", "latency_ms_p50", "latency_ms_p95"} <= figures.keys()
    for key in ("ratio", "ratio_local"):
        assert set(two_in_flight[key]) == {"runs_per_second", "latency_ms_p50", "latency_ms_p95"}

    profile = results["profile"]
    for engine in ("ours", "baseline"):
        # Three steps: one activity each, and at least one workflow task per step.
        detail = profile[engine]["runs_detail"][0]
        assert detail["activities"] == 3
        assert detail["workflow_tasks"] >= 3
        assert set(profile[engine]["per_step_ms"]) >= {
            "wft_dispatch",
            "wft_processing",
            "activity_dispatch",
            "activity_execution_minus_agent",
        }
    assert profile["http"]["requests"] > 0
    assert "ours.activity_input(InvokeAgentInput)" in profile["serialization"]

    # The readable tables reach stdout; progress goes to stderr.
    assert "Per-step orchestration overhead" in completed.stdout
    assert "Throughput" in completed.stdout
    assert "Where a step's time goes" in completed.stdout
    assert "overhead:" in completed.stderr
