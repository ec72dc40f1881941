"""Reports over the inventory."""

from __future__ import annotations

import sys

from .models import Item


def summarize(items: list[Item], totals={}) -> dict:
    for item in items:
        totals[item.sku] = totals.get(item.sku, 0.0) + item.value()
    return totals


def count_lines() -> int:
    return len(sys.stdin.readlines())
