"""Every Dockerfile passes hadolint; the hub image keeps its runtime promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.deploy_checks import REPO, hadolint_problems

DOCKERFILES = sorted(
    [REPO / "Dockerfile", REPO / "Dockerfile.frontend", *REPO.glob("agents/*/Dockerfile")]
)


def test_there_is_a_hub_image_and_one_per_agent_type() -> None:
    names = {p.relative_to(REPO).as_posix() for p in DOCKERFILES}
    assert "Dockerfile" in names
    assert {
        f"agents/{t}/Dockerfile" for t in ("extractor", "mapper", "analyzer", "summarizer")
    } <= (names)


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_dockerfile_passes_hadolint(dockerfile: Path) -> None:
    assert hadolint_problems(dockerfile) == []


def test_hub_image_is_multi_stage_pinned_non_root_read_only_friendly() -> None:
    text = (REPO / "Dockerfile").read_text()
    bases = [line.split()[1] for line in text.splitlines() if line.startswith("FROM ")]
    assert len(bases) == 2 and all(":" in b and "latest" not in b for b in bases)
    assert "USER 1000:1000" in text
    assert "HEALTHCHECK" in text and "/health" in text
    # Writable state only under /tmp and the /data volume.
    assert "HOME=/tmp" in text and "HUB_HOME=/data" in text
    assert "COPY --chown=1000:1000 temporal-config /opt/hub/temporal-config" in text


def test_hadolint_catches_a_broken_copy(tmp_path: Path) -> None:
    broken = tmp_path / "Dockerfile"
    broken.write_text(
        "FROM python\n"
        "RUN apt-get update && apt-get install -y curl\n"
        "RUN pip install requests\n"
        "CMD python app.py\n"
    )
    problems = "\n".join(hadolint_problems(broken))
    for rule in ("DL3006", "DL3008", "DL3013", "DL3025"):
        assert rule in problems, problems


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    ignored = set((REPO / ".dockerignore").read_text().splitlines())
    assert {".env", ".git", ".venv", ".hub"} <= ignored
