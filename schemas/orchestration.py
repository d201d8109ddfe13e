"""The orchestration spec (what users write) and the execution plan (what runs).

The spec accepts the platform document's YAML as it stands; every extension is an
optional key. The plan is the compiler's immutable output: a DAG of steps with
everything resolved, pinned into a release at deploy and carried by each run.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.agents import AgentConfig
from schemas.common import PublicModel, StrictModel, UtcDatetime

#: Durations in specs: seconds as a number, or a string such as
#: ``"500ms"``, ``"30s"``, ``"5m"``, ``"1h"``.
Duration = float | int | str


# --------------------------------------------------------------------------- spec


class SpecAgent(StrictModel):
    id: str = Field(min_length=1, max_length=100)
    name: str = Field(default="", max_length=200)
    type: str = Field(default="", max_length=100)


#: ``as`` is a Python keyword: the models keep it as ``as_`` and read and write ``as``.
_AS_ALIAS = ConfigDict(
    extra="forbid", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
)
_AS_DESCRIPTION = (
    "The name the agent receives the value under (default: `field`), so an output or a run "
    "input reaches the agent under the name its input schema reads."
)


class SpecInput(StrictModel):
    model_config = _AS_ALIAS

    source: str = Field(
        min_length=1,
        max_length=100,
        description="`trigger` (the run's inputs), an agent id, or a step id.",
    )
    field: str = Field(min_length=1, max_length=200)
    as_: str | None = Field(
        default=None, alias="as", min_length=1, max_length=200, description=_AS_DESCRIPTION
    )

    @property
    def name(self) -> str:
        """The name the agent receives this input under."""
        return self.as_ or self.field


class SpecOutput(StrictModel):
    name: str = Field(min_length=1, max_length=200)


class SpecRetry(StrictModel):
    max_attempts: int = Field(default=3, ge=1, le=100)
    initial_interval: Duration = 1.0
    backoff_coefficient: float = Field(default=2.0, ge=1.0, le=10.0)
    max_interval: Duration = 60.0


class SpecForeach(StrictModel):
    model_config = _AS_ALIAS

    source: str = Field(min_length=1, max_length=100)
    field: str = Field(min_length=1, max_length=200)
    max_concurrency: int = Field(default=4, ge=1, le=1000)
    as_: str | None = Field(
        default=None,
        alias="as",
        min_length=1,
        max_length=200,
        description="The name each item reaches the agent under (default: the name of the "
        "step's input bound to the same list, else `field`).",
    )


class SpecApproval(StrictModel):
    input_schema: dict[str, Any] | None = Field(
        default=None, description="JSON Schema the approver's payload must satisfy."
    )
    timeout: Duration | None = None
    on_timeout: Literal["reject", "approve"] = "reject"
    prompt: str = Field(default="", max_length=2000)


class SpecStep(StrictModel):
    step: int | str = Field(description="Step id, unique within the workflow.")
    agent_id: str | None = Field(default=None, description="Omitted only for approval steps.")
    inputs: list[SpecInput] = Field(default_factory=list)
    outputs: list[SpecOutput] = Field(default_factory=list)
    retry: SpecRetry | None = None
    timeout: Duration | None = None
    when: str | None = Field(default=None, max_length=2000)
    foreach: SpecForeach | None = None
    on_error: Literal["fail", "continue"] = "fail"
    approval: SpecApproval | None = None


class SpecLimits(StrictModel):
    max_parallel_steps: int | None = Field(default=None, ge=1, le=1000)
    max_tokens: int | None = Field(default=None, ge=1)
    max_cost_usd: float | None = Field(default=None, gt=0)
    max_steps: int | None = Field(default=None, ge=1, le=100000)


class OrchestrationSpec(StrictModel):
    """An app's orchestration as written in YAML or JSON."""

    version: str = "1.0"
    app_id: str = Field(min_length=1, max_length=100)
    name: str = Field(default="", max_length=200)
    agents: list[SpecAgent] = Field(default_factory=list)
    workflow: list[SpecStep] = Field(default_factory=list)
    limits: SpecLimits | None = None


class OrchestrationPublic(PublicModel):
    """``GET /orchestration/{app_id}``: the spec plus bookkeeping."""

    app_id: str
    spec: OrchestrationSpec
    yaml: str
    updated_at: UtcDatetime | None = None


# --------------------------------------------------------------------------- plan


class Condition(BaseModel):
    """A parsed ``when`` expression: a small JSON AST, evaluated without ``eval``.

    ``op`` is one of ``and``, ``or``, ``not``, ``==``, ``!=``, ``<``, ``<=``, ``>``,
    ``>=``, ``in``, ``not in``, ``lit`` (a literal in ``value``) or ``ref`` (a dotted
    path in ``path``: ``inputs.x`` or ``steps.<step_id>.<output>...``).
    """

    model_config = ConfigDict(frozen=True)

    op: str
    args: list[Condition] = Field(default_factory=list)
    value: Any = None
    path: list[str] = Field(default_factory=list)
    source: str = ""


class PlanInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    source: Literal["trigger", "step"]
    step_id: str | None = None
    #: The name the agent receives the value under (``as`` in the spec); ``None``: ``field``.
    name: str | None = None

    @property
    def agent_field(self) -> str:
        """The key of this value in the agent's inputs."""
        return self.name or self.field

    def reads_same_value(self, other: PlanInput) -> bool:
        """Whether both read the same run input or step output (names aside)."""
        return (self.source, self.step_id, self.field) == (other.source, other.step_id, other.field)


class PlanRetry(BaseModel):
    model_config = ConfigDict(frozen=True)

    max_attempts: int = 3
    initial_interval_seconds: float = 1.0
    backoff_coefficient: float = 2.0
    max_interval_seconds: float = 60.0


class PlanForeach(BaseModel):
    model_config = ConfigDict(frozen=True)

    input: PlanInput
    max_concurrency: int = 4


class PlanApproval(BaseModel):
    model_config = ConfigDict(frozen=True)

    input_schema: dict[str, Any] | None = None
    timeout_seconds: float | None = None
    on_timeout: Literal["reject", "approve"] = "reject"
    prompt: str = ""


class PlanStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    kind: Literal["agent", "approval"] = "agent"
    agent_id: str | None = None
    agent_type: str | None = None
    task_queue: str | None = None
    depends_on: list[str] = Field(default_factory=list)
    inputs: list[PlanInput] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=list)
    retry: PlanRetry = Field(default_factory=PlanRetry)
    timeout_seconds: float = 300.0
    when: Condition | None = None
    foreach: PlanForeach | None = None
    on_error: Literal["fail", "continue"] = "fail"
    approval: PlanApproval | None = None


class PlanAgent(BaseModel):
    """An agent as pinned in a plan; ``config`` is filled when the plan is released."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str = ""
    type: str
    config: ResolvedAgentConfig | None = None


class ResolvedAgentConfig(BaseModel):
    """An agent's config with prompt texts and schemas resolved; what the agent receives."""

    model_config = ConfigDict(frozen=True)

    config: AgentConfig
    system_prompt: str = ""
    task_prompt: str = ""
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None


class PlanLimits(BaseModel):
    model_config = ConfigDict(frozen=True)

    max_parallel_steps: int | None = None
    max_tokens: int | None = None
    max_cost_usd: float | None = None
    max_steps: int | None = None


class ExecutionPlan(BaseModel):
    """The compiled DAG; ``steps`` are topologically ordered."""

    model_config = ConfigDict(frozen=True)

    app_id: str
    name: str = ""
    spec_version: str = "1.0"
    app_version: str = ""
    agents: dict[str, PlanAgent] = Field(default_factory=dict)
    steps: list[PlanStep] = Field(default_factory=list)
    limits: PlanLimits = Field(default_factory=PlanLimits)


PlanAgent.model_rebuild()


class AgentInfo(BaseModel):
    """What the compiler knows about an agent of the app (from the database or a release)."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    name: str = ""
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    dispatch: Literal["remote", "local"] = "remote"
    #: Enabled tools of the agent that are sensitive; its steps need an approval upstream.
    sensitive_tools: list[str] = Field(default_factory=list)
