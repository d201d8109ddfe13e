"""The run start's artifact check: metadata only, once per URI, with the team's rights."""

from __future__ import annotations

from pathlib import Path

from api.auth.principals import Principal
from api.runs.service import artifact_lookup
from schemas.artifacts import ArtifactRef
from storage.artifacts import LocalArtifactStore
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.run_inputs import artifact_problems
from storage.security import ArtifactOwnerRepository


class CountingStore(LocalArtifactStore):
    """A local store that counts what the lookup reads."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.gets = 0
        self.refs = 0

    def get(self, artifact_id: str) -> tuple[bytes, ArtifactRef]:
        self.gets += 1
        return super().get(artifact_id)

    def ref(self, artifact_id: str) -> ArtifactRef:
        self.refs += 1
        return super().ref(artifact_id)


def test_the_lookup_reads_each_artifacts_metadata_once_and_never_its_bytes(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    sessions = create_session_factory(create_db_engine(url))
    store = CountingStore(tmp_path / "artifacts")
    mine = store.put(b"%PDF-1.4\nmine", "mine.pdf")
    theirs = store.put(b"%PDF-1.4\ntheirs", "theirs.pdf")
    reader = Principal(subject="ann", role="operator", teams=("team-a",), source="local")
    with sessions() as session:
        owners = ArtifactOwnerRepository(session)
        owners.record(mine.id, team_id="team-a", created_by="ann")
        owners.record(theirs.id, team_id="team-b", created_by="bob")
        lookup = artifact_lookup(session, store, reader)
        inputs = {"document": mine.uri, "other": theirs.uri, "again": mine.uri}
        # The door check, then the plan's check (run_input_problems) with the same lookup.
        for _ in range(2):
            problems, refs = artifact_problems(inputs, lookup)
            assert refs == {mine.uri: mine}
            assert [p.artifact for p in problems] == [theirs.id]
    assert store.gets == 0
    assert store.refs == 1  # the other team's artifact is refused before the store is read
