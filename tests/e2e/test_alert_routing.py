"""Alertmanager (Debian's ``prometheus-alertmanager``) with ``deploy/alertmanager/alertmanager.yml``
delivers the hub's alerts to the example webhook receiver (``deploy/alertmanager/
webhook_receiver.py``), and a Temporal outage inhibits the alerts it explains.

Only the receiver's URL (a free local port) and the grouping waits (seconds instead of
minutes) differ from the compose file's configuration. Alerts are posted the way
Prometheus posts them (``POST /api/v2/alerts``) with the labels and annotations of the
rules in ``deploy/prometheus/alerts.yml``.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from hub.prometheus import ALERT_RULES_FILE
from hub.stack import Part, free_port, http_ok
from tests.e2e.processes import REPO_ROOT, Processes, hub_environment, wait_ready

ALERTMANAGER_CONFIG = REPO_ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
RECEIVER = REPO_ROOT / "deploy" / "alertmanager" / "webhook_receiver.py"
WAIT_SECONDS = 30.0


@dataclass
class Routing:
    alertmanager_url: str
    receiver: Part


def alertmanager_binary() -> str:
    found = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    assert found, "Alertmanager is missing: make observability-deps"
    return found


@pytest.fixture
def routing(tmp_path: Path) -> Iterator[Routing]:
    processes = Processes(tmp_path / "logs")
    try:
        receiver_port, port = free_port(), free_port()
        receiver = processes.start(
            "webhook",
            [sys.executable, str(RECEIVER), str(receiver_port)],
            hub_environment({}),
            http_ok(f"http://127.0.0.1:{receiver_port}/"),
        )
        wait_ready(receiver)
        config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text())
        config["receivers"][0]["webhook_configs"][0]["url"] = (
            f"http://127.0.0.1:{receiver_port}/alerts"
        )
        config["route"].update(group_wait="1s", group_interval="1s")
        path = tmp_path / "alertmanager.yml"
        path.write_text(yaml.safe_dump(config))
        url = f"http://127.0.0.1:{port}"
        manager = processes.start(
            "alertmanager",
            [
                alertmanager_binary(),
                f"--config.file={path}",
                f"--storage.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
            ],
            hub_environment({}),
            http_ok(f"{url}/-/ready"),
        )
        wait_ready(manager)
        yield Routing(url, receiver)
    finally:
        leftovers = processes.stop_and_sweep()
    assert not leftovers, leftovers


def rule(name: str) -> dict[str, Any]:
    for group in yaml.safe_load(ALERT_RULES_FILE.read_text())["groups"]:
        for found in group["rules"]:
            if found["alert"] == name:
                return dict(found)
    raise AssertionError(name)


def alert(name: str, summary: str, **labels: str) -> dict[str, Any]:
    """An alert as Prometheus sends it for the rule ``name`` (annotations as expanded)."""
    definition = rule(name)
    now = datetime.now(UTC)
    return {
        "labels": {"alertname": name, **definition["labels"], **labels},
        "annotations": {**definition["annotations"], "summary": summary},
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(minutes=5)).isoformat(),
    }


def wait_for_line(part: Part, text: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        for line in part.log_tail(200).splitlines():
            if text in line:
                return line
        time.sleep(0.2)
    raise AssertionError(f"the receiver never printed {text!r}:\n{part.log_tail(40)}")


def test_alerts_reach_the_webhook_with_their_runbook_and_temporal_down_inhibits(
    routing: Routing,
) -> None:
    with httpx.Client(base_url=routing.alertmanager_url, timeout=10) as http:
        backlog = alert(
            "HubAgentQueueBacklogNoPollers",
            "agent-extractor: 2 task(s) waiting and no worker polling",
            agent_type="extractor",
            task_queue="agent-extractor",
        )
        assert http.post("/api/v2/alerts", json=[backlog]).status_code == 200
        line = wait_for_line(routing.receiver, "HubAgentQueueBacklogNoPollers")
        assert line.startswith("[FIRING] HubAgentQueueBacklogNoPollers (agent_type=extractor")
        assert "runbook: docs/runbooks.md#hubagentqueuebacklognopollers" in line

        # Temporal down: the stuck runs it causes are inhibited, Temporal itself pages.
        stuck = alert("HubRunsStuck", "App app-1: 3 run(s) running past", app_id="app-1")
        down = alert("HubTemporalUnreachable", "The API cannot reach Temporal")
        assert http.post("/api/v2/alerts", json=[down, stuck]).status_code == 200
        wait_for_line(routing.receiver, "HubTemporalUnreachable")
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            listed = {
                a["labels"]["alertname"]: a["status"] for a in http.get("/api/v2/alerts").json()
            }
            if listed.get("HubRunsStuck", {}).get("inhibitedBy"):
                break
            assert time.monotonic() < deadline, listed
            time.sleep(0.2)
        assert "HubRunsStuck" not in routing.receiver.log_tail(200)
