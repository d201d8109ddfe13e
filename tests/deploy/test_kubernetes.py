"""k8s/: every manifest (base and rendered overlays) valid per the Kubernetes schemas,
with probes, resources, pinned images, non-root pods, secrets only by reference,
queue-backlog scaling for workers and NetworkPolicies that fence the agents in."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from schemas.agents import BUILTIN_AGENT_TYPES
from schemas.names import ORCHESTRATOR_QUEUE, agent_queue
from tests.deploy.deploy_checks import (
    REPO,
    kubernetes_policy_problems,
    kubernetes_schema_problems,
    kustomize,
    manifest_documents,
    network_policy_problems,
    scaled_object_problems,
)

K8S = REPO / "k8s"
OVERLAYS = sorted(p.parent for p in (K8S / "overlays").glob("*/kustomization.yaml"))


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict[str, Any]]]:
    return {overlay.name: kustomize(overlay) for overlay in OVERLAYS}


@pytest.fixture(scope="module")
def prod(rendered: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return rendered["prod"]


def find(documents: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    for doc in documents:
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            return doc
    raise AssertionError(f"{kind}/{name} not rendered")


def test_overlays_exist() -> None:
    assert {o.name for o in OVERLAYS} == {"dev", "prod"}


def test_every_manifest_file_is_schema_valid() -> None:
    files = sorted(K8S.rglob("*.yaml"))
    assert files
    documents = manifest_documents(files)
    assert kubernetes_schema_problems(documents) == []


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_rendered_overlay_is_schema_valid(
    rendered: dict[str, list[dict[str, Any]]], overlay: str
) -> None:
    assert kubernetes_schema_problems(rendered[overlay]) == []


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_rendered_overlay_policies_hold(
    rendered: dict[str, list[dict[str, Any]]], overlay: str
) -> None:
    documents = rendered[overlay]
    assert kubernetes_policy_problems(documents) == []
    assert network_policy_problems(documents, BUILTIN_AGENT_TYPES) == []


def test_workers_scale_on_the_backlog_of_the_queue_they_poll(prod: list[dict[str, Any]]) -> None:
    expected = {"worker-orchestrator": ORCHESTRATOR_QUEUE}
    expected |= {f"worker-{t}": agent_queue(t) for t in BUILTIN_AGENT_TYPES}
    for name, queue in expected.items():
        deployment = find(prod, "Deployment", name)
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["livenessProbe"]["exec"]["command"][-1] == queue
        scaled = find(prod, "ScaledObject", name)
        (trigger,) = scaled["spec"]["triggers"]
        assert trigger["type"] == "temporal"
        assert trigger["metadata"]["taskQueue"] == queue
    for agent_type in BUILTIN_AGENT_TYPES:
        command = find(prod, "Deployment", f"worker-{agent_type}")["spec"]["template"]["spec"][
            "containers"
        ][0]["command"]
        assert command == ["hub", "worker", "agent", "--type", agent_type]


def test_agents_have_the_documents_probes_resources_and_cpu_hpa(
    prod: list[dict[str, Any]],
) -> None:
    for agent_type in BUILTIN_AGENT_TYPES:
        deployment = find(prod, "Deployment", f"agent-{agent_type}")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["image"].endswith(f"/agent-{agent_type}:0.1.0")
        hpa = find(prod, "HorizontalPodAutoscaler", f"agent-{agent_type}")
        assert {m["resource"]["name"] for m in hpa["spec"]["metrics"]} == {"cpu", "memory"}
        service = find(prod, "Service", f"agent-{agent_type}")
        assert service["spec"]["selector"] == {"app.kubernetes.io/name": f"agent-{agent_type}"}
    config = find(prod, "ConfigMap", "hub-config")["data"]
    assert config["HUB_AGENT_URL_TEMPLATE"].format(type="mapper") == "http://agent-mapper"


def test_migration_and_temporal_setup_jobs_exist(prod: list[dict[str, Any]]) -> None:
    migrate = find(prod, "Job", "hub-migrate")["spec"]["template"]["spec"]["containers"][0]
    assert migrate["command"] == ["hub", "db", "upgrade"]
    setup = find(prod, "Job", "temporal-setup")["spec"]["template"]["spec"]["containers"][0]
    assert setup["command"] == ["sh", "/opt/hub/temporal-config/setup.sh"]
    assert (REPO / "temporal-config" / "setup.sh").exists()


def test_dev_overlay_shrinks_replicas(rendered: dict[str, list[dict[str, Any]]]) -> None:
    dev = rendered["dev"]
    assert all(d["spec"]["replicas"] == 1 for d in dev if d["kind"] == "Deployment")
    assert all(d["spec"]["minReplicas"] == 1 for d in dev if d["kind"] == "HorizontalPodAutoscaler")
    assert {d["metadata"]["namespace"] for d in dev if d["kind"] == "Deployment"} == {
        "agentic-hub-dev"
    }


# ------------------------------------------------------------------ broken copies


def broken(documents: list[dict[str, Any]], kind: str, name: str) -> tuple[list, dict]:
    copied = copy.deepcopy(documents)
    return copied, find(copied, kind, name)


def container_of(doc: dict[str, Any]) -> dict[str, Any]:
    container: dict[str, Any] = doc["spec"]["template"]["spec"]["containers"][0]
    return container


def test_schema_check_catches_a_misspelt_field(prod: list[dict[str, Any]]) -> None:
    documents, deployment = broken(prod, "Deployment", "api")
    container_of(deployment)["livenesProbe"] = {"httpGet": {"path": "/health", "port": 8000}}
    problems = kubernetes_schema_problems(documents)
    assert any("Deployment/api" in p and "livenesProbe" in p for p in problems), problems


def test_schema_check_catches_a_wrong_type(prod: list[dict[str, Any]]) -> None:
    documents, service = broken(prod, "Service", "api")
    service["spec"]["ports"][0]["port"] = "eighty"
    problems = kubernetes_schema_problems(documents)
    assert any("Service/api" in p for p in problems), problems


def test_schema_check_catches_a_broken_file_on_disk(tmp_path: Path) -> None:
    source = (K8S / "base" / "api.yaml").read_text()
    (tmp_path / "api.yaml").write_text(source.replace("containerPort: 8000", "containerPort: []"))
    problems = kubernetes_schema_problems(manifest_documents([tmp_path / "api.yaml"]))
    assert any("Deployment/api" in p and "containerPort" in p for p in problems), problems


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s["spec"].update(scaleTargetRef={"name": "nope"}), "names no Deployment"),
        (lambda s: s["spec"].update(minReplicaCount=5, maxReplicaCount=2), "minReplicaCount"),
        (lambda s: s["spec"].update(triggers=[]), "no triggers"),
        (lambda s: s["spec"]["triggers"][0]["metadata"].pop("taskQueue"), "taskQueue"),
        (
            lambda s: s["spec"]["triggers"][0]["metadata"].update(targetQueueSize=5),
            "strings",
        ),
        (lambda s: s["spec"].update(maxReplicas=3), "unknown spec fields"),
        (lambda s: s["spec"]["triggers"][0]["metadata"].update(queueTypes="cron"), "queueTypes"),
    ],
)
def test_scaled_object_check_catches_broken_copies(
    prod: list[dict[str, Any]], change: Any, expected: str
) -> None:
    _, scaled = broken(prod, "ScaledObject", "worker-analyzer")
    change(scaled)
    deployments = {d["metadata"]["name"] for d in prod if d["kind"] == "Deployment"}
    problems = scaled_object_problems(scaled, deployments)
    assert any("ScaledObject/worker-analyzer" in p and expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("kind", "name", "change", "expected"),
    [
        ("Deployment", "agent-mapper", lambda c: c.pop("readinessProbe"), "readinessProbe"),
        ("Deployment", "worker-mapper", lambda c: c.pop("livenessProbe"), "livenessProbe"),
        ("Deployment", "api", lambda c: c["resources"].pop("limits"), "resources.limits"),
        ("Job", "hub-migrate", lambda c: c["resources"].pop("requests"), "resources.requests"),
        (
            "Deployment",
            "agent-analyzer",
            lambda c: c.update(image="registry.example.com/agentic-hub/agent-analyzer"),
            "not pinned",
        ),
        ("Deployment", "api", lambda c: c.update(image="agentic-hub/hub:latest"), "latest"),
        (
            "Deployment",
            "agent-extractor",
            lambda c: c["env"].append({"name": "OPENAI_API_KEY", "value": "sk-live"}),
            "secret literal",
        ),
        (
            "Deployment",
            "worker-orchestrator",
            lambda c: c["env"].append(
                {"name": "HUB_DATABASE_URL", "value": "postgresql://hub:hunter2@db/hub"}
            ),
            "literal password",
        ),
        (
            "Deployment",
            "api",
            lambda c: c["securityContext"].update(readOnlyRootFilesystem=False),
            "readOnlyRootFilesystem",
        ),
    ],
)
def test_policy_check_catches_broken_containers(
    prod: list[dict[str, Any]], kind: str, name: str, change: Any, expected: str
) -> None:
    documents, doc = broken(prod, kind, name)
    change(container_of(doc))
    problems = kubernetes_policy_problems(documents)
    assert any(f"{kind}/{name}" in p and expected in p for p in problems), problems


def test_policy_check_catches_secrets_in_manifests_and_config(prod: list[dict[str, Any]]) -> None:
    documents = copy.deepcopy(prod)
    documents.append(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "oops"},
            "stringData": {"OPENAI_API_KEY": "sk-live"},
        }
    )
    find(documents, "ConfigMap", "hub-config")["data"]["HUB_SECRET_KEY"] = "x" * 40
    problems = kubernetes_policy_problems(documents)
    assert any("Secret/oops" in p for p in problems), problems
    assert any("ConfigMap/hub-config" in p and "HUB_SECRET_KEY" in p for p in problems), problems


def test_policy_check_catches_an_unscaled_deployment_and_root_pod(
    prod: list[dict[str, Any]],
) -> None:
    documents = [
        d
        for d in copy.deepcopy(prod)
        if not (d["kind"] == "ScaledObject" and d["metadata"]["name"] == "worker-mapper")
    ]
    find(documents, "Deployment", "api")["spec"]["template"]["spec"]["securityContext"].pop(
        "runAsNonRoot"
    )
    problems = kubernetes_policy_problems(documents)
    assert any("Deployment/worker-mapper" in p and "ScaledObject" in p for p in problems)
    assert any("Deployment/api" in p and "runAsNonRoot" in p for p in problems)


def test_network_policy_check_catches_open_agents(prod: list[dict[str, Any]]) -> None:
    documents = copy.deepcopy(prod)
    find(documents, "NetworkPolicy", "agent-summarizer-from-worker")["spec"]["ingress"][0][
        "from"
    ].append({"podSelector": {"matchLabels": {"app.kubernetes.io/name": "api"}}})
    without_deny = [
        d
        for d in documents
        if not (d["kind"] == "NetworkPolicy" and d["metadata"]["name"] == "default-deny")
    ]
    problems = network_policy_problems(without_deny, BUILTIN_AGENT_TYPES)
    assert any("default-deny" in p for p in problems), problems
    assert any("agent-summarizer must accept only worker-summarizer" in p for p in problems)
    unfenced = [
        d
        for d in documents
        if not (d["kind"] == "NetworkPolicy" and d["metadata"]["name"].startswith("agent-mapper"))
    ]
    assert "agent-mapper: no ingress NetworkPolicy" in network_policy_problems(
        unfenced, BUILTIN_AGENT_TYPES
    )
