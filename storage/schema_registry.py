"""The schema registry's table: register versions, read one, list names with their newest."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import RegisteredSchema, utc_now


class SchemaVersionConflict(RuntimeError):
    """Another request registered the same name at the same moment; retrying is safe."""


class SchemaRegistryRepository:
    """Versions of registered JSON Schemas; rows are only ever added."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def latest_version(self, name: str) -> int | None:
        """The newest version number of ``name``; ``None`` when it is not registered."""
        latest = self.session.scalar(
            select(func.max(RegisteredSchema.version)).where(RegisteredSchema.name == name)
        )
        return int(latest) if latest is not None else None

    def register(
        self, name: str, schema: dict[str, Any], *, description: str, created_by: str
    ) -> RegisteredSchema:
        """Add ``schema`` as the next version of ``name`` (version 1 when new)."""
        version = (self.latest_version(name) or 0) + 1
        row = RegisteredSchema(
            name=name,
            version=version,
            schema=schema,
            description=description,
            created_by=created_by,
            created_at=utc_now(),
        )
        # A savepoint, so that losing a race on the (name, version) key leaves the
        # request's transaction usable for the caller's 409.
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError as exc:
            raise SchemaVersionConflict(
                f"schema {name!r} got version {version} from another request at the same "
                "moment; send the request again"
            ) from exc
        return row

    def get(self, name: str, version: int | None = None) -> RegisteredSchema | None:
        """Version ``version`` of ``name`` (the newest when ``None``); ``None`` when absent."""
        if version is None:
            version = self.latest_version(name)
            if version is None:
                return None
        return self.session.get(RegisteredSchema, (name, version))

    def versions(self, name: str) -> list[RegisteredSchema]:
        """Every version of ``name``, newest first."""
        return list(
            self.session.scalars(
                select(RegisteredSchema)
                .where(RegisteredSchema.name == name)
                .order_by(RegisteredSchema.version.desc())
            ).all()
        )

    def list_latest(
        self, *, search: str | None, limit: int, offset: int
    ) -> tuple[list[RegisteredSchema], int]:
        """The newest version of each name, ordered by name, paged in SQL; and the total."""
        newest = (
            select(RegisteredSchema.name, func.max(RegisteredSchema.version).label("version"))
            .group_by(RegisteredSchema.name)
            .subquery()
        )
        query = select(RegisteredSchema).join(
            newest,
            (RegisteredSchema.name == newest.c.name)
            & (RegisteredSchema.version == newest.c.version),
        )
        count = select(func.count()).select_from(newest)
        if search:
            # '_' is legal in names and a LIKE wildcard: match it literally.
            escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%")
            pattern = "%" + escaped.replace("_", "\\_") + "%"
            query = query.where(func.lower(RegisteredSchema.name).like(pattern, escape="\\"))
            count = (
                select(func.count())
                .select_from(newest)
                .where(func.lower(newest.c.name).like(pattern, escape="\\"))
            )
        rows = self.session.scalars(
            query.order_by(RegisteredSchema.name).limit(limit).offset(offset)
        ).all()
        return list(rows), int(self.session.scalar(count) or 0)
