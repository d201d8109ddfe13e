"""What the API needs to run, given by the composition root (``hub``), never read here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

#: Resolves a prompt URI (``mlflow:/prompts/...``) to ``(text, version)``; raises
#: ``LookupError`` when the prompt does not exist. Supplied by the prompts integration.
PromptResolver = Callable[[str], tuple[str, str]]


@dataclass(frozen=True)
class ApiConfig:
    """Settings of one API process."""

    database_url: str
    cors_origins: list[str] = field(default_factory=list)
    max_body_bytes: int = 10 * 1024 * 1024
    temporal_ui_url: str | None = None
    temporal_address: str | None = None
    temporal_namespace: str = "default"
    title: str = "Agentic Hub"
    version: str = "0.1.0"
