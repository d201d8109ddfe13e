"""The price table: tokens → US dollars per provider and model.

The shipped YAML file (or ``HUB_PRICES_FILE``) is the default; a table set through
``PUT /settings/prices`` is stored in the database and replaces it until reset.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import ModelPrice as ModelPriceRow
from storage.models import utc_now

#: The table shipped with the hub; ``HUB_PRICES_FILE`` replaces it.
DEFAULT_PRICES_FILE = Path(__file__).resolve().parent / "data" / "prices.yaml"
PER_TOKENS = 1_000_000


class PriceTableError(ValueError):
    """The price file is unreadable; the message names the file and the entry."""


@dataclass(frozen=True)
class ModelPrice:
    """Dollars per million input and output tokens."""

    input: float
    output: float


class PriceTable:
    """Looks up a model's price: exact name, else longest prefix, else the provider's ``*``."""

    def __init__(self, prices: dict[str, dict[str, ModelPrice]]) -> None:
        self._prices = {
            provider.lower(): {model.lower(): price for model, price in models.items()}
            for provider, models in prices.items()
        }

    @classmethod
    def load(cls, path: str | Path | None = None) -> PriceTable:
        """Read ``path`` (default: the shipped ``storage/data/prices.yaml``)."""
        source = Path(path) if path else DEFAULT_PRICES_FILE
        try:
            raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise PriceTableError(f"cannot read the price file {source}: {exc}") from exc
        if not isinstance(raw, dict):
            raise PriceTableError(f"{source}: expected 'provider: {{model: {{input, output}}}}'")
        prices: dict[str, dict[str, ModelPrice]] = {}
        for provider, models in raw.items():
            if not isinstance(models, dict):
                raise PriceTableError(f"{source}: '{provider}' must map model names to prices")
            prices[str(provider)] = {}
            for model, price in models.items():
                try:
                    prices[str(provider)][str(model)] = ModelPrice(
                        input=float(price["input"]), output=float(price["output"])
                    )
                except (TypeError, KeyError, ValueError) as exc:
                    raise PriceTableError(
                        f"{source}: {provider}.{model} needs numeric 'input' and 'output' "
                        f"(dollars per million tokens): {exc!r}"
                    ) from exc
        return cls(prices)

    def price(self, provider: str, model: str) -> ModelPrice | None:
        """The price of ``model`` at ``provider``, or ``None`` when the table has none."""
        models = self._prices.get(provider.lower())
        if not models:
            return None
        name = model.lower()
        if name in models:
            return models[name]
        prefixes = [m for m in models if m != "*" and name.startswith(m)]
        if prefixes:
            return models[max(prefixes, key=len)]
        return models.get("*")

    def cost(self, provider: str, model: str, input_tokens: int, output_tokens: int) -> float:
        """Dollars for the tokens (0 for an unknown model)."""
        price = self.price(provider, model)
        if price is None:
            return 0.0
        return (input_tokens * price.input + output_tokens * price.output) / PER_TOKENS

    def entries(self) -> list[tuple[str, str, ModelPrice]]:
        """Every ``(provider, model, price)``, sorted (names as the table stores them)."""
        return sorted(
            (provider, model, price)
            for provider, models in self._prices.items()
            for model, price in models.items()
        )


@dataclass(frozen=True)
class PriceSource:
    """Where the table in effect comes from: ``database`` (set through the API) or ``file``."""

    kind: str
    file: Path
    updated_at: datetime | None = None
    updated_by: str | None = None


def file_prices(path: str | Path | None) -> PriceTable:
    return PriceTable.load(path)


def stored_prices(session: Session) -> list[ModelPriceRow]:
    return list(
        session.scalars(select(ModelPriceRow).order_by(ModelPriceRow.provider, ModelPriceRow.model))
    )


def effective_prices(session: Session, path: str | Path | None) -> tuple[PriceTable, PriceSource]:
    """The table in effect: the database's rows when there are any, else the price file."""
    file = Path(path) if path else DEFAULT_PRICES_FILE
    rows = stored_prices(session)
    if not rows:
        return PriceTable.load(file), PriceSource(kind="file", file=file)
    table: dict[str, dict[str, ModelPrice]] = {}
    for row in rows:
        table.setdefault(row.provider, {})[row.model] = ModelPrice(
            input=row.input_per_million, output=row.output_per_million
        )
    newest = max(rows, key=lambda r: r.updated_at)
    return PriceTable(table), PriceSource(
        kind="database", file=file, updated_at=newest.updated_at, updated_by=newest.updated_by
    )


def replace_prices(
    session: Session, prices: list[tuple[str, str, ModelPrice]], updated_by: str
) -> None:
    """Make ``prices`` the whole table (an empty list goes back to the price file)."""
    session.execute(delete(ModelPriceRow))
    now = utc_now()
    for provider, model, price in prices:
        session.add(
            ModelPriceRow(
                provider=provider.lower(),
                model=model.lower(),
                input_per_million=price.input,
                output_per_million=price.output,
                updated_by=updated_by,
                updated_at=now,
            )
        )
    session.flush()


class DatabasePrices(PriceTable):
    """The table in effect for workers: re-read from the database at most every ``ttl`` s.

    Prices set through ``PUT /settings/prices`` reach running workers within ``ttl``;
    without database rows the price file is used, as before.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        path: str | Path | None = None,
        ttl_seconds: float = 30.0,
    ) -> None:
        self._session_factory = session_factory
        self._path = path
        self._ttl = ttl_seconds
        self._loaded_at = -float("inf")
        super().__init__({})
        self._fallback = PriceTable.load(path)  # fail at start on a broken file

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._loaded_at < self._ttl:
            return
        self._loaded_at = now
        try:
            with self._session_factory() as session:
                table, _ = effective_prices(session, self._path)
        except SQLAlchemyError:
            table = self._fallback  # the table before 0010, or the database is down
        self._prices = table._prices

    def price(self, provider: str, model: str) -> ModelPrice | None:
        self._refresh()
        return super().price(provider, model)
