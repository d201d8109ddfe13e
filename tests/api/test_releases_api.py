"""``GET /apps/{id}/releases``: the release history, newest first, keyset-paged."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _deploy(client: TestClient, app_id: str) -> str:
    response = client.post(f"/apps/{app_id}/deploy")
    assert response.status_code == 200, response.text
    return str(response.json()["version"])


def test_release_history_newest_first_with_paging_and_yaml(
    client: TestClient, pipeline: dict[str, str], deployable_yaml: str
) -> None:
    app_id = pipeline["app_id"]
    assert client.get(f"/apps/{app_id}/releases").json() == []  # a draft has none
    put = client.put(
        f"/orchestration/{app_id}",
        content=deployable_yaml,
        headers={"Content-Type": "application/yaml"},
    )
    assert put.status_code == 200, put.text
    versions = [_deploy(client, app_id), _deploy(client, app_id)]
    # A changed orchestration makes a release with another orchestration hash.
    changed = deployable_yaml.replace('name: "Credit Memo Pipeline"', 'name: "Memo v2"')
    assert changed != deployable_yaml
    client.put(
        f"/orchestration/{app_id}", content=changed, headers={"Content-Type": "application/yaml"}
    )
    versions.append(_deploy(client, app_id))
    assert versions == ["1.0.0", "1.1.0", "1.2.0"]

    first = client.get(f"/apps/{app_id}/releases", params={"limit": 2})
    assert first.status_code == 200, first.text
    assert first.headers["X-Total-Count"] == "3"
    page = first.json()
    assert [r["version"] for r in page] == ["1.2.0", "1.1.0"]
    assert [r["current"] for r in page] == [True, False]
    newest, middle = page
    assert newest["deployed_by"] and newest["deployed_by"] == middle["deployed_by"]
    assert newest["orchestration_hash"] != middle["orchestration_hash"]
    assert newest["step_count"] == 3
    assert {a["id"] for a in newest["agents"]} == {
        pipeline["agent1"],
        pipeline["agent2"],
        pipeline["agent3"],
    }
    assert all(a["type"] and a["model"] for a in newest["agents"])

    rest = client.get(
        f"/apps/{app_id}/releases", params={"limit": 2, "cursor": first.headers["X-Next-Cursor"]}
    )
    assert [r["version"] for r in rest.json()] == ["1.0.0"]
    assert "X-Next-Cursor" not in rest.headers
    assert rest.json()[0]["orchestration_hash"] == middle["orchestration_hash"]

    detail = client.get(f"/apps/{app_id}/releases/{newest['id']}")
    assert detail.status_code == 200, detail.text
    assert "name: Memo v2" in detail.json()["orchestration_yaml"]
    old = client.get(f"/apps/{app_id}/releases/{rest.json()[0]['id']}").json()
    assert "Credit Memo Pipeline" in old["orchestration_yaml"]


def test_release_errors(client: TestClient, new_app: dict[str, object]) -> None:
    app_id = new_app["id"]
    assert client.get("/apps/app-nope/releases").status_code == 404
    assert client.get(f"/apps/{app_id}/releases/rel-nope").status_code == 404
    bad = client.get(f"/apps/{app_id}/releases", params={"cursor": "rel-nope"})
    assert bad.status_code == 422
    assert "cursor" in bad.text
