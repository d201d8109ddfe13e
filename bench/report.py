"""The readable tables printed at the end of a bench run (the JSON file has everything)."""

from __future__ import annotations

from typing import Any

from bench.investigations import render_floor, render_server
from bench.profile import PHASES


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _spread(quartiles: dict[str, float] | None) -> str:
    """Median ratio with its interquartile range, e.g. ``1.02× (0.97–1.08)``."""
    if not quartiles:
        return "—"
    return f"{quartiles['p50']:.2f}× ({quartiles['p25']:.2f}–{quartiles['p75']:.2f})"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def render(results: dict[str, Any]) -> str:  # noqa: C901, PLR0915 - the report's sections in print order; bench/ is being reorganised (issue 19 part 9)
    """All sections present in ``results`` as plain-text tables."""
    parts: list[str] = []
    env = results.get("environment", {})
    parts.append(
        f"bench {results['timestamp']}  ({results['config']['mode']}; "
        f"{env.get('cpus')} CPUs, load {env.get('loadavg_start')} → {env.get('loadavg_end')}; "
        f"{env.get('temporal_cli')})"
    )
    overhead = results.get("overhead")
    if overhead:
        rows = []
        for steps, entry in overhead["by_steps"].items():
            rows.append(
                [
                    steps,
                    _num(entry["ours"]["overhead_ms_per_step"], 2),
                    _num(entry["ours_local"]["overhead_ms_per_step"], 2),
                    _num(entry["baseline"]["overhead_ms_per_step"], 2),
                    _ratio(entry["ratio"]),
                    _ratio(entry["ratio_local"]),
                    _spread(entry["ours"].get("paired_ratio")),
                    _num(entry["ours"]["run_wall_ms_p50"]),
                    _num(entry["baseline"]["run_wall_ms_p50"]),
                ]
            )
        marginal = overhead.get("marginal_ms_per_step")
        if marginal:
            rows.append(
                [
                    "marginal",
                    _num(marginal["ours"]["ms_per_step"], 2),
                    _num(marginal["ours_local"]["ms_per_step"], 2),
                    _num(marginal["baseline"]["ms_per_step"], 2),
                    _ratio(marginal["ratio"]),
                    _ratio(marginal["ratio_local"]),
                    "",
                    "",
                    "",
                ]
            )
        parts.append(
            "\nPer-step orchestration overhead, sequential no-op steps "
            "(ms per step, median; agent time subtracted; 'local' = dispatch: local)\n"
            + _table(
                [
                    "steps",
                    "ours",
                    "ours local",
                    "baseline",
                    "ours/base",
                    "local/base",
                    "ours/base run by run (p25–p75)",
                    "ours run p50",
                    "base run p50",
                ],
                rows,
            )
        )
    throughput = results.get("throughput")
    if throughput:
        rows = []
        for in_flight, entry in throughput["by_in_flight"].items():
            ours, local, base = entry["ours"], entry["ours_local"], entry["baseline"]
            rows.append(
                [
                    in_flight,
                    _num(ours["runs_per_second"]),
                    _num(local["runs_per_second"]),
                    _num(base["runs_per_second"]),
                    _ratio(entry["ratio"]["runs_per_second"]),
                    _ratio(entry["ratio_local"]["runs_per_second"]),
                    _num(ours["latency_ms_p50"], 0),
                    _num(local["latency_ms_p50"], 0),
                    _num(base["latency_ms_p50"], 0),
                    _num(ours["latency_ms_p95"], 0),
                    _num(local["latency_ms_p95"], 0),
                    _num(base["latency_ms_p95"], 0),
                ]
            )
        cpu_rows = [
            [
                in_flight,
                name,
                *(
                    _num(entry[name]["cpu_ms_per_run"].get(part), 1)
                    for part in ("temporal", "workers+client", "agent")
                ),
            ]
            for in_flight, entry in throughput["by_in_flight"].items()
            for name in ("ours", "ours_local", "baseline")
            if "cpu_ms_per_run" in entry[name]
        ]
        parts.append(
            f"\nThroughput, {throughput['steps']}-step pipeline (closed loop; runs/s and "
            "run latency in ms)\n"
            + _table(
                [
                    "in flight",
                    "ours",
                    "ours local",
                    "base",
                    "ours/base",
                    "local/base",
                    "ours p50",
                    "local p50",
                    "base p50",
                    "ours p95",
                    "local p95",
                    "base p95",
                ],
                rows,
            )
        )
        if cpu_rows:
            parts.append(
                "\nCPU per run under that load (ms; less sensitive to neighbours than wall time)\n"
                + _table(["in flight", "engine", "temporal", "workers+client", "agent"], cpu_rows)
            )
    profile = results.get("profile")
    if profile:
        ours, base = profile["ours"], profile["baseline"]
        local = profile.get("ours_local")
        columns = [ours, base] + ([local] if local else [])

        def row(label: str, key: str, digits: int, phase: bool = False) -> list[str]:
            values = [c["per_step_ms"][key] if phase else c[key] for c in columns]
            cells = [_num(v, digits) for v in values[:2]] + [_num(values[0] - values[1], digits)]
            return [label, *cells, *(_num(v, digits) for v in values[2:])]

        rows = [row(phase, phase, 2, phase=True) for phase in PHASES]
        rows.append(row("client wall / step", "client_wall_ms_per_step", 2))
        for key in ("workflow_tasks_per_run", "events_per_run"):
            rows.append(row(key, key, 1))
        for key in ("wft_dispatch_ms_p50", "activity_dispatch_ms_p50"):
            rows.append(row(key, key, 2))
        headers = ["phase", "ours", "baseline", "ours−base"] + (["ours local"] if local else [])
        parts.append(
            f"\nWhere a step's time goes ({profile['steps']}-step runs, {ours['runs']} each; "
            "ms per step from history timestamps; 'ours local' = agent dispatch: local)\n"
            + _table(headers, rows)
        )
        http = profile.get("http")
        if http:
            parts.append(
                f"\nHTTP (our {http['body_bytes']}-byte invoke body, direct from this process): "
                f"round trip p50 {http['round_trip_ms_p50']:.2f} ms, p95 "
                f"{http['round_trip_ms_p95']:.2f} ms; agent handling p50 "
                f"{http['agent_handling_ms_p50']:.3f} ms"
            )
        costs = profile.get("serialization")
        if costs:
            rows = [
                [name, str(c["bytes"]), _num(c["encode_us"], 0), _num(c["decode_us"], 0)]
                for name, c in costs.items()
            ]
            parts.append(
                "\nSerialisation (pydantic data converter, per payload)\n"
                + _table(["payload", "bytes", "encode µs", "decode µs"], rows)
            )
    api = results.get("api")
    if api:
        rows = []
        for name in ("get_app", "list_apps", "create_app"):
            for load in ("saturation", "half"):
                entry = api[name][load]
                rows.append(
                    [
                        name,
                        load,
                        _num(entry["requests_per_second"]),
                        _num(entry["latency_ms_p50"]),
                        _num(entry["latency_ms_p99"]),
                        str(entry["non_2xx"] + entry["errors"]),
                    ]
                )
        parts.append(
            f"\nAPI on PostgreSQL ({api['seeded_apps']} apps, auth {api['auth']}; wrk)\n"
            + _table(["endpoint", "load", "req/s", "p50 ms", "p99 ms", "errors"], rows)
        )
    stack = results.get("stack")
    if stack:
        lines = ["\nEmbedded stack (hub up --headless, SQLite, auth on)"]
        for label, figures in (("idle", stack["idle"]), ("200 runs, peak", stack["load"]["peak"])):
            per_part = ", ".join(
                f"{name} {part['pss_mib']:.0f}" for name, part in figures["parts"].items()
            )
            lines.append(
                f"  {label}: RSS {figures['rss_mib']:.0f} MiB, PSS {figures['pss_mib']:.0f} MiB "
                f"(PSS by part: {per_part})"
            )
        start = stack["run_start"]
        lines.append(
            f"  run start POST /apps/{{id}}/runs → 202, one at a time: p50 "
            f"{start['latency_ms_p50']:.1f} ms, p95 {start['latency_ms_p95']:.1f} ms"
        )
        load = stack["load"]
        lines.append(
            f"  {load['runs']} demo runs started at once: {load['statuses']} in "
            f"{load['seconds']:.0f} s; start p50 {load['start_latency_ms_p50']:.0f} ms, "
            f"p95 {load['start_latency_ms_p95']:.0f} ms"
        )
        parts.append("\n".join(lines))
    console = results.get("console")
    if console:
        targets = console["targets"]

        def pair(figures: dict[str, float]) -> str:
            return f"p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms (n={figures['n']})"

        lines = ["\nWeb console (hub up, chromium; targets from the console issue)"]
        lines.append(
            f"  run page, navigation → steps on screen, cold: "
            f"{pair(console['run_page_first_load_ms'])}; warm: "
            f"{pair(console['run_page_warm_load_ms'])} (target < {targets['run_page_ms']} ms)"
        )
        lines.append(
            f"  step on screen after its ActivityTaskCompleted event: "
            f"{pair(console['step_on_screen_after_history_ms'])} "
            f"(target < {targets['step_on_screen_ms']} ms)"
        )
        rows = [
            [route, str(js["files"]), _num(js["raw_kb"]), _num(js["gzip_kb"])]
            for route, js in console["js_per_route"].items()
        ]
        lines.append(
            f"  JavaScript per route (target < {targets['js_per_route_gzip_kb']} KB gzip)\n"
            + _table(["route", "files", "raw KB", "gzip KB"], rows)
        )
        builder = console.get("builder")
        if builder:
            tti, drag = builder["time_to_interactive_ms"], builder["drag_frame_ms"]
            tti_target = targets.get("builder_tti_ms", 1500)
            frame_target = targets.get("builder_drag_frame_p95_ms", 33)
            lines.append(
                f"  builder, {builder['nodes']}-node plan: navigation → canvas interactive "
                f"{pair(tti)} (target < {tti_target} ms; p95/target {tti['p95'] / tti_target:.2f})"
            )
            lines.append(
                f"  builder: frame while dragging a node p50 {drag['p50']:.1f} ms, "
                f"p95 {drag['p95']:.1f} ms (n={drag['n']}; target p95 < {frame_target} ms; "
                f"p95/target {drag['p95'] / frame_target:.2f})"
            )
            first = builder.get("first_paint_js")
            if first:
                lines.append(
                    f"  builder: JavaScript fetched before the canvas was interactive "
                    f"{first['gzip_kb']:.0f} KB gzip in {first['files']} files (target < "
                    f"{targets['js_per_route_gzip_kb']} KB; the YAML editor loads after it)"
                )
        parts.append("\n".join(lines))
    if results.get("floor"):
        parts.append(render_floor(results["floor"]))
    if results.get("server"):
        parts.append(render_server(results["server"], _table, _num))
    warmup = results.get("warmup_ms")
    if warmup:
        lines = [
            f"  {phase:>10} {name:>8}: " + ", ".join(f"{v:.0f}" for v in walls)
            for phase, by_engine in warmup.items()
            for name, walls in by_engine.items()
        ]
        title = "\nWarm-up: first 3-step runs of fresh workers (ms, in order)\n"
        parts.append(title + "\n".join(lines))
    return "\n".join(parts)
