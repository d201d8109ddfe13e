"""A real Prometheus next to the embedded stack (``hub up --observability``).

Debian's ``prometheus`` package provides the binary (``make observability-deps`` installs
it). It scrapes the API (with ``HUB_METRICS_TOKEN``), the agent services and the workers'
Temporal SDK metrics, and evaluates the alert rules of ``deploy/prometheus/alerts.yml``,
so a developer sees the dashboards' queries and the alerts work locally.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hub.stack import Part, StackError, http_ok

#: The repository's alert rules (a source checkout; an installed wheel has none).
ALERT_RULES_FILE = Path(__file__).resolve().parents[1] / "deploy" / "prometheus" / "alerts.yml"
#: Scrape and rule-evaluation interval of the local Prometheus: short, so alerts show soon.
LOCAL_INTERVAL = "5s"
#: Scrape-job names: the alert rules and dashboards select on them.
API_JOB, AGENTS_JOB, WORKERS_JOB = "hub-api", "hub-agents", "hub-workers"


def prometheus_binary() -> str:
    """The ``prometheus`` binary on PATH, or a :class:`StackError` saying how to install it."""
    found = shutil.which("prometheus")
    if found is None:
        raise StackError(
            "--observability needs Prometheus: `make observability-deps` "
            "(or `apt-get install prometheus`) installs Debian's package"
        )
    return found


def scrape_config(
    *,
    api: str,
    agents: str,
    workers: str | None,
    token_file: Path,
    rule_files: list[Path],
    interval: str = LOCAL_INTERVAL,
) -> dict[str, Any]:
    """A ``prometheus.yml`` scraping the hub's processes at ``host:port`` targets."""
    jobs: list[dict[str, Any]] = [
        {
            "job_name": API_JOB,
            "authorization": {"type": "Bearer", "credentials_file": str(token_file)},
            "static_configs": [{"targets": [api]}],
        },
        {"job_name": AGENTS_JOB, "static_configs": [{"targets": [agents]}]},
    ]
    if workers:
        jobs.append({"job_name": WORKERS_JOB, "static_configs": [{"targets": [workers]}]})
    return {
        "global": {"scrape_interval": interval, "evaluation_interval": interval},
        "rule_files": [str(path) for path in rule_files],
        "scrape_configs": jobs,
    }


@dataclass
class LocalPrometheus:
    """What ``hub up --observability`` adds: the wiring env and the Prometheus part."""

    home: Path
    host: str
    port: int
    #: ``host:port`` where the workers serve their Temporal SDK metrics.
    workers_address: str
    metrics_token: str

    @classmethod
    def prepare(
        cls, home: Path, host: str, port: int, workers_port: int, metrics_token: str | None
    ) -> LocalPrometheus:
        """Check the binary is there and pick the scrape token (``HUB_METRICS_TOKEN`` if set)."""
        prometheus_binary()
        return cls(
            home=home / "prometheus",
            host=host,
            port=port,
            workers_address=f"{host}:{workers_port}",
            metrics_token=metrics_token or secrets.token_urlsafe(32),
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """What every hub process needs for Prometheus to scrape it."""
        return {
            "HUB_METRICS_TOKEN": self.metrics_token,
            "HUB_WORKER_METRICS_BIND_ADDRESS": self.workers_address,
        }

    def part(self, api: str, agents: str) -> Part:
        """Writes the configuration under ``HUB_HOME/prometheus`` and returns the part."""
        self.home.mkdir(parents=True, exist_ok=True)
        token_file = self.home / "metrics.token"
        token_file.touch(mode=0o600)
        token_file.chmod(0o600)
        token_file.write_text(self.metrics_token)
        rules = [ALERT_RULES_FILE] if ALERT_RULES_FILE.is_file() else []
        config = scrape_config(
            api=api,
            agents=agents,
            workers=self.workers_address,
            token_file=token_file,
            rule_files=rules,
        )
        config_file = self.home / "prometheus.yml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=False))
        argv = [
            prometheus_binary(),
            f"--config.file={config_file}",
            f"--storage.tsdb.path={self.home / 'data'}",
            f"--web.listen-address={self.host}:{self.port}",
            "--storage.tsdb.retention.time=2d",
        ]
        return Part(
            "prometheus",
            argv,
            {},
            http_ok(f"{self.url}/-/ready"),
            self.home.parent / "logs" / "prometheus.log",
        )
