"""``schema-validator``: a record against a JSON Schema 2020-12, errors as JSON pointers."""

from __future__ import annotations

from typing import Any

from agents.base.runtime import schema_errors


class SchemaValidator:
    """Validates instances; an invalid schema is a 400 that names the schema's fault."""

    id = "schema-validator"
    name = "Schema validator"
    description = "Validates a record against a JSON Schema 2020-12; errors as JSON pointers."
    sensitive = False

    def run(self, **kwargs: Any) -> list[dict[str, str]]:
        """``run(instance=..., schema=...)`` → ``[{"pointer", "message"}]`` (empty: valid)."""
        return self.validate(kwargs["instance"], kwargs["schema"])

    def validate(self, instance: Any, schema: dict[str, Any]) -> list[dict[str, str]]:
        return [
            {"pointer": pointer, "message": message}
            for pointer, message in schema_errors(schema, instance)
        ]
