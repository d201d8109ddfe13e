"""The platform split the way ``docker-compose.yml`` runs it, as local OS processes.

Every hub process is configured only with variables the compose file sets for the
same service (values for one machine: ports on 127.0.0.1, a shared folder for the
S3 bucket, a fresh PostgreSQL database) and runs in a folder of its own, so nothing
is shared through a hidden ``HUB_HOME``.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import yaml
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from bench.processes import process_group_members
from hub.stack import Part, free_port, http_ok, hub_command
from tests.e2e.processes import REPO_ROOT, Processes, hub_environment, wait_ready

COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
#: The server the test suite uses (trust auth; the same HUB_TEST_PG_* overrides as the
#: API suite); each stack gets a database of its own.
PG_HOST = os.environ.get("HUB_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("HUB_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("HUB_TEST_PG_USER", "postgres")
PG_ADMIN_DB = os.environ.get("HUB_TEST_PG_DB", "test")
ONE_SHOT_LIMIT_SECONDS = 120.0


def compose_environment(service: str) -> set[str]:
    """The names of the variables ``docker-compose.yml`` sets for ``service`` (anchors merged)."""
    compose: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return set(compose["services"][service].get("environment") or {})


@dataclass
class FolderPart(Part):
    """A :class:`Part` whose process runs in ``cwd`` (its own folder, not the checkout)."""

    cwd: Path | None = None
    #: Stop the whole process group, not just its leader: for third-party servers
    #: (MLflow) whose leader exits on SIGTERM without waiting for its own children.
    stop_group: bool = False

    def stop(self, grace: float = 15.0) -> None:
        if not self.stop_group or self.process is None:
            super().stop(grace)
            return
        pgid = self.process.pid
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while process_group_members(pgid) and time.monotonic() < deadline:
            self.process.poll()  # reap the leader so it does not linger as a zombie
            time.sleep(0.1)
        if process_group_members(pgid):
            os.killpg(pgid, signal.SIGKILL)
            # SIGKILL is delivered asynchronously: wait until the kernel has taken them
            # (the sweep after the stop would otherwise see them still running).
            deadline = time.monotonic() + 10
            while process_group_members(pgid) and time.monotonic() < deadline:
                self.process.poll()
                time.sleep(0.05)
        self.process.wait(timeout=10)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        assert self.cwd is not None
        self.cwd.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - argv is ours, never a shell
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )


def _admin_connection() -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(
            host=PG_HOST,
            port=PG_PORT,
            user=PG_USER,
            dbname=PG_ADMIN_DB,
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as exc:
        raise AssertionError(
            f"the split topology needs PostgreSQL at {PG_HOST}:{PG_PORT} (user {PG_USER}, "
            f"database {PG_ADMIN_DB}; HUB_TEST_PG_* override them): {exc}"
        ) from exc


def create_database() -> str:
    """A fresh, empty database on the test server; returns its name."""
    name = f"hub_split_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name: str) -> str:
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


async def poller_identities(client: Client, queue: str, kind: TaskQueueType.ValueType) -> set[str]:
    """Identities (``pid@host``) of the workers that recently polled ``queue``."""
    answer = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace, task_queue=TaskQueue(name=queue), task_queue_type=kind
        )
    )
    return {poller.identity for poller in answer.pollers}


def identity_of(part: Part) -> str:
    """The Temporal identity the SDK gives a worker process: ``pid@hostname``."""
    assert part.process is not None
    return f"{part.process.pid}@{socket.gethostname()}"


@dataclass
class SplitStack:
    """The processes of one split deployment and the values every hub process is given."""

    home: Path
    processes: Processes
    database: str
    temporal_address: str
    artifact_root: Path
    api_port: int = field(default_factory=free_port)
    mlflow_port: int = field(default_factory=free_port)
    agent_ports: dict[str, int] = field(default_factory=dict)
    #: Never logged; generated per stack, as an operator's ``.env`` would hold it.
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    #: Service name → the exact variables its process got (for the "only compose's" check).
    environments: dict[str, dict[str, str]] = field(default_factory=dict)
    worker_parts: dict[str, list[Part]] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def mlflow_url(self) -> str:
        return f"http://127.0.0.1:{self.mlflow_port}"

    def hub_variables(self) -> dict[str, str]:
        """compose's ``x-hub-env`` with this machine's values."""
        return {
            "HUB_ENV": "production",
            "HUB_SECRET_KEY": self.secret_key,
            "HUB_DATABASE_URL": database_url(self.database),
            "HUB_TEMPORAL_ADDRESS": self.temporal_address,
            "HUB_TEMPORAL_NAMESPACE": "default",
            "HUB_TEMPORAL_UI_URL": "",
            "HUB_MLFLOW_TRACKING_URI": self.mlflow_url,
            "HUB_ARTIFACT_ROOT": str(self.artifact_root),
            # compose reaches agent-<type>:8080 by name (HUB_AGENT_URL_TEMPLATE); on one
            # machine each agent service has its own port, so the per-type map is used.
            "HUB_AGENT_URLS": json.dumps(
                {t: f"http://127.0.0.1:{port}" for t, port in self.agent_ports.items()}
            ),
            "HUB_API_URL": self.api_url,
            "HUB_CORS_ORIGINS": '["http://localhost:3000"]',
            "HUB_LOG_LEVEL": "WARNING",
            "HUB_OTEL_SERVICE_NAME": "agentic-hub-split-test",
        }

    def _start(
        self,
        service: str,
        name: str,
        argv: list[str],
        variables: dict[str, str],
        ready: Callable[[], bool] = lambda: True,
        *,
        stop_group: bool = False,
    ) -> Part:
        self.environments[name] = {"service": service, **variables}
        part = FolderPart(
            name,
            argv,
            hub_environment(variables),
            ready,
            self.processes.logs / f"{name}.log",
            cwd=self.home / "cwd" / name,
            stop_group=stop_group,
        )
        part.start()
        self.processes.parts.append(part)
        return part

    def one_shot(self, service: str, args: list[str]) -> str:
        """Run ``hub ARGS`` to completion as compose's one-shot ``service``; its stdout."""
        variables = self.hub_variables()
        self.environments[f"{service}:{args[0]}"] = {"service": service, **variables}
        folder = self.home / "cwd" / service
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(  # noqa: S603 - argv is ours
            [*hub_command(), *args],
            env=hub_environment(variables),
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=ONE_SHOT_LIMIT_SECONDS,
        )
        assert done.returncode == 0, f"hub {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
        return done.stdout

    def start_mlflow(self) -> Part:
        """The tracking server compose runs as ``mlflow`` (its own SQLite store here)."""
        store = self.home / "mlflow"
        argv = [
            str(Path(sys.executable).parent / "mlflow"),
            "server",
            "--backend-store-uri",
            f"sqlite:///{store / 'mlflow.db'}",
            "--artifacts-destination",
            str(store / "artifacts"),
            "--serve-artifacts",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.mlflow_port),
            "--workers",
            "1",
        ]
        store.mkdir(parents=True, exist_ok=True)
        return self._start(
            "mlflow", "mlflow", argv, {}, http_ok(f"{self.mlflow_url}/health"), stop_group=True
        )

    def start_agent_service(self, agent_type: str) -> Part:
        """``hub agent serve TYPE`` with compose's ``agent-<type>`` variables (no provider key:
        the built-in agents' default config uses the local provider)."""
        port = self.agent_ports.setdefault(agent_type, free_port())
        return self._start(
            f"agent-{agent_type}",
            f"agent-{agent_type}",
            [*hub_command(), "agent", "serve", agent_type, "--port", str(port)],
            {"AGENT_TYPE": agent_type},
            http_ok(f"http://127.0.0.1:{port}/ready"),
        )

    def start_api(self) -> Part:
        return self._start(
            "api",
            "api",
            [*hub_command(), "api", "--host", "127.0.0.1", "--port", str(self.api_port)],
            self.hub_variables(),
            http_ok(f"{self.api_url}/ready"),
        )

    def start_worker(self, agent_type: str | None) -> Part:
        """``hub worker orchestrator`` (``None``) or one replica of ``hub worker agent --type``."""
        if agent_type is None:
            service, args = "worker-orchestrator", ["worker", "orchestrator"]
        else:
            service, args = f"worker-{agent_type}", ["worker", "agent", "--type", agent_type]
        replicas = self.worker_parts.setdefault(service, [])
        part = self._start(
            service, f"{service}-{len(replicas) + 1}", [*hub_command(), *args], self.hub_variables()
        )
        replicas.append(part)
        return part

    def stop(self) -> list[str]:
        """Stop every process (SIGTERM, then SIGKILL), then sweep their process groups;
        returns what had to be swept (nothing, when every process shut down cleanly)."""
        return self.processes.stop_and_sweep()


def wait_all_ready(parts: list[Part]) -> None:
    for part in parts:
        wait_ready(part, limit=ONE_SHOT_LIMIT_SECONDS)
