"""The tool interface and the per-agent registry.

A tool is a plain object with an id, a human name, a description, a
``sensitive`` flag (the tool acts or sends data outside the platform, so a step
of an agent that enables it needs an approval step upstream; the compiler
enforces it) and a ``run`` method. Reading the document a user uploaded is not
sensitive. An agent registers every tool it knows; the
agent config decides which of them a given call may use.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

from agents.base.errors import AgentError
from schemas.agents import ToolConfig, ToolInfo


@runtime_checkable
class Tool(Protocol):
    """One capability of an agent; ``run`` is synchronous and may block (it runs in a thread)."""

    id: str
    name: str
    description: str
    sensitive: bool

    def run(self, **kwargs: Any) -> Any: ...


def tool_info(tool: Tool) -> ToolInfo:
    """The public description of a tool (``GET /metadata``, ``GET /agents/library``)."""
    return ToolInfo(
        id=tool.id, name=tool.name, description=tool.description, sensitive=tool.sensitive
    )


class ToolRegistry:
    """Every tool an agent type knows, by id."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools:
            self.register(tool)

    def register(self, tool: Tool) -> None:
        """Add a tool; ids are unique within one agent."""
        if tool.id in self._tools:
            raise ValueError(f"tool id {tool.id!r} registered twice")
        self._tools[tool.id] = tool

    @property
    def ids(self) -> list[str]:
        return list(self._tools)

    def infos(self) -> list[ToolInfo]:
        return [tool_info(tool) for tool in self._tools.values()]

    def toolbox(self, configured: list[ToolConfig]) -> ToolBox:
        """The tools this call may use: those the config lists as enabled."""
        enabled = {tool.id for tool in configured if tool.enabled}
        return ToolBox({tid: t for tid, t in self._tools.items() if tid in enabled}, self.ids)


class ToolBox:
    """The enabled tools of one call; remembers which ones were used."""

    def __init__(self, tools: dict[str, Tool], known: list[str]) -> None:
        self._tools = tools
        self._known = known
        self.used: list[str] = []

    def has(self, tool_id: str) -> bool:
        return tool_id in self._tools

    def get(self, tool_id: str) -> Tool:
        """The enabled tool, or a 400 saying how to enable it."""
        if tool_id not in self._tools:
            if tool_id in self._known:
                raise AgentError(
                    f"tool {tool_id!r} is needed for this input but disabled: add "
                    f'{{"id": "{tool_id}", "enabled": true}} to the agent config\'s tools',
                    status_code=400,
                )
            raise AgentError(f"unknown tool {tool_id!r}", status_code=400)
        if tool_id not in self.used:
            self.used.append(tool_id)
        return self._tools[tool_id]
