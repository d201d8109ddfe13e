"""The ``load_plan`` activity: a run started with only an app id gets its deployed plan."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from temporalio import activity
from temporalio.exceptions import ApplicationError

from schemas.agent_calls import LOAD_PLAN_ACTIVITY, PLAN_NOT_DEPLOYED, LoadPlanInput
from schemas.orchestration import ExecutionPlan

DeployedPlanLoader = Callable[[str], Awaitable[ExecutionPlan | None]]


class PlanActivities:
    """Activities that read releases; the loader comes from storage (or a test)."""

    def __init__(self, load_deployed_plan: DeployedPlanLoader) -> None:
        self._load_deployed_plan = load_deployed_plan

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
        return plan
