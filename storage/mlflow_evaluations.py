"""Evaluations in MLflow: datasets as MLflow evaluation datasets, reports as MLflow runs.

The hub's database holds datasets and reports (the source of truth, same shape whatever
MLflow can do); MLflow mirrors them so its UI lists and charts them. Like the prompt
registry, every call uses its own ``MlflowClient``: MLflow's global state is never set.
Everything lands in the experiment ``hub-evaluations/<app id>``. MLflow is imported when
a call needs it, not with this module: the orchestrator worker imports it (through the
evaluation activities) and would otherwise carry MLflow's ~100 MB from its start.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from schemas.evaluations import EvaluationPublic

if TYPE_CHECKING:
    from mlflow import MlflowClient

EXPERIMENT_PREFIX = "hub-evaluations/"


def _artifact_location(tracking_uri: str) -> str | None:
    """Next to an SQLite tracking store (MLflow's default would be ``./mlruns`` in the
    working directory); a tracking server decides for itself (``None``)."""
    prefix = "sqlite:///"
    if not tracking_uri.startswith(prefix) or ":memory:" in tracking_uri:
        return None
    database = Path(tracking_uri[len(prefix) :].split("?", 1)[0])
    return (database.parent / "mlflow-artifacts").resolve().as_uri()


def log_to_mlflow(tracking_uri: str, report: EvaluationPublic) -> str:
    """Log ``report`` as an MLflow run (experiment ``hub-evaluations/<app id>``).

    Metrics: ``score``, ``cost_usd``, ``latency_p50_ms`` and one ``field.<key>`` per field;
    the per-item table is attached as ``items.json``. Returns the MLflow run id.
    """
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri)
    experiment_id = _experiment_id(client, tracking_uri, report.app_id)
    run = client.create_run(
        experiment_id,
        run_name=f"{report.id} ({report.release} {report.app_version})",
        tags={
            "hub.evaluation_id": report.id,
            "hub.app_id": report.app_id,
            "hub.dataset_id": report.dataset_id,
            "hub.release": report.release,
            "hub.purpose": report.purpose,
        },
    )
    run_id = str(run.info.run_id)
    client.log_param(run_id, "app_version", report.app_version)
    client.log_param(run_id, "dataset_id", report.dataset_id)
    client.log_param(run_id, "items", report.items_total)
    client.log_metric(run_id, "score", report.score or 0.0)
    client.log_metric(run_id, "cost_usd", report.cost_usd)
    if report.latency_p50_ms is not None:
        client.log_metric(run_id, "latency_p50_ms", report.latency_p50_ms)
    for key, value in report.field_scores.items():
        # MLflow metric names allow letters, digits, _ - . / and spaces.
        safe = "".join(c if c.isalnum() or c in "_-./ " else "_" for c in key)
        client.log_metric(run_id, f"field.{safe}", value)
    client.log_dict(
        run_id, {"items": [i.model_dump(mode="json") for i in report.items]}, "items.json"
    )
    client.set_terminated(run_id)
    return run_id


def _experiment_id(client: MlflowClient, tracking_uri: str, app_id: str) -> str:
    name = f"{EXPERIMENT_PREFIX}{app_id}"
    experiment = client.get_experiment_by_name(name)
    if experiment is not None:
        return str(experiment.experiment_id)
    return str(client.create_experiment(name, artifact_location=_artifact_location(tracking_uri)))


def mirror_dataset(
    tracking_uri: str,
    app_id: str,
    name: str,
    version: int,
    items: list[dict[str, Any]],
    replaces: str | None = None,
) -> str | None:
    """The dataset version as an MLflow evaluation dataset (its id), or ``None`` when the
    installed MLflow or its tracking store has no evaluation datasets.

    Records are ``{"inputs": item inputs, "expectations": item expected}``; ``replaces``
    is an earlier mirror of the same version (an edit before first use), deleted first.
    """
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri)
    store = getattr(getattr(client, "_tracking_client", None), "store", None)
    if not hasattr(client, "create_dataset") or not hasattr(store, "upsert_dataset_records"):
        return None
    if replaces:
        client.delete_dataset(replaces)
    experiment_id = _experiment_id(client, tracking_uri, app_id)
    dataset = client.create_dataset(
        name=f"{app_id}/{name}/v{version}",
        experiment_id=[experiment_id],
        tags={"hub.app_id": app_id, "hub.dataset": name, "hub.version": str(version)},
    )
    assert store is not None
    store.upsert_dataset_records(
        dataset_id=dataset.dataset_id,
        records=[
            {"inputs": item.get("inputs") or {}, "expectations": item.get("expected") or {}}
            for item in items
        ],
    )
    return str(dataset.dataset_id)
