"""Oversized bodies are refused with 413, whether sized or chunked; nothing is stored."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient


def _limit(api_app: FastAPI) -> int:
    return int(api_app.state.config.max_body_bytes)


def test_oversized_body_with_content_length_is_413(client: TestClient, api_app: FastAPI) -> None:
    name = f"big {uuid.uuid4().hex}"
    body = json.dumps({"name": name, "description": "x" * _limit(api_app)}).encode()
    response = client.post("/apps", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "larger than this server accepts" in response.json()["detail"]
    assert client.get("/apps", params={"q": name}).json() == []


def test_oversized_chunked_body_is_413(client: TestClient, api_app: FastAPI) -> None:
    chunk = b"x" * 16384
    count = _limit(api_app) // len(chunk) + 2

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "chunked", "description": "'
        for _ in range(count):
            yield chunk
        yield b'"}'

    # A generator body has no Content-Length: it is sent with chunked transfer encoding.
    response = client.post("/apps", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "larger than this server accepts" in response.json()["detail"]


def test_oversized_yaml_read_by_the_route_itself_is_413(
    client: TestClient, api_app: FastAPI, new_app: dict[str, object]
) -> None:
    def chunks() -> Iterator[bytes]:
        yield f'app_id: "{new_app["id"]}"\nname: "'.encode()
        for _ in range(_limit(api_app) // 8192 + 2):
            yield b"y" * 8192
        yield b'"\n'

    response = client.put(
        f"/orchestration/{new_app['id']}",
        content=chunks(),
        headers={"Content-Type": "application/yaml"},
    )
    assert response.status_code == 413
    assert client.get(f"/orchestration/{new_app['id']}").status_code == 404


def test_bodies_under_the_limit_pass(client: TestClient, api_app: FastAPI) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "small chunked", "description": "'
        yield b"z" * 1000
        yield b'"}'

    response = client.post("/apps", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 201
    assert len(response.json()["description"]) == 1000
