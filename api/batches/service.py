"""Batches: many runs of one app as one durable unit (``BatchWorkflow``).

The API writes the batch and its items to the database and starts the parent
workflow; the workflow claims items a page at a time and runs each as a child run.
Items whose inputs the deployed release cannot take are failed at the door with the
run-start message (the rest run). A zip archive is unpacked into the artifact store,
one artifact per document, after every entry has been checked: no path traversal, no
links, bounded sizes and compression ratios (zip bombs), so nothing is ever written
outside the store.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import WorkflowIDReusePolicy
from temporalio.service import RPCError, RPCStatusCode

from api.errors import ConflictError, InvalidInputError, NotFoundError
from api.temporal import TemporalGateway
from schemas.names import ORCHESTRATOR_QUEUE
from schemas.triggers import (
    BATCH_WORKFLOW_TYPE,
    BatchCounts,
    BatchItemPublic,
    BatchPublic,
    BatchWorkflowInput,
)
from storage.artifacts import ArtifactStore
from storage.models import App, Batch, BatchItem, utc_now

#: Items one batch may hold.
MAX_BATCH_ITEMS = 100_000
#: Zip archives: most entries, largest document, largest total, highest compression ratio.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_ENTRY_BYTES = 64 * 1024 * 1024
ZIP_MAX_TOTAL_BYTES = 512 * 1024 * 1024
ZIP_MAX_RATIO = 100
_CHUNK = 1024 * 1024


class BatchNotFound(NotFoundError):
    """404: no such batch."""


@dataclass(frozen=True)
class ZipDocument:
    name: str
    data: bytes


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return f"entry {name!r} has an absolute or Windows path"
    if ".." in name.split("/"):
        return f"entry {name!r} points outside the archive ('..')"
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return f"entry {name!r} is a symbolic link"
    return None


def _wanted(info: zipfile.ZipInfo) -> bool:
    base = posixpath.basename(info.filename)
    return not (
        info.is_dir() or not base or base.startswith(".") or info.filename.startswith("__MACOSX/")
    )


def read_zip(data: bytes) -> list[ZipDocument]:
    """The documents of a zip archive, refused whole (422 at ``archive``) when any entry
    is unsafe: a path leaving the archive, a link, or sizes and ratios of a zip bomb.
    Sizes are counted while decompressing, never taken from the headers' word."""

    def refuse(message: str) -> InvalidInputError:
        return InvalidInputError.at(("body", "archive"), f"the zip archive is refused: {message}")

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise refuse(f"it is not a zip file ({exc})") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > ZIP_MAX_ENTRIES:
            raise refuse(f"{len(infos)} entries; at most {ZIP_MAX_ENTRIES} are allowed")
        for info in infos:
            problem = _entry_problem(info)
            if problem:
                raise refuse(problem)
        total = 0
        wanted = [info for info in infos if _wanted(info)]
        for info in wanted:  # first pass: count, keep nothing
            size = 0
            try:
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > ZIP_MAX_ENTRY_BYTES:
                            raise refuse(
                                f"entry {info.filename!r} unpacks to more than "
                                f"{ZIP_MAX_ENTRY_BYTES} bytes"
                            )
                        if total > ZIP_MAX_TOTAL_BYTES:
                            raise refuse(f"it unpacks to more than {ZIP_MAX_TOTAL_BYTES} bytes")
                        if size > _CHUNK and size > ZIP_MAX_RATIO * max(info.compress_size, 1):
                            raise refuse(
                                f"entry {info.filename!r} is compressed more than "
                                f"{ZIP_MAX_RATIO}:1 (a zip bomb?)"
                            )
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
                raise refuse(f"entry {info.filename!r} cannot be read ({exc})") from exc
        if not wanted:
            raise refuse("it holds no documents")
        return [
            ZipDocument(posixpath.basename(info.filename), archive.read(info)) for info in wanted
        ]


def store_documents(store: ArtifactStore, documents: list[ZipDocument]) -> list[tuple[str, str]]:
    """Each document as a new artifact; ``(name, artifact uri)`` in archive order."""
    stored = []
    for document in documents:
        ref = store.put(document.data, filename=document.name[:200])
        stored.append((document.name, ref.uri))
    return stored


def require_batch(session: Session, batch_id: str, can_see: Any) -> Batch:
    batch = session.get(Batch, batch_id) if len(batch_id) <= 40 else None
    app = session.get(App, batch.app_id) if batch is not None else None
    if batch is None or app is None or not can_see(app.team_id):
        raise BatchNotFound(
            f"Batch {batch_id!r} not found; list an app's batches with "
            "GET /apps/{app_id}/batches."
        )
    return batch


def counts_of(session: Session, batch_id: str) -> BatchCounts:
    rows = session.execute(
        select(BatchItem.status, func.count())
        .where(BatchItem.batch_id == batch_id)
        .group_by(BatchItem.status)
    ).all()
    by_status = {status: int(count) for status, count in rows}
    return BatchCounts(total=sum(by_status.values()), **by_status)


def public(
    session: Session,
    batch: Batch,
    *,
    limit: int = 100,
    offset: int = 0,
    status: str | None = None,
    with_items: bool = True,
) -> BatchPublic:
    items: list[BatchItemPublic] = []
    if with_items:
        query = select(BatchItem).where(BatchItem.batch_id == batch.id)
        if status:
            query = query.where(BatchItem.status == status)
        rows = session.scalars(query.order_by(BatchItem.position).limit(limit).offset(offset))
        items = [
            BatchItemPublic(
                position=row.position,
                status=row.status,  # type: ignore[arg-type]
                run_id=row.run_id,
                inputs=row.inputs,
                error=row.error,
                cost_usd=row.cost_usd,
            )
            for row in rows
        ]
    return BatchPublic(
        batch_id=batch.id,
        app_id=batch.app_id,
        status=batch.status,  # type: ignore[arg-type]
        counts=counts_of(session, batch.id),
        cost_usd=batch.cost_usd,
        max_cost_usd=batch.max_cost_usd,
        max_concurrency=batch.max_concurrency,
        error=batch.error,
        created_at=batch.created_at,
        ended_at=batch.ended_at,
        items=items,
        items_limit=limit,
        items_offset=offset,
        results_csv=f"/batches/{batch.id}/results.csv",
        results_jsonl=f"/batches/{batch.id}/results.jsonl",
    )


def insert_items(
    session: Session, batch_id: str, items: list[tuple[dict[str, Any], str | None]]
) -> None:
    """The batch's items in position order; an item with a refusal starts failed."""
    now = utc_now()
    rows = [
        {
            "batch_id": batch_id,
            "position": position,
            "inputs": inputs,
            "status": "failed" if refusal else "pending",
            "error": refusal,
            "cost_usd": 0.0,
            "attempt": 0,
            "updated_at": now,
        }
        for position, (inputs, refusal) in enumerate(items)
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(BatchItem), rows[start : start + 5000])


@dataclass
class BatchService:
    session: Session
    gateway: TemporalGateway

    async def _client(self) -> Client:
        return await self.gateway.client()

    async def start_workflow(self, batch: Batch) -> None:
        client = await self._client()
        await client.start_workflow(
            BATCH_WORKFLOW_TYPE,
            BatchWorkflowInput(
                batch_id=batch.id,
                app_id=batch.app_id,
                max_concurrency=batch.max_concurrency,
                max_cost_usd=batch.max_cost_usd,
                cost_usd=batch.cost_usd,
            ),
            id=batch.id,
            task_queue=ORCHESTRATOR_QUEUE,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )

    async def reconcile(self, batch: Batch) -> None:
        """A running batch whose parent workflow ended without saying so (terminated, timed
        out or failed from outside the hub) is marked ``failed`` (or ``canceled``), with the
        items it never finished canceled."""
        if batch.status != "running":
            return
        client = await self._client()
        try:
            description = await client.get_workflow_handle(batch.id).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return
            raise
        ended = _ENDED_OUTSIDE.get(description.status) if description.status else None
        if ended is None:
            return
        self.session.refresh(batch)
        if batch.status != "running":  # the workflow's own finish got there first
            return
        status, reason = ended
        now = utc_now()
        self.session.execute(
            update(BatchItem)
            .where(BatchItem.batch_id == batch.id, BatchItem.status.in_(("pending", "running")))
            .values(status="canceled", error=reason, updated_at=now)
        )
        batch.status, batch.error, batch.ended_at, batch.updated_at = status, reason, now, now
        self.session.commit()

    async def cancel(self, batch: Batch) -> None:
        if batch.status != "running":
            raise ConflictError(f"Batch {batch.id} has already ended ({batch.status}).")
        now = utc_now()
        self.session.execute(
            update(BatchItem)
            .where(BatchItem.batch_id == batch.id, BatchItem.status == "pending")
            .values(status="canceled", error="the batch was canceled", updated_at=now)
        )
        batch.status = "canceled"
        batch.updated_at = now
        batch.ended_at = now
        self.session.commit()
        client = await self._client()
        try:
            await client.get_workflow_handle(batch.id).cancel()
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise

    async def retry_failed(self, batch: Batch) -> int:
        if batch.status == "running":
            raise ConflictError(
                f"Batch {batch.id} is still running; retry its failed items once it has ended."
            )
        failed = self.session.scalar(
            select(func.count()).where(BatchItem.batch_id == batch.id, BatchItem.status == "failed")
        )
        if not failed:
            raise ConflictError(f"Batch {batch.id} has no failed items to retry.")
        now = utc_now()
        self.session.execute(
            update(BatchItem)
            .where(BatchItem.batch_id == batch.id, BatchItem.status == "failed")
            .values(
                status="pending",
                run_id=None,
                error=None,
                outputs=None,
                cost_usd=0.0,
                attempt=BatchItem.attempt + 1,
                updated_at=now,
            )
        )
        batch.cost_usd = float(
            self.session.scalar(
                select(func.coalesce(func.sum(BatchItem.cost_usd), 0.0)).where(
                    BatchItem.batch_id == batch.id
                )
            )
            or 0.0
        )
        batch.status, batch.error, batch.ended_at, batch.updated_at = "running", None, None, now
        self.session.commit()
        await self.start_workflow(batch)
        return int(failed)


_ENDED_OUTSIDE: dict[WorkflowExecutionStatus, tuple[str, str]] = {
    WorkflowExecutionStatus.TERMINATED: ("failed", "the batch's workflow was terminated"),
    WorkflowExecutionStatus.TIMED_OUT: ("failed", "the batch's workflow timed out"),
    WorkflowExecutionStatus.FAILED: ("failed", "the batch's workflow failed"),
    WorkflowExecutionStatus.CANCELED: ("canceled", "the batch was canceled"),
}

_FIXED_COLUMNS = ["position", "run_id", "status", "error", "cost_usd"]


def _result_columns(session: Session, batch_id: str) -> tuple[list[str], list[str]]:
    inputs: dict[str, None] = {}
    outputs: dict[str, None] = {}
    rows = session.execute(
        select(BatchItem.inputs, BatchItem.outputs)
        .where(BatchItem.batch_id == batch_id)
        .execution_options(yield_per=1000)
    )
    for item_inputs, item_outputs in rows:
        inputs.update(dict.fromkeys(item_inputs or {}))
        outputs.update(dict.fromkeys(item_outputs or {}))
    return sorted(inputs), sorted(outputs)


def _items(session: Session, batch_id: str) -> Iterator[BatchItem]:
    yield from session.scalars(
        select(BatchItem)
        .where(BatchItem.batch_id == batch_id)
        .order_by(BatchItem.position)
        .execution_options(yield_per=1000)
    )


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return "" if value is None else value


def results_csv(session: Session, batch_id: str) -> Iterator[str]:
    """One CSV row per item: position, run id, status, error, cost, then ``input.*`` and
    the outputs' fields flattened (``<step>.<output>.<field>``)."""
    input_keys, output_keys = _result_columns(session, batch_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_FIXED_COLUMNS + [f"input.{k}" for k in input_keys] + output_keys)
    for item in _items(session, batch_id):
        outputs = item.outputs or {}
        writer.writerow(
            [item.position, item.run_id or "", item.status, item.error or "", item.cost_usd]
            + [_cell((item.inputs or {}).get(k)) for k in input_keys]
            + [_cell(outputs.get(k)) for k in output_keys]
        )
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def results_jsonl(session: Session, batch_id: str) -> Iterator[str]:
    """One JSON object per line and item: the CSV's fields, inputs and outputs as objects."""
    for item in _items(session, batch_id):
        yield (
            json.dumps(
                {
                    "position": item.position,
                    "run_id": item.run_id,
                    "status": item.status,
                    "error": item.error,
                    "cost_usd": item.cost_usd,
                    "inputs": item.inputs,
                    "outputs": item.outputs or {},
                },
                default=str,
            )
            + "\n"
        )
