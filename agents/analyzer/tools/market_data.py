"""``market-data``: sector benchmarks and reference rates from a data file (bundled by default)."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

from agents.base.errors import ToolError

BUNDLED_MARKET_DATA = Path(__file__).resolve().parent.parent / "data" / "market_data.json"


class MarketData:
    """Looks sectors up by name or alias; unknown sectors get the ``default`` benchmarks."""

    id = "market-data"
    name = "Market data"
    description = "Sector benchmarks and reference rates from a bundled data file."
    sensitive = False

    def __init__(self, path: Path = BUNDLED_MARKET_DATA) -> None:
        self.path = path

    @cached_property
    def data(self) -> dict[str, Any]:
        try:
            loaded: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ToolError(
                self.id, f"market data file {self.path} cannot be read ({exc})", status_code=400
            ) from exc
        if "default" not in loaded.get("sectors", {}):
            raise ToolError(self.id, f"{self.path} has no 'default' sector", status_code=400)
        return loaded

    def run(self, **kwargs: Any) -> dict[str, Any]:
        """``run(industry=str|None, currency=str|None)`` → benchmarks of the sector."""
        return self.lookup(kwargs.get("industry"), kwargs.get("currency"))

    def sector_of(self, industry: str | None) -> str:
        """The sector key an industry description belongs to."""
        text = (industry or "").lower()
        for key, sector in self.data["sectors"].items():
            if key != "default" and (key in text or any(a in text for a in sector["aliases"])):
                return str(key)
        return "default"

    def lookup(self, industry: str | None, currency: str | None = None) -> dict[str, Any]:
        key = self.sector_of(industry)
        sector = {k: v for k, v in self.data["sectors"][key].items() if k != "aliases"}
        rate = self.data.get("reference_rates", {}).get((currency or "USD").upper())
        return {
            "sector": key,
            **sector,
            "reference_rate": rate,
            "as_of": self.data.get("as_of"),
            "source": self.data.get("source"),
        }
