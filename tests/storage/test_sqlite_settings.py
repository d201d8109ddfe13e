"""The embedded (SQLite) hub database: WAL journal synced at checkpoints, foreign keys on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from storage.database import create_db_engine


def test_sqlite_connections_use_wal_synced_at_checkpoints(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    with engine.connect() as conn:
        assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
        assert conn.scalar(text("PRAGMA synchronous")) == 1  # NORMAL
        assert conn.scalar(text("PRAGMA foreign_keys")) == 1
    engine.dispose()
