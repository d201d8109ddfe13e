"""Schema fit of the data flow: what each step sends against its agent's input schema,
and the outputs a step picks from its agent's result by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.orchestration import AgentInfo, SpecStep
from workflows.compiler.context import CompileState, listing
from workflows.compiler.schema_fit import UNDECIDABLE_KEYWORDS, fit, types_of
from workflows.compiler.source import Path

#: What ``_Compiler.produced`` answers for an agent that declares no output schema.
UNKNOWN_OUTPUT: dict[str, Any] = {"$comment": "no output schema declared"}


def approval_output_schema(payload_schema: Any) -> dict[str, Any]:
    """What an approval step's result holds: the payload plus the decision's own fields."""
    payload = payload_schema if isinstance(payload_schema, Mapping) else {}
    found = payload.get("properties")
    properties: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    return {
        "type": "object",
        "properties": {
            **properties,
            "approved": {"type": "boolean"},
            "approver": {"type": ["string", "null"]},
            "comment": {"type": ["string", "null"]},
        },
        "required": sorted({*(payload.get("required") or []), "approved"}),
    }


class ShapeChecks(CompileState):
    """The checks that compare schemas along the data flow."""

    def input_shapes(self) -> None:
        """Compare the whole object each agent step sends with its agent's input schema.

        Sound for what it judges: a required property no binding provides, a name the
        schema forbids, or a binding whose upstream output schema allows a value the
        agent's property refuses is an error, so a plan that compiles without errors is
        never rejected at run time for the shape of its inputs. Run inputs (``trigger``)
        are checked when the run starts, against the same schema. What cannot be judged
        (``$ref``, ``allOf``, patterns …) is a warning that says so.
        """
        for i, s in enumerate(self.spec.workflow):
            consumer = self.agents.get(s.agent_id or "") if s.approval is None else None
            if consumer is None:
                continue
            sent = self.sent_object(i, s)
            if not isinstance(consumer.input_schema, Mapping):
                continue
            schema = consumer.input_schema
            base = self.wp(i)
            undecidable = sorted(set(schema) & UNDECIDABLE_KEYWORDS)
            if undecidable:
                self.report.warning(
                    (*base, "inputs"),
                    f"agent '{consumer.id}' input schema uses {', '.join(undecidable)}, which "
                    f"validation cannot compare with what step {self.ids[i]} sends; the inputs "
                    "are checked when the step runs",
                )
            if "object" not in (types_of(schema) or {"object"}):
                self.report.error(
                    (*base, "agent_id"),
                    f"agent '{consumer.id}' input schema does not take an object; agents "
                    "receive their inputs as one object",
                )
                continue
            self.required_names(i, consumer, schema, set(sent))
            properties = schema.get("properties")
            properties = properties if isinstance(properties, Mapping) else {}
            extra = schema.get("additionalProperties", True)
            for name, (produced, path) in sent.items():
                expected: Any = properties.get(name)
                if expected is None:
                    expected = extra
                if expected is False:
                    listed = ", ".join(map(repr, properties)) or "none"
                    self.report.error(
                        path,
                        f"agent '{consumer.id}' input schema takes no input '{name}' (it lists "
                        f"{listed} and forbids others); bind it under another name with as:",
                    )
                    continue
                if produced is None:
                    continue  # a run input: checked against ``expected`` when the run starts
                if produced is UNKNOWN_OUTPUT:
                    self.report.warning(
                        path,
                        f"input '{name}': the upstream agent declares no output schema, so "
                        "validation cannot compare it; it is checked when the step runs",
                    )
                    continue
                outcome = fit(produced, expected, f"input '{name}'")
                for problem in outcome.problems:
                    self.report.error(
                        path, f"{problem} (agent '{consumer.id}' input schema, step {self.ids[i]})"
                    )
                for doubt in outcome.undecided[:1]:
                    self.report.warning(path, doubt)

    def sent_object(self, i: int, s: SpecStep) -> dict[str, tuple[Any, Path]]:
        """Name → (schema of the value, or None for a run input; path of its binding)."""
        base = self.wp(i)
        sent: dict[str, tuple[Any, Path]] = {}
        item = self.item_name(s) if s.foreach is not None else None
        for k, inp in enumerate(s.inputs):
            if s.foreach is not None and (inp.source, inp.field) == (
                s.foreach.source,
                s.foreach.field,
            ):
                continue  # the list itself is not sent: its items are
            sent[inp.name] = (self.produced(inp.source, inp.field), (*base, "inputs", k))
        if s.foreach is not None:
            name = item or s.foreach.field
            path: Path = (*base, "foreach")
            if name in sent:
                self.report.error(
                    path,
                    f"step {self.ids[i]} sends '{name}' twice: as the foreach item and as an "
                    "input; rename one with as:",
                )
            listed = self.produced(s.foreach.source, s.foreach.field)
            item_schema: Any = None
            if listed is UNKNOWN_OUTPUT:
                item_schema = UNKNOWN_OUTPUT
            elif isinstance(listed, Mapping):
                types = types_of(listed)
                if types is not None and "array" not in types:
                    self.report.error(
                        (*path, "field"),
                        f"foreach needs a list, but '{s.foreach.field}' is "
                        f"{'/'.join(sorted(types))} per the upstream output schema",
                    )
                    return sent
                if types is not None and types != {"array"}:
                    self.report.error(
                        (*path, "field"),
                        f"foreach needs a list, but '{s.foreach.field}' may be "
                        f"{'/'.join(sorted(types - {'array'}))} per the upstream output schema",
                    )
                item_schema = listed.get("items", {})
            elif s.foreach.source != "trigger":
                item_schema = {}
            sent[name] = (item_schema, path)
        return sent

    def required_names(
        self, i: int, consumer: AgentInfo, schema: Mapping[str, Any], given: set[str]
    ) -> None:
        """``required`` and ``anyOf``/``oneOf`` lists of required names, against ``given``."""
        path: Path = (*self.wp(i), "inputs")
        required = schema.get("required")
        if isinstance(required, list):
            missing = [r for r in required if isinstance(r, str) and r not in given]
            if missing:
                self.report.error(
                    path,
                    f"agent '{consumer.id}' requires input {', '.join(map(repr, missing))}, "
                    f"which step {self.ids[i]} does not provide; bind it "
                    f"({{source: …, field: …, as: {missing[0]}}})",
                )
        for key in ("anyOf", "oneOf"):
            branches = schema.get(key)
            if not isinstance(branches, list) or not all(
                isinstance(b, Mapping) and set(b) == {"required"} for b in branches
            ):
                continue
            met = [b["required"] for b in branches if set(b["required"]) <= given]
            forms = " or ".join("+".join(map(repr, b["required"])) for b in branches)
            if not met:
                self.report.error(
                    path,
                    f"agent '{consumer.id}' requires input {forms}, and step {self.ids[i]} "
                    "provides none of them",
                )
            elif key == "oneOf" and len(met) > 1:
                self.report.error(
                    path,
                    f"agent '{consumer.id}' takes exactly one of {forms}; step {self.ids[i]} "
                    "provides several",
                )

    def produced(self, source: str, fld: str) -> Any:
        """The schema of what ``fld`` of ``source`` will hold; None for a run input.

        ``{}`` (anything) when the upstream declares no schema.
        """
        if source == "trigger":
            return None
        if source in self.index:
            j = self.index[source]
        elif len(self.steps_by_agent.get(source, [])) == 1:
            j = self.steps_by_agent[source][0]
        else:
            return {}
        up = self.spec.workflow[j]
        whole: Any
        if up.approval is not None:
            whole = approval_output_schema(up.approval.input_schema)
        else:
            info = self.agents.get(up.agent_id or "")
            if info is None or not isinstance(info.output_schema, Mapping):
                return UNKNOWN_OUTPUT
            whole = info.output_schema
        names = [o.name for o in up.outputs]
        one: Any = whole
        if len(names) > 1 and isinstance(whole, Mapping):
            props = whole.get("properties")
            one = props.get(fld, {}) if isinstance(props, Mapping) else {}
        if up.foreach is not None:
            return {"type": "array", "items": one}
        return one

    def picked_outputs(self) -> None:
        """A step with several outputs takes each from the agent's result by name."""
        for i, s in enumerate(self.spec.workflow):
            if len(s.outputs) < 2:
                continue
            if s.approval is not None:
                schema: Any = approval_output_schema(s.approval.input_schema)
                who = f"the approval of step {self.ids[i]}"
            else:
                info = self.agents.get(s.agent_id or "")
                schema = info.output_schema if info else None
                who = f"agent '{s.agent_id}'"
            if not isinstance(schema, Mapping):
                continue
            props = schema.get("properties")
            props = props if isinstance(props, Mapping) else {}
            required = set(schema.get("required") or [])
            closed = schema.get("additionalProperties", True) is False
            for k, out in enumerate(s.outputs):
                path: Path = (*self.wp(i), "outputs", k, "name")
                if out.name in required:
                    continue
                if out.name not in props:
                    if closed or props:
                        self.report.error(
                            path,
                            f"{who} produces no '{out.name}' (its output schema lists "
                            f"{listing(sorted(map(str, props)))}); with several outputs each is "
                            "taken from the result by name; declare one output to get the "
                            "whole result",
                        )
                    continue
                self.report.warning(
                    path,
                    f"{who} may leave out '{out.name}' (its output schema does not require "
                    "it); the step fails if it does",
                )
