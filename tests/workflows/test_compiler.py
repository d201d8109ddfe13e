"""The orchestration compiler: the platform document's YAML, data flow, extensions."""

from __future__ import annotations

from pathlib import Path

from schemas.orchestration import AgentInfo
from workflows.compiler import compile_orchestration, parse_orchestration, spec_to_yaml

CORPUS = Path(__file__).parent / "corpus"
DOC_AGENTS = [
    AgentInfo(id="agent-1", type="extractor", name="Document Extractor"),
    AgentInfo(id="agent-2", type="analyzer", name="Risk Analyzer"),
    AgentInfo(id="agent-3", type="summarizer", name="Report Generator"),
]


def test_platform_document_yaml_compiles() -> None:
    text = (CORPUS / "valid" / "platform-doc.yaml").read_text()
    result = compile_orchestration(text, DOC_AGENTS, app_version="v1")
    assert result.ok, result.errors
    plan = result.plan
    assert plan is not None
    assert [s.id for s in plan.steps] == ["1", "2", "3"]
    assert [s.task_queue for s in plan.steps] == [
        "agent-extractor",
        "agent-analyzer",
        "agent-summarizer",
    ]
    assert [s.depends_on for s in plan.steps] == [[], ["1"], ["2"]]
    assert plan.steps[1].inputs[0].step_id == "1"
    assert plan.steps[0].inputs[0].source == "trigger"
    assert plan.app_version == "v1"
    # the doc says "analysis" for agent-2; the app's agent type wins, with a warning
    assert any("analysis" in w.message and w.path == "/agents/1/type" for w in result.warnings)


def test_platform_document_round_trips() -> None:
    spec = parse_orchestration((CORPUS / "valid" / "platform-doc.yaml").read_text()).spec
    assert spec is not None
    exported = spec_to_yaml(spec)
    assert parse_orchestration(exported).spec == spec
    assert list(parse_orchestration(exported).spec.model_dump()) == [  # type: ignore[union-attr]
        "version",
        "app_id",
        "name",
        "agents",
        "workflow",
        "limits",
    ]
    assert "retry" not in exported and "on_error" not in exported
