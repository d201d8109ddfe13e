"""10,000 apps paged through the API: LIMIT/OFFSET happen in SQL, not in Python."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, insert

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


def test_paging_through_ten_thousand_apps_runs_limit_offset_in_sql(
    client: TestClient, api_app: FastAPI, many_apps: str
) -> None:
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    engine = api_app.state.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        seen: list[str] = []
        offset = 0
        while True:
            statements.clear()
            response = client.get(
                "/apps", params={"q": many_apps, "sort": "name", "limit": PAGE, "offset": offset}
            )
            assert response.status_code == 200
            assert response.headers["x-total-count"] == str(TOTAL)
            page = response.json()
            # Each page's rows come from one SELECT with LIMIT and OFFSET bound to this page.
            selects = [(s, p) for s, p in statements if "FROM apps" in s and "LIMIT" in s.upper()]
            assert len(selects) == 1, statements
            sql, params = selects[0]
            assert "OFFSET" in sql.upper()
            flat = list(params.values()) if isinstance(params, dict) else list(params)
            assert PAGE in flat and (offset in flat or offset == 0)
            if not page:
                break
            assert len(page) <= PAGE
            seen.extend(a["name"] for a in page)
            offset += PAGE
    finally:
        event.remove(engine, "before_cursor_execute", capture)

    assert len(seen) == TOTAL
    assert seen == sorted(seen)  # ordered, no overlap, no gap
    assert len(set(seen)) == TOTAL

    deployed = client.get("/apps", params={"q": many_apps, "status": "deployed", "limit": 1})
    assert deployed.headers["x-total-count"] == str(TOTAL // 4)
