"""The one Temporal client factory: every client carries the pydantic data converter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio.client import Client, Interceptor
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime


async def connect(
    address: str,
    namespace: str = "default",
    *,
    interceptors: Sequence[Interceptor] = (),
    runtime: Runtime | None = None,
) -> Client:
    """Connect to Temporal at ``address`` with the hub's data converter.

    ``interceptors`` (e.g. OpenTelemetry tracing) also apply to workers built on this
    client; ``runtime`` carries telemetry such as the Prometheus metrics endpoint.
    """
    extra: dict[str, Any] = {"runtime": runtime} if runtime is not None else {}
    return await Client.connect(
        address,
        namespace=namespace,
        data_converter=pydantic_data_converter,
        interceptors=list(interceptors),
        **extra,
    )
