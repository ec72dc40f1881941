"""MEM003 after: the same log scan iterating over the file (memlint's fix)."""

from __future__ import annotations

import os
import random
import sys
import tempfile


def write_log(path: str, count: int) -> None:
    rng = random.Random(4)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            out.write(
                f"2024-05-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00 INFO svc-{rng.randrange(40):02d}"
                f" GET /api/items/{rng.randrange(10**6)} id={i:08d} ms={rng.random() * 900:.1f}\n"
            )


def slow_requests(path: str, threshold: float) -> tuple[int, float]:
    count = 0
    total = 0.0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            ms = float(line.rsplit("ms=", 1)[1])
            if ms > threshold:
                count += 1
                total += ms
    return count, total


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "access.log")
        write_log(path, count)
        slow, total = slow_requests(path, 750.0)
    print(f"{slow} slow requests, {total:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
