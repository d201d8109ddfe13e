"""The web console in the deployments: a compose service and a Kubernetes Deployment,
Service and Ingress route, each pointing the console's server at the API."""

from __future__ import annotations

from typing import Any

from tests.deploy.deploy_checks import REPO, kustomize, load_yaml


def test_compose_serves_the_console_built_from_its_dockerfile_next_to_the_api() -> None:
    compose: dict[str, Any] = load_yaml(REPO / "docker-compose.yml")
    frontend = compose["services"]["frontend"]
    assert frontend["build"]["dockerfile"] == "Dockerfile.frontend"
    assert (REPO / "Dockerfile.frontend").is_file()
    assert frontend["environment"]["HUB_API_URL"] == "http://api:8000"
    assert frontend["depends_on"]["api"]["condition"] == "service_healthy"
    assert "3000:3000" in frontend["ports"]


def test_kubernetes_routes_the_console_host_to_the_console_service() -> None:
    for overlay in ("dev", "prod"):
        documents = kustomize(REPO / "k8s" / "overlays" / overlay)
        by_kind_name = {(d["kind"], d["metadata"]["name"]): d for d in documents}
        deployment = by_kind_name[("Deployment", "console")]
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert {"name": "HUB_API_URL", "value": "http://api"} in container["env"]
        assert ("Service", "console") in by_kind_name
        assert ("HorizontalPodAutoscaler", "console") in by_kind_name
        rules = by_kind_name[("Ingress", "api")]["spec"]["rules"]
        backends = {
            rule["host"]: {p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
            for rule in rules
        }
        assert {"console"} in backends.values(), backends
        api_policy = by_kind_name[("NetworkPolicy", "api-ingress")]
        sources = api_policy["spec"]["ingress"][0]["from"]
        assert {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "console"}}} in sources
