"""Ready-made cost tables for ``memlint explain`` and the docs.

Each table is plain data; the CLI decides how to print it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple, Union

from memlint._compat import SLOTS

from .caches import lru_cache_entry_size
from .collector import compare_parent_references, gc_thresholds
from .files import read_splitlines_cost, readlines_cost
from .instances import instance_size, slots_saving
from .objects import dict_size, list_size
from .versions import Version, check_version, format_version

Cell = Union[int, float, str]


@dataclass(frozen=True, **SLOTS)
class CostTable:
    """A titled table of modelled costs; ``rows`` line up with ``columns``."""

    title: str
    version: Version
    columns: Tuple[str, ...]
    rows: Tuple[Tuple[Cell, ...], ...]
    note: str = ""


def slots_table(version: Version, max_attrs: int = 10) -> CostTable:
    """Per-instance bytes with and without ``__slots__`` for 1..``max_attrs`` attributes."""
    check_version(version)
    rows = []
    for k in range(1, max_attrs + 1):
        plain = instance_size(k, version)
        slotted = instance_size(k, version, slotted=True)
        saving = slots_saving(k, version)
        rows.append((k, plain, slotted, saving, round(100.0 * saving / plain, 1)))
    return CostTable(
        title=f"Instance bytes by attribute count, CPython {format_version(version)}",
        version=version,
        columns=("attributes", "no slots", "slots", "saving", "saving %"),
        rows=tuple(rows),
        note="Bytes per instance as tracemalloc counts them, attribute values excluded; "
        "touching __dict__ adds 64 B per instance on 3.11+.",
    )


def dict_table(
    version: Version, sizes: tuple[int, ...] = (0, 1, 5, 6, 10, 11, 21, 22)
) -> CostTable:
    """Dict bytes by key count, for str keys and other keys, grown by insertion."""
    check_version(version)
    rows = tuple((n, dict_size(n, version), dict_size(n, version, str_keys=False)) for n in sizes)
    return CostTable(
        title=f"dict bytes by key count, CPython {format_version(version)}",
        version=version,
        columns=("keys", "str keys", "other keys"),
        rows=rows,
        note="Keys and values themselves excluded.",
    )


def list_table(
    version: Version, sizes: tuple[int, ...] = (0, 1, 4, 5, 9, 17, 100, 1000)
) -> CostTable:
    """List bytes by length for appended, ``list(x)`` and literal construction."""
    check_version(version)
    rows = tuple(
        (
            n,
            list_size(n, version, grown_by_append=True),
            list_size(n, version),
            list_size(n, version, how="literal"),
        )
        for n in sizes
    )
    return CostTable(
        title=f"list bytes by length, CPython {format_version(version)}",
        version=version,
        columns=("items", "append", "list(x)", "[a, b, ...]"),
        rows=rows,
        note="Items themselves excluded.",
    )


def lru_cache_table(version: Version) -> CostTable:
    """Per-entry bookkeeping of ``lru_cache`` by boundedness, ``typed`` and arguments."""
    check_version(version)
    rows = []
    for bounded in (False, True):
        for typed in (False, True):
            for nargs, kwargs in ((1, 0), (2, 0), (0, 1)):
                rows.append(
                    (
                        "maxsize=N" if bounded else "maxsize=None",
                        "yes" if typed else "no",
                        f"{nargs} positional, {kwargs} keyword",
                        lru_cache_entry_size(version, bounded, typed, nargs, kwargs),
                    )
                )
    return CostTable(
        title=f"lru_cache bytes per entry, CPython {format_version(version)}",
        version=version,
        columns=("cache", "typed", "arguments", "bytes/entry"),
        rows=tuple(rows),
        note="Excludes the argument and result objects (an unbounded cache keeps them all); "
        "the dict share is averaged over a growth cycle.",
    )


def readlines_table(version: Version, file_bytes: int = 1_000_000) -> CostTable:
    """Peak extra bytes of whole-file reads for a file of ``file_bytes`` ASCII bytes."""
    check_version(version)
    rows = []
    for line in (20, 80, 200):
        a = readlines_cost(file_bytes, line, version)
        b = read_splitlines_cost(file_bytes, line, version)
        rows.append((line, a, round(a / file_bytes, 2), b, round(b / file_bytes, 2)))
    return CostTable(
        title=f"Whole-file reads of {file_bytes:,} bytes, CPython {format_version(version)}",
        version=version,
        columns=("line length", "readlines()", "x file", "read().splitlines()", "x file"),
        rows=tuple(rows),
        note="Extra peak over iterating the file line by line.",
    )


def parent_reference_table(
    version: Version, nodes_per_tree: int = 10, trees: int = 10_000
) -> CostTable:
    """Strong vs weak parent references for a build-and-drop tree workload."""
    check_version(version)
    cmp = compare_parent_references(version, nodes_per_tree, trees)
    off = compare_parent_references(version, nodes_per_tree, trees, gc_enabled=False)
    rows = []
    for label, sim in (("strong", cmp.strong), ("weak", cmp.weak), ("strong, gc off", off.strong)):
        rows.append(
            (
                label,
                sim.total_collections,
                sim.objects_examined,
                sim.peak_garbage_bytes,
            )
        )
    return CostTable(
        title=(
            f"{trees:,} trees of {nodes_per_tree} nodes, CPython {format_version(version)} "
            f"(thresholds {gc_thresholds(version)})"
        ),
        version=version,
        columns=("parents", "collections", "objects examined", "peak garbage bytes"),
        rows=tuple(rows),
        note="Weak parents save mostly collector work; garbage grows large only with gc off.",
    )
