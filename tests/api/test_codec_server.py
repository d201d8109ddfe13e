"""``POST /codec/decode`` and ``/codec/encode``: Temporal's remote-codec protocol, with the
caller's token and role checked and CORS for the Temporal Web UI's origin."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ApiConfig
from tests.auth_support import GENEROUS_AUTH, auth_headers
from workers.payload_codec import AesGcmPayloadCodec, new_key_line, parse_keys

UI_ORIGIN = "http://127.0.0.1:48233"
CONSOLE_ORIGIN = "http://localhost:3000"
SECRET = b'{"borrower": "Zanzibar Widget Holdings", "revenue": 18500000}'


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def clear_payload() -> dict[str, object]:
    return {"metadata": {"encoding": b64(b"json/plain")}, "data": b64(SECRET)}


@pytest.fixture(scope="module")
def codec() -> AesGcmPayloadCodec:
    return AesGcmPayloadCodec(parse_keys([new_key_line("ui-key")], "test"))


@pytest.fixture(scope="module")
def codec_client(sqlite_url: str, codec: AesGcmPayloadCodec) -> Iterator[TestClient]:
    app = create_app(
        ApiConfig(
            database_url=sqlite_url,
            cors_origins=[CONSOLE_ORIGIN],
            codec_cors_origins=[UI_ORIGIN],
            auth=GENEROUS_AUTH,
        ),
        payload_codec=codec,
    )
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def test_encode_then_decode_round_trips_and_hides_the_data(codec_client: TestClient) -> None:
    operator = auth_headers("operator", ("*",))
    encoded = codec_client.post(
        "/codec/encode", json={"payloads": [clear_payload()]}, headers=operator
    )
    assert encoded.status_code == 200, encoded.text
    sealed = encoded.json()["payloads"][0]
    assert base64.b64decode(sealed["metadata"]["encoding"]) == b"binary/encrypted"
    assert base64.b64decode(sealed["metadata"]["encryption-key-id"]) == b"ui-key"
    assert b"Zanzibar" not in base64.b64decode(sealed["data"])
    decoded = codec_client.post(
        "/codec/decode",
        json={"payloads": [sealed]},
        headers=auth_headers("viewer", ("*",)) | {"X-Namespace": "default"},
    )
    assert decoded.status_code == 200, decoded.text
    assert decoded.json() == {"payloads": [clear_payload()]}


async def test_decode_opens_what_workers_encrypted(
    codec_client: TestClient, codec: AesGcmPayloadCodec
) -> None:
    from temporalio.api.common.v1 import Payload

    (sealed,) = await codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=SECRET)])
    body = {
        "payloads": [
            {"metadata": {k: b64(v) for k, v in sealed.metadata.items()}, "data": b64(sealed.data)}
        ]
    }
    answer = codec_client.post("/codec/decode", json=body, headers=auth_headers("viewer"))
    assert answer.status_code == 200
    assert base64.b64decode(answer.json()["payloads"][0]["data"]) == SECRET


def test_no_token_is_401_and_one_team_is_403(codec_client: TestClient) -> None:
    body = {"payloads": [clear_payload()]}
    assert codec_client.post("/codec/decode", json=body).status_code == 401
    one_team = codec_client.post(
        "/codec/decode", json=body, headers=auth_headers("admin", ("team-a",))
    )
    assert one_team.status_code == 403
    assert "team '*'" in one_team.json()["detail"]


def test_encode_needs_the_operator_role(codec_client: TestClient) -> None:
    body = {"payloads": [clear_payload()]}
    viewer = codec_client.post("/codec/encode", json=body, headers=auth_headers("viewer"))
    assert viewer.status_code == 403
    assert "operator" in viewer.json()["detail"]


def test_a_payload_of_an_unknown_key_is_a_422_naming_it(codec_client: TestClient) -> None:
    other = AesGcmPayloadCodec(parse_keys([new_key_line("retired")], "test"))
    from temporalio.api.common.v1 import Payload

    sealed = other.encrypt(Payload(metadata={"encoding": b"json/plain"}, data=b"1"))
    body = {
        "payloads": [
            {"metadata": {k: b64(v) for k, v in sealed.metadata.items()}, "data": b64(sealed.data)}
        ]
    }
    answer = codec_client.post("/codec/decode", json=body, headers=auth_headers("viewer"))
    assert answer.status_code == 422
    assert "'retired'" in answer.text


def test_bad_base64_and_another_namespace_are_422(codec_client: TestClient) -> None:
    viewer = auth_headers("viewer")
    bad = codec_client.post("/codec/decode", json={"payloads": [{"data": "***"}]}, headers=viewer)
    assert bad.status_code == 422
    other = codec_client.post(
        "/codec/decode",
        json={"payloads": []},
        headers=viewer | {"X-Namespace": "someone-else"},
    )
    assert other.status_code == 422
    assert "someone-else" in other.text


def test_the_web_ui_origin_passes_the_preflight_with_its_headers(codec_client: TestClient) -> None:
    preflight = codec_client.options(
        "/codec/decode",
        headers={
            "Origin": UI_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == UI_ORIGIN
    assert "x-namespace" in preflight.headers["access-control-allow-headers"].lower()
    answer = codec_client.post(
        "/codec/decode",
        json={"payloads": [clear_payload()]},
        headers=auth_headers("viewer") | {"Origin": UI_ORIGIN},
    )
    assert answer.status_code == 200
    assert answer.headers.get_list("access-control-allow-origin") == [UI_ORIGIN]


def test_other_origins_get_no_cors_on_the_codec(codec_client: TestClient) -> None:
    for origin in ("http://evil.example", CONSOLE_ORIGIN):
        preflight = codec_client.options(
            "/codec/decode",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-namespace",
            },
        )
        assert preflight.status_code == 400
        assert "access-control-allow-origin" not in preflight.headers
    # The console's own CORS is untouched elsewhere.
    console = codec_client.options(
        "/apps",
        headers={"Origin": CONSOLE_ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    assert console.headers["access-control-allow-origin"] == CONSOLE_ORIGIN
