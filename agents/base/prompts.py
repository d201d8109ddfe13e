"""Rendering prompt templates (Jinja2, sandboxed: prompt texts come from a registry users edit)."""

from __future__ import annotations

import json
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from agents.base.errors import AgentError

_ENV = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)
_ENV.policies["json.dumps_kwargs"] = {"sort_keys": True, "default": str}


def _compact(value: Any, limit: int = 20000) -> str:
    text = json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + "…"


_ENV.filters["compact"] = _compact


def render_prompt(template: str, variables: dict[str, Any], *, which: str) -> str:
    """Render one prompt; a broken template is the caller's problem (400), not a crash."""
    try:
        return _ENV.from_string(template).render(**variables)
    except TemplateError as exc:
        raise AgentError(
            f"the {which} prompt template cannot be rendered: {exc}; fix the prompt in the "
            "prompt registry (variables available: inputs, context, output_schema)",
            status_code=400,
        ) from exc
