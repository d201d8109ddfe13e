"""Writes the Grafana dashboards (provisioned JSON) from the panel lists below.

    python deploy/grafana/build_dashboards.py

writes ``deploy/grafana/dashboards/*.json`` (compose mounts them) and the same files
under ``k8s/base/monitoring/dashboards/`` (the ConfigMap the Grafana sidecar loads).
Every query uses metrics the hub exports (docs/observability.md, "Prometheus");
tests/deploy/test_monitoring.py checks the files are what this script writes,
and tests/e2e/test_prometheus_stack.py evaluates every query on a real Prometheus.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
OUTPUTS = (
    REPO / "deploy" / "grafana" / "dashboards",
    REPO / "k8s" / "base" / "monitoring" / "dashboards",
)
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


@dataclass
class Panel:
    title: str
    #: ``(legend, PromQL)`` per query; Grafana variables ``$app_id``, ``$agent_type``,
    #: ``$__range`` and ``$__rate_interval`` are filled in when it runs.
    queries: list[tuple[str, str]]
    kind: str = "timeseries"
    unit: str = "short"
    description: str = ""
    #: True when a healthy stack that ran the demo may show nothing here (no failures,
    #: no violations, nothing in flight): the end-to-end test then asks only for no error.
    may_be_empty: bool = False
    width: int = 12


@dataclass
class Dashboard:
    uid: str
    title: str
    description: str
    panels: list[Panel]
    variables: list[dict[str, Any]] = field(default_factory=list)


def query_variable(name: str, label: str, query: str) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DATASOURCE,
        "query": {"query": query, "refId": f"{name}-values"},
        "definition": query,
        "refresh": 2,
        "sort": 1,
        "includeAll": False,
        "multi": False,
        "current": {},
        "options": [],
    }


def render(dashboard: Dashboard) -> dict[str, Any]:
    panels = []
    x = y = row_height = 0
    for number, panel in enumerate(dashboard.panels, start=1):
        height = 4 if panel.kind == "stat" else 8
        if x + panel.width > 24:
            x, y, row_height = 0, y + row_height, 0
        row_height = max(row_height, height)
        targets = [
            {
                "datasource": DATASOURCE,
                "expr": expr,
                "legendFormat": legend,
                "refId": chr(ord("A") + index),
                "range": panel.kind != "table",
                "instant": panel.kind == "table",
            }
            for index, (legend, expr) in enumerate(panel.queries)
        ]
        rendered: dict[str, Any] = {
            "id": number,
            "type": panel.kind,
            "title": panel.title,
            "description": panel.description,
            "datasource": DATASOURCE,
            "gridPos": {"h": height, "w": panel.width, "x": x, "y": y},
            "targets": targets,
            "fieldConfig": {"defaults": {"unit": panel.unit}, "overrides": []},
            "options": {},
        }
        if panel.may_be_empty:
            rendered["options"]["noValue"] = "none"
        panels.append(rendered)
        x += panel.width
    return {
        "uid": dashboard.uid,
        "title": dashboard.title,
        "description": dashboard.description,
        "tags": ["agentic-hub"],
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "30s",
        "timezone": "utc",
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {},
                },
                *dashboard.variables,
            ]
        },
        "annotations": {"list": []},
        "links": [
            {
                "title": "Agentic Hub dashboards",
                "type": "dashboards",
                "tags": ["agentic-hub"],
                "asDropdown": True,
            }
        ],
        "panels": panels,
        # Read by tests/e2e/test_prometheus_stack.py; Grafana ignores unknown keys.
        "hubMayBeEmpty": [p.title for p in dashboard.panels if p.may_be_empty],
    }


APP = 'app_id="$app_id"'
AGENT = 'agent_type="$agent_type"'
#: Every API replica serves the same platform families: take each series once (max across
#: replicas) before summing. hub_agent_* and temporal_* are per process and are summed.
RUNS = "max by (app_id, status) "
ATTEMPTS = "max by (app_id, agent_type, status) "
COST = "max by (app_id, agent_type) "

OVERVIEW = Dashboard(
    uid="hub-overview",
    title="Agentic Hub / Platform overview",
    description="Runs, queues, API and Temporal health of the whole platform.",
    panels=[
        Panel(
            "Runs finished",
            [("runs", f"sum({RUNS}(increase(hub_runs_finished_total[$__range])))")],
            kind="stat",
            width=4,
        ),
        Panel(
            "Run success rate",
            [
                (
                    "success",
                    f'sum({RUNS}(increase(hub_runs_finished_total{{status="completed"}}[$__range])))'
                    f" / sum({RUNS}(increase(hub_runs_finished_total[$__range])))",
                )
            ],
            kind="stat",
            unit="percentunit",
            width=4,
        ),
        Panel(
            "Runs in flight",
            [("running", "sum(max by (app_id) (hub_runs_running)) or vector(0)")],
            kind="stat",
            width=4,
        ),
        Panel(
            "Runs overdue (stuck)",
            [("overdue", "sum(max by (app_id) (hub_runs_overdue)) or vector(0)")],
            kind="stat",
            width=4,
        ),
        Panel("Temporal reachable", [("up", "max(hub_temporal_up)")], kind="stat", width=4),
        Panel(
            "Scrape targets up",
            [("{{job}}", 'sum by (job) (up{job=~"hub-.*"})')],
            kind="stat",
            width=4,
        ),
        Panel(
            "Runs finished by status",
            [
                (
                    "{{status}}",
                    f"sum by (status) ({RUNS}(rate(hub_runs_finished_total[$__rate_interval])))",
                )
            ],
            unit="ops",
        ),
        Panel(
            "Step attempts by outcome",
            [
                (
                    "{{status}}",
                    f"sum by (status) ({ATTEMPTS}"
                    "(rate(hub_step_attempts_total[$__rate_interval])))",
                )
            ],
            unit="ops",
        ),
        Panel(
            "Task-queue backlog by agent type",
            [("{{agent_type}}", "max by (agent_type) (hub_task_queue_backlog)")],
        ),
        Panel(
            "Workers polling each agent queue",
            [("{{agent_type}}", "max by (agent_type) (hub_task_queue_pollers)")],
        ),
        Panel(
            "API requests by status",
            [
                (
                    "{{status}}",
                    "sum by (status) "
                    '(rate(hub_http_requests_total{service="api"}[$__rate_interval]))',
                )
            ],
            unit="reqps",
        ),
        Panel(
            "API latency p50 / p99",
            [
                (
                    "p50",
                    "histogram_quantile(0.5, sum by (le) (rate("
                    'hub_http_request_duration_seconds_bucket{service="api"}[$__rate_interval])))',
                ),
                (
                    "p99",
                    "histogram_quantile(0.99, sum by (le) (rate("
                    'hub_http_request_duration_seconds_bucket{service="api"}[$__rate_interval])))',
                ),
            ],
            unit="s",
        ),
    ],
)

PER_APP = Dashboard(
    uid="hub-app",
    title="Agentic Hub / App",
    description="One app's runs, steps, tokens, cost and schema violations.",
    variables=[query_variable("app_id", "App", "label_values(hub_runs_finished_total, app_id)")],
    panels=[
        Panel(
            "Runs finished by status",
            [
                (
                    "{{status}}",
                    f"max by (status) (increase(hub_runs_finished_total{{{APP}}}[$__range]))",
                )
            ],
            kind="stat",
        ),
        Panel(
            "Run failure rate",
            [
                (
                    "failed",
                    "(sum(max by (status) (increase(hub_runs_finished_total{"
                    + APP
                    + ',status=~"failed|timed_out|terminated"}[$__range]))) or vector(0))'
                    " / sum(max by (status) "
                    f"(increase(hub_runs_finished_total{{{APP}}}[$__range])))",
                )
            ],
            kind="stat",
            unit="percentunit",
        ),
        Panel(
            "Runs in flight and overdue",
            [
                ("running", f"max(hub_runs_running{{{APP}}}) or vector(0)"),
                ("overdue", f"max(hub_runs_overdue{{{APP}}}) or vector(0)"),
            ],
        ),
        Panel(
            "Oldest run in flight",
            [("age", f"max(hub_runs_oldest_running_seconds{{{APP}}}) or vector(0)")],
            unit="s",
        ),
        Panel(
            "Step attempts by agent type and outcome",
            [
                (
                    "{{agent_type}} {{status}}",
                    "max by (agent_type, status) "
                    f"(rate(hub_step_attempts_total{{{APP}}}[$__rate_interval]))",
                )
            ],
            unit="ops",
        ),
        Panel(
            "Tokens by agent type",
            [
                (
                    "{{agent_type}} {{direction}}",
                    "max by (agent_type, direction) "
                    f"(increase(hub_step_tokens_total{{{APP}}}[$__range]))",
                )
            ],
            kind="table",
        ),
        Panel(
            "Cost by agent type",
            [
                (
                    "{{agent_type}}",
                    f"max by (agent_type) (increase(hub_step_cost_usd_total{{{APP}}}[$__range]))",
                )
            ],
            kind="table",
            unit="currencyUSD",
        ),
        Panel(
            "Schema violations by agent type",
            [
                (
                    "{{agent_type}}",
                    "max by (agent_type) "
                    f"(increase(hub_schema_violations_total{{{APP}}}[$__range]))",
                )
            ],
            kind="table",
            may_be_empty=True,
            description="Empty while the app's agents have never broken their output schema.",
        ),
    ],
)

PER_AGENT_TYPE = Dashboard(
    uid="hub-agent-type",
    title="Agentic Hub / Agent type",
    description="One agent type: its service, its model calls, its queue and its workers.",
    variables=[
        query_variable(
            "agent_type", "Agent type", "label_values(hub_task_queue_backlog, agent_type)"
        )
    ],
    panels=[
        Panel(
            "/invoke calls by HTTP status",
            [
                (
                    "{{status}}",
                    "sum by (status) "
                    f"(rate(hub_agent_invocations_total{{{AGENT}}}[$__rate_interval]))",
                )
            ],
            unit="reqps",
        ),
        Panel(
            "/invoke latency p50 / p95",
            [
                (
                    "p50",
                    "histogram_quantile(0.5, sum by (le) (rate("
                    f"hub_agent_invoke_duration_seconds_bucket{{{AGENT}}}[$__rate_interval])))",
                ),
                (
                    "p95",
                    "histogram_quantile(0.95, sum by (le) (rate("
                    f"hub_agent_invoke_duration_seconds_bucket{{{AGENT}}}[$__rate_interval])))",
                ),
            ],
            unit="s",
        ),
        Panel(
            "Model calls by provider, model and outcome",
            [
                (
                    "{{provider}} {{model}} {{outcome}}",
                    "sum by (provider, model, outcome) "
                    f"(rate(hub_agent_llm_calls_total{{{AGENT}}}[$__rate_interval]))",
                )
            ],
            unit="ops",
        ),
        Panel(
            "Model tokens",
            [
                (
                    "{{direction}}",
                    "sum by (direction) "
                    f"(rate(hub_agent_llm_tokens_total{{{AGENT}}}[$__rate_interval]))",
                )
            ],
        ),
        Panel(
            "Step attempts by outcome (engine)",
            [
                (
                    "{{status}}",
                    f"sum by (status) ({ATTEMPTS}"
                    f"(rate(hub_step_attempts_total{{{AGENT}}}[$__rate_interval])))",
                )
            ],
            unit="ops",
        ),
        Panel(
            "Queue: backlog, pollers",
            [
                ("backlog", f"max(hub_task_queue_backlog{{{AGENT}}})"),
                ("pollers", f"max(hub_task_queue_pollers{{{AGENT}}})"),
            ],
        ),
        Panel(
            "Queue: oldest waiting step",
            [("age", f"max(hub_task_queue_backlog_age_seconds{{{AGENT}}})")],
            unit="s",
        ),
        Panel(
            "Workers: free activity slots",
            [
                (
                    "{{instance}}",
                    "sum by (instance) (temporal_worker_task_slots_available{"
                    'task_queue="agent-$agent_type", worker_type="ActivityWorker"})',
                )
            ],
        ),
        Panel(
            "Workers: schedule-to-start p95",
            [
                (
                    "p95",
                    "histogram_quantile(0.95, sum by (le) (rate("
                    "temporal_activity_schedule_to_start_latency_bucket{"
                    'task_queue="agent-$agent_type"}[$__rate_interval])))',
                )
            ],
            unit="ms",
        ),
        Panel(
            "Schema violations",
            [
                (
                    "violations",
                    f"sum(rate(hub_agent_schema_violations_total{{{AGENT}}}[$__rate_interval]))",
                )
            ],
            may_be_empty=True,
            description="Empty while the agent type has never broken its output schema.",
        ),
    ],
)

COST = Dashboard(
    uid="hub-cost",
    title="Agentic Hub / Cost",
    description="Model spend and tokens by app, agent type and model, against the budget.",
    panels=[
        Panel(
            "Spend in the range",
            [("spend", f"sum({COST}(increase(hub_step_cost_usd_total[$__range])))")],
            kind="stat",
            unit="currencyUSD",
            width=8,
        ),
        Panel(
            "Spend of the last hour",
            [("last hour", f"sum({COST}(increase(hub_step_cost_usd_total[1h])))")],
            kind="stat",
            unit="currencyUSD",
            width=8,
        ),
        Panel(
            "Hourly budget",
            [("budget", "max(hub_cost_budget_usd_per_hour)")],
            kind="stat",
            unit="currencyUSD",
            width=8,
            may_be_empty=True,
            description="Set HUB_COST_BUDGET_USD_PER_HOUR to show (and alert on) a budget.",
        ),
        Panel(
            "Burn rate ($ per hour)",
            [
                ("burn", f"sum({COST}(rate(hub_step_cost_usd_total[$__rate_interval]))) * 3600"),
                ("budget", "max(hub_cost_budget_usd_per_hour)"),
            ],
            unit="currencyUSD",
        ),
        Panel(
            "Spend by app",
            [
                (
                    "{{app_id}}",
                    f"sum by (app_id) ({COST}(increase(hub_step_cost_usd_total[$__range])))",
                )
            ],
            kind="table",
            unit="currencyUSD",
        ),
        Panel(
            "Spend by agent type",
            [
                (
                    "{{agent_type}}",
                    f"sum by (agent_type) ({COST}(increase(hub_step_cost_usd_total[$__range])))",
                )
            ],
            kind="table",
            unit="currencyUSD",
        ),
        Panel(
            "Tokens by app",
            [
                (
                    "{{app_id}} {{direction}}",
                    "sum by (app_id, direction) (max by (app_id, agent_type, direction) "
                    "(increase(hub_step_tokens_total[$__range])))",
                )
            ],
            kind="table",
        ),
        Panel(
            "Model tokens by provider and model",
            [
                (
                    "{{provider}} {{model}} {{direction}}",
                    "sum by (provider, model, direction) "
                    "(increase(hub_agent_llm_tokens_total[$__range]))",
                )
            ],
            kind="table",
        ),
    ],
)

DASHBOARDS = {
    "hub-overview.json": OVERVIEW,
    "hub-app.json": PER_APP,
    "hub-agent-type.json": PER_AGENT_TYPE,
    "hub-cost.json": COST,
}


def rendered_files() -> dict[str, str]:
    """File name → JSON text of every dashboard."""
    return {
        name: json.dumps(render(dashboard), indent=2) + "\n"
        for name, dashboard in DASHBOARDS.items()
    }


def main() -> None:
    for folder in OUTPUTS:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in rendered_files().items():
            (folder / name).write_text(text)
            print(f"wrote {folder.relative_to(REPO) / name}")


if __name__ == "__main__":
    main()
