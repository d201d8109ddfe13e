"""Every orchestration example in the docs compiles, exactly as a reader would paste it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from schemas.agents import canonical_agent_type
from schemas.library import INPUT_SCHEMAS, OUTPUT_SCHEMAS
from schemas.orchestration import AgentInfo
from workflows.compiler import compile_orchestration

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
YAML_BLOCK = re.compile(r"```ya?ml\n(.*?)```", re.DOTALL)


def orchestration_examples() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for index, block in enumerate(YAML_BLOCK.findall(doc.read_text())):
            loaded = yaml.safe_load(block)
            if isinstance(loaded, dict) and "workflow" in loaded:
                found.append((f"{doc.name}#{index}", block))
    return found


EXAMPLES = orchestration_examples()


def library_agent(agent_id: str, agent_type: str) -> AgentInfo:
    """A built-in type with the library's schemas, so examples pass the input-shape check."""
    canonical = canonical_agent_type(agent_type)
    return AgentInfo(
        id=agent_id,
        type=canonical,
        input_schema=INPUT_SCHEMAS.get(canonical),
        output_schema=OUTPUT_SCHEMAS.get(canonical),
    )


def test_the_docs_have_orchestration_examples() -> None:
    assert any(name.startswith("README.md") for name, _ in EXAMPLES)


@pytest.mark.parametrize(("name", "text"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_example_compiles(name: str, text: str) -> None:
    spec = yaml.safe_load(text)
    agents = [library_agent(a["id"], a.get("type") or "custom") for a in spec["agents"]]
    result = compile_orchestration(text, agents)
    assert result.errors == [], f"{name}: {[e.message for e in result.errors]}"
    assert result.warnings == [], f"{name}: {[w.message for w in result.warnings]}"
    assert result.plan is not None
    assert [step.id for step in result.plan.steps] == [str(s["step"]) for s in spec["workflow"]]
