"""``bench.triggers --quick`` of two or more checkouts in ABBA rounds, with a table of
medians and ratios against the first checkout, and the CPU each run's stack used.

    .venv/bin/python -m bench.investigations.triggers_abba \\
        --tree base=/work/wt/base19 --tree head=. --rounds 6 --rounds-per-lock 3 --out /tmp/abba

Each checkout runs with its own ``.venv`` (``label=checkout,VAR=value`` adds to its
environment). A round runs every checkout once, in order on even rounds and reversed on
odd ones (A B, B A, …); ``--rounds-per-lock`` rounds run in one hold of the shared heavy
lock (``--lock``). Besides the bench's own figures, each run's process tree is sampled
from ``/proc`` every half second: the CPU seconds of each part of the stack (Temporal,
API, workers, agents, the bench's client), which do not depend on the machine's load
the way wall-clock figures do.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.stack_memory import process_tree

TICKS = os.sysconf("SC_CLK_TCK")

#: (label, path into the bench's JSON, lower is better)
FIGURES: list[tuple[str, tuple[str, ...], bool]] = [
    ("batch of 100, docs/s", ("batch", "docs_per_s"), False),
    ("one by one, docs/s", ("one_by_one", "docs_per_s"), False),
    ("batch ÷ one by one", ("batch_vs_one_by_one",), False),
    ("webhook → 202, p50 ms", ("webhook", "latency_ms_p50"), True),
    ("webhook → 202, p95 ms", ("webhook", "latency_ms_p95"), True),
    ("POST /apps/{id}/runs → 202, p50 ms", ("webhook", "api_start_ms_p50"), True),
    ("POST /apps/{id}/runs → 202, p95 ms", ("webhook", "api_start_ms_p95"), True),
    ("orchestrator RSS peak, MiB", ("batch", "orchestrator_rss_mib_peak"), True),
    ("schedule fire → start, p50 ms", ("schedule", "delay_ms_p50"), True),
]
PARTS = ("temporal", "api", "workers", "agents", "client")


def part_of(cmdline: str) -> str:
    if "start-dev" in cmdline:
        return "temporal"
    if " agent serve" in cmdline:
        return "agents"
    if " worker all" in cmdline:
        return "workers"
    if " api --host" in cmdline:
        return "api"
    return "client"


def cpu_seconds(pid: int) -> tuple[str, float] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return cmdline, (int(fields[11]) + int(fields[12])) / TICKS


def load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def run_once(label: str, root: Path, out: Path, env: dict[str, str]) -> dict[str, Any]:
    results = out / f"{label}-{time.strftime('%H%M%S')}"
    began = datetime.now(UTC).strftime("%H:%M:%S")
    start_load = load()
    process = subprocess.Popen(  # noqa: S603 - our own argv
        [str(root / ".venv/bin/python"), "-m", "bench.triggers", "--quick"]
        + ["--results-dir", str(results)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
    )
    seen: dict[int, tuple[str, float]] = {}
    while process.poll() is None:
        for pid in process_tree(process.pid):
            sample = cpu_seconds(pid)
            if sample is not None:
                # An exiting process's cmdline is empty: keep the part first seen.
                part = seen[pid][0] if pid in seen and not sample[0] else part_of(sample[0])
                seen[pid] = (part, sample[1])
        time.sleep(0.5)
    output = process.stdout.read().decode() if process.stdout else ""
    if process.returncode != 0:
        raise RuntimeError(f"{label}: bench.triggers failed\n{output[-3000:]}")
    figures = json.loads(next(results.glob("triggers-*.json")).read_text())
    cpu = dict.fromkeys(PARTS, 0.0)
    for part, seconds in seen.values():
        cpu[part] += seconds
    return {
        "label": label,
        "began": began,
        "load": start_load,
        "figures": figures,
        "cpu_s": cpu,
    }


@contextmanager
def heavy_lock(path: str | None) -> Any:
    if path is None:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def value(run: dict[str, Any], path: tuple[str, ...]) -> float:
    node: Any = run["figures"]
    for key in path:
        node = node[key]
    return float(node)


def table(runs: list[dict[str, Any]], labels: list[str]) -> str:
    base = labels[0]
    by = {label: [r for r in runs if r["label"] == label] for label in labels}
    head = ["figure", *[f"{label} (medians)" for label in labels]]
    head += [f"{label} ÷ {base}" for label in labels[1:]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    rows: list[tuple[str, list[list[float]], bool]] = [
        (name, [[value(r, path) for r in by[label]] for label in labels], lower)
        for name, path, lower in FIGURES
    ]
    for part in (*PARTS, "all"):
        per_run = [
            [sum(r["cpu_s"].values()) if part == "all" else r["cpu_s"][part] for r in by[label]]
            for label in labels
        ]
        rows.append((f"CPU s per bench run, {part}", per_run, True))
    for name, values, lower in rows:
        medians = [statistics.median(v) for v in values]
        cells = [name, *[f"{m:.2f}" for m in medians]]
        for m in medians[1:]:
            ratio = m / medians[0] if medians[0] else float("nan")
            worse = ratio - 1 if lower else 1 - ratio
            cells.append(f"{ratio:.3f}×{' (worse > 5 %)' if worse > 0.05 else ''}")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "| run | label | began (UTC) | load | batch | one by one | start p50 | all CPU s |"
    )
    lines.append("|---|---|---|---|---|---|---|---|")
    for index, r in enumerate(runs):
        stack = sum(r["cpu_s"].values())
        lines.append(
            f"| {index + 1} | {r['label']} | {r['began']} | {r['load']:.2f} | "
            f"{value(r, ('batch', 'docs_per_s')):.2f} | "
            f"{value(r, ('one_by_one', 'docs_per_s')):.2f} | "
            f"{value(r, ('webhook', 'api_start_ms_p50')):.1f} | {stack:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.investigations.triggers_abba")
    parser.add_argument(
        "--tree", action="append", required=True, help="label=checkout[,VAR=value…]"
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--first-round", type=int, default=0, help="0: A B first, 1: B A")
    parser.add_argument(
        "--rounds-per-lock", type=int, default=1, help="rounds run in one hold of the lock"
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lock", default="/work/notes/heavy.lock", help="'' for none")
    parser.add_argument("--table-only", action="store_true", help="the table of --out's runs")
    parser.add_argument(
        "--not-after", help="HH:MM UTC: start no round after it (a shared machine's deadline)"
    )
    args = parser.parse_args(argv)
    trees = []
    for spec in args.tree:
        label, rest = spec.split("=", 1)
        root, *pairs = rest.split(",")
        trees.append((label, root, dict(p.split("=", 1) for p in pairs)))
    labels = [label for label, _, _ in trees]
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / "runs.jsonl"
    if not args.table_only:
        rounds = list(range(args.first_round, args.first_round + args.rounds))
        holds = [
            rounds[i : i + args.rounds_per_lock]
            for i in range(0, len(rounds), args.rounds_per_lock)
        ]
        for hold in holds:
            with heavy_lock(args.lock or None):
                if args.not_after and datetime.now(UTC).strftime("%H:%M") >= args.not_after:
                    print(f"past {args.not_after} UTC: no further rounds", flush=True)
                    break
                runs_in_hold = [t for i in hold for t in (trees if i % 2 == 0 else trees[::-1])]
                for label, root, env in runs_in_hold:
                    run = run_once(label, Path(root).resolve(), args.out, env)
                    with log.open("a") as handle:
                        handle.write(json.dumps(run) + "\n")
                    print(
                        f"{run['began']} {label}: load {run['load']:.2f}, "
                        f"batch {value(run, ('batch', 'docs_per_s')):.2f} docs/s, "
                        f"CPU {sum(run['cpu_s'].values()):.1f} s",
                        flush=True,
                    )
    runs = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    runs = [r for r in runs if r["label"] in labels]
    print(table(runs, labels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
