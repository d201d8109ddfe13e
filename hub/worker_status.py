"""``hub workers status``: which builds poll the hub's task queues, and each version's state.

Reads Temporal only: the pollers of every hub task queue (with the deployment, build and
versioning mode each announces) and, when the deployment is versioned, its versions with
their routing status (current, ramping, draining, drained, inactive) and drain state.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.enums.v1 import (
    TaskQueueType,
    VersionDrainageStatus,
    WorkerDeploymentVersionStatus,
    WorkerVersioningMode,
)
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import (
    DescribeTaskQueueRequest,
    DescribeWorkerDeploymentRequest,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

QUEUE_TYPES = {
    "workflow": TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    "activity": TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
}


def _enum_name(prefix: str, name: str) -> str:
    return name.removeprefix(prefix).lower()


def _time(stamp: Timestamp) -> str | None:
    if not stamp.seconds and not stamp.nanos:
        return None
    return datetime.fromtimestamp(stamp.seconds + stamp.nanos / 1e9, UTC).isoformat()


@dataclass
class PollerStatus:
    task_queue: str
    queue_type: str
    identity: str
    deployment_name: str
    build_id: str
    versioning: str
    last_access_time: str | None


@dataclass
class VersionStatus:
    build_id: str
    status: str
    drainage: str
    current_since: str | None = None
    drainage_checked: str | None = None


@dataclass
class WorkersStatus:
    deployment_name: str
    versioned: bool
    current_build_id: str | None = None
    ramping_build_id: str | None = None
    ramp_percentage: float = 0.0
    versions: list[VersionStatus] = field(default_factory=list)
    pollers: list[PollerStatus] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


async def workers_status(
    client: Client, deployment_name: str, task_queues: list[str]
) -> WorkersStatus:
    """The pollers of ``task_queues`` and the versions of ``deployment_name``."""
    status = WorkersStatus(deployment_name=deployment_name, versioned=False)
    for queue in task_queues:
        for label, kind in QUEUE_TYPES.items():
            answer = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=client.namespace,
                    task_queue=TaskQueue(name=queue),
                    task_queue_type=kind,
                )
            )
            for poller in answer.pollers:
                options = poller.deployment_options
                status.pollers.append(
                    PollerStatus(
                        task_queue=queue,
                        queue_type=label,
                        identity=poller.identity,
                        deployment_name=options.deployment_name,
                        build_id=options.build_id,
                        versioning=_enum_name(
                            "WORKER_VERSIONING_MODE_",
                            WorkerVersioningMode.Name(options.worker_versioning_mode),
                        ),
                        last_access_time=_time(poller.last_access_time),
                    )
                )
    try:
        described = await client.workflow_service.describe_worker_deployment(
            DescribeWorkerDeploymentRequest(
                namespace=client.namespace, deployment_name=deployment_name
            )
        )
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        return status  # no versioned worker ever polled: nothing routes by version
    info = described.worker_deployment_info
    status.versioned = True
    routing = info.routing_config
    status.current_build_id = routing.current_deployment_version.build_id or None
    status.ramping_build_id = routing.ramping_deployment_version.build_id or None
    status.ramp_percentage = routing.ramping_version_percentage
    for summary in info.version_summaries:
        status.versions.append(
            VersionStatus(
                build_id=summary.deployment_version.build_id,
                status=_enum_name(
                    "WORKER_DEPLOYMENT_VERSION_STATUS_",
                    WorkerDeploymentVersionStatus.Name(summary.status),
                ),
                drainage=_enum_name(
                    "VERSION_DRAINAGE_STATUS_",
                    VersionDrainageStatus.Name(summary.drainage_info.status),
                ),
                current_since=_time(summary.current_since_time),
                drainage_checked=_time(summary.drainage_info.last_checked_time),
            )
        )
    return status


def format_status(status: WorkersStatus) -> list[str]:
    """Human-readable lines of ``status``."""
    lines = [f"Deployment {status.deployment_name}"]
    if status.versioned:
        ramp = (
            f", ramping {status.ramping_build_id} at {status.ramp_percentage:g}%"
            if status.ramping_build_id
            else ""
        )
        lines.append(f"  current build: {status.current_build_id or '(unversioned)'}{ramp}")
        lines.append(f"  {'BUILD':<24} {'STATUS':<10} {'DRAIN STATE':<12} CURRENT SINCE")
        for version in status.versions:
            lines.append(
                f"  {version.build_id:<24} {version.status:<10} "
                f"{version.drainage.replace('unspecified', '-'):<12} {version.current_since or '-'}"
            )
    else:
        lines.append(
            "  not versioned: no worker runs with HUB_WORKER_VERSIONING=true, so tasks go "
            "to any poller; builds are only announced"
        )
    lines.append("")
    lines.append(f"  {'TASK QUEUE':<32} {'TYPE':<9} {'BUILD':<20} {'MODE':<12} POLLER")
    if not status.pollers:
        lines.append("  (no pollers: no worker is running)")
    for poller in sorted(status.pollers, key=lambda p: (p.task_queue, p.queue_type, p.identity)):
        lines.append(
            f"  {poller.task_queue:<32} {poller.queue_type:<9} {poller.build_id or '-':<20} "
            f"{poller.versioning:<12} {poller.identity}"
        )
    return lines
