"""MEM005 after: the same trees with weak parent references (memlint's advice)."""

from __future__ import annotations

import random
import sys
import weakref


class Category:
    def __init__(self, label: str, weight: float) -> None:
        self.label = label
        self.weight = weight
        self._parent = None
        self.children = []

    @property
    def parent(self) -> Category | None:
        return None if self._parent is None else self._parent()

    def add(self, child: Category) -> None:
        child._parent = weakref.ref(self)
        self.children.append(child)


def build(rng: random.Random, size: int) -> Category:
    root = Category("root", 0.0)
    nodes = [root]
    for i in range(1, size):
        parent = nodes[rng.randrange(len(nodes))]
        child = Category(f"c{i}", rng.random())
        parent.add(child)
        nodes.append(child)
    return root


def path_weight(node: Category) -> float:
    total = node.weight
    parent = node.parent
    while parent is not None:
        total += parent.weight * 0.5
        parent = parent.parent
    return total


def main(trees: int, size: int) -> None:
    rng = random.Random(7)
    total = 0.0
    for _ in range(trees):
        root = build(rng, size)
        leaf = root
        while leaf.children:
            leaf = leaf.children[-1]
        total += path_weight(leaf)
    print(f"{trees} trees, {total:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 12_000, 50)
