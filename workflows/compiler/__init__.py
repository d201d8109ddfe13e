"""The orchestration compiler: spec (YAML, JSON or a mapping) → an immutable ``ExecutionPlan``.

One module per concern: ``source`` (text → data + line/column of every node), ``parse``
(the spec's shape), ``durations``, ``json_schema`` (is a schema a schema), ``schema_fit``
(does one schema fit another) and ``input_shapes`` (that check along the data flow),
``compile`` (steps → plan), ``cycles`` (order, cycles, unreachable steps), ``export``
(spec → YAML). What other packages use is imported from here.

Pure code: no I/O, no clocks, no settings. ``parse_orchestration`` reads and validates
the shape; ``compile_orchestration`` resolves it against the app's agents and reports
every problem at once, each with a JSON-pointer path (and line/column for YAML text).

Semantics
=========

- The platform document's YAML is valid as it stands; every extension is optional.
- Step id is ``str(step)``. An agent step runs on task queue ``agent_queue(agent type)``;
  the type comes from the app's agents (``AgentInfo``). The spec's ``agents`` list is
  informational: an id the app does not have, or a different ``type``, is a warning.
- An input ``source`` is ``trigger`` (the run's inputs, any field), a step id, or an
  agent id, which means the one step using that agent (several steps using it is an
  error: use the step id). For a step source, ``field`` must be one of that step's
  declared outputs. A step depends on its sources (plus its ``foreach`` source and the
  steps its ``when`` reads); steps run as soon as their dependencies are done, so
  independent steps run in parallel. ``plan.steps`` is topologically ordered, ties
  broken by declaration order.
- Data flow: the agent receives ``{name: value}`` for each input, ``name`` being its
  ``as`` (default: its ``field``). A step that declares exactly one output gets the
  agent's whole result under that name; with several outputs, each name takes
  ``result[name]``.
- ``retry``: ``max_attempts``, ``initial_interval``, ``backoff_coefficient``,
  ``max_interval`` (initial ≤ max). Durations are seconds (number) or strings such as
  ``"500ms"``, ``"30s"``, ``"5m"``, ``"1h"``, ``"1d"``, ``"1m30s"``; they must be > 0.
- ``timeout``: per attempt, default 300 s.
- ``when``: a condition (see ``workflows.conditions``) parsed at compile time; it may
  read ``inputs.*`` and ``steps.<id>.<output>...`` of other steps, which become
  dependencies. A false condition skips the step.
- ``foreach: {source, field, max_concurrency}``: the agent runs once per item of that
  list, receiving the item under its ``as`` name (default: the ``as`` of the input that
  reads the same list, else ``field``), in place of that input; each
  output becomes the list of per-item results, in item order.
- ``on_error``: ``fail`` (default) fails the run; ``continue`` records the failure and
  lets the run go on (the step's outputs are then absent).
- Approval step: no ``agent_id``, ``approval: {input_schema, timeout, on_timeout,
  prompt}``; ``input_schema`` must be a structurally valid JSON Schema. Its declared
  outputs each receive the approver's payload.
- Sensitive tools: an agent step whose agent enables a sensitive tool
  (``AgentInfo.sensitive_tools``) must have an approval step among its transitive
  dependencies, one that does not approve itself on timeout; otherwise an error at
  the step.
- ``limits`` becomes ``PlanLimits``.
- Input shapes (sound): the whole object a step sends (its bindings under their names,
  a ``foreach`` item under its name) is compared with the agent's input schema:
  required names (and ``anyOf``/``oneOf`` lists of required names) must be bound, names
  the schema forbids must not be, and every value an upstream output schema allows must
  be allowed by the agent's property (a ``foreach`` step's outputs are lists). "May not
  fit" is an error; what cannot be compared (``$ref``, ``allOf``, patterns, an upstream
  without an output schema) is a warning that says so. Run inputs are checked against
  the same schemas when a run starts (``storage.run_inputs``).
- Spec ``agents[].type`` may use the built-in types' aliases (``analysis`` = ``analyzer``).
"""

from workflows.compiler.compile import CompileResult, compile_orchestration
from workflows.compiler.durations import (
    DEFAULT_TIMEOUT_SECONDS,
    MAX_DURATION_SECONDS,
    parse_duration,
)
from workflows.compiler.export import spec_to_yaml
from workflows.compiler.input_shapes import UNKNOWN_OUTPUT, approval_output_schema
from workflows.compiler.json_schema import json_schema_problems
from workflows.compiler.parse import ParseResult, parse_orchestration
from workflows.compiler.schema_fit import UNDECIDABLE_KEYWORDS, Fit, fit, types_of
from workflows.compiler.source import LoadedSource, Path, SourceMap, load_source, pointer

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "MAX_DURATION_SECONDS",
    "UNDECIDABLE_KEYWORDS",
    "UNKNOWN_OUTPUT",
    "CompileResult",
    "Fit",
    "LoadedSource",
    "ParseResult",
    "Path",
    "SourceMap",
    "approval_output_schema",
    "compile_orchestration",
    "fit",
    "json_schema_problems",
    "load_source",
    "parse_duration",
    "parse_orchestration",
    "pointer",
    "spec_to_yaml",
    "types_of",
]
