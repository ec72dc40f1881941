"""MEM002 after: the same program with the cache bounded (``maxsize=1024``, memlint's fix)."""

from __future__ import annotations

import functools
import random
import sys


@functools.lru_cache(maxsize=1024)
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
