"""The price table: tokens → US dollars per provider and model, from an editable YAML file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

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
