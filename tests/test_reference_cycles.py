"""Analysing a file leaves no reference cycles behind.

The runner pauses the cyclic garbage collector while it analyses a file (see
``memlint.runner.collection_paused``): the trees are then freed by reference
counting alone, at the end of the file. A cycle that reaches a tree would keep
the whole tree alive until the collector runs again, so these tests fail if any
pass (index, facts, a rule, positions, fixes) starts making one.
"""

from __future__ import annotations

import gc
import textwrap

import pytest

import memlint.rules
from memlint.engine import EngineOptions, check_source
from memlint.runner import collection_paused

# Every rule has something to report, MEM001 follows a default into the module's
# own functions (its memo of followed calls), and classes with methods exercise
# the facts pass.
SOURCE = textwrap.dedent(
    """\
    import functools
    from collections import defaultdict

    REGISTRY = {}

    def helper(items, seen):
        seen.append(items)
        return helper(items, seen)

    def collect(value, seen=[]):
        helper(value, seen)
        return seen

    def tally(words, counts=defaultdict(int)):
        for word in words:
            counts[word] += 1
        return counts

    @functools.lru_cache(maxsize=None)
    def square(x):
        return x * x

    def lines(path):
        with open(path) as f:
            return f.readlines()

    class Node:
        def __init__(self, parent=None):
            self.parent = parent
            self.children = []
            self.name, (self.kind, *self.rest) = "n", ("k", 1)

        def add(self, child):
            child.parent = self
            self.children.append(child)

    class Tree:
        def build(self, n):
            return [Node(self) for _ in range(n)]
    """
)


def _cyclic_garbage_after(source: str) -> int:
    options = EngineOptions(target_version=(3, 11))
    gc.collect()
    with collection_paused():
        result = check_source(source, "mod.py", memlint.rules.RULES, options, module="mod")
        assert {f.code for f in result.findings} >= {"MEM001", "MEM002", "MEM003"}
        assert result.facts is not None and result.facts.classes
        del result
        return gc.collect()


def test_analysing_a_file_leaves_no_cyclic_garbage() -> None:
    _cyclic_garbage_after(SOURCE)  # first use: imports, caches, LibCST's own setup
    assert _cyclic_garbage_after(SOURCE) == 0


def test_the_check_detects_a_cycle() -> None:
    # The check above can fail: a cycle made during analysis is counted.
    class Holder:
        pass

    gc.collect()
    with collection_paused():
        holder = Holder()
        holder.me = holder  # type: ignore[attr-defined]
        del holder
        assert gc.collect() > 0


@pytest.mark.parametrize("enabled", [True, False])
def test_collection_paused_restores_the_collector(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        with collection_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), collection_paused():
            raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()
