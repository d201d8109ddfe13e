"""Temporal errors that reach the error mapping: an outage is a 503 saying what to do."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from temporalio.service import RPCError, RPCStatusCode

from api.errors import install_error_handlers


def app_raising(error: RPCError) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise error

    return TestClient(app, raise_server_exceptions=False)


def test_temporal_unavailable_after_connecting_is_a_503_with_the_fix() -> None:
    for status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        answer = app_raising(RPCError("connection refused", status, b"")).get("/boom")
        assert answer.status_code == 503
        assert (
            "hub up" in answer.json()["detail"] and "connection refused" in answer.json()["detail"]
        )


def test_other_temporal_refusals_are_a_500_with_temporals_words() -> None:
    answer = app_raising(RPCError("namespace gone", RPCStatusCode.INTERNAL, b"")).get("/boom")
    assert answer.status_code == 500 and "namespace gone" in answer.json()["detail"]
