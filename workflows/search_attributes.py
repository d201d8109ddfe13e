"""The search attributes a run is found by (keys from :mod:`schemas.workflow_contract`)."""

from __future__ import annotations

from typing import Any

from temporalio.common import (
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)

from schemas.orchestration import ExecutionPlan
from schemas.workflow_contract import (
    AGENT_TYPES_KEY,
    APP_ID_KEY,
    APP_VERSION_KEY,
    EVALUATION_ID_KEY,
    HUB_RUN_ID_KEY,
    HUB_TRIGGER_ID_KEY,
    HUB_TRIGGER_KEY,
    hub_search_attribute_keys,
)

__all__ = [
    "batch_item_search_attributes",
    "evaluation_item_search_attributes",
    "evaluation_search_attributes",
    "hub_search_attribute_keys",
    "missing_updates",
    "run_search_attributes",
]


def batch_item_search_attributes(app_id: str, run_id: str, batch_id: str) -> TypedSearchAttributes:
    """What a batch item's run is found by: its app and run id, and the batch that ran it."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(APP_ID_KEY, app_id),
            SearchAttributePair(HUB_RUN_ID_KEY, run_id),
            SearchAttributePair(HUB_TRIGGER_KEY, "batch"),
            SearchAttributePair(HUB_TRIGGER_ID_KEY, batch_id),
        ]
    )


def run_search_attributes(plan: ExecutionPlan, run_id: str) -> TypedSearchAttributes:
    """What a run of ``plan`` is found by: its app, version, run id and agent types.

    The API sets them when it starts the run; the workflow upserts only those missing
    (a run started some other way, e.g. ``temporal workflow start``), so a run started
    by the API costs the server no search-attribute update.
    """
    pairs: list[SearchAttributePair[Any]] = [
        SearchAttributePair(APP_ID_KEY, plan.app_id),
        SearchAttributePair(HUB_RUN_ID_KEY, run_id),
    ]
    if plan.app_version:
        pairs.append(SearchAttributePair(APP_VERSION_KEY, plan.app_version))
    agent_types = sorted({a.type for a in plan.agents.values() if a.type})
    if agent_types:
        pairs.append(SearchAttributePair(AGENT_TYPES_KEY, agent_types))
    return TypedSearchAttributes(pairs)


def missing_updates(
    wanted: TypedSearchAttributes, current: TypedSearchAttributes
) -> list[SearchAttributeUpdate[Any]]:
    """Upserts that make ``current`` hold every value of ``wanted``."""
    return [
        pair.key.value_set(pair.value) for pair in wanted if current.get(pair.key) != pair.value
    ]


def evaluation_item_search_attributes(
    plan: ExecutionPlan, run_id: str, evaluation_id: str
) -> TypedSearchAttributes:
    """What an evaluation item's run is found by: those of any run of ``plan`` and the
    evaluation's id (production listings and metrics leave such runs out)."""
    pairs = list(run_search_attributes(plan, run_id))
    if not plan.app_version:
        pairs.append(SearchAttributePair(APP_VERSION_KEY, "draft"))
    pairs += [
        SearchAttributePair(HUB_TRIGGER_KEY, "api"),
        SearchAttributePair(EVALUATION_ID_KEY, evaluation_id),
    ]
    return TypedSearchAttributes(pairs)


def evaluation_search_attributes(evaluation_id: str) -> TypedSearchAttributes:
    """The evaluation's own workflow: found by its id, never listed as a run."""
    return TypedSearchAttributes([SearchAttributePair(EVALUATION_ID_KEY, evaluation_id)])
