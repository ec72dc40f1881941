"""Generate a stock file and run the inventory pipeline over it (for `memlint run`)."""

from __future__ import annotations

import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from inventory.loader import load_items  # noqa: E402
from inventory.report import summarize  # noqa: E402


def main(count: int = 200_000) -> None:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "stock.csv")
        with open(path, "w", encoding="utf-8") as out:
            for i in range(count):
                out.write(f"SKU{i:07d},item {i},{rng.randint(0, 500)},{rng.random() * 100:.2f}\n")
        items = load_items(path)
        totals = summarize(items)
        print(f"{len(items)} items, total value {sum(totals.values()):,.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
