"""Every orchestration example in the docs compiles, exactly as a reader would paste it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

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


def test_the_docs_have_orchestration_examples() -> None:
    assert any(name.startswith("README.md") for name, _ in EXAMPLES)


@pytest.mark.parametrize(("name", "text"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_example_compiles(name: str, text: str) -> None:
    spec = yaml.safe_load(text)
    agents = [AgentInfo(id=a["id"], type=a.get("type") or "custom") for a in spec["agents"]]
    result = compile_orchestration(text, agents)
    assert result.errors == [], f"{name}: {[e.message for e in result.errors]}"
    assert result.plan is not None
    assert [step.id for step in result.plan.steps] == [str(s["step"]) for s in spec["workflow"]]
