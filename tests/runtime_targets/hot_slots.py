"""A statically flagged MEM004 class with a known number of live instances."""

import sys


class Point:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


def build(count):
    return [Point(i, i + 1, i + 2) for i in range(count)]


if __name__ == "__main__":
    points = build(int(sys.argv[1]))
    print(len(points))
