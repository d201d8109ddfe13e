"""The builder's draft: a version token (ETag / If-Match), 412 on a stale save with the
current draft, and the platform document's PUT without a token still working."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import pipeline_yaml

YAML = {"Content-Type": "application/yaml"}


def _save(client: TestClient, app_id: str, text: str, etag: str | None):  # type: ignore[no-untyped-def]
    headers = dict(YAML)
    if etag is not None:
        headers["If-Match"] = etag
    return client.put(f"/orchestration/{app_id}/draft", content=text.encode(), headers=headers)


def test_draft_starts_from_the_stored_orchestration_and_saves_with_its_token(
    client: TestClient, pipeline: dict[str, str]
) -> None:
    app_id = pipeline["app_id"]
    text = "# kept as written\n" + pipeline_yaml(pipeline)
    assert client.put(f"/orchestration/{app_id}", content=text.encode(), headers=YAML).is_success

    first = client.get(f"/orchestration/{app_id}/draft")
    assert first.status_code == 200
    assert first.headers["etag"] == '"d-0"'
    assert first.json()["version"] == 0 and first.json()["yaml"] == text
    assert first.json()["deployed"] is None

    # a draft may not even parse: it is work in progress
    broken = text + "  - step: [\n"
    saved = _save(client, app_id, broken, first.headers["etag"])
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"d-1"'
    assert saved.json()["yaml"] == broken and saved.json()["version"] == 1
    # the stored orchestration (what deploy compiles) is untouched by a draft save
    assert client.get(f"/orchestration/{app_id}").json()["yaml"] == text

    again = client.get(f"/orchestration/{app_id}/draft")
    assert again.headers["etag"] == '"d-1"' and again.json()["yaml"] == broken


def test_a_stale_token_is_refused_with_the_current_draft_and_nothing_is_lost(
    client: TestClient, pipeline: dict[str, str]
) -> None:
    app_id = pipeline["app_id"]
    base = client.get(f"/orchestration/{app_id}/draft").headers["etag"]
    alice = _save(client, app_id, "name: alice\n", base)
    assert alice.status_code == 200

    bob = _save(client, app_id, "name: bob\n", base)  # Bob still holds the old token
    assert bob.status_code == 412
    body = bob.json()
    assert body["current"]["version"] == 1
    assert body["current"]["yaml"] == "name: alice\n"
    assert bob.headers["etag"] == '"d-1"'
    assert client.get(f"/orchestration/{app_id}/draft").json()["yaml"] == "name: alice\n"

    # Bob merges onto the current version: accepted
    merged = _save(client, app_id, "name: alice and bob\n", bob.headers["etag"])
    assert merged.status_code == 200 and merged.json()["version"] == 2


def test_a_draft_save_without_if_match_is_refused(
    client: TestClient, new_app: dict[str, object]
) -> None:
    response = _save(client, str(new_app["id"]), "name: x\n", None)
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]


def test_put_orchestration_without_a_token_keeps_working_and_if_match_is_honoured(
    client: TestClient, pipeline: dict[str, str]
) -> None:
    app_id = pipeline["app_id"]
    text = pipeline_yaml(pipeline)
    url = f"/orchestration/{app_id}"
    first = client.put(url, content=text.encode(), headers=YAML)
    assert first.status_code == 200  # no token: as the platform document wrote it
    etag = client.get(url).headers["etag"]
    assert etag == first.headers["etag"]

    changed = client.put(url, content=(text + "# v2\n").encode(), headers=YAML)
    assert changed.status_code == 200
    stale = client.put(
        url, content=(text + "# mine\n").encode(), headers={**YAML, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert client.get(url).json()["yaml"].endswith("# v2\n")

    fresh = client.put(
        url,
        content=(text + "# mine\n").encode(),
        headers={**YAML, "If-Match": changed.headers["etag"]},
    )
    assert fresh.status_code == 200 and fresh.json()["yaml"].endswith("# mine\n")


def test_draft_shows_the_deployed_release_as_written(
    client: TestClient, pipeline: dict[str, str]
) -> None:
    app_id = pipeline["app_id"]
    text = "# the pipeline\n" + pipeline_yaml(pipeline)
    client.put(f"/orchestration/{app_id}", content=text.encode(), headers=YAML)
    deployed = client.post(f"/apps/{app_id}/deploy")
    assert deployed.status_code in (200, 202), deployed.text
    draft = client.get(f"/orchestration/{app_id}/draft").json()
    assert draft["deployed"]["yaml"] == text
    assert draft["deployed"]["version"]


def test_validation_names_steps_and_edges_and_judges_every_edge(
    client: TestClient, pipeline: dict[str, str]
) -> None:
    app_id = pipeline["app_id"]
    text = pipeline_yaml(pipeline)
    # Step 3 (the summarizer) reads the analyzer's risk grade, a string, as its
    # risk_analysis, an object: that edge does not fit.
    text = text.replace(
        '      - source: "{a}"\n        field: "risk_analysis"\n'.format(a=pipeline["agent2"]),
        '      - source: "2"\n        field: "risk_grade"\n        as: "risk_analysis"\n',
    ).replace(
        '      - name: "risk_analysis"\n',
        '      - name: "risk_analysis"\n      - name: "risk_grade"\n',
    )
    report = client.post(
        f"/orchestration/{app_id}/validate", content=text.encode(), headers=YAML
    ).json()
    assert report["valid"] is False
    edges = {e["id"]: e for e in report["edges"]}
    assert edges["trigger.document->1.document"]["fit"] == "cannot_tell"
    assert edges["1.extracted_data->2.extracted_data"]["fit"] == "fits"
    bad = edges["2.risk_grade->3.risk_analysis"]
    assert bad["fit"] == "does_not_fit"
    assert bad["reasons"] and "risk_analysis" in bad["reasons"][0]
    assert bad["line"] == text.splitlines().index('      - source: "2"') + 1
    (error,) = [e for e in report["errors"] if e["edge"]]
    assert error["step_id"] == "3"
    assert error["edge"] == {
        "source": "2",
        "field": "risk_grade",
        "target": "3",
        "input": "risk_analysis",
        "kind": "input",
    }
