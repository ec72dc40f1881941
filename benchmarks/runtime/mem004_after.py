"""MEM004 after: the same readings in a class with ``__slots__``.

Generates 400,000 readings, keeps them all (as a loader would) and averages them
per sensor, exactly like ``mem004_before.py``.
"""

from __future__ import annotations

import random
import sys


class Reading:
    __slots__ = ("sensor", "timestamp", "value", "unit")

    def __init__(self, sensor: str, timestamp: int, value: float, unit: str) -> None:
        self.sensor = sensor
        self.timestamp = timestamp
        self.value = value
        self.unit = unit


def generate(count: int, seed: int = 1):
    rng = random.Random(seed)
    units = ("C", "F", "K")
    for i in range(count):
        yield f"sensor-{rng.randrange(500)}", 1_700_000_000 + i, rng.random() * 100, units[i % 3]


def load(count: int) -> list[Reading]:
    return [Reading(*fields) for fields in generate(count)]


def summarize(readings: list[Reading]) -> dict[str, float]:
    by_sensor: dict[str, list[float]] = {}
    for reading in readings:
        by_sensor.setdefault(reading.sensor, []).append(reading.value)
    return {sensor: sum(values) / len(values) for sensor, values in by_sensor.items()}


def main(count: int) -> None:
    readings = load(count)
    averages = summarize(readings)
    print(f"{len(readings)} readings, {len(averages)} sensors, {sum(averages.values()):.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400_000)
