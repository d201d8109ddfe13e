# syntax=docker/dockerfile:1
# The API / worker image: `hub api`, `hub worker orchestrator`, `hub worker agent --type T`,
# `hub db upgrade`, the MLflow server and the Temporal setup script all run from it.
# Build from the repository root:  docker build -t agentic-hub/hub:0.1.0 .
# Agent services have their own, smaller images: agents/<type>/Dockerfile.
FROM python:3.11.11-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# A venv gives the runtime stage one self-contained folder to copy.
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /build
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY workflows ./workflows
COPY activities ./activities
COPY storage ./storage
COPY workers ./workers
COPY api ./api
COPY agents ./agents
COPY hub ./hub
# Not editable: the runtime stage gets no source tree, only the installed package.
RUN pip install --no-cache-dir .

FROM python:3.11.11-slim-bookworm

# uid 1000 matches the agent images and the securityContext of the k8s manifests.
RUN useradd --create-home --uid 1000 --user-group hub \
    && mkdir -p /data \
    && chown 1000:1000 /data

COPY --from=builder /opt/venv /opt/venv
# Run by the temporal-setup one-shot (compose) and the temporal-setup Job (k8s).
COPY --chown=1000:1000 temporal-config /opt/hub/temporal-config

# Read-only root filesystem: the only writable places are /tmp (an emptyDir / tmpfs)
# and /data (a volume), so HOME, caches and HUB_HOME all point there.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    TMPDIR=/tmp \
    XDG_CACHE_HOME=/tmp/.cache \
    HUB_HOME=/data

USER 1000:1000
WORKDIR /data
VOLUME ["/data"]

EXPOSE 8000

# The API's liveness endpoint; worker and MLflow containers override this check.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=5)"]

CMD ["hub", "api", "--host", "0.0.0.0", "--port", "8000"]
