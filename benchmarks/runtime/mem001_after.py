"""MEM001 after: memlint's fix applied (``history=None``, a new list per call)."""

from __future__ import annotations

import random
import sys


def clean(record: tuple[str, str, str], history: list | None = None) -> tuple[str, ...]:
    if history is None:
        history = []
    cleaned = tuple(field.strip().lower() for field in record)
    history.append(cleaned)
    return history[-1]


def main(count: int) -> None:
    rng = random.Random(3)
    cities = [f" City-{i} " for i in range(2_000)]
    lengths = 0
    for i in range(count):
        record = (f" Customer {i:07d} ", rng.choice(cities), f" {rng.randrange(10**9):09d} ")
        lengths += sum(map(len, clean(record)))
    print(f"{count} records, {lengths} characters")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
