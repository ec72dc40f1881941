"""One small program with every anti-pattern memlint measures at runtime."""

import functools
import os
import sys
import tempfile


def remember(item, seen=[]):  # noqa: B006
    seen.append(item)
    return len(seen)


@functools.lru_cache(maxsize=None)  # noqa: UP033
def square(text, factor):
    return text * factor


class Node:
    def __init__(self, name):
        self.name = name
        self.parent = None
        self.children = []

    def add(self, child):
        child.parent = self
        self.children.append(child)


def trees(count):
    total = 0
    for i in range(count):
        root = Node("root")
        for j in range(20):
            root.add(Node(f"n{i}-{j}"))
        total += len(root.children)
    return total


def read_lines(path):
    with open(path, encoding="utf-8") as handle:
        lines = handle.readlines()
        return sum(len(line) for line in lines)


def main(count):
    for i in range(count):
        remember(f"item-{i}")
        square(f"key-{i}", 3)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.txt")
        with open(path, "w", encoding="utf-8") as out:
            for i in range(count):
                out.write(f"line {i} " + "x" * 40 + "\n")
        characters = read_lines(path)
    print(trees(count // 20), characters)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
