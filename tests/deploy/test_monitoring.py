"""The operations pack, statically: alert rules (``promtool check rules`` and the promtool unit
tests), runbooks, dashboards, the Kubernetes monitoring objects and the Vault secrets.

Every query of the rules and dashboards names only metrics the hub exports; that they
evaluate and have data on a real Prometheus is tests/e2e/test_prometheus_stack.py.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.core import REGISTRY

import agents.base.telemetry  # noqa: F401 - registers the agents' metrics
import hub.telemetry  # noqa: F401 - registers the API's request metrics
from api.observability.platform_metrics import PlatformSnapshot, QueueState, snapshot_families
from hub.prometheus import AGENTS_JOB, ALERT_RULES_FILE, API_JOB, WORKERS_JOB, prometheus_binary
from schemas.agents import BUILTIN_AGENT_TYPES
from storage.observability import LifetimeTotals
from tests.deploy.deploy_checks import (
    PROMETHEUS_SOURCE,
    REPO,
    external_secrets_problems,
    kubernetes_schema_problems,
    kustomize,
    monitoring_problems,
    network_policy_problems,
    secret_references,
)

RULE_TESTS = REPO / "deploy" / "prometheus" / "tests" / "alerts_test.yml"
RUNBOOKS = REPO / "docs" / "runbooks.md"
DASHBOARDS = REPO / "deploy" / "grafana" / "dashboards"
K8S_DASHBOARDS = REPO / "k8s" / "base" / "monitoring" / "dashboards"
PROMETHEUS_RULE = REPO / "k8s" / "base" / "monitoring" / "prometheus-rule.yaml"
#: The workers' Temporal SDK metrics the dashboards use (the e2e test sees them scraped).
TEMPORAL_WORKER_METRICS = {
    "temporal_worker_task_slots_available",
    "temporal_activity_schedule_to_start_latency_bucket",
}
#: Series Prometheus makes itself.
PROMETHEUS_SERIES = {"up", "ALERTS"}
METRIC_NAME = re.compile(
    r"\b((?:hub|temporal)_[a-z0-9_]+|up)\b(?=\s*[{\[)]|\s*$|\s*(?:==|>|<|or\b))"
)


def promtool() -> str:
    return str(Path(prometheus_binary()).with_name("promtool"))


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(ALERT_RULES_FILE.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def exported_metrics() -> set[str]:
    """Sample names the hub's processes can export (API, agents, platform families)."""
    names: set[str] = set()
    full = PlatformSnapshot(
        temporal_up=True,
        totals=LifetimeTotals(
            runs={("a", "completed"): 1},
            attempts={("a", "mapper", "completed"): 1},
            input_tokens={("a", "mapper"): 1},
            output_tokens={("a", "mapper"): 1},
            cost_usd={("a", "mapper"): 1.0},
            violations={("a", "mapper"): 1},
        ),
        running={"a": 1},
        overdue={"a": 0},
        oldest_running_seconds={"a": 1.0},
        queues={"mapper": QueueState(1, 1.0, 1)},
        cost_budget_usd_per_hour=1.0,
    )
    families = [*REGISTRY.collect(), *snapshot_families(full)]
    for family in families:
        if family.type == "counter":
            names.add(f"{family.name}_total")
        elif family.type == "histogram":
            names |= {f"{family.name}_bucket", f"{family.name}_count", f"{family.name}_sum"}
        else:
            names.add(family.name)
    return names


def dashboard_queries() -> list[tuple[str, str]]:
    found = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                found.append((f"{path.name} / {panel['title']}", target["expr"]))
    return found


# ------------------------------------------------------------------ rules


def test_promtool_accepts_the_rule_file() -> None:
    done = subprocess.run(
        [promtool(), "check", "rules", str(ALERT_RULES_FILE)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(alert_rules())} rules found" in done.stdout


def test_promtool_catches_a_broken_rule(tmp_path: Path) -> None:
    broken = yaml.safe_load(ALERT_RULES_FILE.read_text())
    broken["groups"][0]["rules"][0]["expr"] = "sum by (app_id) (rate(hub_runs_finished_total[5m])"
    path = tmp_path / "alerts.yml"
    path.write_text(yaml.safe_dump(broken))
    done = subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, text=True)
    assert done.returncode != 0


def test_promtool_unit_tests_pass() -> None:
    done = subprocess.run(
        [promtool(), "test", "rules", str(RULE_TESTS)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_has_a_firing_and_a_quiet_unit_test() -> None:
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    firing, quiet = set(), set()
    for test in tests:
        for case in test.get("alert_rule_test") or []:
            (firing if case.get("exp_alerts") else quiet).add(case["alertname"])
    names = {rule["alert"] for rule in alert_rules()}
    assert firing == names
    assert quiet == names


def test_every_alert_has_a_runbook_section_with_a_logql_query() -> None:
    text = RUNBOOKS.read_text()
    sections = {
        match.group(1).lower(): body
        for match, body in zip(
            re.finditer(r"^## (\w+)\n", text, re.MULTILINE),
            re.split(r"^## \w+\n", text, flags=re.MULTILINE)[1:],
            strict=True,
        )
    }
    for rule in alert_rules():
        assert rule["labels"]["severity"] in ("page", "warning"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        anchor = rule["annotations"]["runbook_url"]
        assert anchor == f"docs/runbooks.md#{rule['alert'].lower()}", anchor
        body = sections.get(rule["alert"].lower())
        assert body is not None, f"docs/runbooks.md has no section ## {rule['alert']}"
        assert "```logql" in body, f"{rule['alert']}: no example LogQL query"
        assert "Check" in body and "Do" in body, rule["alert"]


def test_rules_and_dashboards_use_only_metrics_the_hub_exports() -> None:
    known = exported_metrics() | TEMPORAL_WORKER_METRICS | PROMETHEUS_SERIES
    used = [(rule["alert"], rule["expr"]) for rule in alert_rules()] + dashboard_queries()
    unknown = []
    for where, expr in used:
        names = set(METRIC_NAME.findall(expr))
        assert names, f"{where}: no metric found in {expr}"
        unknown += [f"{where}: {name}" for name in sorted(names - known)]
    assert unknown == []


def test_metric_check_catches_a_misspelt_metric() -> None:
    known = exported_metrics()
    assert "hub_runs_finished_total" in known
    assert "hub_run_finished_total" not in known
    assert METRIC_NAME.findall("sum(rate(hub_run_finished_total[5m])) > 0") == [
        "hub_run_finished_total"
    ]


# ------------------------------------------------------------------ dashboards


def test_dashboards_are_what_the_builder_writes() -> None:
    sys.path.insert(0, str(REPO / "deploy" / "grafana"))
    try:
        import build_dashboards
    finally:
        sys.path.pop(0)
    expected = build_dashboards.rendered_files()
    assert set(expected) == {
        "hub-overview.json",
        "hub-app.json",
        "hub-agent-type.json",
        "hub-cost.json",
    }
    for folder in (DASHBOARDS, K8S_DASHBOARDS):
        assert {p.name for p in folder.glob("*.json")} == set(expected)
        for name, text in expected.items():
            assert (folder / name).read_text() == text, f"{folder / name}: run build_dashboards.py"


def test_dashboards_are_grafana_models_with_unique_panels() -> None:
    uids = set()
    for path in DASHBOARDS.glob("*.json"):
        dashboard = json.loads(path.read_text())
        uids.add(dashboard["uid"])
        assert dashboard["schemaVersion"] >= 36
        titles = [panel["title"] for panel in dashboard["panels"]]
        assert len(titles) == len(set(titles)), path.name
        assert set(dashboard["hubMayBeEmpty"]) <= set(titles)
        for panel in dashboard["panels"]:
            assert panel["targets"], panel["title"]
            assert all(t["datasource"]["uid"] == "${datasource}" for t in panel["targets"])
    assert len(uids) == 4


def test_grafana_provisioning_points_at_the_dashboards() -> None:
    provisioning = REPO / "deploy" / "grafana" / "provisioning"
    sources = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())
    (source,) = sources["datasources"]
    assert source["type"] == "prometheus" and source["isDefault"] is True
    providers = yaml.safe_load((provisioning / "dashboards" / "agentic-hub.yml").read_text())
    (provider,) = providers["providers"]
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards/agentic-hub"


# ------------------------------------------------------------------ kubernetes


@pytest.fixture(scope="module")
def prod() -> list[dict[str, Any]]:
    return kustomize(REPO / "k8s" / "overlays" / "prod")


def find(documents: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    for doc in documents:
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            return doc
    raise AssertionError(f"{kind}/{name} not rendered")


def test_prometheus_rule_is_the_rule_file() -> None:
    rule = yaml.safe_load(PROMETHEUS_RULE.read_text())
    assert rule["kind"] == "PrometheusRule"
    assert rule["spec"]["groups"] == yaml.safe_load(ALERT_RULES_FILE.read_text())["groups"]
    sys.path.insert(0, str(REPO / "deploy" / "prometheus"))
    try:
        import write_prometheus_rule
    finally:
        sys.path.pop(0)
    assert PROMETHEUS_RULE.read_text() == write_prometheus_rule.rendered(), (
        "run python deploy/prometheus/write_prometheus_rule.py"
    )


def test_prod_scrapes_api_agents_and_workers_under_the_rules_job_names(
    prod: list[dict[str, Any]],
) -> None:
    api_monitor = find(prod, "ServiceMonitor", "hub-api")
    (endpoint,) = api_monitor["spec"]["endpoints"]
    assert endpoint["relabelings"] == [{"targetLabel": "job", "replacement": API_JOB}]
    assert endpoint["authorization"]["credentials"] == {
        "name": "hub-secrets",
        "key": "HUB_METRICS_TOKEN",
    }
    api = find(prod, "Deployment", "api")["spec"]["template"]["spec"]["containers"][0]
    token = next(e for e in api["env"] if e["name"] == "HUB_METRICS_TOKEN")
    assert token["valueFrom"]["secretKeyRef"]["name"] == "hub-secrets"
    agents_monitor = find(prod, "ServiceMonitor", "hub-agents")
    assert agents_monitor["spec"]["endpoints"][0]["relabelings"][0]["replacement"] == AGENTS_JOB
    for agent_type in BUILTIN_AGENT_TYPES:
        service = find(prod, "Service", f"agent-{agent_type}")
        selector = agents_monitor["spec"]["selector"]["matchLabels"]
        assert selector.items() <= service["metadata"]["labels"].items()
    workers = find(prod, "PodMonitor", "hub-workers")
    assert workers["spec"]["podMetricsEndpoints"][0]["relabelings"][0]["replacement"] == WORKERS_JOB
    config = find(prod, "ConfigMap", "hub-config")["data"]
    assert config["HUB_WORKER_METRICS_BIND_ADDRESS"].endswith(":9000")
    for name in ["worker-orchestrator", *(f"worker-{t}" for t in BUILTIN_AGENT_TYPES)]:
        container = find(prod, "Deployment", name)["spec"]["template"]["spec"]["containers"][0]
        assert {"name": "metrics", "containerPort": 9000} in container["ports"], name
    assert find(prod, "PrometheusRule", "agentic-hub")["metadata"]["namespace"] == "agentic-hub"


def test_prod_ships_the_dashboards_for_the_grafana_sidecar(prod: list[dict[str, Any]]) -> None:
    config_map = find(prod, "ConfigMap", "hub-grafana-dashboards")
    assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert config_map["data"] == {p.name: p.read_text() for p in DASHBOARDS.glob("*.json")}


def test_prometheus_may_scrape_and_nothing_else_is_opened(prod: list[dict[str, Any]]) -> None:
    policy = find(prod, "NetworkPolicy", "allow-prometheus-scrape")
    (rule,) = policy["spec"]["ingress"]
    assert rule["from"] == [PROMETHEUS_SOURCE]
    assert {p["port"] for p in rule["ports"]} == {8000, 8080, 9000}
    widened = copy.deepcopy(prod)
    find(widened, "NetworkPolicy", "allow-prometheus-scrape")["spec"]["ingress"][0]["from"] = [
        {"namespaceSelector": {}}
    ]
    problems = network_policy_problems(widened, BUILTIN_AGENT_TYPES)
    assert any("agent-extractor must accept only worker-extractor" in p for p in problems)


def test_vault_provides_every_secret_key_the_prod_manifests_require(
    prod: list[dict[str, Any]],
) -> None:
    provided: dict[str, set[str] | None] = {}
    for doc in prod:
        if doc["kind"] == "ExternalSecret":
            spec = doc["spec"]
            keys = {item["secretKey"] for item in spec.get("data") or []}
            provided[spec["target"]["name"]] = None if spec.get("dataFrom") else keys
    assert find(prod, "SecretStore", "vault")["spec"]["provider"]["vault"]["auth"]["kubernetes"]
    for name, key, optional in sorted(secret_references(prod)):
        assert name in provided, f"no ExternalSecret makes the Secret {name}"
        keys = provided[name]
        if keys is not None:
            assert key in keys or optional, f"{name} has no key {key} from Vault"
    assert {"HUB_SECRET_KEY", "HUB_DATABASE_URL", "HUB_METRICS_TOKEN"} <= (
        provided["hub-secrets"] or set()
    )


def test_structural_checks_catch_broken_monitoring_and_secret_objects(
    prod: list[dict[str, Any]],
) -> None:
    documents = copy.deepcopy(prod)
    monitor = find(documents, "ServiceMonitor", "hub-api")
    monitor["spec"]["endpoint"] = monitor["spec"].pop("endpoints")
    problems = monitoring_problems(monitor, {"hub-secrets"})
    assert any("unknown spec fields ['endpoint']" in p for p in problems), problems
    rule = find(documents, "PrometheusRule", "agentic-hub")
    rule["spec"]["groups"][0]["rules"][0]["expresion"] = "up"
    assert any("expresion" in p for p in monitoring_problems(rule, set()))
    secret = find(documents, "ExternalSecret", "hub-secrets")
    secret["spec"]["secretStoreRef"]["name"] = "vault-typo"
    assert any("secretStoreRef" in p for p in external_secrets_problems(secret, {"vault"}))
    assert any("ExternalSecret/hub-secrets" in p for p in kubernetes_schema_problems(documents))


# ------------------------------------------------------------------ compose


COMPOSE = REPO / "docker-compose.yml"
PROMETHEUS_CONFIG = REPO / "deploy" / "prometheus" / "prometheus.yml"
ALERTMANAGER_CONFIG = REPO / "deploy" / "alertmanager" / "alertmanager.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE.read_text()))


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path → host path of a service's bind mounts."""
    found = {}
    for volume in service.get("volumes") or []:
        host, _, rest = str(volume).partition(":")
        found[rest.split(":", 1)[0]] = host
    return found


def test_compose_prometheus_scrapes_every_hub_service_with_the_rules(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    services = compose["services"]
    prometheus = mounts(services["prometheus"])
    assert prometheus["/etc/prometheus/prometheus.yml"] == "./deploy/prometheus/prometheus.yml"
    assert prometheus["/etc/prometheus/alerts.yml"] == "./deploy/prometheus/alerts.yml"
    assert compose["secrets"]["hub-metrics-token"] == {"environment": "HUB_METRICS_TOKEN"}
    assert services["api"]["environment"]["HUB_METRICS_TOKEN"].startswith("${HUB_METRICS_TOKEN:?")
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == {API_JOB, AGENTS_JOB, WORKERS_JOB}
    assert jobs[API_JOB]["authorization"]["credentials_file"] == "/run/secrets/hub_metrics_token"
    (secret,) = services["prometheus"]["secrets"]
    assert secret["target"] == "hub_metrics_token"
    # Every replica of each service (DNS A records), on the port it serves metrics on.
    targets = {
        name: {
            f"{host}:{sd['port']}"
            for sd in job["dns_sd_configs"]
            for host in sd["names"]
            if sd["type"] == "A"
        }
        for name, job in jobs.items()
    }
    assert targets[API_JOB] == {"api:8000"}
    assert targets[AGENTS_JOB] == {f"agent-{t}:8080" for t in BUILTIN_AGENT_TYPES}
    workers = {name for name in services if name.startswith("worker-")}
    assert targets[WORKERS_JOB] == {f"{name}:9000" for name in workers}
    for name in {host.split(":")[0] for hosts in targets.values() for host in hosts}:
        assert name in services, f"{name} is not a compose service"
    assert services["worker-mapper"]["environment"]["HUB_WORKER_METRICS_BIND_ADDRESS"] == (
        "0.0.0.0:9000"
    )
    # promtool on the file, with the container paths pointed at this checkout.
    token = tmp_path / "token"
    token.write_text("x")
    config["rule_files"] = [str(ALERT_RULES_FILE)]
    jobs[API_JOB]["authorization"]["credentials_file"] = str(token)
    local = tmp_path / "prometheus.yml"
    local.write_text(yaml.safe_dump(config))
    done = subprocess.run(
        [promtool(), "check", "config", str(local)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_compose_grafana_is_provisioned_with_the_dashboards(compose: dict[str, Any]) -> None:
    grafana = compose["services"]["grafana"]
    paths = mounts(grafana)
    assert paths["/etc/grafana/provisioning"] == "./deploy/grafana/provisioning"
    assert paths["/var/lib/grafana/dashboards/agentic-hub"] == "./deploy/grafana/dashboards"
    source = yaml.safe_load(
        (REPO / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]
    assert source["url"] == "http://prometheus:9090"
    assert grafana["depends_on"]["prometheus"]["condition"] == "service_healthy"


def test_compose_alertmanager_routes_to_the_example_webhook(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert mounts(services["alertmanager"])["/etc/alertmanager/alertmanager.yml"] == (
        "./deploy/alertmanager/alertmanager.yml"
    )
    done = subprocess.run(
        [str(Path(promtool()).with_name("amtool")), "check-config", str(ALERTMANAGER_CONFIG)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text())
    (webhook,) = config["receivers"][0]["webhook_configs"]
    host = webhook["url"].split("//", 1)[1].split(":", 1)[0]
    assert host in services and services[host]["command"][1].endswith("webhook_receiver.py")
    prometheus = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    (manager,) = prometheus["alerting"]["alertmanagers"]
    assert manager["static_configs"][0]["targets"] == ["alertmanager:9093"]


def test_amtool_catches_a_broken_alertmanager_config(tmp_path: Path) -> None:
    broken = yaml.safe_load(ALERTMANAGER_CONFIG.read_text())
    broken["route"]["receiver"] = "nobody"
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump(broken))
    done = subprocess.run(
        [str(Path(promtool()).with_name("amtool")), "check-config", str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
