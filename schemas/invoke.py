"""The agent invoke protocol: ``POST /invoke`` on every agent service.

No secret ever travels in these bodies: agents read provider keys from their
own environment.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from schemas.orchestration import ResolvedAgentConfig


class MemoryMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    model: str = ""
    provider: str = ""
    latency_ms: float = 0.0
    cost_usd: float = 0.0


class SchemaViolationRecord(BaseModel):
    """One output-schema violation found by an agent (kept for observability)."""

    pointer: str
    message: str
    attempt: int = 1
    severity: Literal["error", "warning"] = Field(
        default="error",
        description="`error`: the output broke its schema. `warning`: the output is valid but "
        "incomplete (a figure not found in the document); the step still completes.",
    )


class InvokeRequest(BaseModel):
    run_id: str
    step_id: str
    attempt: int = Field(default=1, ge=1)
    idempotency_key: str = Field(description="Same for every attempt of one step (and item).")
    agent_id: str
    agent_type: str
    config: ResolvedAgentConfig
    inputs: dict[str, Any] = Field(default_factory=dict)
    memory: list[MemoryMessage] = Field(default_factory=list)


class InvokeResponse(BaseModel):
    outputs: dict[str, Any] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    violations: list[SchemaViolationRecord] = Field(default_factory=list)
    tools_used: list[str] = Field(default_factory=list)


class AgentMetadata(BaseModel):
    """``GET /metadata`` of an agent service."""

    type: str
    version: str
    tools: list[str]
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
