"""The ``load_plan`` activity: a run started with only an app id gets its deployed plan."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from schemas.agent_calls import (
    LOAD_PLAN_ACTIVITY,
    PLAN_NOT_DEPLOYED,
    RUN_INPUT_INVALID,
    LoadPlanInput,
)
from schemas.artifacts import ArtifactRef, artifact_id_from_uri
from schemas.orchestration import ExecutionPlan
from storage.artifacts import ArtifactNotFound, ArtifactStore
from storage.run_inputs import run_input_problems

DeployedPlanLoader = Callable[[str], Awaitable[ExecutionPlan | None]]


class PlanActivities:
    """Activities that read releases; the loader comes from storage (or a test)."""

    def __init__(
        self, load_deployed_plan: DeployedPlanLoader, artifact_store: ArtifactStore | None = None
    ) -> None:
        self._load_deployed_plan = load_deployed_plan
        self._artifacts = artifact_store

    @activity.defn(name=LOAD_PLAN_ACTIVITY)
    async def load_plan(self, input: LoadPlanInput) -> ExecutionPlan:
        """The plan of the app's deployed release; non-retryable when there is none."""
        plan = await self._load_deployed_plan(input.app_id)
        if plan is None:
            raise ApplicationError(
                f"app {input.app_id} has no deployed release; deploy it with "
                f"POST /apps/{input.app_id}/deploy",
                type=PLAN_NOT_DEPLOYED,
                non_retryable=True,
            )
        if input.inputs is not None:
            await self._check_inputs(plan, input.inputs)
        return plan

    async def _check_inputs(self, plan: ExecutionPlan, inputs: dict[str, Any]) -> None:
        """A run started without the API (Temporal CLI) gets the API's run-input check."""

        def lookup(uri: str) -> ArtifactRef | None:
            if self._artifacts is None:
                return None
            try:
                return self._artifacts.get(artifact_id_from_uri(uri) or "")[1]
            except (ArtifactNotFound, ValueError):
                return None

        problems = await asyncio.to_thread(run_input_problems, plan, inputs, lookup)
        if problems:
            unique = list(dict.fromkeys(p.message for p in problems))
            raise ApplicationError(
                "the run's inputs cannot run this app: " + "; ".join(unique),
                type=RUN_INPUT_INVALID,
                non_retryable=True,
            )
