"""The soak's invariants, checked after the stream stops and in-flight runs drained.

Each check returns a :class:`Verdict` (name, passed, detail lines); the soak prints
them all and exits non-zero if one fails.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import psycopg

from bench.soak_traffic import AGENT_STEPS, APPROVAL_STEP, FOREACH_STEPS, RunRecord

#: A (run, step, item) triple: one agent call whose side effect must exist exactly once.
CallKey = tuple[str, str, int | None]
MiB = 1024 * 1024
#: Memory "grew without bound" when the last third's mean exceeds the first third's by
#: both this factor and this many bytes.
GROWTH_FACTOR = 1.5
GROWTH_BYTES = 64 * MiB
MIN_SAMPLES_FOR_TREND = 6
#: A part's RSS is sampled only once its incarnation is this old: a fresh process's growth
#: while it imports and connects is warm-up, not a trend (a part restarted by the chaos of a
#: short soak would otherwise compare its imports with its steady state).
WARM_UP_SECONDS = 10.0


@dataclass
class Verdict:
    name: str
    passed: bool
    details: list[str] = field(default_factory=list)


def completed_calls(runs: list[RunRecord]) -> set[CallKey]:
    """Every agent call of a completed step of every run (one per ``foreach`` item)."""
    calls: set[CallKey] = set()
    for record in runs:
        if record.final is None or record.run_id is None:
            continue
        for step in record.final.get("steps") or []:
            if step["step_id"] not in AGENT_STEPS or step["state"] != "completed":
                continue
            if step["step_id"] in FOREACH_STEPS:
                for index in range(int(step.get("items_total") or 0)):
                    calls.add((record.run_id, step["step_id"], index))
            else:
                calls.add((record.run_id, step["step_id"], None))
    return calls


def is_rejection(record: RunRecord) -> bool:
    """The run failed because the soak rejected its approval step (an expected ending)."""
    error = str((record.final or {}).get("error") or "")
    return record.approve is False and "rejected" in error and APPROVAL_STEP in error


def check_terminal(runs: list[RunRecord]) -> list[Verdict]:
    started = [r for r in runs if r.run_id is not None]
    stuck = [r for r in started if r.final is None]
    not_started = [r for r in runs if r.run_id is None]
    unexpected = [
        r
        for r in started
        if r.final is not None and r.final["status"] != "completed" and not is_rejection(r)
    ]
    verdicts = [
        Verdict(
            "every run started reached a terminal state (none stuck past the deadline)",
            not stuck,
            [f"{len(started)} started, {len(started) - len(stuck)} terminal, {len(stuck)} stuck"]
            + [
                f"stuck: {r.run_id} last seen {r.status}, steps "
                + ", ".join(
                    f"{s['step_id']}={s['state']}" for s in (r.last_seen or {}).get("steps") or []
                )
                + (f"; approval errors: {r.approval_errors}" if r.approval_errors else "")
                for r in stuck[:20]
            ],
        ),
        Verdict(
            "no run lost or failed except by an approver's rejection",
            not unexpected,
            [f"{len(unexpected)} unexpected ending(s)"]
            + [
                f"{r.run_id}: {r.final['status']}: {str(r.final.get('error'))[:300]}"
                for r in unexpected[:20]
                if r.final is not None
            ],
        ),
        Verdict(
            "every run start was accepted (Idempotency-Key retries through chaos)",
            not not_started,
            [f"{len(not_started)} start(s) never accepted"]
            + [f"{r.idempotency_key}: {r.start_error}" for r in not_started[:10]],
        ),
    ]
    return verdicts


def check_side_effects(runs: list[RunRecord], effects_dsn: str) -> tuple[Verdict, dict[str, int]]:
    """Exactly one side effect per completed (run, step, item), whatever the attempts."""
    expected = completed_calls(runs)
    run_ids = [r.run_id for r in runs if r.run_id is not None]
    effects: dict[CallKey, int] = defaultdict(int)
    keys_per_call: dict[CallKey, set[str]] = defaultdict(set)
    attempts_per_call: dict[CallKey, int] = defaultdict(int)
    outcomes: dict[str, int] = defaultdict(int)
    with psycopg.connect(effects_dsn) as conn:
        for run_id, step_id, item, _key in conn.execute(
            "SELECT run_id, step_id, item_index, idempotency_key FROM soak_side_effects "
            "WHERE run_id = ANY(%s)",
            (run_ids,),
        ):
            effects[(run_id, step_id, item)] += 1
        for run_id, step_id, item, key, outcome in conn.execute(
            "SELECT run_id, step_id, item_index, idempotency_key, outcome FROM soak_attempts "
            "WHERE run_id = ANY(%s)",
            (run_ids,),
        ):
            keys_per_call[(run_id, step_id, item)].add(key)
            attempts_per_call[(run_id, step_id, item)] += 1
            outcomes[outcome] += 1
    missing = sorted(c for c in expected if effects.get(c, 0) == 0)
    doubled = sorted((c, n) for c, n in effects.items() if n > 1)
    # Two different keys for one call would let the ledger apply its effect twice.
    unstable = sorted(c for c, keys in keys_per_call.items() if len(keys) > 1)
    retried = [c for c in expected if attempts_per_call.get(c, 0) > 1]
    totals = {
        "agent calls completed": len(expected),
        "calls with attempts > 1": len(retried),
        "agent attempts": sum(attempts_per_call.values()),
        **{f"attempt outcome {k}": v for k, v in sorted(outcomes.items())},
    }
    deduplicated = outcomes.get("deduplicated", 0) + outcomes.get("deduplicated_then_failed", 0)
    verdict = Verdict(
        "each step's side effect applied exactly once per (run, step, item)",
        not missing and not doubled and not unstable and bool(expected),
        [
            f"{len(expected)} completed calls, {len(effects)} effects, {len(retried)} calls "
            f"needed > 1 attempt, {deduplicated} "
            "repeated attempts deduplicated by the idempotency key",
            f"missing {len(missing)}, applied twice {len(doubled)}, "
            f"keys unstable across attempts {len(unstable)}",
        ]
        + [f"missing: {c}" for c in missing[:10]]
        + [f"twice: {c} x{n}" for c, n in doubled[:10]]
        + [f"unstable key: {c}" for c in unstable[:10]],
    )
    return verdict, totals


def check_observability(runs: list[RunRecord], hub_dsn: str) -> tuple[Verdict, dict[str, int]]:
    """A ``completed`` ``step_results`` row for every completed call of every run."""
    expected = completed_calls(runs)
    run_ids = [r.run_id for r in runs if r.run_id is not None]
    recorded: set[CallKey] = set()
    rows = 0
    retries = 0
    by_status: dict[str, int] = defaultdict(int)
    with psycopg.connect(hub_dsn) as conn:
        for run_id, step_id, item, status, row_retries in conn.execute(
            "SELECT run_id, step_id, item_index, status, retries FROM step_results "
            "WHERE run_id = ANY(%s)",
            (run_ids,),
        ):
            rows += 1
            by_status[status] += 1
            retries += 1 if row_retries else 0
            if status == "completed":
                recorded.add((run_id, step_id, item))
    missing = sorted(expected - recorded)
    totals = {
        "step_results rows": rows,
        **{f"step_results {k}": v for k, v in sorted(by_status.items())},
        "step_results rows of a retry (attempt > 1)": retries,
    }
    verdict = Verdict(
        "no record missing from the observability tables (step_results)",
        not missing and bool(expected),
        [f"{len(expected)} completed calls, {len(expected) - len(missing)} recorded completed"]
        + [f"missing: {c}" for c in missing[:20]],
    )
    return verdict, totals


def trend(samples: list[int]) -> tuple[float, float] | None:
    """Mean of the first and of the last third of ``samples`` (None when too few)."""
    if len(samples) < MIN_SAMPLES_FOR_TREND:
        return None
    third = len(samples) // 3
    first, last = samples[:third], samples[-third:]
    return sum(first) / len(first), sum(last) / len(last)


def check_memory(series: dict[str, list[list[int]]]) -> Verdict:
    """Per part, its longest-lived incarnation's RSS: first third vs last third."""
    details: list[str] = []
    grew: list[str] = []
    for name, incarnations in sorted(series.items()):
        longest = max(incarnations, key=len, default=[])
        figures = trend([s for s in longest if s > 0])
        label = f"{name} ({len(incarnations)} incarnation(s), longest {len(longest)} samples)"
        if figures is None:
            details.append(f"{label}: too few samples for a trend")
            continue
        first, last = figures
        growing = last > first * GROWTH_FACTOR and last - first > GROWTH_BYTES
        if growing:
            grew.append(name)
        details.append(
            f"{label}: first third {first / MiB:.0f} MiB, last third {last / MiB:.0f} MiB "
            f"({(last - first) / MiB:+.0f} MiB){'  GROWING' if growing else ''}"
        )
    return Verdict(
        f"memory did not grow without bound (last third <= {GROWTH_FACTOR}x first third "
        f"or < {GROWTH_BYTES // MiB} MiB more; from {WARM_UP_SECONDS:g}s after each start)",
        not grew,
        details,
    )


def summary_counts(runs: list[RunRecord]) -> dict[str, Any]:
    finals = [r.final for r in runs if r.final is not None]
    statuses: dict[str, int] = defaultdict(int)
    for run in finals:
        statuses[str(run["status"])] += 1
    return {
        "runs started": sum(1 for r in runs if r.run_id is not None),
        **{f"runs {k}": v for k, v in sorted(statuses.items())},
        "approvals approved": sum(1 for r in runs if r.decision == "approved"),
        "approvals rejected": sum(1 for r in runs if r.decision == "rejected"),
        "approval calls that failed (answered again)": sum(len(r.approval_errors) for r in runs),
        **{
            f"  approval error #{n}": error[:200]
            for n, error in enumerate(
                sorted({e for r in runs for e in r.approval_errors})[:5], start=1
            )
        },
    }
