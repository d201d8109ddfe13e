"""All configuration, read once from ``HUB_*`` environment variables (and ``.env``).

Defaults work with no configuration at all: everything embedded lives under
``HUB_HOME``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"


class Settings(BaseSettings):
    """Every setting the hub reads. Each field is documented in the README."""

    model_config = SettingsConfigDict(env_prefix="HUB_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    home: Path = Path(".hub")
    database_url: str | None = None
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_ui_url: str | None = "http://127.0.0.1:8233"
    mlflow_tracking_uri: str | None = None
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:3000"])
    secret_key: str = DEV_SECRET_KEY
    max_body_bytes: int = 10 * 1024 * 1024
    artifact_root: str | None = None
    artifact_inline_max_bytes: int = 64 * 1024
    agent_url_template: str = "http://127.0.0.1:8080/{type}"
    agent_urls: dict[str, str] = Field(default_factory=dict)
    api_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    #: ``json`` (one JSON object per line, with run and step ids) or ``text``.
    log_format: Literal["json", "text"] = "json"
    #: Editable price table (provider → model → dollars per million tokens);
    #: unset: the shipped ``storage/data/prices.yaml``.
    prices_file: Path | None = None
    #: OTLP/HTTP endpoint for traces (e.g. ``http://127.0.0.1:4318``); unset: the
    #: standard ``OTEL_EXPORTER_OTLP_ENDPOINT``; neither: no export (off by default).
    otel_exporter_otlp_endpoint: str | None = None
    #: Service name on exported spans (each process appends its role).
    otel_service_name: str = "agentic-hub"
    #: ``host:port`` where workers serve Prometheus metrics (Temporal SDK metrics);
    #: unset: no metrics endpoint on workers.
    worker_metrics_bind_address: str | None = None

    @model_validator(mode="after")
    def _refuse_default_secret_outside_development(self) -> Settings:
        if self.env != "development" and (
            self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise ValueError(
                "HUB_SECRET_KEY must be set to a random value of at least 32 characters "
                "outside development (HUB_ENV=production)"
            )
        return self

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'hub.db').resolve()}"

    @cached_property
    def resolved_mlflow_tracking_uri(self) -> str:
        if self.mlflow_tracking_uri:
            return self.mlflow_tracking_uri
        return f"sqlite:///{(self.home / 'mlflow.db').resolve()}"

    @cached_property
    def resolved_artifact_root(self) -> str:
        return self.artifact_root or str((self.home / "artifacts").resolve())

    def agent_url(self, agent_type: str) -> str:
        """Where the service of ``agent_type`` listens."""
        return self.agent_urls.get(agent_type) or self.agent_url_template.format(type=agent_type)


def load_settings() -> Settings:
    return Settings()
