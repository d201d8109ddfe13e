"""Alembic environment: runs migrations online against ``sqlalchemy.url``."""

from __future__ import annotations

import warnings
from logging.config import fileConfig

from alembic import context
from sqlalchemy.exc import SAWarning

from storage.database import create_db_engine
from storage.models import Base

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

target_metadata = Base.metadata

# Batch mode on SQLite reflects the tables a migration alters and those their foreign keys
# name (``apps``), and SQLAlchemy cannot reflect ``apps``' two expression indexes (on
# ``lower(name)``). No migration recreates ``apps``, so they are never lost; the warning
# only alarmed a new user's first ``make run``.
warnings.filterwarnings(
    "ignore", message="Skipped unsupported reflection of expression-based index", category=SAWarning
)


def run_migrations_online() -> None:
    """Migrate through the same engine factory the hub uses (same SQLite pragmas)."""
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("sqlalchemy.url is not set; call storage.migrations.upgrade(url)")
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported; run `hub db upgrade`")
run_migrations_online()
