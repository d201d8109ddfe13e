"""What an agent type is: tools, schemas, default prompts and the work done before the model."""

from __future__ import annotations

from typing import Any

from agents.base.tools import Tool, ToolBox, ToolRegistry


class Agent:
    """Base class of every agent type.

    The runtime validates inputs, calls :meth:`prepare` (tools run here; the
    returned context goes into the prompt and to the provider), calls the model,
    validates the output and repairs it when needed. Subclasses set the class
    attributes and override :meth:`prepare`.
    """

    type: str = "agent"
    version: str = "1.0.0"
    input_schema: dict[str, Any] = {"type": "object"}
    output_schema: dict[str, Any] = {"type": "object"}
    default_system_prompt: str = "You are a careful assistant. Answer with JSON only."
    default_task_prompt: str = (
        "Inputs:\n{{ inputs | tojson }}\n\nContext:\n{{ context | tojson }}\n\n"
        "Answer with one JSON object that satisfies the output schema."
    )

    def __init__(self, tools: list[Tool] | None = None) -> None:
        self.tools = ToolRegistry(tools or [])

    def output_schema_for(
        self, inputs: dict[str, Any], configured: dict[str, Any] | None
    ) -> dict[str, Any]:
        """The schema this call's output must satisfy: the configured one, else the default."""
        return configured or self.output_schema

    async def prepare(self, inputs: dict[str, Any], toolbox: ToolBox) -> dict[str, Any]:
        """Run the tools this input needs; return the context handed to the model."""
        return {}

    def output_warnings(
        self, inputs: dict[str, Any], output: dict[str, Any]
    ) -> list[tuple[str, str]]:
        """(pointer, message) of what a valid output lacks, e.g. a figure not in the document.

        Reported as warning-level violations: the step completes, and the trace and
        ``GET /observability/violations`` say what was missing.
        """
        return []
