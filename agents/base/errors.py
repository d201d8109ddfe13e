"""Agent-level errors: the runtime turns each into a JSON ``{"detail": ...}`` response."""

from __future__ import annotations

from typing import Any


class AgentError(Exception):
    """A problem the caller must fix (bad document, disabled tool, unsatisfiable schema).

    Never retryable: the same request would fail the same way. ``status_code`` is
    400 or 422; ``detail`` says what went wrong and what to do.
    """

    def __init__(self, detail: str, *, status_code: int = 422, extra: dict[str, Any] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.status_code = status_code
        self.extra = extra or {}


class ToolError(AgentError):
    """A tool could not do its job on this input (e.g. a PDF that is not a PDF)."""

    def __init__(self, tool_id: str, detail: str, *, status_code: int = 422) -> None:
        super().__init__(f"{tool_id}: {detail}", status_code=status_code)
        self.tool_id = tool_id
