"""A real Prometheus (Debian's package) scraping a real stack: the dashboards' queries and the
alert rules work on what the hub exports, and the backlog alert goes off when the agent
workers stop with runs in flight.

Real processes, each in its own session: the Temporal dev server, ``hub agent serve --all``,
``hub api`` (with an orchestrator worker, as under ``hub up``), ``hub worker all`` serving its
Temporal SDK metrics, and ``prometheus`` with the scrape configuration ``hub up
--observability`` writes (:func:`hub.prometheus.scrape_config`), scraping every second and
evaluating ``deploy/prometheus/alerts.yml``. ``hub up`` itself is not used: it stops the whole
stack when one part exits, and here the workers are stopped on purpose.

1. The credit-memo demo runs (:func:`hub.demo.run_demo`, three runs).
2. Every query of every dashboard in ``deploy/grafana/dashboards`` is evaluated through
   Prometheus's HTTP API as Grafana would (a range query, the variables filled in): none
   errs, and every panel not marked ``hubMayBeEmpty`` has data. Grafana is not a Debian
   package, so this stands in for rendering the dashboards; each dashboard is also drawn
   as a PNG from these queries (``deploy/grafana/render_from_prometheus.py``; kept in
   ``HUB_DASHBOARD_PNG_DIR`` when set). With ``HUB_DASHBOARD_REPORT`` set, the panels'
   latest values are written there as Markdown.
3. Every alert rule is loaded and evaluates without error, is pending exactly while its
   expression holds, and those that watch failures, stuck runs, queues, latency, cost and
   the processes' health stay quiet on the healthy stack.
4. ``hub worker all`` is stopped and two runs are started: their first step waits in
   ``agent-extractor``; ``hub_runs_running`` shows them, and once the worker's last poll is
   older than the pollers' freshness window (75 s), ``HubAgentQueueBacklogNoPollers`` goes
   pending (its ``for: 2m`` is exercised by the promtool unit tests, not waited for here).
5. The Temporal server stops: ``hub_temporal_up`` drops to 0 and ``HubTemporalUnreachable``
   goes pending.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml

from hub.demo import run_demo
from hub.prometheus import ALERT_RULES_FILE, prometheus_binary, scrape_config
from hub.stack import Part, free_port, http_ok, hub_command
from schemas.agents import BUILTIN_AGENT_TYPES
from tests.auth_support import admin_headers
from tests.e2e.hub_api import expect
from tests.e2e.processes import REPO_ROOT, Processes, TemporalDevServer, hub_environment, wait_ready

DASHBOARDS = REPO_ROOT / "deploy" / "grafana" / "dashboards"
sys.path.insert(0, str(REPO_ROOT / "deploy" / "grafana"))
from render_from_prometheus import render as render_dashboard  # noqa: E402

sys.path.pop(0)
#: Generous waits (never asserted on).
WAIT_SECONDS = 60.0
#: The pollers' freshness window
#: (api.observability.platform_metrics.POLLER_FRESH_SECONDS) plus slack.
BACKLOG_ALERT_WAIT_SECONDS = 150.0
#: Alerts that must stay quiet on a stack that just ran the demo: nothing failed, nothing is
#: stuck or queued, every process is up. (The demo's own data decides the others: the
#: built-in mapper's outputs, for one, may break its schema and be repaired.)
QUIET_WHEN_HEALTHY = {
    "HubRunFailureRateHigh",
    "HubRunsStuck",
    "HubAgentQueueBacklogNoPollers",
    "HubAgentQueueBacklogAging",
    "HubAgentErrorRateHigh",
    "HubAgentLatencyP95High",
    "HubCostBurnOverBudget",
    "HubApi5xxRateHigh",
    "HubApiLatencyP99High",
    "HubTemporalUnreachable",
    "HubTargetDown",
}
#: What Grafana fills in for its own variables on a short dashboard range.
GRAFANA_VARIABLES = {"$__rate_interval": "30s", "$__range": "15m"}


@dataclass
class ObservedStack:
    processes: Processes
    env: dict[str, str]
    api_url: str
    prometheus_url: str
    workers: Part
    temporal: TemporalDevServer


@pytest.fixture(scope="module")
def prometheus() -> str:
    """The binary; ``make test`` installs Debian's ``prometheus`` package when it is missing."""
    return prometheus_binary()


@pytest_asyncio.fixture
async def stack(tmp_path: Path, prometheus: str) -> AsyncIterator[ObservedStack]:
    processes = Processes(tmp_path / "logs")
    try:
        temporal_server = TemporalDevServer(processes, tmp_path / "temporal.db")
        temporal_server.start()
        agents_port, api_port, workers_port = free_port(), free_port(), free_port()
        token = secrets.token_urlsafe(32)
        env = hub_environment(
            {
                "HUB_HOME": str(tmp_path / "home"),
                "HUB_TEMPORAL_ADDRESS": temporal_server.address,
                "HUB_TEMPORAL_UI_URL": "",
                "HUB_AGENT_URL_TEMPLATE": f"http://127.0.0.1:{agents_port}/{{type}}",
                "HUB_LOG_LEVEL": "WARNING",
                "HUB_METRICS_TOKEN": token,
                "HUB_PLATFORM_METRICS_INTERVAL_SECONDS": "0",
                "HUB_COST_BUDGET_USD_PER_HOUR": "5",
            }
        )
        agents = processes.start(
            "agents",
            [*hub_command(), "agent", "serve", "--all", "--port", str(agents_port)],
            env,
            http_ok(f"http://127.0.0.1:{agents_port}/{BUILTIN_AGENT_TYPES[0]}/ready"),
        )
        wait_ready(agents)
        api_url = f"http://127.0.0.1:{api_port}"
        api = processes.start(
            "api",
            [*hub_command(), "api", "--host", "127.0.0.1", "--port", str(api_port)],
            {**env, "HUB_API_ORCHESTRATOR": "true"},
            http_ok(f"{api_url}/ready"),
        )
        wait_ready(api)
        workers = processes.start(
            "workers",
            [*hub_command(), "worker", "all"],
            {**env, "HUB_WORKER_METRICS_BIND_ADDRESS": f"127.0.0.1:{workers_port}"},
            http_ok(f"http://127.0.0.1:{workers_port}/metrics"),
        )
        wait_ready(workers)
        home = tmp_path / "prometheus"
        home.mkdir()
        token_file = home / "metrics.token"
        token_file.write_text(token)
        config = scrape_config(
            api=f"127.0.0.1:{api_port}",
            agents=f"127.0.0.1:{agents_port}",
            workers=f"127.0.0.1:{workers_port}",
            token_file=token_file,
            rule_files=[ALERT_RULES_FILE],
            interval="1s",
        )
        (home / "prometheus.yml").write_text(yaml.safe_dump(config))
        prometheus_port = free_port()
        prometheus_url = f"http://127.0.0.1:{prometheus_port}"
        server = processes.start(
            "prometheus",
            [
                prometheus,
                f"--config.file={home / 'prometheus.yml'}",
                f"--storage.tsdb.path={home / 'data'}",
                f"--web.listen-address=127.0.0.1:{prometheus_port}",
            ],
            {"PATH": os.environ.get("PATH", "")},
            http_ok(f"{prometheus_url}/-/ready"),
        )
        wait_ready(server)
        yield ObservedStack(processes, env, api_url, prometheus_url, workers, temporal_server)
    finally:
        leftovers = processes.stop_and_sweep()
    assert not leftovers, f"processes that outlived their stop: {leftovers}"


async def prometheus_get(http: httpx.AsyncClient, path: str, **params: Any) -> Any:
    answer = await http.get(path, params=params)
    body = answer.json()
    assert answer.status_code == 200 and body["status"] == "success", (path, params, body)
    return body["data"]


async def wait_for(http: httpx.AsyncClient, query: str, what: str, limit: float) -> list[Any]:
    """Poll an instant query until it returns a sample; returns the samples."""
    deadline = time.monotonic() + limit
    while True:
        result = (await prometheus_get(http, "/api/v1/query", query=query))["result"]
        if result:
            return list(result)
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} ({query})")
        await asyncio.sleep(0.5)


def fill(expr: str, variables: dict[str, str]) -> str:
    for name, value in sorted(variables.items(), key=lambda item: -len(item[0])):
        expr = expr.replace(name, value)
    assert "$" not in expr.replace("$__", ""), f"unfilled variable in {expr}"
    return expr


def dashboards() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(DASHBOARDS.glob("*.json")):
        yield path.name, json.loads(path.read_text())


async def check_dashboards(
    http: httpx.AsyncClient, variables: dict[str, str], report: list[str]
) -> list[str]:
    """Every panel query as Grafana would run it; returns the problems found."""
    problems: list[str] = []
    end = time.time()
    for name, dashboard in dashboards():
        report.append(f"## {dashboard['title']} ({name})\n")
        may_be_empty = set(dashboard["hubMayBeEmpty"])
        for panel in dashboard["panels"]:
            series: list[str] = []
            for target in panel["targets"]:
                expr = fill(target["expr"], variables)
                answer = await http.get(
                    "/api/v1/query_range",
                    params={"query": expr, "start": end - 120, "end": end, "step": "2s"},
                )
                body = answer.json()
                if body.get("status") != "success":
                    problems.append(f"{name} / {panel['title']}: {expr}: {body.get('error')}")
                    continue
                for result in body["data"]["result"]:
                    labels = ", ".join(f"{k}={v}" for k, v in sorted(result["metric"].items()))
                    series.append(f"{labels or target['legendFormat']}: {result['values'][-1][1]}")
            if not series and panel["title"] not in may_be_empty:
                problems.append(f"{name} / {panel['title']}: no data")
            report.append(f"- **{panel['title']}**: " + ("; ".join(series) or "no data"))
        report.append("")
    return problems


@pytest.mark.timeout(480)
async def test_dashboards_and_alerts_on_a_real_prometheus(
    stack: ObservedStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with httpx.AsyncClient(base_url=stack.prometheus_url, timeout=30) as prom:
        await wait_for(prom, 'count(up{job=~"hub-.*"} == 1) == 3', "every target up", WAIT_SECONDS)
        targets = await prometheus_get(prom, "/api/v1/targets")
        assert {t["labels"]["job"] for t in targets["activeTargets"]} == {
            "hub-api",
            "hub-agents",
            "hub-workers",
        }
        # The demo runs while Prometheus watches, so its counters grow in the scraped data.
        monkeypatch.setenv("HUB_API_TOKEN", admin_headers()["Authorization"].split(" ", 1)[1])
        runs = await asyncio.to_thread(
            run_demo, stack.api_url, samples_dir=tmp_path / "samples", echo=lambda _line: None
        )
        assert [run.status for run in runs] == ["completed"] * len(runs), runs
        finished = await wait_for(
            prom, f"sum by (app_id) (hub_runs_finished_total) >= {len(runs)}", "the runs", 60
        )
        app_id = finished[0]["metric"]["app_id"]
        await wait_for(prom, "sum(hub_agent_invocations_total) > 0", "agent metrics", 60)
        # Rate windows need two samples of the finished counters.
        await asyncio.sleep(3)

        report = [f"# Dashboards rendered from Prometheus (app {app_id}, agent type extractor)\n"]
        variables = {**GRAFANA_VARIABLES, "$app_id": app_id, "$agent_type": "extractor"}
        problems = await check_dashboards(prom, variables, report)
        # The app's series start at 0 when it is deployed, so the panel counts its first runs
        # (all of them when Prometheus scraped between the deploy and the first run's end).
        overview = "sum(increase(hub_runs_finished_total[15m]))"
        counted = float((await wait_for(prom, overview, "runs", 5))[0]["value"][1])
        assert counted >= len(runs) - 1, counted
        if os.environ.get("HUB_DASHBOARD_REPORT"):
            Path(os.environ["HUB_DASHBOARD_REPORT"]).write_text("\n".join(report) + "\n")
        assert problems == [], "\n".join(problems)
        # The stand-in for a Grafana screenshot: each dashboard drawn from these queries.
        pictures = Path(os.environ.get("HUB_DASHBOARD_PNG_DIR") or tmp_path / "png")
        pictures.mkdir(parents=True, exist_ok=True)
        for name, dashboard in dashboards():
            png = pictures / name.replace(".json", ".png")
            await asyncio.to_thread(
                render_dashboard,
                dashboard,
                stack.prometheus_url,
                {"$app_id": app_id, "$agent_type": "extractor"},
                png,
                5,
            )
            assert png.read_bytes().startswith(b"\x89PNG"), png

        # Every alert rule is loaded, evaluates cleanly and stays quiet on a healthy stack.
        expected = {
            rule["alert"]
            for group in yaml.safe_load(ALERT_RULES_FILE.read_text())["groups"]
            for rule in group["rules"]
        }
        await asyncio.sleep(2)  # at least one evaluation after the demo's data arrived
        rules = (await prometheus_get(prom, "/api/v1/rules", type="alert"))["groups"]
        loaded = {rule["name"]: rule for group in rules for rule in group["rules"]}
        assert set(loaded) == expected
        for name, rule in loaded.items():
            assert rule["health"] == "ok", (name, rule.get("lastError"))
            result = (await prometheus_get(prom, "/api/v1/query", query=rule["query"]))["result"]
            # An alert is pending exactly while its expression holds.
            assert (rule["state"] != "inactive") == bool(result), (name, rule["alerts"], result)
            if name in QUIET_WHEN_HEALTHY:
                assert rule["state"] == "inactive", (name, rule["alerts"])

        # Agent workers stop with runs in flight: the backlog alert goes off.
        stack.processes.terminate(stack.workers)
        async with httpx.AsyncClient(
            base_url=stack.api_url, headers=admin_headers(), timeout=60
        ) as api:
            sample = next((tmp_path / "samples").glob("*.pdf"))
            with sample.open("rb") as handle:
                uploaded = expect(
                    await api.post("/artifacts", files={"file": (sample.name, handle)}), 201
                )
            started = [
                expect(
                    await api.post(
                        f"/apps/{app_id}/runs", json={"inputs": {"document": uploaded["uri"]}}
                    ),
                    202,
                )["run_id"]
                for _ in range(2)
            ]
        queue = 'agent_type="extractor"'
        await wait_for(prom, f"hub_task_queue_backlog{{{queue}}} >= 2", "the backlog", 60)
        await wait_for(
            prom, f'sum(hub_runs_running{{app_id="{app_id}"}}) == 2', "two runs in flight", 60
        )
        alert = await wait_for(
            prom,
            f'ALERTS{{alertname="HubAgentQueueBacklogNoPollers",{queue}}}',
            "the backlog alert",
            BACKLOG_ALERT_WAIT_SECONDS,
        )
        assert alert[0]["metric"]["alertstate"] in ("pending", "firing"), alert
        assert alert[0]["metric"]["task_queue"] == "agent-extractor"
        active = (await prometheus_get(prom, "/api/v1/alerts"))["alerts"]
        names = {a["labels"]["alertname"] for a in active}
        # Nothing else went off: the API, Temporal and the runs are fine, only workers are gone.
        expected_now = {"HubAgentQueueBacklogNoPollers", "HubTargetDown"}
        assert not (names - expected_now) & QUIET_WHEN_HEALTHY, active

        # Temporal goes down: the API says so and the alert that pages for it goes off.
        stack.temporal.stop()
        await wait_for(prom, "max(hub_temporal_up) == 0", "Temporal reported down", 60)
        await wait_for(
            prom,
            'ALERTS{alertname="HubTemporalUnreachable"}',
            "the Temporal alert",
            WAIT_SECONDS,
        )
        assert re.fullmatch(r"run-[0-9a-f]+", started[0])
