"""The API's front door: ``GET /`` without a token, the docs pages and their own assets,
malformed JSON (400 with line and column), an API key sent as a token, the 413 wording."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ApiConfig
from tests.auth_support import GENEROUS_AUTH, admin_headers


def test_root_is_a_small_public_index(client: TestClient) -> None:
    response = client.get("/", headers={"Authorization": ""})
    assert response.status_code == 200
    index = response.json()
    assert index["docs"] == "/docs" and index["health"] == "/health"
    assert index["console"] is None
    for path in (index["docs"], index["redoc"], index["health"], index["openapi"]):
        assert client.get(path, headers={"Authorization": ""}).status_code == 200, path


def test_root_sends_browsers_to_the_console_when_one_is_served(sqlite_url: str) -> None:
    config = ApiConfig(database_url=sqlite_url, auth=GENEROUS_AUTH, console_url="/console/")
    with TestClient(create_app(config), follow_redirects=False) as anon:
        browser = anon.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*"})
        assert browser.status_code == 307
        assert browser.headers["location"] == "/console/"
        script = anon.get("/", headers={"Accept": "application/json"})
        assert script.status_code == 200 and script.json()["console"] == "/console/"


def test_docs_pages_load_every_asset_from_this_server(client: TestClient) -> None:
    anonymous = {"Authorization": ""}
    for page, assets in (
        ("/docs", ["swagger-ui-bundle.js", "swagger-ui.css"]),
        ("/redoc", ["redoc.standalone.js"]),
    ):
        html = client.get(page, headers=anonymous)
        assert html.status_code == 200
        assert "cdn." not in html.text and "googleapis" not in html.text
        csp = html.headers["content-security-policy"]
        assert "http" not in csp, csp
        for name in assets:
            assert f'"/docs/assets/{name}"' in html.text
            asset = client.get(f"/docs/assets/{name}", headers=anonymous)
            assert asset.status_code == 200 and len(asset.content) > 100_000, name
    assert client.get("/docs/assets/../../etc/passwd").status_code == 404
    assert client.get("/docs/assets/nothing.js").status_code == 404


def test_malformed_json_is_400_with_line_and_column(client: TestClient) -> None:
    body = b'{\n  "name": "x",\n  "description": oops\n}'
    response = client.post(
        "/apps", content=body, headers={"Content-Type": "application/json", **admin_headers()}
    )
    assert response.status_code == 400, response.text
    (item,) = response.json()["detail"]
    assert (item["line"], item["column"]) == (3, 18)
    assert item["type"] == "json_invalid" and item["path"] == ""
    assert "line 3, column 18" in item["msg"]
    # The orchestration takes JSON or YAML; malformed JSON is a 400 there too.
    app_id = client.post("/apps", json={"name": f"json {uuid.uuid4().hex[:8]}"}).json()["id"]
    spec = client.put(
        f"/orchestration/{app_id}",
        content=b'{"app_id": "x",\n "workflow": [}',
        headers={"Content-Type": "application/json"},
    )
    assert spec.status_code == 400
    assert (spec.json()["detail"][0]["line"], spec.json()["detail"][0]["column"]) == (2, 15)


def test_an_api_key_sent_as_a_bearer_token_says_to_exchange_it(client: TestClient) -> None:
    response = client.get("/apps", headers={"Authorization": "Bearer hubk_notatoken"})
    assert response.status_code == 401
    assert "POST /auth/token" in response.json()["detail"]
    assert "API key" in response.json()["detail"]


def test_413_on_an_upload_does_not_tell_the_user_to_upload(client: TestClient) -> None:
    big = b"x" * (300 * 1024)  # over the suite's TEST_MAX_BODY_BYTES
    upload = client.post("/artifacts", files={"file": ("big.pdf", big)})
    assert upload.status_code == 413
    detail = upload.json()["detail"]
    assert "HUB_MAX_BODY_BYTES" in detail and "as an artifact" not in detail
    other = client.post("/apps", content=big, headers={"Content-Type": "application/json"})
    assert other.status_code == 413
    assert "POST /artifacts" in other.json()["detail"]
