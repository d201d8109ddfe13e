"""Static checks: compose and Kubernetes give every Temporal client of the hub its TLS
files from Secrets, its API key and payload keys from Secrets, and each environment its
own Temporal namespace and retention."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.deploy_checks import (
    REPO,
    compose_binary,
    compose_env_file,
    compose_resolved,
    kustomize,
)

TLS_OVERRIDE = REPO / "docker-compose.temporal-tls.yml"
#: Compose services that talk to Temporal (workers' health checks too).
COMPOSE_TEMPORAL_CLIENTS = {
    "temporal-setup",
    "api",
    "worker-orchestrator",
    "worker-extractor",
    "worker-mapper",
    "worker-analyzer",
    "worker-summarizer",
}
TLS_SECRETS = {
    "HUB_TEMPORAL_TLS_CA": "temporal-tls-ca",
    "HUB_TEMPORAL_TLS_CERT": "temporal-tls-cert",
    "HUB_TEMPORAL_TLS_KEY": "temporal-tls-key",
}


@pytest.fixture(scope="module")
def tls_compose(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("tls-compose")
    certs = folder / "certs"
    certs.mkdir()
    for name in ("ca.crt", "tls.crt", "tls.key"):
        (certs / name).write_text("placeholder\n")
    env = compose_env_file(REPO / ".env.example", folder / ".env")
    with env.open("a") as handle:
        handle.write(
            f"HUB_TEMPORAL_ADDRESS=temporal.example.com:7233\nHUB_TEMPORAL_TLS_DIR={certs}\n"
        )
    return _compose_with_tls(env)


def _compose_with_tls(env: Path) -> dict[str, Any]:
    """``docker compose -f docker-compose.yml -f docker-compose.temporal-tls.yml config``."""
    done = subprocess.run(
        [compose_binary(), "-f", str(REPO / "docker-compose.yml"), "-f", str(TLS_OVERRIDE)]
        + ["--env-file", str(env), "config", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    resolved: dict[str, Any] = json.loads(done.stdout)
    return resolved


def test_compose_tls_override_mounts_the_files_as_secrets_for_every_temporal_client(
    tls_compose: dict[str, Any],
) -> None:
    for name in COMPOSE_TEMPORAL_CLIENTS:
        service = tls_compose["services"][name]
        mounted = {s["source"]: s["target"] for s in service.get("secrets", [])}
        environment = service["environment"]
        for setting, secret in TLS_SECRETS.items():
            assert mounted.get(secret) == f"/run/secrets/{secret}", (name, mounted)
            assert environment[setting] == f"/run/secrets/{secret}", (name, setting)
        assert environment["HUB_TEMPORAL_ADDRESS"] == "temporal.example.com:7233"
    for secret in TLS_SECRETS.values():
        assert tls_compose["secrets"][secret]["file"].endswith(
            {"temporal-tls-ca": "ca.crt", "temporal-tls-cert": "tls.crt"}.get(secret, "tls.key")
        )


def test_compose_without_the_override_stays_plaintext(tmp_path: Path) -> None:
    env = compose_env_file(REPO / ".env.example", tmp_path / ".env")
    plain = compose_resolved(REPO / "docker-compose.yml", env)
    for name in COMPOSE_TEMPORAL_CLIENTS:
        assert not plain["services"][name].get("secrets")
        assert "HUB_TEMPORAL_TLS_CA" not in plain["services"][name]["environment"]


def _pods(documents: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    pods = []
    for doc in documents:
        if doc["kind"] in {"Deployment", "Job"}:
            pods.append((doc["metadata"]["name"], doc["spec"]["template"]["spec"]))
    return pods


def _talks_to_temporal(container: dict[str, Any]) -> bool:
    command = " ".join(container.get("command", []))
    return command.startswith(("hub api", "hub worker")) or command.endswith("setup.sh")


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_kubernetes_mounts_temporal_tls_from_a_secret_in_every_temporal_client(
    overlay: str,
) -> None:
    documents = kustomize(REPO / "k8s" / "overlays" / overlay)
    clients = 0
    for name, pod in _pods(documents):
        for container in pod["containers"]:
            if not _talks_to_temporal(container):
                continue
            clients += 1
            volumes = {v["name"]: v for v in pod.get("volumes", [])}
            secret = volumes["temporal-tls"]["secret"]
            assert secret["secretName"] == "temporal-tls" and secret["optional"] is True, name
            # Readable by the pod's non-root group, by nobody else.
            assert secret["defaultMode"] == 0o440 and pod["securityContext"]["fsGroup"], name
            mounts = {m["name"]: m for m in container["volumeMounts"]}
            assert mounts["temporal-tls"]["mountPath"] == "/etc/temporal-tls", name
            assert mounts["temporal-tls"]["readOnly"] is True, name
            env = {e["name"]: e for e in container.get("env", [])}
            api_key = env["HUB_TEMPORAL_API_KEY"]["valueFrom"]["secretKeyRef"]
            assert api_key["name"] == "hub-secrets" and api_key["optional"] is True, name
            if "setup.sh" not in " ".join(container["command"]):
                payload = env["HUB_PAYLOAD_KEYS"]["valueFrom"]["secretKeyRef"]
                assert payload["name"] == "hub-secrets", name
    # API, orchestrator worker, four agent workers, the temporal-setup Job.
    assert clients == 7


def test_each_environment_has_its_own_temporal_namespace_and_retention() -> None:
    settings = {}
    for overlay in ("dev", "prod"):
        documents = kustomize(REPO / "k8s" / "overlays" / overlay)
        config = next(
            d
            for d in documents
            if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "hub-config"
        )
        settings[overlay] = (
            config["data"]["HUB_TEMPORAL_NAMESPACE"],
            config["data"]["TEMPORAL_RETENTION"],
        )
        # Key material never sits in the ConfigMap.
        assert not any("API_KEY" in k or "PAYLOAD_KEYS" in k for k in config["data"]), overlay
    assert settings == {"dev": ("agentic-hub-dev", "72h"), "prod": ("agentic-hub-prod", "720h")}
