"""Datasets, gates and the evaluation endpoints' refusals, on SQLite and PostgreSQL.

What needs the engine (evaluations that run, gated deploys) is in
``tests/e2e/test_evaluations.py``.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from storage.evaluations import DatasetRepository, production_runs_only
from storage.models import EvaluationRun, StepResult
from storage.observability import ObservabilityRepository
from tests.auth_support import auth_headers

ITEM = {
    "inputs": {"document": "plain text of a memo"},
    "expected": {
        "mapped_data.ebitda": {"value": 3_250_000, "tolerance": 1000},
        "final_report.risk_grade": {"one_of": ["A", "B"]},
        "mapped_data.borrower_name": {"present": True},
        "mapped_data.currency": "USD",
    },
}


def make_dataset(client: TestClient, app_id: str, name: str = "memos") -> dict[str, object]:
    made = client.post(f"/apps/{app_id}/datasets", json={"name": name, "items": [ITEM]})
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_a_dataset_is_created_read_listed_and_versioned_by_name(
    client: TestClient, new_app: dict[str, object]
) -> None:
    app_id = new_app["id"]
    first = make_dataset(client, str(app_id))
    assert re.fullmatch(r"ds-[0-9a-f]{12}", str(first["id"]))
    assert (first["version"], first["item_count"], first["locked"]) == (1, 1, False)
    assert first["items"] == [ITEM]
    assert first["storage"] == "database"
    second = make_dataset(client, str(app_id))
    assert second["version"] == 2 and second["id"] != first["id"]
    other = make_dataset(client, str(app_id), "other")
    assert other["version"] == 1
    listed = client.get(f"/apps/{app_id}/datasets").json()
    assert [(d["name"], d["version"]) for d in listed] == [("memos", 2), ("memos", 1), ("other", 1)]
    assert all(d["items"] == [] and d["item_count"] == 1 for d in listed)
    assert client.get(f"/datasets/{first['id']}").json() == first


def test_an_unused_version_can_be_edited_and_a_used_one_cannot(
    client: TestClient, api_app: FastAPI, new_app: dict[str, object]
) -> None:
    dataset = make_dataset(client, str(new_app["id"]))
    changed = {**ITEM, "expected": {"mapped_data.currency": "EUR"}}
    edited = client.put(f"/datasets/{dataset['id']}", json={"items": [changed]})
    assert edited.status_code == 200, edited.text
    assert edited.json()["items"] == [changed] and edited.json()["version"] == 1
    with api_app.state.session_factory() as session:
        repository = DatasetRepository(session)
        row = repository.get(str(dataset["id"]))
        assert row is not None
        repository.lock(row)  # what an evaluation does when it starts
        session.commit()
    refused = client.put(f"/datasets/{dataset['id']}", json={"items": [ITEM]})
    assert refused.status_code == 409
    assert "immutable" in refused.json()["detail"] and "next version" in refused.json()["detail"]
    assert client.get(f"/datasets/{dataset['id']}").json()["locked"] is True


def test_bad_datasets_are_422s_pointing_at_the_field(
    client: TestClient, new_app: dict[str, object]
) -> None:
    app_id = new_app["id"]
    bad = client.post(
        f"/apps/{app_id}/datasets",
        json={
            "name": "bad",
            "items": [
                ITEM,
                {"inputs": {}, "expected": {"o.f": {"value": "text", "tolerance": 2}}},
            ],
        },
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "items", 1, "expected", "o.f"]
    assert "tolerance" in bad.json()["detail"][0]["msg"]
    empty = client.post(f"/apps/{app_id}/datasets", json={"name": "x", "items": []})
    assert empty.status_code == 422
    no_expectation = client.post(
        f"/apps/{app_id}/datasets", json={"name": "x", "items": [{"inputs": {}, "expected": {}}]}
    )
    assert no_expectation.status_code == 422
    unknown = client.post(
        f"/apps/{app_id}/datasets", json={"name": "x", "items": [ITEM], "extra": 1}
    )
    assert unknown.status_code == 422
    assert (
        client.post("/apps/app-nope/datasets", json={"name": "x", "items": [ITEM]}).status_code
        == 404
    )
    assert client.get("/datasets/ds-nope").status_code == 404


def test_other_teams_and_lower_roles(client: TestClient, new_app: dict[str, object]) -> None:
    app_id = str(new_app["id"])
    dataset = make_dataset(client, app_id)
    stranger = auth_headers("admin", ("other-team",))
    assert client.get(f"/datasets/{dataset['id']}", headers=stranger).status_code == 404
    assert client.get(f"/apps/{app_id}/datasets", headers=stranger).status_code == 404
    viewer = auth_headers("viewer")
    assert client.get(f"/datasets/{dataset['id']}", headers=viewer).status_code == 200
    refused = client.post(
        f"/apps/{app_id}/datasets", json={"name": "v", "items": [ITEM]}, headers=viewer
    )
    assert refused.status_code == 403
    editor = auth_headers("editor")
    gate = {"dataset_id": dataset["id"], "min_score": 0.9, "max_field_drop": 0.05}
    assert client.put(f"/apps/{app_id}/gate", json=gate, headers=editor).status_code == 403


def test_a_gate_is_set_read_replaced_and_removed(
    client: TestClient, new_app: dict[str, object]
) -> None:
    app_id = str(new_app["id"])
    assert client.get(f"/apps/{app_id}/gate").status_code == 404
    dataset = make_dataset(client, app_id)
    put = client.put(
        f"/apps/{app_id}/gate",
        json={"dataset_id": dataset["id"], "min_score": 0.9, "max_field_drop": 0.05},
    )
    assert put.status_code == 200, put.text
    gate = put.json()
    assert (gate["dataset_id"], gate["min_score"], gate["max_field_drop"]) == (
        dataset["id"],
        0.9,
        0.05,
    )
    assert client.get(f"/apps/{app_id}/gate").json() == gate
    assert gate["judge"] is None  # the LLM judge is opt-in
    judged = client.put(
        f"/apps/{app_id}/gate",
        json={"dataset_id": dataset["id"], "judge": {"provider": "anthropic", "model": "m"}},
    )
    assert judged.status_code == 200, judged.text
    assert judged.json()["judge"]["provider"] == "anthropic"
    assert judged.json()["judge"]["fields"] == []
    again = client.put(f"/apps/{app_id}/gate", json={"dataset_id": dataset["id"]})
    assert (again.json()["min_score"], again.json()["max_field_drop"]) == (0.0, 1.0)
    assert again.json()["judge"] is None
    for body, field in (
        ({"dataset_id": "ds-nope"}, "dataset_id"),
        ({"dataset_id": dataset["id"], "min_score": 1.5}, "min_score"),
        ({"dataset_id": dataset["id"], "max_field_drop": -0.1}, "max_field_drop"),
    ):
        refused = client.put(f"/apps/{app_id}/gate", json=body)
        assert refused.status_code == 422, body
        assert refused.json()["detail"][0]["loc"] == ["body", field]
    # Another app's dataset is not this app's.
    other = client.post("/apps", json={"name": f"other {uuid.uuid4().hex[:8]}"}).json()["id"]
    foreign = client.put(f"/apps/{other}/gate", json={"dataset_id": dataset["id"]})
    assert foreign.status_code == 422
    assert client.delete(f"/apps/{app_id}/gate").status_code == 204
    assert client.get(f"/apps/{app_id}/gate").status_code == 404
    audit = client.get("/audit", params={"object_id": app_id}).json()
    events = audit["items"] if isinstance(audit, dict) else audit
    assert {"gate.put", "gate.delete"} <= {e["action"] for e in events}


def test_evaluations_refuse_what_they_cannot_run(
    client: TestClient, new_app: dict[str, object]
) -> None:
    app_id = str(new_app["id"])
    dataset = make_dataset(client, app_id)
    body = {"dataset_id": dataset["id"], "release": "deployed"}
    not_deployed = client.post(f"/apps/{app_id}/evaluations", json=body)
    assert not_deployed.status_code == 409
    assert "not deployed" in not_deployed.json()["detail"]
    no_version = client.post(f"/apps/{app_id}/evaluations", json={**body, "release": "9.9.9"})
    assert no_version.status_code == 422
    assert no_version.json()["detail"][0]["loc"] == ["body", "release"]
    judged = client.post(f"/apps/{app_id}/evaluations", json={**body, "judge": True})
    assert judged.status_code == 422
    assert judged.json()["detail"][0]["loc"] == ["body", "judge"]
    # A judge names the variable holding its key, never the key itself.
    keyed = client.post(
        f"/apps/{app_id}/evaluations",
        json={**body, "judge": {"model": "gpt-4o-mini", "api_key_ref": "sk-live-123"}},
    )
    assert keyed.status_code == 422
    assert keyed.json()["detail"][0]["loc"] == ["body", "judge", "api_key_ref"]
    assert "sk-live-123" not in keyed.text
    other = client.post("/apps", json={"name": f"other {uuid.uuid4().hex[:8]}"}).json()["id"]
    foreign = client.post(f"/apps/{other}/evaluations", json=body)
    assert foreign.status_code == 404
    draft_by_operator = client.post(
        f"/apps/{app_id}/evaluations",
        json={**body, "release": "draft"},
        headers=auth_headers("operator"),
    )
    assert draft_by_operator.status_code == 403
    assert client.get(f"/apps/{app_id}/evaluations").json() == []
    assert client.get("/evaluations/eval-nope").status_code == 404
    assert client.get("/evaluations/eval-a/compare/eval-b").status_code == 404


def test_production_metrics_leave_out_rows_of_evaluation_runs(api_app: FastAPI) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    now = datetime.now(UTC)
    with api_app.state.session_factory() as session:
        for run_id in ("run-prod-x1", "run-eval-x1"):
            session.add(
                StepResult(
                    run_id=run_id,
                    app_id="app-metrics-x1",
                    step_id="1",
                    activity_id="1",
                    status="completed",
                    ended_at=now,
                )
            )
        session.add(EvaluationRun(run_id="run-eval-x1", evaluation_id="eval-x1", item_index=0))
        session.commit()
        kept = session.scalars(
            select(StepResult.run_id).where(
                StepResult.app_id == "app-metrics-x1", production_runs_only(StepResult.run_id)
            )
        ).all()
        assert kept == ["run-prod-x1"]
        # The Prometheus counters of GET /metrics (lifetime totals) leave them out too.
        totals = ObservabilityRepository(session).lifetime_totals()
        assert totals.attempts[("app-metrics-x1", "", "completed")] == 1


def test_the_readme_dataset_example_is_accepted(
    client: TestClient, new_app: dict[str, object]
) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Evaluations and release gates", 1)[1]
    body = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    made = client.post(f"/apps/{new_app['id']}/datasets", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["items"] == body["items"]
