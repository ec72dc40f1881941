"""Builds trees of nodes, walks them from the leaves and prints what it finds."""

from __future__ import annotations

from models import Node


def build(depth: int, fanout: int) -> tuple[Node, list[Node]]:
    root = Node("root")
    level = [root]
    for d in range(depth):
        below = []
        for parent in level:
            for i in range(fanout):
                below.append(parent.add(Node(f"n{d}{i}")))
        level = below
    return root, level


def main() -> None:
    root, leaves = build(4, 3)
    print(len(leaves), leaves[0].path(), leaves[-1].path())
    print(sum(1 for leaf in leaves if leaf.parent.parent.parent.parent is root))
    moved = leaves[5]
    moved.parent.children.remove(moved)
    leaves[0].add(moved)
    print(moved.path(), len(leaves[0].children))
    print(Node("alone").parent)
    forest = [build(2, 2)[0] for _ in range(100)]
    print(sum(len(tree.children) for tree in forest))


if __name__ == "__main__":
    main()
