"""Claim-check: artifacts travel through Temporal history as references only.

Run inputs may be ``artifact://<id>`` URIs (uploaded documents); large agent
outputs are stored and replaced by ``{"$artifact": "artifact://<id>"}``. Both are
turned back into content only in the body sent to an agent, never in history.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from schemas.artifacts import ARTIFACT_REF_KEY, artifact_id_from_uri
from storage.artifacts import ArtifactStore

#: Media type of agent outputs moved to the store; re-hydrated as JSON, not as a document.
OUTPUT_MEDIA_TYPE = "application/vnd.agentic-hub.output+json"


def _json_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), default=str).encode())


async def hydrate(value: Any, store: ArtifactStore) -> Any:
    """A copy of ``value`` with artifact URIs and output references replaced by content.

    ``artifact://`` strings become ``{"artifact_uri", "filename", "media_type",
    "content_base64"}`` objects; ``{"$artifact": uri}`` objects become the JSON value
    that was stored. Raises :class:`storage.artifacts.ArtifactNotFound`.
    """
    if isinstance(value, str):
        artifact_id = artifact_id_from_uri(value)
        if artifact_id is None:
            return value
        data, meta = await asyncio.to_thread(store.get, artifact_id)
        return {
            "artifact_uri": value,
            "filename": meta.filename,
            "media_type": meta.media_type,
            "content_base64": base64.b64encode(data).decode("ascii"),
        }
    if isinstance(value, dict):
        if set(value) == {ARTIFACT_REF_KEY} and isinstance(value[ARTIFACT_REF_KEY], str):
            artifact_id = artifact_id_from_uri(value[ARTIFACT_REF_KEY])
            if artifact_id is not None:
                data, _meta = await asyncio.to_thread(store.get, artifact_id)
                return await hydrate(json.loads(data), store)
        return {key: await hydrate(item, store) for key, item in value.items()}
    if isinstance(value, list):
        return [await hydrate(item, store) for item in value]
    return value


async def externalize_large_outputs(
    outputs: dict[str, Any], store: ArtifactStore, inline_max_bytes: int, *, name_hint: str
) -> dict[str, Any]:
    """``outputs`` with its largest values moved to the store until it fits ``inline_max_bytes``."""
    if _json_size(outputs) <= inline_max_bytes:
        return outputs
    result = dict(outputs)
    sizes = sorted(((_json_size(v), k) for k, v in outputs.items()), reverse=True)
    for _size, key in sizes:
        data = json.dumps(result[key], separators=(",", ":"), default=str).encode()
        ref = await asyncio.to_thread(store.put, data, f"{name_hint}.{key}.json", OUTPUT_MEDIA_TYPE)
        result[key] = {ARTIFACT_REF_KEY: ref.uri}
        if _json_size(result) <= inline_max_bytes:
            break
    return result
