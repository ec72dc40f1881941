from pkg.a import Once
from pkg.a import Point as P

DEFAULT = Once("default")


def load(rows):
    points = []
    for x, y in rows:
        points.append(P(x, y))
    return points
