"""MEM002 before: an unbounded ``lru_cache`` over product names that keep changing.

Normalises 300,000 product names drawn from 250,000 distinct ones; the cache keeps
every distinct name and result alive. ``mem002_after.py`` bounds it with
``maxsize=1024``, the bound memlint's fix writes.
"""

from __future__ import annotations

import functools
import random
import sys


@functools.lru_cache(maxsize=None)
def normalize(name: str, region: str) -> tuple[str, str, int]:
    cleaned = name.strip().lower().replace("-", " ")
    return cleaned, region.upper(), len(cleaned) % 7


def main(count: int) -> None:
    rng = random.Random(2)
    total = 0
    for _ in range(count):
        name = f"  Product-{rng.randrange(250_000):06d}-{rng.choice('ABCDEFGH')}  "
        total += normalize(name, "eu")[2]
    info = normalize.cache_info()
    print(f"{count} lookups, checksum {total}, {info.hits} hits")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
