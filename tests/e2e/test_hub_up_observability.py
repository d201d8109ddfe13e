"""``hub up --observability``: the embedded stack plus Debian's Prometheus scraping the API (with
the metrics token), the agents and the workers, with the alert rules loaded; SIGTERM stops it
with the rest. Without Prometheus installed it refuses to start and says how to install it."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import httpx
import yaml

from hub.stack import free_port, hub_command, port_is_free
from tests.e2e.processes import child_pids, hub_environment, pid_alive

START_LIMIT_SECONDS = 90.0
BANNER = "Agentic Hub is up"


def test_hub_up_observability_starts_prometheus_scraping_the_stack(tmp_path: Path) -> None:
    home = tmp_path / "home"
    api_port, temporal_port, prometheus_port = free_port(), free_port(), free_port()
    process = subprocess.Popen(
        [
            *hub_command(),
            "up",
            "--headless",
            "--no-console",  # the console has its own browser tests (frontend/tests/e2e)
            "--observability",
            "--api-port",
            str(api_port),
            "--temporal-port",
            str(temporal_port),
            "--prometheus-port",
            str(prometheus_port),
        ],
        env=hub_environment({"HUB_HOME": str(home), "HUB_LOG_LEVEL": "WARNING"}),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    children: set[int] = set()
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + START_LIMIT_SECONDS
        while not any(BANNER in line for line in lines):
            line = process.stdout.readline()
            assert line or process.poll() is None, "\n".join(lines)
            lines.append(line.rstrip("\n"))
            assert time.monotonic() < deadline, "\n".join(lines)
        while not any(line.strip().startswith("Prometheus") for line in lines):
            lines.append(process.stdout.readline().rstrip("\n"))
        url = f"http://127.0.0.1:{prometheus_port}"
        assert any(f"Prometheus    {url}  (alerts: {url}/alerts)" in line for line in lines)
        children = child_pids(process.pid)

        token_file = home / "prometheus" / "metrics.token"
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        config = yaml.safe_load((home / "prometheus" / "prometheus.yml").read_text())
        assert {job["job_name"] for job in config["scrape_configs"]} == {
            "hub-api",
            "hub-agents",
            "hub-workers",
        }
        with httpx.Client(base_url=url, timeout=10) as prometheus:
            deadline = time.monotonic() + 60
            while True:
                targets = prometheus.get("/api/v1/targets").json()["data"]["activeTargets"]
                health = {t["labels"]["job"]: t["health"] for t in targets}
                if health == {"hub-api": "up", "hub-agents": "up", "hub-workers": "up"}:
                    break
                assert time.monotonic() < deadline, targets
                time.sleep(0.5)
            up = prometheus.get("/api/v1/query", params={"query": "hub_temporal_up"}).json()
            assert [r["value"][1] for r in up["data"]["result"]] == ["1"]
            rules = prometheus.get("/api/v1/rules", params={"type": "alert"}).json()["data"]
            names = {r["name"] for g in rules["groups"] for r in g["rules"]}
            assert {"HubAgentQueueBacklogNoPollers", "HubTemporalUnreachable"} <= names
        # The API refuses the scrape without the token (Prometheus sends it).
        assert httpx.get(f"http://127.0.0.1:{api_port}/metrics").status_code == 401
        token = token_file.read_text()
        scraped = httpx.get(
            f"http://127.0.0.1:{api_port}/metrics", headers={"Authorization": f"Bearer {token}"}
        )
        assert "hub_task_queue_pollers" in scraped.text

        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        assert process.returncode == 0
        assert port_is_free(prometheus_port)
        assert not [pid for pid in children if pid_alive(pid)]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for pid in children:
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_hub_up_observability_without_prometheus_says_how_to_install_it(tmp_path: Path) -> None:
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    done = subprocess.run(
        [*hub_command(), "up", "--headless", "--observability", "--api-port", str(free_port())],
        env=hub_environment({"HUB_HOME": str(tmp_path / "home"), "PATH": str(empty_path)}),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "make observability-deps" in done.stderr
    assert not (tmp_path / "home" / "hub.db").exists()  # nothing was started or created
