"""The one Temporal client factory: every client of the hub is made here.

API, workers, the CLI and the bench all connect through :func:`connect` with a
:class:`TemporalConnection` built from the ``HUB_TEMPORAL_*`` settings, so each carries
the same TLS / mutual TLS / API-key setup, namespace and data converter (pydantic,
plus the payload codec that encrypts what goes into history when one is configured).

A connection that cannot work fails at once with a message naming the setting to fix
(``HUB_TEMPORAL_TLS_CA``, ``HUB_TEMPORAL_TLS_CERT``…): the SDK does not retry a failed
connect, and neither do we, with one exception. A server that is still starting listens
before its frontend serves and answers ``Unavailable: Frontend is not healthy yet``; that
passes within a second or two, so :func:`connect` tries again until its timeout.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from temporalio.client import Client, Interceptor
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

#: How long one connection attempt may take before it is reported (an address that
#: drops packets would otherwise hang the caller).
CONNECT_TIMEOUT_SECONDS = 10.0

#: Seconds between two attempts while the server says it is still starting.
STARTING_RETRY_SECONDS = 0.2

#: What a frontend that listens but does not serve yet answers (server start-up).
STARTING_MARKERS = ("not healthy yet",)


class TemporalConnectionError(ConnectionError):
    """Connecting to Temporal failed; the message names the setting to fix."""


@dataclass(frozen=True)
class TemporalConnection:
    """Where and how to reach the Temporal frontend (the ``HUB_TEMPORAL_*`` settings).

    ``tls=None`` means "decide": TLS is on when an API key, a CA, or a client
    certificate is set, off otherwise (the embedded dev server).
    """

    address: str = "127.0.0.1:7233"
    namespace: str = "default"
    tls: bool | None = None
    tls_ca: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_server_name: str | None = None
    api_key: str | None = field(default=None, repr=False)
    payload_codec: PayloadCodec | None = field(default=None, repr=False)

    @property
    def uses_tls(self) -> bool:
        if self.tls is not None:
            return self.tls
        return bool(self.api_key or self.tls_ca or self.tls_cert or self.tls_key)

    def check(self) -> None:
        """Refuse settings that contradict each other, naming them."""
        if self.api_key and self.tls is False:
            raise TemporalConnectionError(
                "HUB_TEMPORAL_API_KEY implies TLS, but HUB_TEMPORAL_TLS=false; remove "
                "HUB_TEMPORAL_TLS (or set it to true): API keys are never sent in clear text"
            )
        if bool(self.tls_cert) != bool(self.tls_key):
            raise TemporalConnectionError(
                "set HUB_TEMPORAL_TLS_CERT and HUB_TEMPORAL_TLS_KEY together: mutual TLS "
                "needs the client certificate and its private key"
            )
        if self.tls is False and (self.tls_ca or self.tls_cert or self.tls_server_name):
            raise TemporalConnectionError(
                "HUB_TEMPORAL_TLS=false but TLS files or HUB_TEMPORAL_TLS_SERVER_NAME are set; "
                "set HUB_TEMPORAL_TLS=true or unset them"
            )

    def tls_config(self) -> TLSConfig | bool:
        """The SDK's TLS settings (``False``: plaintext), reading the PEM files now."""
        self.check()
        if not self.uses_tls:
            return False
        ca = _read_pem("HUB_TEMPORAL_TLS_CA", self.tls_ca)
        return TLSConfig(
            server_root_ca_cert=ca,
            client_cert=_read_pem("HUB_TEMPORAL_TLS_CERT", self.tls_cert),
            client_private_key=_read_pem("HUB_TEMPORAL_TLS_KEY", self.tls_key),
            # With a private CA the name is checked against the certificate only, so the
            # SNI keeps following the address (what SNI-routing proxies expect); with the
            # system roots the SDK can only override both.
            domain=self.tls_server_name if ca is None else None,
            verification_server_name=self.tls_server_name if ca is not None else None,
        )

    def data_converter(self) -> DataConverter:
        """Pydantic payloads, encrypted by the payload codec when there is one."""
        if self.payload_codec is None:
            return pydantic_data_converter
        return dataclasses.replace(pydantic_data_converter, payload_codec=self.payload_codec)


def _read_pem(setting: str, path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise TemporalConnectionError(
            f"{setting}: cannot read {path} ({exc.strerror or exc}); point it at a PEM file"
        ) from exc


def explain_connect_failure(connection: TemporalConnection, error: BaseException) -> str:
    """What went wrong connecting to ``connection``, naming the setting to fix."""
    text = str(error)
    where = f"Temporal at {connection.address}"
    if "UnknownIssuer" in text or "BadSignature" in text or "UnknownCA" in text:
        return (
            f"{where}: the server's TLS certificate is not signed by a trusted CA; set "
            "HUB_TEMPORAL_TLS_CA to the CA bundle that signed it"
            + (f" (now {connection.tls_ca})" if connection.tls_ca else "")
        )
    if "NotValidForName" in text:
        return (
            f"{where}: the server's TLS certificate is not valid for the name checked"
            + (
                f" ({connection.tls_server_name!r})"
                if connection.tls_server_name
                else " (the address's host)"
            )
            + "; set HUB_TEMPORAL_TLS_SERVER_NAME to a name the certificate carries"
        )
    if "Expired" in text or "NotValidYet" in text:
        return f"{where}: a TLS certificate is expired or not yet valid; renew it ({text})"
    if connection.api_key and ("Unauthenticated" in text or "PermissionDenied" in text):
        return (
            f"{where}: the API key was refused; check HUB_TEMPORAL_API_KEY and that it has "
            f"access to namespace {connection.namespace!r}"
        )
    tls_refused = (
        "CertificateRequired" in text
        or "HandshakeFailure" in text
        or "peer closed connection" in text
        # The TLS 1.3 handshake completes on the client's side before the server checks
        # the client certificate: a refusal shows as the first call's connection closing.
        or ("after connection" in text and ("transport error" in text or "closed" in text))
        or "Unauthenticated" in text
        or "PermissionDenied" in text
    )
    if connection.uses_tls and tls_refused:
        if not connection.tls_cert:
            return (
                f"{where}: the server closed the TLS connection; it requires a client "
                "certificate (mutual TLS): set HUB_TEMPORAL_TLS_CERT and HUB_TEMPORAL_TLS_KEY"
            )
        return (
            f"{where}: the server refused the client certificate; check "
            "HUB_TEMPORAL_TLS_CERT and HUB_TEMPORAL_TLS_KEY (signed by the CA the server trusts)"
        )
    unreachable = ("Connection refused", "dns error", "failed to lookup", "No route to host")
    if not connection.uses_tls and not any(reason in text for reason in unreachable):
        # Something listens but drops a plaintext HTTP/2 client: most often a TLS frontend
        # (the exact error depends on when it hangs up: broken pipe, reset, closed).
        return (
            f"{where}: the connection broke at once ({text[:200]}); if the server requires "
            "TLS, set HUB_TEMPORAL_TLS=true (or HUB_TEMPORAL_API_KEY / the HUB_TEMPORAL_TLS_* "
            "files)"
        )
    if connection.uses_tls and ("InvalidContentType" in text or "CorruptMessage" in text):
        return (
            f"{where}: the server does not speak TLS; unset HUB_TEMPORAL_TLS (and the "
            "HUB_TEMPORAL_TLS_* settings) or fix HUB_TEMPORAL_ADDRESS"
        )
    reason = "connection refused" if "Connection refused" in text else text[:300]
    return (
        f"Temporal is not reachable at {connection.address} ({reason}); start the stack "
        "with `hub up` or set HUB_TEMPORAL_ADDRESS"
    )


async def connect(
    target: TemporalConnection | str,
    namespace: str = "default",
    *,
    interceptors: Sequence[Interceptor] = (),
    runtime: Runtime | None = None,
) -> Client:
    """Connect to Temporal with the hub's data converter (and codec, TLS, API key).

    ``target`` is a :class:`TemporalConnection` (what every process builds from its
    settings) or, for a plaintext local server, just its address (then ``namespace``
    applies). ``interceptors`` (e.g. OpenTelemetry tracing) also apply to workers built
    on this client; ``runtime`` carries telemetry such as the Prometheus metrics
    endpoint. Raises :class:`TemporalConnectionError` naming the setting to fix.
    """
    connection = (
        target
        if isinstance(target, TemporalConnection)
        else TemporalConnection(address=target, namespace=namespace)
    )
    tls = connection.tls_config()
    extra: dict[str, Any] = {"runtime": runtime} if runtime is not None else {}

    async def attempts() -> Client:
        while True:
            try:
                return await Client.connect(
                    connection.address,
                    namespace=connection.namespace,
                    data_converter=connection.data_converter(),
                    interceptors=list(interceptors),
                    tls=tls,
                    api_key=connection.api_key,
                    **extra,
                )
            except RuntimeError as exc:
                if not any(marker in str(exc) for marker in STARTING_MARKERS):
                    raise
            await asyncio.sleep(STARTING_RETRY_SECONDS)

    try:
        return await asyncio.wait_for(attempts(), timeout=CONNECT_TIMEOUT_SECONDS)
    except TimeoutError as exc:
        raise TemporalConnectionError(
            f"Temporal at {connection.address} did not answer in "
            f"{CONNECT_TIMEOUT_SECONDS:.0f}s (or was still starting); check "
            "HUB_TEMPORAL_ADDRESS and the network"
        ) from exc
    except RuntimeError as exc:
        raise TemporalConnectionError(explain_connect_failure(connection, exc)) from exc
