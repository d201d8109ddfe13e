# Sourced by setup.sh and worker-healthcheck.sh: the hub's Temporal connection settings
# (HUB_TEMPORAL_TLS, HUB_TEMPORAL_TLS_CA, HUB_TEMPORAL_TLS_CERT, HUB_TEMPORAL_TLS_KEY,
# HUB_TEMPORAL_TLS_SERVER_NAME, HUB_TEMPORAL_API_KEY; docs/deployment.md) in the temporal
# CLI's names, so the scripts reach Temporal exactly as the hub's processes do. The CLI's
# own TEMPORAL_* variables win when set.
if [ "${HUB_TEMPORAL_TLS:-}" = "true" ]; then export TEMPORAL_TLS="${TEMPORAL_TLS:-true}"; fi
if [ -n "${HUB_TEMPORAL_TLS_CA:-}" ]; then
  export TEMPORAL_TLS_SERVER_CA_CERT_PATH="${TEMPORAL_TLS_SERVER_CA_CERT_PATH:-$HUB_TEMPORAL_TLS_CA}"
fi
if [ -n "${HUB_TEMPORAL_TLS_CERT:-}" ]; then
  export TEMPORAL_TLS_CLIENT_CERT_PATH="${TEMPORAL_TLS_CLIENT_CERT_PATH:-$HUB_TEMPORAL_TLS_CERT}"
fi
if [ -n "${HUB_TEMPORAL_TLS_KEY:-}" ]; then
  export TEMPORAL_TLS_CLIENT_KEY_PATH="${TEMPORAL_TLS_CLIENT_KEY_PATH:-$HUB_TEMPORAL_TLS_KEY}"
fi
if [ -n "${HUB_TEMPORAL_TLS_SERVER_NAME:-}" ]; then
  export TEMPORAL_TLS_SERVER_NAME="${TEMPORAL_TLS_SERVER_NAME:-$HUB_TEMPORAL_TLS_SERVER_NAME}"
fi
if [ -n "${HUB_TEMPORAL_API_KEY:-}" ]; then
  export TEMPORAL_API_KEY="${TEMPORAL_API_KEY:-$HUB_TEMPORAL_API_KEY}"
fi
