"""Agents and their configuration (the platform document's ``AgentConfig``)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from schemas.common import PublicModel, StrictModel, UtcDatetime

Provider = Literal["azure_openai", "openai", "anthropic", "aws_bedrock", "google_vertex", "local"]
BUILTIN_AGENT_TYPES: tuple[str, ...] = ("extractor", "mapper", "analyzer", "summarizer")
#: Other names of the built-in types, as documents write them (the platform document's
#: orchestration example says ``type: "analysis"``). An agent created with one of these
#: is the built-in type; a spec's ``agents`` list may use them too.
AGENT_TYPE_ALIASES: dict[str, str] = {
    "extraction": "extractor",
    "extract": "extractor",
    "mapping": "mapper",
    "map": "mapper",
    "analysis": "analyzer",
    "analyser": "analyzer",
    "analyze": "analyzer",
    "summary": "summarizer",
    "summarization": "summarizer",
    "summarisation": "summarizer",
    "summariser": "summarizer",
    "summarize": "summarizer",
}


def canonical_agent_type(agent_type: str) -> str:
    """The built-in type an alias names (``analysis`` → ``analyzer``); others unchanged."""
    return AGENT_TYPE_ALIASES.get(agent_type.strip().lower(), agent_type)


#: Agent types name task queues (``agent-<type>``) and services, so they stay DNS-safe.
AGENT_TYPE_PATTERN = r"^[a-z][a-z0-9-]{0,39}$"
#: A secret named by reference (``env:AZURE_OPENAI_KEY``): only the agent resolves it, from
#: its own environment; the hub stores, pins and returns the reference, never a value.
SECRET_REFERENCE_PATTERN = r"^env:[A-Z_][A-Z0-9_]{0,127}$"
#: Providers that authenticate with a platform's credential chain, not with one API key.
PROVIDERS_WITHOUT_API_KEY: tuple[str, ...] = ("aws_bedrock", "google_vertex", "local")

_API_KEY_REF_FIELD = Field(
    default=None,
    pattern=SECRET_REFERENCE_PATTERN,
    description="The environment variable of the agent that holds this model's provider key, "
    "as `env:NAME` (default: the provider's usual variable, e.g. OPENAI_API_KEY). A reference, "
    "never a key: the agent reads it from its own environment.",
    examples=["env:AZURE_OPENAI_KEY"],
)


def check_api_key_ref(value: object, info: ValidationInfo) -> object:
    """``api_key_ref`` must name a variable (never hold a key) and fit the provider."""
    if value is None or not isinstance(value, str):
        return value
    if not re.fullmatch(SECRET_REFERENCE_PATTERN, value):
        # The value is not echoed: it may be the very key someone pasted by mistake.
        raise ValueError(
            "api_key_ref must name an environment variable of the agent, as env:NAME "
            "(upper-case letters, digits, underscores), e.g. env:AZURE_OPENAI_KEY; never put "
            "the key itself in a config: set it in the agent's environment"
        )
    provider = info.data.get("provider")
    if provider in PROVIDERS_WITHOUT_API_KEY:
        raise ValueError(
            f"provider {provider} takes no API key (it uses its platform's credentials or "
            "none); remove api_key_ref"
        )
    return value


class FallbackModel(StrictModel):
    """Another model tried, in order, when the primary fails with a retryable error."""

    provider: Provider
    model_name: str = Field(min_length=1, max_length=200)
    api_key_ref: str | None = _API_KEY_REF_FIELD

    _check_api_key_ref = field_validator("api_key_ref", mode="before")(check_api_key_ref)


class ModelConfig(StrictModel):
    provider: Provider
    model_name: str = Field(min_length=1, max_length=200)
    temperature: float = Field(ge=0.0, le=2.0, default=0.7)
    max_tokens: int = Field(ge=1, le=128000, default=4096)
    fallbacks: list[FallbackModel] = Field(default_factory=list, max_length=5)
    api_key_ref: str | None = _API_KEY_REF_FIELD

    _check_api_key_ref = field_validator("api_key_ref", mode="before")(check_api_key_ref)


class PromptConfig(StrictModel):
    system_prompt_uri: str = Field(
        min_length=1, max_length=500, examples=["mlflow:/prompts/extractor-system-v1"]
    )
    task_prompt_uri: str = Field(
        min_length=1, max_length=500, examples=["mlflow:/prompts/extractor-task-v1"]
    )


class SchemaConfig(StrictModel):
    input_schema_uri: str | None = Field(default=None, max_length=500)
    output_schema_uri: str | None = Field(default=None, max_length=500)
    on_violation: Literal["fail", "warn"] = "fail"
    max_repairs: int = Field(default=2, ge=0, le=5)


class ToolConfig(StrictModel):
    id: str = Field(min_length=1, max_length=100)
    enabled: bool = True
    sensitive: bool = Field(
        default=False,
        description="Mark a tool of a custom agent type sensitive (it acts or sends data "
        "outside): steps of the agent then need an approval step upstream. It can only add "
        "the mark; a built-in tool the library marks sensitive stays sensitive.",
    )


class MemoryConfig(StrictModel):
    enabled: bool = False
    type: Literal["buffer"] = "buffer"
    max_messages: int = Field(default=10, ge=1, le=1000)


class AgentConfig(StrictModel):
    """How an agent runs: model, prompts, schemas, tools and memory."""

    model: ModelConfig
    prompts: PromptConfig
    schemas: SchemaConfig = Field(default_factory=SchemaConfig)
    tools: list[ToolConfig] = Field(default_factory=list, max_length=50)
    memory: MemoryConfig = Field(default_factory=MemoryConfig)
    dispatch: Literal["remote", "local"] = Field(
        default="remote",
        description="`remote` runs on the agent's own task queue; `local` as a local activity.",
    )


class AgentCreate(StrictModel):
    """Body of ``POST /apps/{app_id}/agents`` (the platform document's "Create Agent")."""

    name: str = Field(min_length=1, max_length=200)
    type: str = Field(pattern=AGENT_TYPE_PATTERN, examples=["extractor"])
    type_category: str = Field(default="function", max_length=100)
    category: str = Field(default="general", max_length=100)
    description: str = Field(default="", max_length=5000)
    config: AgentConfig | None = Field(
        default=None, description="Omitted: the library's default config for built-in types."
    )

    @field_validator("type", mode="before")
    @classmethod
    def _builtin_alias(cls, value: Any) -> Any:
        """``analysis`` and the other aliases are the built-in type they name."""
        return canonical_agent_type(value) if isinstance(value, str) else value


class AgentPublic(PublicModel):
    id: str = Field(examples=["agent-9c1d2e3f4a5b"])
    app_id: str
    name: str
    type: str
    type_category: str
    category: str
    description: str
    config: AgentConfig
    created_at: UtcDatetime
    updated_at: UtcDatetime


class ValidationIssue(PublicModel):
    """One problem found by a validator; ``path`` is a JSON pointer (RFC 6901)."""

    path: str = Field(examples=["/model/temperature"])
    message: str
    line: int | None = None
    column: int | None = None


class ValidationReport(PublicModel):
    valid: bool
    errors: list[ValidationIssue] = Field(default_factory=list)
    warnings: list[ValidationIssue] = Field(default_factory=list)


class ToolInfo(PublicModel):
    id: str
    name: str
    description: str
    sensitive: bool = Field(
        default=False,
        description="The tool acts or sends data outside the platform: a step of an agent "
        "that enables it must have an approval step among its upstream steps.",
    )


class LibraryAgent(PublicModel):
    """A built-in agent type offered by ``GET /agents/library``."""

    type: str
    name: str
    description: str
    default_config: AgentConfig
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    tools: list[ToolInfo]
