"""Prices, discounts and currency conversion."""

from __future__ import annotations

import functools

RATES = {"EUR": 1.0, "USD": 1.08, "GBP": 0.86}


@functools.lru_cache(maxsize=None)
def convert(amount: float, currency: str) -> float:
    return round(amount * RATES[currency], 2)


class PriceList:
    def __init__(self, discounts: dict[str, float]) -> None:
        self.discounts = discounts

    @functools.cache
    def price(self, sku: str, base: float) -> float:
        return base * (1 - self.discounts.get(sku, 0.0))


def apply_discounts(prices: dict, overrides: dict = {}) -> dict:
    overrides.update({sku: price * 0.9 for sku, price in prices.items()})
    return overrides
