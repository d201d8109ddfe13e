"""Every variable the compose file and the manifests set is one the code reads, and every
setting the code reads is documented (README.md or docs/deployment.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import opentelemetry.sdk.environment_variables as otel_variables
import pytest

from hub.settings import Settings
from tests.deploy.deploy_checks import (
    REPO,
    compose_env_file,
    compose_resolved,
    environment_items,
    kustomize,
    load_yaml,
)

PRODUCT_PACKAGES = (
    "schemas",
    "workflows",
    "activities",
    "storage",
    "workers",
    "api",
    "agents",
    "hub",
)
DOCS = (REPO / "README.md", REPO / "docs" / "deployment.md", REPO / "docs" / "security.md")


def is_ours(image: str) -> bool:
    """Images built from this repository (the hub image and the agent images)."""
    return "agentic-hub/" in image


@cache
def product_source() -> str:
    """Our Python code and the shell scripts the images run."""
    texts = [p.read_text() for pkg in PRODUCT_PACKAGES for p in (REPO / pkg).rglob("*.py")]
    texts += [p.read_text() for p in (REPO / "temporal-config").glob("*.sh")]
    return "\n".join(texts)


def reader_of(name: str, fields: Iterable[str]) -> str | None:
    """Who reads ``name``: a Settings field, the OpenTelemetry SDK, or our code; None: nobody."""
    if name.startswith("HUB_") and name[4:].lower() in set(fields):
        return "hub.settings.Settings"
    if name.startswith("OTEL_") and getattr(otel_variables, name, None) == name:
        return "OpenTelemetry SDK"
    source = product_source()
    if f'"{name}"' in source or f"${{{name}" in source or f"${name}" in source:
        return "code"
    return None


def unread_variables(names: Iterable[str], fields: Iterable[str]) -> list[str]:
    fields = list(fields)
    return sorted({n for n in names if reader_of(n, fields) is None})


def undocumented(names: Iterable[str], documents: Iterable[str]) -> list[str]:
    text = "\n".join(documents)
    return sorted({n for n in names if not re.search(rf"\b{re.escape(n)}\b", text)})


def setting_names(fields: Iterable[str]) -> list[str]:
    return [f"HUB_{field.upper()}" for field in fields]


def compose_variables(compose: Mapping[str, Any]) -> set[str]:
    names = set()
    for service in compose["services"].values():
        if is_ours(str(service.get("image", ""))):
            names |= {name for name, _ in environment_items(service)}
    return names


def kubernetes_variables(documents: list[dict[str, Any]]) -> set[str]:
    config_maps = {
        d["metadata"]["name"]: d.get("data") or {} for d in documents if d["kind"] == "ConfigMap"
    }
    names: set[str] = set()
    for doc in documents:
        template = (doc.get("spec") or {}).get("template") or {}
        for container in (template.get("spec") or {}).get("containers") or []:
            if not is_ours(container.get("image", "")):
                continue
            names |= {entry["name"] for entry in container.get("env") or []}
            for source in container.get("envFrom") or []:
                name = (source.get("configMapRef") or {}).get("name")
                names |= set(config_maps.get(name, {}))
    return names


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml(REPO / "docker-compose.yml")
    return loaded


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    return kustomize(REPO / "k8s" / "overlays" / "prod") + kustomize(
        REPO / "k8s" / "overlays" / "dev"
    )


def documents_text() -> list[str]:
    return [p.read_text() for p in DOCS if p.exists()]


def test_compose_sets_only_variables_the_code_reads(compose: dict[str, Any]) -> None:
    names = compose_variables(compose)
    assert {"HUB_DATABASE_URL", "AGENT_TYPE", "OPENAI_API_KEY"} <= names
    assert unread_variables(names, Settings.model_fields) == []


def test_manifests_set_only_variables_the_code_reads(manifests: list[dict[str, Any]]) -> None:
    names = kubernetes_variables(manifests)
    assert {"HUB_TEMPORAL_ADDRESS", "HUB_SECRET_KEY", "AGENT_TYPE", "ANTHROPIC_API_KEY"} <= names
    assert unread_variables(names, Settings.model_fields) == []


def test_every_setting_is_documented() -> None:
    assert (REPO / "docs" / "deployment.md").exists()
    assert undocumented(setting_names(Settings.model_fields), documents_text()) == []


def test_every_variable_the_deployment_sets_is_documented(
    compose: dict[str, Any], manifests: list[dict[str, Any]]
) -> None:
    names = compose_variables(compose) | kubernetes_variables(manifests)
    assert undocumented(names, documents_text()) == []


def test_compose_settings_load(
    compose: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env_file = compose_env_file(REPO / ".env.example", tmp_path_factory.mktemp("env") / ".env")
    services = compose_resolved(REPO / "docker-compose.yml", env_file)["services"]
    for name in ("api", "worker-orchestrator", "worker-analyzer"):
        settings = settings_from(services[name]["environment"], monkeypatch)
        assert settings.env == "production"
        assert settings.agent_url("analyzer") == "http://agent-analyzer:8080"
        assert settings.cors_origins == ["http://localhost:3000"]


def test_kubernetes_settings_load(
    manifests: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = next(
        d for d in manifests if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "hub-config"
    )
    environment = {
        **config["data"],
        "HUB_SECRET_KEY": "s" * 40,
        "HUB_DATABASE_URL": "postgresql+psycopg://db/hub",
    }
    settings = settings_from(environment, monkeypatch)
    assert settings.agent_url("mapper") == "http://agent-mapper"
    assert settings.resolved_artifact_root.startswith("s3://")


def settings_from(environment: Mapping[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings exactly as a process with only this environment would read them."""
    for name in [n for n in __import__("os").environ if n.startswith("HUB_")]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value))
    return Settings(_env_file=None)  # type: ignore[call-arg]


# ------------------------------------------------------------------ broken copies


def test_check_catches_a_variable_nobody_reads(compose: dict[str, Any]) -> None:
    names = compose_variables(compose) | {
        "HUB_DATABSE_URL",
        "AZURE_OPENAI_SECRET",
        "OTEL_NOT_A_THING",
    }
    assert unread_variables(names, Settings.model_fields) == [
        "AZURE_OPENAI_SECRET",
        "HUB_DATABSE_URL",
        "OTEL_NOT_A_THING",
    ]


def test_check_catches_an_undocumented_setting() -> None:
    fields = [*Settings.model_fields, "shiny_new_option"]
    assert undocumented(setting_names(fields), documents_text()) == ["HUB_SHINY_NEW_OPTION"]
    # A name that is only a prefix of a documented one does not count as documented.
    assert undocumented(["HUB_TEMPORAL"], ["HUB_TEMPORAL_ADDRESS"]) == ["HUB_TEMPORAL"]
