"""``GET /runs/{run_id}/events``: a run's step events as Server-Sent Events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.auth.dependencies import ViewerDep
from api.auth.scoping import require_visible_run
from api.dependencies import SessionDep
from api.errors import error_responses
from api.run_events.service import ensure_run_exists, stream_run_events
from api.temporal import TemporalGateway
from schemas.observability import RunEvent

router = APIRouter(prefix="/runs", tags=["runs"])

#: A comment (``: ping``) this often keeps proxies from closing a quiet stream.
PING_SECONDS = 15.0


@router.get(
    "/{run_id}/events",
    summary="Stream a run's step events (Server-Sent Events)",
    response_class=EventSourceResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "`event: step` per step state change (running, completed, failed, "
            "skipped, canceled, waiting_approval) in order, then one `event: run` with the "
            "run's final status; each `data:` is a JSON RunEvent and each `id:` its `seq`; "
            "a `: ping` comment every 15 s on a quiet stream.",
        },
        **error_responses(404, 503),
    },
)
async def run_events(
    principal: ViewerDep,
    session: SessionDep,
    run_id: Annotated[str, Path(max_length=200)],
    request: Request,
    last_event_id: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            max_length=20,
            description="The `id` of the last event received: a reconnecting client "
            "(EventSource sends it by itself) gets only the events after it.",
        ),
    ] = None,
) -> EventSourceResponse:
    """Follow a run live: events arrive while it is in flight; the stream ends with the
    run's terminal event (a finished run answers its whole event list at once)."""
    require_visible_run(session, principal, run_id)
    gateway: TemporalGateway = request.app.state.temporal
    client = await gateway.client()
    await ensure_run_exists(client, run_id)
    events = stream_run_events(client, run_id, after_seq=_seq(last_event_id))
    return EventSourceResponse(_framed(events), ping=PING_SECONDS, sep="\n")


async def _framed(events: AsyncIterator[RunEvent]) -> AsyncIterator[ServerSentEvent]:
    async for event in events:
        yield ServerSentEvent(event.model_dump_json(), event=event.event, id=str(event.seq))


def _seq(last_event_id: str | None) -> int:
    """The sequence number of a ``Last-Event-ID`` header (0: none, or not ours)."""
    try:
        return max(0, int(last_event_id or 0))
    except ValueError:
        return 0
