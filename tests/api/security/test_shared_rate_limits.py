"""HUB_RATE_LIMIT_STORAGE=redis://…: two API processes count against one limit.

Two API app instances (as two ``hub api`` processes would be) on one database and one
Redis: a principal's burst is spent across both, then both answer 429; with the
default in-memory storage each instance would grant the whole burst again.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ApiConfig, AuthConfig
from tests.auth_support import auth_headers

REDIS_HOST, REDIS_PORT = "127.0.0.1", int(os.environ.get("HUB_TEST_REDIS_PORT", "6379"))
BURST = 4


@pytest.fixture(scope="module")
def redis_url() -> str:
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2).close()
    except OSError as exc:
        reason = f"!!! Redis at {REDIS_HOST}:{REDIS_PORT} is unreachable ({exc}) !!!"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


def _two_api_instances(database_url: str, storage: str | None) -> Iterator[list[TestClient]]:
    auth = AuthConfig(rate_limit_per_minute=1, rate_limit_burst=BURST, rate_limit_storage=storage)
    with ExitStack() as stack:
        clients = []
        for _ in range(2):
            app = create_app(ApiConfig(database_url=database_url, auth=auth))
            clients.append(stack.enter_context(TestClient(app)))
            stack.callback(app.state.engine.dispose)
        yield clients


@pytest.fixture
def shared(security_db: str, redis_url: str) -> Iterator[list[TestClient]]:
    yield from _two_api_instances(security_db, redis_url)


@pytest.fixture
def separate(security_db: str) -> Iterator[list[TestClient]]:
    yield from _two_api_instances(security_db, None)


def test_two_api_instances_share_one_limit_through_redis(shared: list[TestClient]) -> None:
    one, two = shared
    headers = auth_headers("viewer", ["t1"], subject=f"shared-{uuid.uuid4().hex[:8]}")
    answers = [
        (one if index % 2 else two).get("/apps", headers=headers).status_code
        for index in range(BURST)
    ]
    assert answers == [200] * BURST
    # The burst is spent on both instances together.
    for client in (one, two):
        refused = client.get("/apps", headers=headers)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
    # Another principal has its own limit.
    other = auth_headers("viewer", ["t1"], subject=f"other-{uuid.uuid4().hex[:8]}")
    assert two.get("/apps", headers=other).status_code == 200


def test_in_memory_limits_are_per_instance(separate: list[TestClient]) -> None:
    one, two = separate
    headers = auth_headers("viewer", ["t1"], subject=f"local-{uuid.uuid4().hex[:8]}")
    assert [one.get("/apps", headers=headers).status_code for _ in range(BURST)] == [200] * BURST
    assert one.get("/apps", headers=headers).status_code == 429
    # The other process never saw those requests: the documented trade-off.
    assert two.get("/apps", headers=headers).status_code == 200
