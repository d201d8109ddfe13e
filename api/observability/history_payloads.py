"""Opening the encrypted payloads of a history that the API reads itself (traces).

Workflow results, queries and updates come back through the client, whose data
converter decrypts them; a fetched history does not, so its payloads are decrypted here
with the same codec before the trace reader looks at them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import HistoryEvent
from temporalio.converter import PayloadCodec

_PAYLOAD = Payload.DESCRIPTOR.full_name
#: Search attributes are indexed by the server, so never encrypted: nothing to open.
_SKIPPED = {"temporal.api.common.v1.SearchAttributes"}


def payloads_in(message: Message) -> Iterator[Payload]:
    if message.DESCRIPTOR.full_name == _PAYLOAD:
        yield message  # type: ignore[misc]
        return
    for field, value in message.ListFields():
        kind = field.message_type
        if kind is None or kind.full_name in _SKIPPED:
            continue
        if kind.GetOptions().map_entry:
            if kind.fields_by_name["value"].message_type is not None:
                for item in value.values():
                    yield from payloads_in(item)
        elif field.is_repeated:
            for item in value:
                yield from payloads_in(item)
        else:
            yield from payloads_in(value)


async def decode_history_payloads(
    events: Iterable[HistoryEvent], codec: PayloadCodec | None
) -> None:
    """Decrypt, in place, every payload of ``events`` that ``codec`` can open; a payload
    it cannot open (a key no longer configured) stays as it is and shows without contents."""
    if codec is None:
        return
    for event in events:
        for payload in list(payloads_in(event)):
            try:
                (opened,) = await codec.decode([payload])
            except ValueError:
                continue
            if opened is not payload:
                payload.CopyFrom(opened)
