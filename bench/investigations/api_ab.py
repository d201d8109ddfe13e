"""``python -m bench.investigations.api_ab --base DIR``: two versions of the API side by side.

On a shared machine two ``--only api`` runs one after the other measure the neighbours as
much as the code. This seeds one PostgreSQL database (10,000 apps, as the api section),
then each round starts ``hub api`` from ``DIR`` (another checkout, e.g. ``git archive main
| tar -x -C DIR``, run in that folder with this virtualenv) and from ``--this`` (default:
this checkout), both at once, in alternating order, loads each endpoint with wrk
alternately (base then this, then this then base) and stops both: a fresh pair of
processes every round, since two processes of the *same* code differ by up to ~15 % on
this VM (memory layout, core placement). Per run: req/s, p50/p99, and the API process's
CPU per 1,000 requests from ``/proc``; printed per round, then medians and their ratio
(this ÷ base).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.api_load import SEEDED_APPS, _lua_script, bearer_token, bench_database, run_wrk, seed
from bench.measure import cpu_ms
from bench.processes import REPO_ROOT, ChildProcess, free_port, http_ok, process_group_members
from hub.stack import hub_command

CASES = [
    ("get_app", "/apps/{one}", "GET", None),
    ("list_apps", "/apps?limit=50", "GET", None),
    ("create_app", "/apps", "POST", '{"name": "ab %s-%d", "team_id": "bench"}'),
]
FIGURES = ("requests_per_second", "latency_ms_p50", "latency_ms_p99", "cpu_ms_per_1000")


def start_api(name: str, url: str, workdir: Path, checkout: Path) -> ChildProcess:
    env = {
        **os.environ,
        "HUB_DATABASE_URL": url,
        "HUB_HOME": str(workdir / f"home-{name}"),
        "HUB_RATE_LIMIT_PER_MINUTE": "1000000000",
        "HUB_RATE_LIMIT_BURST": "1000000000",
        "HUB_ACCESS_TOKEN_TTL_SECONDS": "3600",
        "HUB_LOG_LEVEL": "WARNING",
        "HUB_AUTH_MODE": "enabled",
    }
    env["PYTHONPATH"] = str(checkout)
    port = free_port()
    argv = [*hub_command(), "api", "--host", "127.0.0.1", "--port", str(port)]
    ready = http_ok(f"http://127.0.0.1:{port}/ready")
    child = ChildProcess(name, argv, ready, workdir / f"{name}.log", env=env, cwd=checkout)
    child.start()
    return child


def group_cpu_ms(child: ChildProcess) -> float:
    assert child.process is not None
    pids = process_group_members(child.process.pid) | {child.process.pid}
    return sum(cpu_ms(pid) for pid in pids)


def compare(checkouts: dict[str, Path], rounds: int, seconds: int, workdir: Path) -> dict[str, Any]:
    raw: dict[str, dict[str, list[dict[str, Any]]]] = {"base": {}, "this": {}}
    with bench_database() as url:
        ids, key = seed(url, SEEDED_APPS)
        for rnd in range(rounds):
            order = ["base", "this"] if rnd % 2 == 0 else ["this", "base"]
            apis: dict[str, ChildProcess] = {}
            try:
                for name in order:
                    apis[name] = start_api(name, url, workdir, checkouts[name])
                urls = {name: f"http://127.0.0.1:{api.argv[-1]}" for name, api in apis.items()}
                tokens = {name: bearer_token(u, key) for name, u in urls.items()}
                for case, path, method, body in CASES:
                    for name in order:
                        script = _lua_script(
                            workdir, f"{name}-{case}", tokens[name], method, body, 0
                        )
                        before = group_cpu_ms(apis[name])
                        target = urls[name] + path.format(one=ids[len(ids) // 2])
                        figures = run_wrk(target, script, seconds, 16)
                        spent = group_cpu_ms(apis[name]) - before
                        figures["cpu_ms_per_1000"] = spent / max(figures["requests"], 1) * 1000
                        raw[name].setdefault(case, []).append(figures)
                        print(
                            f"round {rnd} {case:10} {name:4}: "
                            f"{figures['requests_per_second']:7.0f} req/s, p50 "
                            f"{figures['latency_ms_p50']:5.1f} ms, p99 "
                            f"{figures['latency_ms_p99']:6.1f} ms, CPU "
                            f"{figures['cpu_ms_per_1000']:6.0f} ms per 1,000",
                            flush=True,
                        )
            finally:
                for api in apis.values():
                    api.stop()
    summary: dict[str, Any] = {}
    for case, *_ in CASES:
        base_runs, this_runs = raw["base"][case], raw["this"][case]
        summary[case] = {}
        for figure in FIGURES:
            b = statistics.median(run[figure] for run in base_runs)
            t = statistics.median(run[figure] for run in this_runs)
            summary[case][figure] = {"base": b, "this": t, "ratio": t / b}
    return {"summary": summary, "raw": raw}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.investigations.api_ab")
    parser.add_argument("--base", type=Path, required=True, help="the other checkout")
    parser.add_argument(
        "--this", type=Path, default=REPO_ROOT, help="the checkout to compare (default: this)"
    )
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=4, help="per wrk run")
    parser.add_argument("--output", type=Path, help="write every figure there as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hub-api-ab-") as tmp:
        checkouts = {"base": args.base.resolve(), "this": args.this.resolve()}
        result = compare(checkouts, args.rounds, args.seconds, Path(tmp))
    print(json.dumps(result["summary"], indent=1))
    if args.output:
        args.output.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
