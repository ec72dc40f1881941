"""A program with one of each anti-pattern whose output must not change under --fix."""

import functools
import os
import sys
import tempfile


def describe(items, labels=[]):  # read-only default: safe fix
    return ", ".join(labels + [str(i) for i in items])


def counter(step, seen=[]):  # relies on the shared default: unsafe fix only
    seen.append(step)
    return len(seen)


@functools.lru_cache(maxsize=None)  # unsafe fix only
def square(n):
    return n * n


class Point:  # hot: safe __slots__ fix
    def __init__(self, x, y):
        self.x = x
        self.y = y


def points(n):
    return [Point(i, i * 2) for i in range(n)]


def pairs(path):
    out = []
    with open(path) as f:
        for line in f.readlines():  # the body reads the same handle: no safe fix
            out.append((line.strip(), next(f, "").strip()))
    return out


def lengths(path):
    with open(path) as f:
        return [len(line) for line in f.readlines()]  # safe fix: iterate f


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.txt")
        with open(path, "w") as out:
            out.write("".join(f"line {i}\n" for i in range(7)))
        print(describe([1, 2]), describe([3]))
        print([counter(i) for i in range(4)])
        print(sum(square(i) for i in range(10)))
        print(sum(p.x + p.y for p in points(100)))
        print(pairs(path))
        print(lengths(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
