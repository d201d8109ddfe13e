"""``python -m bench --only server``: perf samples of the dev server, named from the Go
binary's own function table and put into categories of server work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.investigations.server_profile import CATEGORIES, OTHER, GoSymbols, categorize
from hub.stack import temporal_binary

REPO_ROOT = Path(__file__).resolve().parents[2]
ACTIVITY_WORK = ("activity task completed", "activity task handed to a worker")


def test_every_category_names_functions_the_temporal_binary_has() -> None:
    """A renamed server function would silently empty its category."""
    symbols = GoSymbols.load(Path(temporal_binary()).resolve())
    assert len(symbols.names) > 10_000
    for category, fragments in CATEGORIES:
        for fragment in fragments:
            assert any(fragment in name for name in symbols.names), (category, fragment)
    handler = "go.temporal.io/server/service/history.(*Handler).RespondActivityTaskCompleted"
    start = symbols.starts[symbols.names.index(handler)]
    assert symbols.name(start - symbols.load_base + 16) == handler


def test_a_stack_goes_to_its_first_matching_category() -> None:
    visibility = "go.temporal.io/server/service/history.(*visibilityQueueTaskExecutor).Execute"
    grpc = "google.golang.org/grpc.(*Server).handleStream"
    assert categorize(["[k]", "modernc.org/sqlite.(*conn).exec", visibility]) == CATEGORIES[0][0]
    assert categorize(["runtime.mallocgc", grpc]) == "frontend and gRPC"
    assert categorize(["[k]", "runtime.futex"]) == OTHER


def test_the_server_section_attributes_activity_work_only_to_engines_with_activities(
    tmp_path: Path,
) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "server", "--quick", "--in-flight", "8"]
        + ["--warmup", "1", "--results-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    server = json.loads(next(tmp_path.glob("*.json")).read_text())["server"]
    assert "by what it was doing" in completed.stdout
    for engine in ("ours", "baseline"):
        figures = server[engine]
        assert figures["runs"] > 0 and figures["samples"] > 100
        assert all(figures["ms_per_run"][work] > 0 for work in ACTIVITY_WORK), figures
        shares = sum(figures["ms_per_run"].values())
        assert abs(shares - figures["server_cpu_ms_per_run"]) < 1e-6 * shares + 1e-9
    # dispatch: local runs have no activity tasks: no sample can land there.
    assert all(server["ours_local"]["ms_per_run"][work] == 0 for work in ACTIVITY_WORK)
