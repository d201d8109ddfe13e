#!/bin/sh
# Worker health: exit 0 when a worker process on THIS host polls the given task queue.
# Workers have no HTTP port; Temporal knows who polls, and the Python SDK's default
# worker identity is "<pid>@<hostname>". Used by docker-compose healthchecks and the
# Kubernetes liveness probes of the worker Deployments.
#
# Usage: worker-healthcheck.sh <task-queue>
# Environment: HUB_TEMPORAL_ADDRESS, HUB_TEMPORAL_NAMESPACE and the HUB_TEMPORAL_TLS* /
# HUB_TEMPORAL_API_KEY settings (as the worker itself reads them).
set -eu
. "$(dirname "$0")/temporal-cli-env.sh"

if [ "$#" -ne 1 ]; then
  echo "usage: $0 <task-queue>" >&2
  exit 2
fi
QUEUE="$1"
ADDRESS="${HUB_TEMPORAL_ADDRESS:-127.0.0.1:7233}"
NAMESPACE="${HUB_TEMPORAL_NAMESPACE:-default}"
TEMPORAL_BIN="${TEMPORAL_BIN:-temporal}"
HOST="$(uname -n)"

pollers="$("$TEMPORAL_BIN" task-queue describe --address "$ADDRESS" --namespace "$NAMESPACE" \
  --task-queue "$QUEUE" --output json)"
if printf '%s\n' "$pollers" | grep -Eq "\"identity\": *\"[0-9]+@${HOST}\""; then
  exit 0
fi
echo "no worker on ${HOST} polls task queue ${QUEUE} at ${ADDRESS}/${NAMESPACE}" >&2
exit 1
