"""``/codec``: the codec server of Temporal's Web UI and CLI (Temporal's remote-codec protocol).

The Web UI (``--ui-codec-endpoint``, or its "Codec Server" setting) posts the encrypted
payloads of the history it shows to ``/codec/decode`` and shows what comes back; the CLI
and the UI post to ``/codec/encode`` what they send into a workflow. The caller's bearer
token is checked like on every route; since the Web UI shows every team's runs, only a
principal of every team (``*``) may use it — ``viewer`` to decode, ``operator`` to encode.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Header, Request
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from api.auth.dependencies import ForbiddenError, OperatorDep, ViewerDep
from api.auth.principals import Principal
from api.errors import InvalidInputError, error_responses
from schemas.codec import CodecPayload, CodecPayloads

router = APIRouter(prefix="/codec", tags=["codec"])


def _all_teams(principal: Principal) -> None:
    if not principal.all_teams:
        raise ForbiddenError(
            "The codec server opens every team's payloads; it needs a token of team '*'."
        )


def _namespace(request: Request, namespace: str | None) -> None:
    served: str = request.app.state.config.temporal_namespace
    if namespace and namespace != served:
        raise InvalidInputError.at(
            ("header", "x-namespace"),
            f"this codec server serves namespace {served!r}, not {namespace!r}",
        )


def _to_proto(body: CodecPayloads) -> list[Payload]:
    payloads = []
    for index, item in enumerate(body.payloads):
        try:
            payloads.append(
                Payload(
                    metadata={
                        k: base64.b64decode(v, validate=True) for k, v in item.metadata.items()
                    },
                    data=base64.b64decode(item.data, validate=True),
                )
            )
        except (binascii.Error, ValueError) as exc:
            raise InvalidInputError.at(
                ("body", "payloads", index), "metadata values and data must be base64"
            ) from exc
    return payloads


def _from_proto(payloads: list[Payload]) -> CodecPayloads:
    return CodecPayloads(
        payloads=[
            CodecPayload(
                metadata={k: base64.b64encode(v).decode() for k, v in p.metadata.items()},
                data=base64.b64encode(p.data).decode(),
            )
            for p in payloads
        ]
    )


async def _apply(request: Request, body: CodecPayloads, *, encode: bool) -> CodecPayloads:
    codec: PayloadCodec | None = request.app.state.payload_codec
    payloads = _to_proto(body)
    if codec is None:  # no keys configured: payloads are in clear, nothing to do
        return _from_proto(payloads)
    done: list[Payload] = []
    for index, payload in enumerate(payloads):
        try:
            done += await (codec.encode([payload]) if encode else codec.decode([payload]))
        except ValueError as exc:  # a key the ring does not hold, tampered data
            raise InvalidInputError.at(("body", "payloads", index), str(exc)) from exc
    return _from_proto(done)


NamespaceHeader = Annotated[str | None, Header(alias="X-Namespace")]


@router.post(
    "/decode",
    response_model=CodecPayloads,
    summary="Decode (decrypt) payloads for the Temporal Web UI or CLI",
    responses=error_responses(403, 422),
)
async def decode_payloads(
    request: Request, body: CodecPayloads, principal: ViewerDep, x_namespace: NamespaceHeader = None
) -> CodecPayloads:
    _all_teams(principal)
    _namespace(request, x_namespace)
    return await _apply(request, body, encode=False)


@router.post(
    "/encode",
    response_model=CodecPayloads,
    summary="Encode (encrypt) payloads for the Temporal Web UI or CLI",
    responses=error_responses(403, 422),
)
async def encode_payloads(
    request: Request,
    body: CodecPayloads,
    principal: OperatorDep,
    x_namespace: NamespaceHeader = None,
) -> CodecPayloads:
    _all_teams(principal)
    _namespace(request, x_namespace)
    return await _apply(request, body, encode=True)
