"""Smoke test of ``python -m bench.soak``: a short soak with chaos passes its invariants.

No timing assertions: the soak is not a benchmark; this proves that the harness starts
the split stack, shakes it, checks what it promises and leaves nothing behind.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import psycopg

from bench.soak_stack import _admin_connection

REPO_ROOT = Path(__file__).resolve().parents[2]
INVARIANTS = (
    "every run started reached a terminal state",
    "no run lost or failed except by an approver's rejection",
    "each step's side effect applied exactly once per (run, step, item)",
    "no record missing from the observability tables",
    "memory did not grow without bound",
)


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that contain ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{entry.name}: {cmdline}")
    return found


def database_exists(name: str) -> bool:
    with _admin_connection() as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def test_a_short_soak_with_chaos_passes_every_invariant_and_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.soak",
            "--minutes",
            "0.25",
            "--seed",
            "7",
            "--workdir",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = completed.stdout
    assert completed.returncode == 0, output[-4000:] + completed.stderr[-4000:]
    for invariant in INVARIANTS:
        assert re.search(rf"\[PASS\] {re.escape(invariant)}", output), (invariant, output)
    assert "[FAIL]" not in output
    assert output.rstrip().endswith("SOAK PASS")
    started = re.search(r"runs started\s+(\d+)", output)
    assert started is not None and int(started.group(1)) > 0
    restarts = re.search(r"temporal restarts\s+(\d+)", output)
    assert restarts is not None and int(restarts.group(1)) == 1
    assert (tmp_path / "soak-results.txt").read_text().rstrip().endswith("SOAK PASS")

    assert processes_mentioning(str(tmp_path)) == []
    database = re.search(r"PostgreSQL \((hub_soak_\w+)\)", output)
    assert database is not None
    try:
        assert not database_exists(database.group(1))
        assert not database_exists(database.group(1) + "_effects")
    except psycopg.OperationalError as exc:  # pragma: no cover - the soak needed it too
        raise AssertionError(f"PostgreSQL went away: {exc}") from exc
