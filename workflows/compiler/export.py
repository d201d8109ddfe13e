"""A spec written back as YAML, in the platform document's layout."""

from __future__ import annotations

from typing import Any

import yaml

from schemas.orchestration import OrchestrationSpec, SpecStep


def _step_to_data(s: SpecStep) -> dict[str, Any]:
    out: dict[str, Any] = {"step": s.step}
    if s.agent_id is not None:
        out["agent_id"] = s.agent_id
    out["inputs"] = [
        {"source": i.source, "field": i.field, **({"as": i.as_} if i.as_ else {})} for i in s.inputs
    ]
    out["outputs"] = [{"name": o.name} for o in s.outputs]
    for key in ("retry", "foreach", "approval"):
        sub = getattr(s, key)
        if sub is not None:
            out[key] = sub.model_dump(mode="json", exclude_unset=True)
    if s.timeout is not None:
        out["timeout"] = s.timeout
    if s.when is not None:
        out["when"] = s.when
    if s.on_error != "fail":
        out["on_error"] = s.on_error
    return out


def spec_to_yaml(spec: OrchestrationSpec) -> str:
    """Export ``spec`` as YAML in the platform document's layout (extensions only when set)."""
    data: dict[str, Any] = {
        "version": spec.version,
        "app_id": spec.app_id,
        "name": spec.name,
        "agents": [{"id": a.id, "name": a.name, "type": a.type} for a in spec.agents],
        "workflow": [_step_to_data(s) for s in spec.workflow],
    }
    if spec.limits is not None:
        data["limits"] = spec.limits.model_dump(mode="json", exclude_none=True)
    return yaml.dump(
        data, Dumper=_ExportDumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


class _ExportDumper(yaml.SafeDumper):
    """PyYAML writes NEL, LS and PS raw inside plain or single-quoted scalars, where a
    reader takes them for line breaks; such strings are written double-quoted (escaped)."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if any(ch in text for ch in "\x85\u2028\u2029"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    return dumper.represent_str(text)


_ExportDumper.add_representer(str, _represent_text)
