"""The codec server's body: Temporal's ``Payloads`` in protobuf JSON (bytes as base64)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CodecPayload(BaseModel):
    """One ``temporal.api.common.v1.Payload``: metadata values and data base64-encoded."""

    metadata: dict[str, str] = Field(default_factory=dict)
    data: str = ""


class CodecPayloads(BaseModel):
    """What ``POST /codec/encode`` and ``/codec/decode`` take and return."""

    payloads: list[CodecPayload] = Field(default_factory=list)
