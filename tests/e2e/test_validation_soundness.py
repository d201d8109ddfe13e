"""Soundness of validation, as a property: what validates is never rejected for its inputs.

Hypothesis generates pipelines from the built-in library's agents — chains, fan-out and
fan-in, ``when``, ``foreach``, approvals, random bindings, ``as`` names and output
names. For each, either ``POST /orchestration/{id}/validate`` reports an error, or the
run (through the real engine, the real agents on the ``local`` provider) has no step
rejected for the shape of its inputs. Run inputs the plan cannot take are refused at the
door (a 422 before anything starts), which is the other half of the promise.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.builtin_stack import BuiltinStack, memo_pdf
from tests.e2e.test_document_pipeline import written_memo

AGENT_TYPES = ("extractor", "mapper", "analyzer", "summarizer")
OUTPUT_NAMES = (
    "extracted_data",
    "mapped_data",
    "risk_analysis",
    "final_report",
    "borrower_name",
    "ratios",
    "financials",
    "markdown",
    "result",
)
AS_NAMES = (
    None,
    None,
    None,
    "document",
    "extracted_data",
    "mapped_data",
    "risk_analysis",
    "target_schema",
    "notes",
)
TRIGGER_FIELDS = ("document", "document", "documents", "amount")
#: The name each type's input schema reads: drawn often, so many pipelines are valid.
NATURAL = {
    "extractor": ("document",),
    "mapper": ("extracted_data",),
    "analyzer": ("extracted_data", "mapped_data"),
    "summarizer": ("risk_analysis",),
}
CONDITIONS = (None, None, None, "inputs.amount > 5", "inputs.amount > 50")
#: What the agents say when a request does not fit their input schema.
INPUT_REJECTION = "do not match the agent's input schema"


@st.composite
def pipelines(draw: st.DrawFn) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        agent_type = draw(st.sampled_from(AGENT_TYPES))
        names = (*AS_NAMES, *NATURAL[agent_type] * 36)
        inputs: list[dict[str, Any]] = []
        for _ in range(1 if draw(st.integers(min_value=0, max_value=2)) else 2):
            if i == 0 or draw(st.integers(min_value=0, max_value=3)) == 0:
                binding = {"source": "trigger", "field": draw(st.sampled_from(TRIGGER_FIELDS))}
            else:
                upstream = steps[draw(st.integers(min_value=0, max_value=i - 1))]
                outs = [o["name"] for o in upstream["outputs"]]
                binding = {"source": upstream["step"], "field": draw(st.sampled_from(outs))}
            # The first binding mostly under the name the agent reads, so many plans are valid.
            name = draw(st.sampled_from(names if not inputs else AS_NAMES))
            if name and name != binding["field"]:
                binding["as"] = name
            inputs.append(binding)
        count = 2 if draw(st.integers(min_value=0, max_value=3)) == 0 else 1
        outputs = draw(
            st.lists(st.sampled_from(OUTPUT_NAMES), min_size=count, max_size=count, unique=True)
        )
        step: dict[str, Any] = {
            "step": f"s{i}",
            "inputs": inputs,
            "outputs": [{"name": n} for n in outputs],
        }
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            step["approval"] = {"timeout": "1s", "on_timeout": "approve"}
        else:
            step["agent_id"] = "$" + agent_type
            if draw(st.integers(min_value=0, max_value=3)) == 0:
                listed = draw(st.sampled_from(inputs))
                step["foreach"] = {
                    "source": listed["source"],
                    "field": listed["field"],
                    "max_concurrency": 2,
                }
                item_name = draw(st.sampled_from(names))
                if item_name:
                    step["foreach"]["as"] = item_name
        condition = draw(st.sampled_from(CONDITIONS))
        if condition:
            step["when"] = condition
        steps.append(step)
    return steps


def test_whatever_validates_is_never_rejected_for_its_inputs(
    stack: BuiltinStack, request: pytest.FixtureRequest
) -> None:
    app_id, ids = stack.call(stack.new_app({t: t for t in AGENT_TYPES}))
    uri = stack.call(stack.upload(memo_pdf(written_memo(seed=5)[0]), "memo.pdf", "application/pdf"))
    inputs = {"document": uri, "documents": [uri, uri], "amount": 10}
    tally: Counter[str] = Counter()

    async def one(steps: list[dict[str, Any]]) -> str:
        text = yaml.safe_dump({"version": "1.0", "app_id": app_id, "workflow": steps})
        for agent_type, agent_id in ids.items():
            text = text.replace(f"${agent_type}", agent_id)
        saved = await stack.put_yaml(app_id, text)
        if saved.status_code == 422:
            return "refused at save"
        assert saved.status_code == 200, saved.text
        checked = (await stack.http.post(f"/orchestration/{app_id}/validate")).json()
        if checked["errors"]:
            return "refused by validate"
        started = await stack.http.post(
            f"/apps/{app_id}/runs", json={"inputs": inputs, "draft": True}
        )
        if started.status_code == 422:
            assert all(item["loc"][:2] == ["body", "inputs"] for item in started.json()["detail"])
            return "refused at the door"
        assert started.status_code == 202, started.text
        run = await stack.wait(started.json()["run_id"])
        problems = [s["error"] for s in run["steps"] if s.get("error")] + [run.get("error") or ""]
        assert not any(INPUT_REJECTION in p for p in problems), (text, run)
        assert run["status"] == "completed", (text, run)
        return "ran"

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(pipelines())
    def check(steps: list[dict[str, Any]]) -> None:
        tally[stack.call(one(steps))] += 1

    check()
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(tally.items()))
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"\nsoundness: {sum(tally.values())} generated pipelines: {summary}")
    # The generator must exercise both halves: plans refused and plans that ran.
    assert tally["ran"] >= 10, tally
    assert tally["refused by validate"] >= 5, tally
