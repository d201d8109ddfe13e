"""10,000 apps paged through the API: LIMIT/OFFSET happen in SQL, not in Python."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert

from storage.models import App

TOTAL = 10_000
PAGE = 200


@pytest.fixture
def many_apps(api_app: FastAPI) -> Iterator[str]:
    """TOTAL apps sharing a unique tag, inserted in bulk; removed afterwards."""
    tag = uuid.uuid4().hex[:10]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rows = [
        {
            "id": f"app-{tag[:4]}{i:08x}",
            "name": f"bulk {tag} {i:05d}",
            "description": "",
            "version": "1.0.0",
            "status": "deployed" if i % 4 == 0 else "draft",
            "created_at": start + timedelta(seconds=i),
            "updated_at": start + timedelta(seconds=i),
        }
        for i in range(TOTAL)
    ]
    with api_app.state.session_factory() as session:
        session.execute(insert(App), rows)
        session.commit()
    yield tag
    with api_app.state.session_factory() as session:
        session.query(App).filter(App.name.like(f"bulk {tag} %")).delete(synchronize_session=False)
        session.commit()


def page_through(client: TestClient, tag: str, by: str, sort: str = "name") -> list[str]:
    """Every app of ``tag``, page by page, by ``offset`` or by ``cursor``."""
    seen: list[str] = []
    offset, cursor = 0, None
    while True:
        params: dict[str, Any] = {"q": tag, "sort": sort, "limit": PAGE}
        if by == "offset":
            params["offset"] = offset
        elif cursor:
            params["cursor"] = cursor
        response = client.get("/apps", params=params)
        assert response.status_code == 200, response.text
        assert response.headers["x-total-count"] == str(TOTAL)
        page = response.json()
        assert len(page) <= PAGE
        seen.extend(a["name"] for a in page)
        cursor = response.headers.get("x-next-cursor")
        if by == "cursor":
            if cursor is None:
                return seen
            assert response.headers["link"].endswith('>; rel="next"')
        elif not page:
            return seen
        offset += PAGE


@pytest.mark.parametrize("by", ["offset", "cursor"])
def test_paging_through_ten_thousand_apps(client: TestClient, many_apps: str, by: str) -> None:
    seen = page_through(client, many_apps, by)
    assert len(seen) == TOTAL
    assert seen == sorted(seen)  # ordered, no overlap, no gap
    assert len(set(seen)) == TOTAL


def test_cursor_paging_by_creation_time_newest_first(client: TestClient, many_apps: str) -> None:
    seen = page_through(client, many_apps, "cursor", sort="-created_at")
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == TOTAL


def test_totals_and_bad_cursors(client: TestClient, many_apps: str) -> None:
    deployed = client.get("/apps", params={"q": many_apps, "status": "deployed", "limit": 1})
    assert deployed.headers["x-total-count"] == str(TOTAL // 4)
    past_the_end = client.get("/apps", params={"q": many_apps, "offset": TOTAL + 5})
    assert past_the_end.json() == [] and past_the_end.headers["x-total-count"] == str(TOTAL)
    assert "x-next-cursor" not in past_the_end.headers
    first = client.get("/apps", params={"q": many_apps, "sort": "name", "limit": 5})
    cursor = first.headers["x-next-cursor"]
    for params in (
        {"cursor": "not-a-cursor"},
        {"cursor": cursor, "sort": "-created_at"},  # made for another sort
        {"cursor": cursor, "sort": "name", "offset": 5},
    ):
        answer = client.get("/apps", params={"q": many_apps, **params})
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["query", "cursor"]
