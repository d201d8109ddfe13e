"""Typed search-attribute keys for the names frozen in :mod:`schemas.names`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)

from schemas.names import SEARCH_ATTRIBUTES
from schemas.orchestration import ExecutionPlan

_KEY_FACTORIES: dict[str, Callable[[str], SearchAttributeKey[Any]]] = {
    "Keyword": SearchAttributeKey.for_keyword,
    "KeywordList": SearchAttributeKey.for_keyword_list,
    "Text": SearchAttributeKey.for_text,
    "Int": SearchAttributeKey.for_int,
    "Double": SearchAttributeKey.for_float,
    "Bool": SearchAttributeKey.for_bool,
    "Datetime": SearchAttributeKey.for_datetime,
}


def hub_search_attribute_keys() -> dict[str, SearchAttributeKey[Any]]:
    """Every hub search attribute as a typed key (to register on a server or upsert)."""
    return {name: _KEY_FACTORIES[kind](name) for name, kind in SEARCH_ATTRIBUTES.items()}


APP_ID = SearchAttributeKey.for_keyword("AppId")
APP_VERSION = SearchAttributeKey.for_keyword("AppVersion")
HUB_RUN_ID = SearchAttributeKey.for_keyword("HubRunId")
AGENT_TYPES = SearchAttributeKey.for_keyword_list("AgentTypes")
HUB_TRIGGER = SearchAttributeKey.for_keyword("HubTrigger")
HUB_TRIGGER_ID = SearchAttributeKey.for_keyword("HubTriggerId")
HUB_EVALUATION_ID = SearchAttributeKey.for_keyword("HubEvaluationId")


def batch_item_search_attributes(app_id: str, run_id: str, batch_id: str) -> TypedSearchAttributes:
    """What a batch item's run is found by: its app and run id, and the batch that ran it."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(APP_ID, app_id),
            SearchAttributePair(HUB_RUN_ID, run_id),
            SearchAttributePair(HUB_TRIGGER, "batch"),
            SearchAttributePair(HUB_TRIGGER_ID, batch_id),
        ]
    )


def run_search_attributes(plan: ExecutionPlan, run_id: str) -> TypedSearchAttributes:
    """What a run of ``plan`` is found by: its app, version, run id and agent types.

    The API sets them when it starts the run; the workflow upserts only those missing
    (a run started some other way, e.g. ``temporal workflow start``), so a run started
    by the API costs the server no search-attribute update.
    """
    pairs: list[SearchAttributePair[Any]] = [
        SearchAttributePair(APP_ID, plan.app_id),
        SearchAttributePair(HUB_RUN_ID, run_id),
    ]
    if plan.app_version:
        pairs.append(SearchAttributePair(APP_VERSION, plan.app_version))
    agent_types = sorted({a.type for a in plan.agents.values() if a.type})
    if agent_types:
        pairs.append(SearchAttributePair(AGENT_TYPES, agent_types))
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
        pairs.append(SearchAttributePair(APP_VERSION, "draft"))
    pairs += [
        SearchAttributePair(HUB_TRIGGER, "api"),
        SearchAttributePair(HUB_EVALUATION_ID, evaluation_id),
    ]
    return TypedSearchAttributes(pairs)


def evaluation_search_attributes(evaluation_id: str) -> TypedSearchAttributes:
    """The evaluation's own workflow: found by its id, never listed as a run."""
    return TypedSearchAttributes([SearchAttributePair(HUB_EVALUATION_ID, evaluation_id)])
