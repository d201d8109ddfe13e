"""Per-edge fit and step/edge ids on the compiler's issues, over generated pipelines."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.orchestration import AgentInfo
from workflows.compiler import compile_orchestration
from workflows.edge_fits import RUN_INPUT_REASON, graph_report

#: What each upstream output holds (a producer with several outputs: one property each).
PRODUCER_OUTPUT = {
    "type": "object",
    "properties": {"count": {"type": "integer"}, "label": {"type": "string"}},
    "required": ["count", "label"],
}
#: The consumer reads ``text`` (a string) and ``n`` (a number).
CONSUMER_INPUT = {
    "type": "object",
    "properties": {"text": {"type": "string"}, "n": {"type": "number"}},
}
AGENTS = [
    AgentInfo(id="prod", type="t", output_schema=PRODUCER_OUTPUT, input_schema={"type": "object"}),
    AgentInfo(id="cons", type="t", input_schema=CONSUMER_INPUT, output_schema=PRODUCER_OUTPUT),
]
#: (upstream field, consumer input) → whether every produced value is accepted
FITS = {
    ("count", "n"): True,  # an integer is a number
    ("count", "text"): False,
    ("label", "text"): True,
    ("label", "n"): False,
}


def _spec(bindings: list[tuple[str, str]], chain: int) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [
        {
            "step": "p",
            "agent_id": "prod",
            "inputs": [{"source": "trigger", "field": "doc"}],
            "outputs": [{"name": "count"}, {"name": "label"}],
        }
    ]
    for k in range(chain):
        steps.append(
            {
                "step": f"c{k}",
                "agent_id": "cons",
                "inputs": [{"source": "p", "field": f, "as": name} for f, name in bindings],
                "outputs": [{"name": "count"}, {"name": "label"}],
            }
        )
    return {"app_id": "app", "workflow": steps}


@settings(max_examples=60, deadline=None)
@given(
    bindings=st.lists(
        st.sampled_from(sorted(FITS)), min_size=1, max_size=2, unique_by=lambda b: b[1]
    ),
    chain=st.integers(min_value=1, max_value=3),
)
def test_every_edge_is_judged_as_the_compiler_judges_its_binding(
    bindings: list[tuple[str, str]], chain: int
) -> None:
    text = yaml.safe_dump(_spec(bindings, chain), sort_keys=False)
    result = compile_orchestration(text, AGENTS)
    report = graph_report(
        text, result.errors, result.warnings, {a.id: a.input_schema for a in AGENTS}
    )
    edges = report.edges
    assert len(edges) == 1 + chain * len(bindings)
    (first,) = [e for e in edges if e.target == "p"]
    assert (first.source, first.fit, first.reasons) == (
        "trigger",
        "cannot_tell",
        [RUN_INPUT_REASON],
    )
    lines = text.splitlines()
    for e in edges:
        if e.target == "p":
            continue
        assert e.source == "p"
        assert e.fit == ("fits" if FITS[(e.field, e.input)] else "does_not_fit"), e
        if e.fit == "does_not_fit":
            assert e.reasons and all(f"input '{e.input}'" in r for r in e.reasons)
            # every refusal is an error that names this very edge and its step
            named = [
                x
                for x in report.errors
                if x.edge is not None and x.edge.target == e.target and x.edge.input == e.input
            ]
            assert named and all(x.step_id == e.target for x in named)
        assert e.line is not None and "source: p" in lines[e.line - 1]
    assert report.valid == all(FITS[b] for b in bindings)


def test_agent_ids_as_sources_resolve_to_their_step_and_foreach_is_an_edge() -> None:
    spec = {
        "app_id": "app",
        "workflow": [
            {
                "step": 1,
                "agent_id": "prod",
                "inputs": [{"source": "trigger", "field": "doc"}],
                "outputs": [{"name": "items"}],
            },
            {
                "step": 2,
                "agent_id": "cons",
                "foreach": {"source": "prod", "field": "items", "as": "text", "max_concurrency": 2},
                "outputs": [{"name": "x"}],
            },
        ],
    }
    text = yaml.safe_dump(spec, sort_keys=False)
    result = compile_orchestration(text, AGENTS)
    report = graph_report(
        text, result.errors, result.warnings, {a.id: a.input_schema for a in AGENTS}
    )
    (fe,) = [e for e in report.edges if e.kind == "foreach"]
    assert (fe.source, fe.written_source, fe.target, fe.input) == ("1", "prod", "2", "text")
    # the producer's single output is an object, not a list: foreach cannot iterate it
    assert fe.fit == "does_not_fit"
    assert all(x.step_id == "2" for x in report.errors if x.edge is not None)


def test_a_text_that_does_not_parse_yields_no_edges_and_keeps_positions() -> None:
    text = "app_id: a\nworkflow:\n  - step: [\n"
    result = compile_orchestration(text, AGENTS)
    report = graph_report(text, result.errors, result.warnings, {})
    assert report.edges == [] and not report.valid
    assert report.errors[0].line is not None
