"""Every broken spec in the corpus is rejected with the expected message (and position)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemas.orchestration import AgentInfo
from workflows.compiler import compile_orchestration

CORPUS = Path(__file__).parent / "corpus"
BROKEN = sorted((CORPUS / "broken").glob("*.yaml"))
VALID = sorted((CORPUS / "valid").glob("*.yaml"))

AGENTS = [
    AgentInfo(id="agent-1", type="extractor"),
    AgentInfo(id="agent-2", type="analyzer"),
    AgentInfo(
        id="agent-3",
        type="summarizer",
        input_schema={"type": "object", "properties": {"score": {"type": "number"}}},
    ),
    AgentInfo(id="agent-schema-up", type="scorer", output_schema={"type": "string"}),
]


def _expectations(text: str) -> tuple[list[str], tuple[int, int] | None]:
    expects = re.findall(r"^# expect: (.+)$", text, flags=re.MULTILINE)
    at = re.search(r"^# at: (\d+):(\d+)$", text, flags=re.MULTILINE)
    return expects, (int(at.group(1)), int(at.group(2))) if at else None


def test_corpus_is_large_enough() -> None:
    assert len(BROKEN) >= 25


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_spec_is_rejected_with_its_error(path: Path) -> None:
    text = path.read_text()
    expects, at = _expectations(text)
    assert expects, f"{path.name} has no '# expect:' header"
    result = compile_orchestration(text, AGENTS)
    assert not result.ok and result.plan is None
    messages = [e.message for e in result.errors]
    for expected in expects:
        assert any(expected in m for m in messages), (expected, messages)
    if at is not None:
        first = next(e for e in result.errors if expects[0] in e.message)
        assert (first.line, first.column) == at, first


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_spec_as_bytes_gives_the_same_errors(path: Path) -> None:
    text = path.read_text()
    assert (
        compile_orchestration(text.encode(), AGENTS).errors
        == compile_orchestration(text, AGENTS).errors
    )


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_corpus_compiles(path: Path) -> None:
    result = compile_orchestration(path.read_text(), AGENTS)
    assert result.ok, result.errors
