"""``/settings/prices``: the file is the default; a table PUT by a platform admin replaces it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from storage.prices import DatabasePrices
from tests.auth_support import auth_headers

TABLE = {
    "prices": [
        {"provider": "openai", "model": "gpt-4o", "input": 2.0, "output": 8.0},
        {"provider": "openai", "model": "*", "input": 1.0, "output": 1.0},
        {"provider": "local", "model": "*", "input": 0, "output": 0},
    ]
}


@pytest.fixture
def reset(client: TestClient) -> Iterator[None]:
    yield
    client.delete("/settings/prices")


def test_file_table_then_stored_table_then_reset(
    client: TestClient, api_app: FastAPI, reset: None
) -> None:
    shipped = client.get("/settings/prices", headers=auth_headers("viewer", ("team-a",)))
    assert shipped.status_code == 200, shipped.text
    body = shipped.json()
    assert body["source"] == "file" and body["file"].endswith("prices.yaml")
    assert {"provider": "openai", "model": "gpt-4o", "input": 2.5, "output": 10.0} in body["prices"]

    put = client.put("/settings/prices", json=TABLE)
    assert put.status_code == 200, put.text
    stored = put.json()
    assert stored["source"] == "database" and stored["updated_by"]
    assert sorted((p["provider"], p["model"]) for p in stored["prices"]) == [
        ("local", "*"),
        ("openai", "*"),
        ("openai", "gpt-4o"),
    ]
    assert client.get("/settings/prices").json()["prices"] == stored["prices"]

    # Workers price steps with the stored table (and the provider's "*" for the rest).
    prices = DatabasePrices(api_app.state.session_factory, ttl_seconds=0)
    assert prices.cost("openai", "gpt-4o-2024-08-06", 1_000_000, 1_000_000) == 10.0
    assert prices.cost("openai", "o3-mini", 1_000_000, 0) == 1.0
    assert prices.cost("anthropic", "claude-opus-4", 1_000_000, 0) == 0.0  # not in the table

    audit = client.get("/audit", params={"action": "prices.update"}).json()
    assert audit and audit[0]["after"]["source"] == "database"
    assert audit[0]["before"]["source"] == "file"

    assert client.delete("/settings/prices").status_code == 204
    assert client.get("/settings/prices").json()["source"] == "file"
    assert prices.cost("anthropic", "claude-opus-4", 1_000_000, 0) == 15.0
    assert client.get("/audit", params={"action": "prices.reset"}).json()


def test_only_platform_admins_change_prices(client: TestClient, reset: None) -> None:
    team_admin = auth_headers("admin", ("team-a",))
    editor = auth_headers("editor", ("*",))
    assert client.put("/settings/prices", json=TABLE, headers=team_admin).status_code == 403
    assert client.put("/settings/prices", json=TABLE, headers=editor).status_code == 403
    assert client.delete("/settings/prices", headers=team_admin).status_code == 403
    assert client.get("/settings/prices").json()["source"] == "file"


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"provider": "openai", "model": "gpt-4o", "input": -1, "output": 1}, "input"),
        ({"provider": "open ai", "model": "gpt-4o", "input": 1, "output": 1}, "provider"),
        ({"provider": "openai", "model": "gpt-4o", "input": 1}, "output"),
    ],
)
def test_invalid_prices_are_422_on_their_field(
    client: TestClient, entry: dict[str, object], field: str
) -> None:
    response = client.put("/settings/prices", json={"prices": [entry]})
    assert response.status_code == 422
    assert any(e["loc"][-1] == field for e in response.json()["detail"]), response.text


def test_a_model_listed_twice_is_422(client: TestClient) -> None:
    twice = {"prices": [TABLE["prices"][0], {**TABLE["prices"][0], "model": "GPT-4o"}]}
    response = client.put("/settings/prices", json=twice)
    assert response.status_code == 422
    assert "listed twice" in response.text
