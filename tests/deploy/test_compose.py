"""docker-compose.yml: valid per the Compose Specification and per `docker compose config`,
with health checks, pinned images, limits, ordered start and no secret literals."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from schemas.agents import BUILTIN_AGENT_TYPES
from tests.deploy.deploy_checks import (
    REPO,
    compose_config_problems,
    compose_env_file,
    compose_policy_problems,
    compose_resolved,
    compose_schema_problems,
    load_yaml,
)

COMPOSE_FILE = REPO / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml(COMPOSE_FILE)
    return loaded


@pytest.fixture(scope="module")
def env_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compose_env_file(REPO / ".env.example", tmp_path_factory.mktemp("env") / ".env")


def write_broken(tmp_path: Path, compose: dict[str, Any]) -> Path:
    """A broken copy next to a copy of the files the compose file mounts."""
    (tmp_path / "temporal-config").mkdir(exist_ok=True)
    for source in (REPO / "temporal-config").iterdir():
        (tmp_path / "temporal-config" / source.name).write_bytes(source.read_bytes())
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(compose, sort_keys=False))
    return path


def test_compose_file_matches_the_compose_specification(compose: dict[str, Any]) -> None:
    assert compose_schema_problems(compose) == []


def test_docker_compose_config_accepts_the_file_with_the_example_env(env_file: Path) -> None:
    assert compose_config_problems(COMPOSE_FILE, env_file) == []


def test_compose_policies_hold(compose: dict[str, Any]) -> None:
    assert compose_policy_problems(compose) == []


def test_compose_runs_the_whole_split_topology(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for required in (
        "postgres",
        "temporal",
        "temporal-setup",
        "temporal-ui",
        "mlflow",
        "otel-collector",
        "jaeger",
        "hub-migrate",
        "api",
        "worker-orchestrator",
    ):
        assert required in services, required
    assert services["worker-orchestrator"]["command"] == ["hub", "worker", "orchestrator"]
    for agent_type in BUILTIN_AGENT_TYPES:
        worker = services[f"worker-{agent_type}"]
        assert worker["command"] == ["hub", "worker", "agent", "--type", agent_type]
        # The worker's health check asks about the queue that worker polls.
        assert worker["healthcheck"]["test"][-1] == f"agent-{agent_type}"
        assert worker["depends_on"][f"agent-{agent_type}"]["condition"] == "service_healthy"
        agent = services[f"agent-{agent_type}"]
        assert agent["build"]["dockerfile"] == f"agents/{agent_type}/Dockerfile"
        assert (REPO / agent["build"]["dockerfile"]).exists()
        assert agent["environment"]["AGENT_TYPE"] == agent_type


def test_agent_limits_are_the_platform_documents(compose: dict[str, Any]) -> None:
    expected = {
        "extractor": ("0.5", "512M"),
        "mapper": ("0.25", "256M"),
        "analyzer": ("1.0", "1G"),
        "summarizer": ("0.5", "512M"),
    }
    for agent_type, (cpus, memory) in expected.items():
        limits = compose["services"][f"agent-{agent_type}"]["deploy"]["resources"]["limits"]
        assert (limits["cpus"], limits["memory"]) == (cpus, memory)


def test_interpolated_model_wires_workers_to_their_agents(env_file: Path) -> None:
    resolved = compose_resolved(COMPOSE_FILE, env_file)
    services = resolved["services"]
    template = services["worker-extractor"]["environment"]["HUB_AGENT_URL_TEMPLATE"]
    for agent_type in BUILTIN_AGENT_TYPES:
        host = template.format(type=agent_type).split("//", 1)[1].split(":", 1)[0]
        assert host in services, f"{host} (from HUB_AGENT_URL_TEMPLATE) is not a service"
    database = services["api"]["environment"]["HUB_DATABASE_URL"]
    assert database.startswith("postgresql+psycopg://") and database.endswith("@postgres:5432/hub")


def test_env_file_is_ignored_by_git_and_the_example_is_not() -> None:
    ignored = (REPO / ".gitignore").read_text().splitlines()
    assert ".env" in ignored
    assert (REPO / ".env.example").exists()
    docker_ignored = (REPO / ".dockerignore").read_text().splitlines()
    assert ".env" in docker_ignored


# ------------------------------------------------------------------ broken copies


def test_schema_check_catches_an_unknown_key(compose: dict[str, Any], tmp_path: Path) -> None:
    broken = yaml.safe_load(yaml.safe_dump(compose))
    broken["services"]["api"]["helthcheck"] = {"test": ["CMD", "true"]}
    problems = compose_schema_problems(broken)
    assert any("services/api" in p and "helthcheck" in p for p in problems), problems


def test_docker_compose_config_catches_a_broken_file(
    compose: dict[str, Any], tmp_path: Path, env_file: Path
) -> None:
    broken = yaml.safe_load(yaml.safe_dump(compose))
    broken["services"]["api"]["depends_on"]["no-such-service"] = {"condition": "service_healthy"}
    problems = compose_config_problems(write_broken(tmp_path, broken), env_file)
    assert problems and "no-such-service" in problems[0]


REQUIRED_SECRETS = [
    "POSTGRES_PASSWORD",
    "HUB_SECRET_KEY",
    "HUB_METRICS_TOKEN",
    "GRAFANA_ADMIN_PASSWORD",
]


@pytest.mark.parametrize("missing", REQUIRED_SECRETS)
def test_docker_compose_config_requires_the_secrets_from_env(
    tmp_path: Path, compose: dict[str, Any], missing: str
) -> None:
    partial_env = tmp_path / "partial.env"
    others = set(REQUIRED_SECRETS) - {missing}
    partial_env.write_text("".join(f"{name}={'x' * 40}\n" for name in others))
    problems = compose_config_problems(write_broken(tmp_path, compose), partial_env)
    assert problems and f"required variable {missing} is missing" in problems[0], problems


@pytest.mark.parametrize(
    ("service", "change", "expected"),
    [
        ("api", lambda s: s.pop("healthcheck"), "no healthcheck"),
        ("worker-mapper", lambda s: s.update(healthcheck={"disable": True}), "no healthcheck"),
        ("postgres", lambda s: s.update(image="postgres"), "not pinned"),
        ("jaeger", lambda s: s.update(image="jaegertracing/all-in-one:latest"), "latest"),
        ("api", lambda s: s.update(image="agentic-hub/hub:${HUB_VERSION}"), "no default"),
        (
            "agent-analyzer",
            lambda s: s["environment"].update(OPENAI_API_KEY="sk-live-123"),
            "secret literal",
        ),
        (
            "postgres",
            lambda s: s["environment"].update(POSTGRES_PASSWORD="hunter2"),
            "secret literal",
        ),
        (
            "api",
            lambda s: s["environment"].update(
                HUB_DATABASE_URL="postgresql://hub:hunter2@postgres/hub"
            ),
            "literal password",
        ),
        ("api", lambda s: s["depends_on"].update(postgres={}), "needs condition service_healthy"),
        (
            "api",
            lambda s: s["depends_on"].update(**{"hub-migrate": {"condition": "service_healthy"}}),
            "needs condition service_completed_successfully",
        ),
        ("api", lambda s: s.update(depends_on=["postgres"]), "without conditions"),
        ("agent-mapper", lambda s: s.pop("deploy"), "no cpu/memory limits"),
    ],
)
def test_policy_check_catches_broken_copies(
    compose: dict[str, Any], service: str, change: Any, expected: str
) -> None:
    broken = yaml.safe_load(yaml.safe_dump(compose))
    change(broken["services"][service])
    problems = compose_policy_problems(broken)
    assert any(p.startswith(f"services.{service}") and expected in p for p in problems), problems


def env_example_names(text: str) -> set[str]:
    return {
        line.split("=", 1)[0].strip()
        for line in text.splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }


def compose_variable_names(text: str) -> set[str]:
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", text))


def test_env_example_lists_exactly_the_variables_compose_uses() -> None:
    example = env_example_names((REPO / ".env.example").read_text())
    used = compose_variable_names(COMPOSE_FILE.read_text())
    assert example == used, {"unused": example - used, "missing": used - example}


def test_env_example_check_catches_a_drift() -> None:
    used = compose_variable_names(COMPOSE_FILE.read_text() + "\n  X: ${NEW_PROVIDER_KEY}\n")
    assert "NEW_PROVIDER_KEY" in used - env_example_names((REPO / ".env.example").read_text())
