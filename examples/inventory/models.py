"""Domain objects."""

from __future__ import annotations

from dataclasses import dataclass


class Item:
    """One stock item; the loader creates one per line of the stock file."""

    def __init__(self, sku: str, name: str, quantity: int, price: float) -> None:
        self.sku = sku
        self.name = name
        self.quantity = quantity
        self.price = price

    def value(self) -> float:
        return self.quantity * self.price


@dataclass
class Movement:
    """A stock movement read from the journal."""

    sku: str
    delta: int
    reason: str


class Category:
    """A node in the category tree."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parent: Category | None = None
        self.children: list[Category] = []

    def add(self, child: Category) -> Category:
        child.parent = self
        self.children.append(child)
        return child

    def path(self) -> str:
        node, names = self, []
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))
