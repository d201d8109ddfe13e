"""Schedules of runs on Temporal Schedules: the hub keeps a row per schedule (its app,
team and definition), Temporal's schedule of the same id does the firing.

Each fire starts ``OrchestrationWorkflow`` with only the app id and the inputs, so the
workflow loads the release deployed *at fire time* (and checks the inputs against it,
failing at once with the API's message when they no longer fit). The started run's
search attributes say ``HubTrigger=schedule`` and the schedule's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleBackfill,
    ScheduleHandle,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from api.errors import ConflictError, InvalidInputError, NotFoundError, ValidationErrorItem
from api.runs.service import trigger_search_attributes
from api.schedules.cron import check_cron
from api.temporal import TemporalGateway
from schemas.names import ORCHESTRATOR_QUEUE, WORKFLOW_TYPE
from schemas.runs import RunInput
from schemas.triggers import (
    OverlapPolicy,
    RunTrigger,
    SchedulePublic,
)
from schemas.triggers import (
    ScheduleBackfill as ScheduleBackfillBody,
)
from schemas.workflow_contract import APP_ID_KEY
from storage.models import App, utc_now
from storage.models import Schedule as ScheduleRow

OVERLAP: dict[OverlapPolicy, ScheduleOverlapPolicy] = {
    "skip": ScheduleOverlapPolicy.SKIP,
    "buffer_one": ScheduleOverlapPolicy.BUFFER_ONE,
    "allow_all": ScheduleOverlapPolicy.ALLOW_ALL,
}
#: Fire times shown with a schedule.
NEXT_FIRE_TIMES = 5
#: Fired workflows are ``run-<schedule id>-<fire time>`` (Temporal appends the time).
SCHEDULE_RUN_PREFIX = "run-"


class ScheduleNotFound(NotFoundError):
    """404: no such schedule (or one of another team's apps)."""


def check_definition(definition: dict[str, Any]) -> None:
    """422 for a definition Temporal would refuse or misread: cron with its position,
    both or neither of cron and interval, an unknown time zone."""
    cron, interval = definition.get("cron"), definition.get("interval_seconds")
    items: list[ValidationErrorItem] = []
    if (cron is None) == (interval is None):
        raise InvalidInputError.at(
            ("body", "cron"),
            'give exactly one of "cron" (e.g. "0 7 * * MON") and "interval_seconds"',
        )
    if cron is not None:
        problem = check_cron(cron)
        if problem is not None:
            item = InvalidInputError.at(
                ("body", "cron"),
                f"invalid cron {cron!r} at position {problem.position}: {problem.message}",
                "cron_invalid",
            ).items[0]
            item.line, item.column = 1, problem.position
            items.append(item)
    timezone = definition.get("timezone") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        items += InvalidInputError.at(
            ("body", "timezone"),
            f"{timezone!r} is not an IANA time zone (e.g. 'Europe/Oslo', 'UTC')",
        ).items
    if items:
        raise InvalidInputError(items)


def temporal_schedule(schedule_id: str, app_id: str, definition: dict[str, Any]) -> Schedule:
    """The Temporal schedule of a hub schedule definition."""
    cron, interval = definition.get("cron"), definition.get("interval_seconds")
    trigger = RunTrigger(kind="schedule", id=schedule_id)
    catchup = definition.get("catchup_window_seconds")
    return Schedule(
        action=ScheduleActionStartWorkflow(
            WORKFLOW_TYPE,
            RunInput(
                app_id=app_id,
                inputs=definition.get("inputs") or {},
                records=True,
                worker_records_end=True,
            ),
            id=f"{SCHEDULE_RUN_PREFIX}{schedule_id}",
            task_queue=ORCHESTRATOR_QUEUE,
            typed_search_attributes=TypedSearchAttributes(
                [SearchAttributePair(APP_ID_KEY, app_id), *trigger_search_attributes(trigger)]
            ),
        ),
        spec=ScheduleSpec(
            cron_expressions=[cron] if cron else [],
            intervals=[ScheduleIntervalSpec(every=timedelta(seconds=interval))] if interval else [],
            time_zone_name=definition.get("timezone") or "UTC",
        ),
        policy=SchedulePolicy(
            overlap=OVERLAP[definition.get("overlap") or "skip"],
            catchup_window=timedelta(seconds=catchup) if catchup else None,
        ),
        state=ScheduleState(
            paused=bool(definition.get("paused")), note=definition.get("note") or None
        ),
    )


@dataclass
class ScheduleService:
    session: Session
    gateway: TemporalGateway

    async def _client(self) -> Client:
        return await self.gateway.client()

    async def _handle(self, schedule_id: str) -> ScheduleHandle:
        return (await self._client()).get_schedule_handle(schedule_id)

    def rows_of(self, app_id: str) -> list[ScheduleRow]:
        return list(
            self.session.scalars(
                select(ScheduleRow)
                .where(ScheduleRow.app_id == app_id)
                .order_by(ScheduleRow.created_at, ScheduleRow.id)
            )
        )

    async def create(self, app: App, definition: dict[str, Any], created_by: str) -> SchedulePublic:
        check_definition(definition)
        row = ScheduleRow(app_id=app.id, definition=definition, created_by=created_by)
        self.session.add(row)
        self.session.flush()
        client = await self._client()
        try:
            await client.create_schedule(row.id, temporal_schedule(row.id, app.id, definition))
        except RPCError as exc:
            self.session.rollback()
            if exc.status == RPCStatusCode.INVALID_ARGUMENT:
                raise InvalidInputError.at(
                    ("body",), f"Temporal refused the schedule: {exc.message}"
                ) from exc
            raise
        self.session.commit()
        return await self.public(row)

    async def public(self, row: ScheduleRow) -> SchedulePublic:
        definition = dict(row.definition)
        public = SchedulePublic(
            id=row.id,
            app_id=row.app_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
            **{k: v for k, v in definition.items() if k in SchedulePublic.model_fields},
        )
        try:
            description = await (await self._handle(row.id)).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return public
            raise
        public.paused = description.schedule.state.paused
        public.note = description.schedule.state.note or ""
        public.next_fire_times = list(description.info.next_action_times[:NEXT_FIRE_TIMES])
        public.recent_runs = [
            result.action.workflow_id
            for result in description.info.recent_actions
            if isinstance(result.action, ScheduleActionExecutionStartWorkflow)
        ]
        return public

    async def update(self, row: ScheduleRow, changes: dict[str, Any]) -> SchedulePublic:
        definition = {**row.definition, **changes}
        if "cron" in changes and changes["cron"] is not None:
            definition["interval_seconds"] = None
        if "interval_seconds" in changes and changes["interval_seconds"] is not None:
            definition["cron"] = None
        check_definition(definition)
        wanted = temporal_schedule(row.id, row.app_id, definition)

        def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=wanted)

        await (await self._handle(row.id)).update(replace)
        row.definition = definition
        row.updated_at = utc_now()
        self.session.commit()
        return await self.public(row)

    async def set_paused(self, row: ScheduleRow, paused: bool, note: str = "") -> SchedulePublic:
        handle = await self._handle(row.id)
        if paused:
            await handle.pause(note=note or "paused through the hub API")
        else:
            await handle.unpause(note=note or "unpaused through the hub API")
        row.definition = {**row.definition, "paused": paused}
        if note:
            row.definition = {**row.definition, "note": note}
        row.updated_at = utc_now()
        self.session.commit()
        return await self.public(row)

    async def trigger(self, row: ScheduleRow) -> SchedulePublic:
        await (await self._handle(row.id)).trigger(overlap=ScheduleOverlapPolicy.ALLOW_ALL)
        return await self.public(row)

    async def backfill(self, row: ScheduleRow, body: ScheduleBackfillBody) -> SchedulePublic:
        if body.end_time <= body.start_time:
            raise InvalidInputError.at(("body", "end_time"), "end_time must be after start_time")
        await (await self._handle(row.id)).backfill(
            ScheduleBackfill(
                start_at=body.start_time, end_at=body.end_time, overlap=OVERLAP[body.overlap]
            )
        )
        return await self.public(row)

    async def delete(self, row: ScheduleRow) -> None:
        try:
            await (await self._handle(row.id)).delete()
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
        self.session.delete(row)
        self.session.commit()

    async def pause_all(self, app_id: str, note: str) -> int:
        """Pause every schedule of ``app_id`` (archiving the app); returns how many."""
        rows = self.rows_of(app_id)
        for row in rows:
            if not row.definition.get("paused"):
                try:
                    await (await self._handle(row.id)).pause(note=note)
                except RPCError as exc:
                    if exc.status != RPCStatusCode.NOT_FOUND:
                        raise
                row.definition = {**row.definition, "paused": True, "note": note}
                row.updated_at = utc_now()
        self.session.commit()
        return len(rows)


def require_schedule(session: Session, schedule_id: str, can_see: Any) -> ScheduleRow:
    """The schedule or a 404 (another team's schedule answers the same)."""
    row = session.get(ScheduleRow, schedule_id) if len(schedule_id) <= 40 else None
    app = session.get(App, row.app_id) if row is not None else None
    if row is None or app is None or not can_see(app.team_id):
        raise ScheduleNotFound(
            f"Schedule {schedule_id!r} not found; list an app's schedules with "
            "GET /apps/{app_id}/schedules."
        )
    return row


def refuse_archived(app: App) -> None:
    if app.status == "archived":
        raise ConflictError(f"App {app.id!r} is archived; archived apps cannot be scheduled.")
