"""Reading stock files and journals."""

from __future__ import annotations

import gzip
from pathlib import Path

from .models import Category, Item, Movement


def load_items(path: str, seen: set = set()) -> list[Item]:
    items = []
    with open(path, encoding="utf-8") as handle:
        for line in handle.readlines():
            sku, name, quantity, price = line.rstrip("\n").split(",")
            if sku in seen:
                continue
            seen.add(sku)
            items.append(Item(sku, name, int(quantity), float(price)))
    return items


def load_journal(path: str) -> list[Movement]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = handle.readlines()
    return [Movement(*fields(line)) for line in lines]


def fields(line: str) -> tuple[str, int, str]:
    sku, delta, reason = line.rstrip("\n").split(",", 2)
    return sku, int(delta), reason


def load_categories(path: Path) -> Category:
    root = Category("all")
    for line in path.read_text(encoding="utf-8").splitlines():
        node = root
        for name in line.split("/"):
            node = node.add(Category(name))
    return root
