"""A tree whose nodes point back to their parent; MEM005's fix must keep app.py's output."""

from __future__ import annotations

from typing import Optional


class Node:
    def __init__(self, name: str) -> None:
        self.name = name
        self.parent: Optional[Node] = None
        self.children: list[Node] = []

    def add(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child

    def path(self) -> str:
        parts = []
        node: Optional[Node] = self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return "/".join(reversed(parts))
