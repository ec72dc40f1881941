"""Generates readings and points, post-processes them and prints a summary."""

from __future__ import annotations

import copy
import pickle
import random
import weakref

from models import Point, Reading


def generate(count: int, seed: int) -> list[Reading]:
    rng = random.Random(seed)
    return [Reading(f"s{rng.randrange(5)}", rng.randrange(1000)) for _ in range(count)]


def points(count: int, seed: int) -> list[Point]:
    rng = random.Random(seed)
    return [Point(rng.randrange(-50, 50), rng.randrange(-50, 50)) for _ in range(count)]


def main() -> None:
    readings = generate(2000, 7)
    for reading in readings:
        if reading.value > 900:
            reading.flags.append("high")
    # Weak references on a loop variable: the facts cannot tie them to Reading.
    refs = [weakref.ref(r) for r in readings]
    print(len(readings), sum(ref() is not None for ref in refs))
    print(pickle.loads(pickle.dumps(readings)) == readings)
    print([copy.copy(r) for r in readings[:3]] == readings[:3])
    by_sensor: dict[str, list[int]] = {}
    for reading in readings:
        by_sensor.setdefault(reading.sensor, []).append(reading.value)
    for sensor in sorted(by_sensor):
        values = by_sensor[sensor]
        print(sensor, len(values), sum(values), max(values))
    print(readings[0], readings[0].scaled(2))
    extra = Reading("extra", 1)
    extra.note = "stored from outside the class"  # type: ignore[attr-defined]
    print(extra.note)  # type: ignore[attr-defined]
    try:
        print(readings[1].missing)  # type: ignore[attr-defined]
    except AttributeError:
        print("no attribute 'missing'")
    grid = points(500, 11)
    print(sum(p.norm1() for p in grid), len(set(grid)), pickle.loads(pickle.dumps(grid)) == grid)


if __name__ == "__main__":
    main()
