"""temporal-config/: the dynamic config is well formed and accepted by a real Temporal
server; the setup script is idempotent and creates exactly the hub's search attributes;
the worker health check tells a polled queue from an unpolled one."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from schemas.names import SEARCH_ATTRIBUTES
from tests.deploy.deploy_checks import REPO, tool
from tests.engine_support.tls_proxy import TlsTerminator, make_pki

CONFIG = REPO / "temporal-config"
DYNAMIC_CONFIG = CONFIG / "dynamicconfig.yaml"
CONSTRAINT_KEYS = {"namespace", "namespaceId", "taskQueueName", "taskQueueType", "shardId"}


def load_dynamic_config(path: Path = DYNAMIC_CONFIG) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


def dynamic_config_problems(config: Any) -> list[str]:
    """Temporal's file format: ``key: [{value: ..., constraints: {...}}, ...]``."""
    if not isinstance(config, dict) or not config:
        return ["dynamic config must be a non-empty mapping"]
    problems = []
    for key, entries in config.items():
        if not re.fullmatch(r"[a-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+", str(key)):
            problems.append(f"{key}: not a dotted dynamic-config key")
        if not isinstance(entries, list) or not entries:
            problems.append(f"{key}: needs a list of {{value, constraints}} entries")
            continue
        for entry in entries:
            if not isinstance(entry, dict) or "value" not in entry:
                problems.append(f"{key}: entry without value")
                continue
            if set(entry) - {"value", "constraints"}:
                problems.append(
                    f"{key}: unknown entry fields {sorted(set(entry) - {'value', 'constraints'})}"
                )
            constraints = entry.get("constraints") or {}
            if set(constraints) - CONSTRAINT_KEYS:
                problems.append(
                    f"{key}: unknown constraints {sorted(set(constraints) - CONSTRAINT_KEYS)}"
                )
    return problems


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def temporal_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Temporal dev server started with every value of our dynamic config."""
    port = free_port()
    flags: list[str] = []
    for key, entries in load_dynamic_config().items():
        unconstrained = [e for e in entries if not e.get("constraints")]
        if unconstrained:
            flags += ["--dynamic-config-value", f"{key}={json.dumps(unconstrained[0]['value'])}"]
    home = tmp_path_factory.mktemp("temporal")
    server = subprocess.Popen(
        [tool("temporal"), "server", "start-dev", "--headless", "--ip", "127.0.0.1"]
        + ["--port", str(port), "--db-filename", str(home / "temporal.db")]
        + ["--log-level", "error", *flags],
        stdout=subprocess.DEVNULL,
        stderr=(home / "server.log").open("w"),
    )
    address = f"127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise AssertionError(f"dev server exited:\n{(home / 'server.log').read_text()}")
            health = subprocess.run(
                [tool("temporal"), "operator", "cluster", "health", "--address", address],
                capture_output=True,
                check=False,
            )
            if health.returncode == 0:
                break
            time.sleep(0.1)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_script(script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(CONFIG / script), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "TEMPORAL_BIN": tool("temporal"), **env},
    )


def search_attributes(address: str, namespace: str) -> dict[str, str]:
    listed = subprocess.run(
        [tool("temporal"), "operator", "search-attribute", "list", "--address", address]
        + ["--namespace", namespace, "--output", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(listed.stdout)
    return {**data.get("customAttributes", {}), **data.get("systemAttributes", {})}


def test_dynamic_config_is_well_formed() -> None:
    assert dynamic_config_problems(load_dynamic_config()) == []


def test_dynamic_config_check_catches_broken_copies(tmp_path: Path) -> None:
    text = DYNAMIC_CONFIG.read_text()
    broken = tmp_path / "dynamicconfig.yaml"
    broken.write_text(text.replace("  - value: 255\n    constraints: {}", "  value: 255"))
    assert any(
        "limit.maxIDLength" in p for p in dynamic_config_problems(load_dynamic_config(broken))
    )
    broken.write_text(text + "frontend.someFlag:\n  - value: 1\n    constraints: {queue: x}\n")
    assert any(
        "unknown constraints" in p for p in dynamic_config_problems(load_dynamic_config(broken))
    )


def test_setup_script_lists_the_hubs_search_attributes() -> None:
    text = (CONFIG / "setup.sh").read_text()
    declared = re.search(r'^SEARCH_ATTRIBUTES="([^"]*)"', text, re.MULTILINE)
    assert declared, "setup.sh must declare SEARCH_ATTRIBUTES"
    pairs = dict(p.split("=", 1) for p in declared.group(1).split())
    assert pairs == SEARCH_ATTRIBUTES


def test_setup_script_creates_namespace_and_attributes_idempotently(temporal_address: str) -> None:
    namespace = "hub-setup-test"
    env = {"TEMPORAL_ADDRESS": temporal_address, "TEMPORAL_NAMESPACE": namespace}
    first = run_script("setup.sh", **env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"creating namespace {namespace}" in first.stdout
    second = run_script("setup.sh", **env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "creating" not in second.stdout and "adding" not in second.stdout
    attributes = search_attributes(temporal_address, namespace)
    for name, kind in SEARCH_ATTRIBUTES.items():
        assert attributes.get(name, "").lower().replace("_", "").endswith(kind.lower()), (
            name,
            attributes.get(name),
        )


def namespace_retention_hours(address: str, namespace: str, **env: str) -> float:
    described = subprocess.run(
        [tool("temporal"), "operator", "namespace", "describe", "--address", address]
        + ["--namespace", namespace, "--output", "json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    ttl = json.loads(described.stdout)["config"]["workflowExecutionRetentionTtl"]
    return float(str(ttl).rstrip("s")) / 3600


def test_setup_script_gives_each_environment_its_namespace_and_retention(
    temporal_address: str,
) -> None:
    for namespace, retention, hours in (("hub-dev", "72h", 72), ("hub-prod", "720h", 720)):
        done = run_script(
            "setup.sh",
            TEMPORAL_ADDRESS=temporal_address,
            TEMPORAL_NAMESPACE=namespace,
            TEMPORAL_RETENTION=retention,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert namespace_retention_hours(temporal_address, namespace) == hours
    # A changed retention is applied to the existing namespace on the next run.
    again = run_script(
        "setup.sh",
        TEMPORAL_ADDRESS=temporal_address,
        TEMPORAL_NAMESPACE="hub-dev",
        TEMPORAL_RETENTION="48h",
    )
    assert again.returncode == 0 and "namespace hub-dev exists (retention 48h)" in again.stdout
    assert namespace_retention_hours(temporal_address, "hub-dev") == 48


def test_setup_script_connects_with_the_hubs_tls_settings(
    temporal_address: str, tmp_path: Path
) -> None:
    """The Job runs with the hub's HUB_TEMPORAL_TLS_* settings (as the hub pods do) and
    hands them to the temporal CLI: it sets up a namespace through mutual TLS."""
    pki = make_pki(tmp_path / "pki")
    front = TlsTerminator(pki, temporal_address, require_client_cert=True)
    front.start()
    try:
        tls_env = {
            "HUB_TEMPORAL_TLS_CA": str(pki.ca),
            "HUB_TEMPORAL_TLS_CERT": str(pki.client_cert),
            "HUB_TEMPORAL_TLS_KEY": str(pki.client_key),
        }
        done = run_script(
            "setup.sh",
            HUB_TEMPORAL_ADDRESS=front.address,
            HUB_TEMPORAL_NAMESPACE="hub-mtls",
            **tls_env,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "creating namespace hub-mtls" in done.stdout
        without_cert = run_script(
            "setup.sh",
            HUB_TEMPORAL_ADDRESS=front.address,
            HUB_TEMPORAL_NAMESPACE="hub-mtls",
            HUB_TEMPORAL_TLS_CA=str(pki.ca),
            SETUP_WAIT_SECONDS="0",
        )
        assert without_cert.returncode == 1
        assert "HUB_TEMPORAL_TLS" in without_cert.stderr
    finally:
        front.stop()
    assert namespace_retention_hours(temporal_address, "hub-mtls") == 720


def test_setup_script_fails_clearly_when_temporal_is_unreachable() -> None:
    done = run_script(
        "setup.sh", TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}", SETUP_WAIT_SECONDS="0"
    )
    assert done.returncode == 1
    assert "is not healthy" in done.stderr


async def test_worker_healthcheck_sees_only_polled_queues(temporal_address: str) -> None:
    @activity.defn(name="deploy_probe")
    async def probe() -> None:
        return None

    client = await Client.connect(temporal_address, namespace="default")
    env = {"HUB_TEMPORAL_ADDRESS": temporal_address, "HUB_TEMPORAL_NAMESPACE": "default"}
    async with Worker(client, task_queue="agent-deploy-probe", activities=[probe]):
        polled = await asyncio.to_thread(
            run_script, "worker-healthcheck.sh", "agent-deploy-probe", **env
        )
        unpolled = await asyncio.to_thread(
            run_script, "worker-healthcheck.sh", "agent-nobody-polls", **env
        )
    assert polled.returncode == 0, polled.stdout + polled.stderr
    assert unpolled.returncode == 1
    assert "no worker on" in unpolled.stderr and "agent-nobody-polls" in unpolled.stderr
