"""Hand-built execution plans (independent of the compiler)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from schemas.agents import AgentConfig, ModelConfig, PromptConfig
from schemas.orchestration import (
    Condition,
    ExecutionPlan,
    PlanAgent,
    PlanApproval,
    PlanForeach,
    PlanInput,
    PlanLimits,
    PlanRetry,
    PlanStep,
    ResolvedAgentConfig,
)

#: Fast retries so retry tests take a second, not minutes.
FAST_RETRY = PlanRetry(max_attempts=3, initial_interval_seconds=0.2, max_interval_seconds=1.0)


def unique_agent_type(role: str = "echo") -> str:
    """An agent type (hence a task queue) no other test uses."""
    return f"t{uuid.uuid4().hex[:10]}-{role}"


def agent(
    agent_id: str, agent_type: str, dispatch: Literal["remote", "local"] = "remote"
) -> PlanAgent:
    """A plan agent with a resolved (local-provider) config."""
    config = AgentConfig(
        model=ModelConfig(provider="local", model_name="echo"),
        prompts=PromptConfig(system_prompt_uri="inline:system", task_prompt_uri="inline:task"),
        dispatch=dispatch,
    )
    return PlanAgent(
        id=agent_id,
        type=agent_type,
        config=ResolvedAgentConfig(config=config, system_prompt="sys", task_prompt="task"),
    )


def trigger(field: str) -> PlanInput:
    return PlanInput(field=field, source="trigger")


def from_step(step_id: str, field: str) -> PlanInput:
    return PlanInput(field=field, source="step", step_id=step_id)


def step(
    step_id: str,
    agent_id: str,
    *,
    inputs: list[PlanInput] | None = None,
    outputs: list[str] | None = None,
    depends_on: list[str] | None = None,
    retry: PlanRetry = FAST_RETRY,
    **extra: Any,
) -> PlanStep:
    """An agent step."""
    return PlanStep(
        id=step_id,
        agent_id=agent_id,
        inputs=inputs or [],
        outputs=outputs or [],
        depends_on=depends_on or [],
        retry=retry,
        **extra,
    )


def approval_step(
    step_id: str,
    *,
    depends_on: list[str] | None = None,
    input_schema: dict[str, Any] | None = None,
    timeout_seconds: float | None = None,
    on_timeout: Literal["reject", "approve"] = "reject",
    outputs: list[str] | None = None,
) -> PlanStep:
    return PlanStep(
        id=step_id,
        kind="approval",
        depends_on=depends_on or [],
        outputs=outputs or [],
        approval=PlanApproval(
            input_schema=input_schema, timeout_seconds=timeout_seconds, on_timeout=on_timeout
        ),
    )


def foreach(source: PlanInput, max_concurrency: int) -> PlanForeach:
    return PlanForeach(input=source, max_concurrency=max_concurrency)


def plan(
    agents: list[PlanAgent],
    steps: list[PlanStep],
    *,
    app_id: str = "app-test",
    app_version: str = "1.0.0",
    limits: PlanLimits | None = None,
) -> ExecutionPlan:
    return ExecutionPlan(
        app_id=app_id,
        name="test plan",
        app_version=app_version,
        agents={a.id: a for a in agents},
        steps=steps,
        limits=limits or PlanLimits(),
    )


def condition(text: str) -> Condition:
    """A parsed ``when`` condition (the conditions module's own parser)."""
    from workflows.conditions import parse_condition

    return parse_condition(text)
