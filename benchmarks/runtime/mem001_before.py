"""MEM001 before: a helper that appends every record it cleans to its default list.

Cleans 300,000 generated records; the mutable default ``history`` is shared by every
call and keeps each cleaned record alive. ``mem001_after.py`` applies memlint's fix
(``history=None`` and a new list per call); the printed result is the same.
"""

from __future__ import annotations

import random
import sys


def clean(record: tuple[str, str, str], history: list = []) -> tuple[str, ...]:
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
