"""``make soak``: an endurance run of the split stack with chaos, then its invariants.

``python -m bench.soak [--minutes 10] [--seed N] [--rate 1.0]`` starts the split stack
(:mod:`bench.soak_stack`), creates two apps of two custom soak agent types
(:mod:`bench.soak_agent`: retryable failures at random, a deduplicated side effect per
call) — one with a ``foreach`` fan-out and an approval step, one with the fan-out only —
and keeps a steady stream of runs going (:mod:`bench.soak_traffic`) while a chaos loop
SIGKILLs and restarts random agent services, agent workers and the orchestrator worker,
and once stops and restarts the Temporal dev server on the same file. Then it stops the
stream, waits for the runs in flight (with a deadline), checks the invariants
(:mod:`bench.soak_checks`) and prints them with the totals. Exit code 1 if one fails.

Progress goes to stderr, the results to stdout. Ctrl-C or SIGTERM stops everything it
started; children also get SIGTERM if the soak itself is SIGKILLed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.soak_checks import (
    WARM_UP_SECONDS,
    Verdict,
    check_memory,
    check_observability,
    check_side_effects,
    check_terminal,
    summary_counts,
)
from bench.soak_stack import SoakProcess, SoakStack, dsn
from bench.soak_traffic import APPROVAL_APP_YAML, CHAIN_APP_YAML, HubClient, Traffic, create_app

AGENT_TYPES = ["soak-a", "soak-b"]


def progress(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Chaos:
    """Kills and restarts parts at random; restarts Temporal once."""

    stack: SoakStack
    rng: random.Random
    interval: tuple[float, float]
    down_for: tuple[float, float]
    temporal_restart_at: float  # monotonic
    kills: dict[str, int] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)
    temporal_restarted: bool = False
    log: list[str] = field(default_factory=list)
    #: Victims of the current round: every part is killed once per round, in random order.
    _round: list[SoakProcess] = field(default_factory=list)

    #: Parts the chaos holds down (killed, not yet restarted): the supervisor leaves them be.
    _down: set[str] = field(default_factory=set)
    #: Exits of a part on its own (not a kill), restarted as a supervisor would.
    exits: dict[str, int] = field(default_factory=dict)

    def victims(self) -> list[SoakProcess]:
        parts = [*self.stack.agent_services.values(), *self.stack.agent_workers.values()]
        return parts + ([self.stack.orchestrator] if self.stack.orchestrator else [])

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            await asyncio.sleep(self.rng.uniform(*self.interval))
            if time.monotonic() >= until:
                break
            if not self.temporal_restarted and time.monotonic() >= self.temporal_restart_at:
                await self.restart_temporal()
                continue
            if not self._round:
                self._round = self.victims()
                self.rng.shuffle(self._round)
            await self.kill_and_restart(self._round.pop())

    async def kill_and_restart(self, part: SoakProcess) -> None:
        self._down.add(part.name)
        try:
            await asyncio.to_thread(part.kill)
            self.kills[part.name] = self.kills.get(part.name, 0) + 1
            pause = self.rng.uniform(*self.down_for)
            self.note(f"SIGKILL {part.name}; restarting it in {pause:.1f}s")
            await asyncio.sleep(pause)
            await asyncio.to_thread(part.start)
            self.restarts[part.name] = self.restarts.get(part.name, 0) + 1
        finally:
            self._down.discard(part.name)

    async def supervise(self, every: float = 1.0) -> None:
        """Restart a part that exited on its own, as the deployments' ``restart:
        unless-stopped`` does: a worker started while Temporal is down exits at once
        ("Temporal is not reachable") and relies on that."""
        while True:
            await asyncio.sleep(every)
            for part in self.victims():
                if part.name in self._down or part.alive() or part.process is None:
                    continue
                code = part.process.returncode
                self.exits[part.name] = self.exits.get(part.name, 0) + 1
                self.note(f"{part.name} exited on its own (exit code {code}); restarting it")
                await asyncio.to_thread(part.start, False)

    async def restart_temporal(self) -> None:
        temporal = self.stack.temporal
        assert temporal is not None
        self.note("stopping the Temporal dev server (SIGTERM), restarting it on the same file")
        await asyncio.to_thread(temporal.stop)
        await asyncio.sleep(self.rng.uniform(*self.down_for))
        await asyncio.to_thread(temporal.start)
        self.restarts[temporal.name] = self.restarts.get(temporal.name, 0) + 1
        self.temporal_restarted = True
        self.note("Temporal is back")

    def note(self, message: str) -> None:
        self.log.append(f"{time.strftime('%H:%M:%S')} {message}")
        progress(f"chaos: {message}")


@dataclass
class MemorySampler:
    """RSS of every part over time, one series per incarnation (a restart starts a new one)."""

    stack: SoakStack
    series: dict[str, list[list[int]]] = field(default_factory=dict)
    _seen_pid: dict[str, int] = field(default_factory=dict)

    def sample(self) -> None:
        for part in self.stack.parts():
            pid = part.pid
            if pid is None:
                continue
            runs = self.series.setdefault(part.name, [])
            if self._seen_pid.get(part.name) != pid:
                self._seen_pid[part.name] = pid
                runs.append([])
            # A process's first seconds are its imports and first connections, not a trend:
            # a part restarted by the chaos is sampled only once it has warmed up.
            if time.monotonic() - part.started_at >= WARM_UP_SECONDS:
                runs[-1].append(part.rss())

    def total_mib(self) -> float:
        return sum(p.rss() for p in self.stack.parts()) / 1024 / 1024

    async def run(self, every: float) -> None:
        while True:
            await asyncio.to_thread(self.sample)
            await asyncio.sleep(every)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the run stream")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--rate", type=float, default=1.0, help="runs started per second")
    parser.add_argument(
        "--max-runs", type=int, default=5000, help="stop the stream after this many"
    )
    parser.add_argument("--max-in-flight", type=int, default=40, help="runs followed at once")
    parser.add_argument(
        "--failure-rate",
        type=float,
        default=0.2,
        help="probability that an agent call fails retryably",
    )
    parser.add_argument(
        "--reject-fraction", type=float, default=0.15, help="share of approvals the soak rejects"
    )
    parser.add_argument(
        "--chaos-every",
        type=float,
        default=None,
        help="mean seconds between kills (default: scaled to --minutes)",
    )
    parser.add_argument(
        "--drain-seconds",
        type=float,
        default=None,
        help="deadline for in-flight runs after the stream stops",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="keep logs and state here")
    parser.add_argument("--keep-databases", action="store_true")
    return parser.parse_args(argv)


async def soak(args: argparse.Namespace, stack: SoakStack, rng: random.Random) -> int:
    duration = args.minutes * 60
    quick = duration < 120
    hub = HubClient(stack.api_url, stack.admin_key)
    try:
        progress("creating the soak apps (foreach + approval, foreach chain)")
        apps = {
            True: await create_app(hub, APPROVAL_APP_YAML, "soak approval"),
            False: await create_app(hub, CHAIN_APP_YAML, "soak chain"),
        }
        chaos_mean = args.chaos_every or (4.0 if quick else 15.0)
        began = time.monotonic()
        until = began + duration
        chaos = Chaos(
            stack,
            rng,
            interval=(chaos_mean * 0.5, chaos_mean * 1.5),
            down_for=(0.5, 2.0) if quick else (0.5, 5.0),
            temporal_restart_at=began + duration * 0.4,
        )
        memory = MemorySampler(stack)
        traffic = Traffic(
            hub,
            apps,
            rate_per_second=args.rate,
            max_runs=args.max_runs,
            max_in_flight=args.max_in_flight,
            reject_fraction=args.reject_fraction,
            approval_delay=(0.2, 2.0) if quick else (0.5, 8.0),
            rng=rng,
        )

        async def report_progress() -> None:
            while True:
                await asyncio.sleep(5.0 if quick else 15.0)
                finals = [r for r in traffic.runs if r.final is not None]
                done = sum(1 for r in finals if r.final and r.final["status"] == "completed")
                progress(
                    f"t+{time.monotonic() - began:.0f}s runs started {len(traffic.runs)}, "
                    f"in flight {traffic.in_flight()}, ended {len(finals)} ({done} completed); "
                    f"kills {sum(chaos.kills.values())}, restarts {sum(chaos.restarts.values())}; "
                    f"RSS total {memory.total_mib():.0f} MiB"
                )

        background = [
            asyncio.create_task(memory.run(2.0 if quick else 5.0)),
            asyncio.create_task(report_progress()),
            asyncio.create_task(chaos.supervise()),
        ]
        chaos_task = asyncio.create_task(chaos.run(until))
        progress(
            f"streaming runs at {args.rate}/s for {duration:.0f}s "
            f"with chaos every ~{chaos_mean:.0f}s"
        )
        await traffic.stream(until)
        await chaos_task
        if not chaos.temporal_restarted:
            await chaos.restart_temporal()
        drain = args.drain_seconds or (60.0 if quick else 300.0)
        progress(
            f"stream stopped; waiting up to {drain:.0f}s for {traffic.in_flight()} run(s) in flight"
        )
        await traffic.drain(time.monotonic() + drain)
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        memory.sample()

        progress("checking the invariants")
        verdicts: list[Verdict] = check_terminal(traffic.runs)
        effects_verdict, effect_totals = await asyncio.to_thread(
            check_side_effects, traffic.runs, dsn(stack.effects_database)
        )
        observability_verdict, observability_totals = await asyncio.to_thread(
            check_observability, traffic.runs, dsn(stack.hub_database)
        )
        verdicts += [effects_verdict, observability_verdict, check_memory(memory.series)]
        totals: dict[str, object] = {
            **summary_counts(traffic.runs),
            **effect_totals,
            **observability_totals,
            "kills (SIGKILL)": sum(chaos.kills.values()),
            **{f"  kills of {k}": v for k, v in sorted(chaos.kills.items())},
            "restarts": sum(chaos.restarts.values()),
            "temporal restarts": chaos.restarts.get("temporal", 0),
            "exits on their own (restarted by the supervisor)": sum(chaos.exits.values()),
            **{f"  exits of {k}": v for k, v in sorted(chaos.exits.items())},
            "API calls retried by the soak client": hub.retried_calls,
        }
        print_results(args, verdicts, totals, time.monotonic() - began, stack)
        return 0 if all(v.passed for v in verdicts) else 1
    finally:
        await hub.close()


def print_results(
    args: argparse.Namespace,
    verdicts: list[Verdict],
    totals: dict[str, object],
    elapsed: float,
    stack: SoakStack,
) -> None:
    """Print the invariants and totals (and keep a copy in the workdir)."""
    lines = [
        f"Soak: {args.minutes:g} min stream at {args.rate:g} runs/s, seed {args.seed}, "
        f"{elapsed:.0f}s in all; hub database PostgreSQL ({stack.hub_database}); "
        f"logs in {stack.logs}",
        "",
        "Invariants:",
    ]
    for verdict in verdicts:
        lines.append(f"  [{'PASS' if verdict.passed else 'FAIL'}] {verdict.name}")
        lines += [f"         {line}" for line in verdict.details]
    lines += ["", "Totals:"]
    lines += [f"  {name:<48} {value}" for name, value in totals.items()]
    passed = all(v.passed for v in verdicts)
    lines += ["", f"SOAK {'PASS' if passed else 'FAIL'}"]
    text = "\n".join(lines)
    print("\n" + text, flush=True)
    (stack.workdir / "soak-results.txt").write_text(text + "\n")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1_000_000)
    rng = random.Random(args.seed)
    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="hub-soak-")) if temporary else args.workdir.resolve()
    stack = SoakStack(workdir, AGENT_TYPES, args.failure_rate, args.seed)

    def terminate(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    code = 2
    try:
        progress(f"seed {args.seed}; workdir {workdir}")
        stack.start(progress)
        code = asyncio.run(soak(args, stack, rng))
    except KeyboardInterrupt:
        progress("interrupted; stopping everything")
        code = 130
    except Exception as exc:  # the stack must still be stopped; say what failed
        progress(f"soak failed: {exc!r}")
        code = 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        progress("stopping the stack")
        lingering = stack.stop(keep_databases=args.keep_databases)
        if lingering:
            progress(f"had to SIGKILL: {', '.join(lingering)}")
        if temporary and code == 0:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            progress(f"logs kept in {workdir}")
    return code


if __name__ == "__main__":
    sys.exit(main())
