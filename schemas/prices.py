"""The price table as ``/settings/prices`` shows and takes it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from schemas.common import StrictModel, UtcDatetime


class PriceEntry(StrictModel):
    """Dollars per million tokens for one model of one provider (``*``: any other model)."""

    provider: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    model: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^(\*|[A-Za-z0-9_.:/@-]+)$",
        description="Exact name or prefix (longest prefix wins); `*` for the provider's rest.",
    )
    input: float = Field(ge=0, le=10_000, description="US dollars per million input tokens.")
    output: float = Field(ge=0, le=10_000, description="US dollars per million output tokens.")


class PriceTableUpdate(StrictModel):
    """Body of ``PUT /settings/prices``: the whole table (it replaces the one in effect)."""

    prices: list[PriceEntry] = Field(min_length=1, max_length=2000)

    @field_validator("prices")
    @classmethod
    def _unique(cls, prices: list[PriceEntry]) -> list[PriceEntry]:
        seen: set[tuple[str, str]] = set()
        for entry in prices:
            key = (entry.provider.lower(), entry.model.lower())
            if key in seen:
                raise ValueError(f"{entry.provider}/{entry.model} is listed twice")
            seen.add(key)
        return prices


class PriceTablePublic(BaseModel):
    """The price table in effect and where it comes from."""

    source: Literal["database", "file"] = Field(
        description="`database`: set through `PUT /settings/prices`; `file`: the price file "
        "(`HUB_PRICES_FILE`, else the shipped table)."
    )
    file: str = Field(description="The price file used when the database holds no table.")
    updated_at: UtcDatetime | None = None
    updated_by: str | None = None
    prices: list[PriceEntry]
