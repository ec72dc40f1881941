"""The cyclic garbage collector: default thresholds and how long cyclic garbage lives.

Objects in reference cycles are not freed by reference counting; they wait until a
collection examines every object of the cycle. How long that takes depends on the
collector's counting, which this module simulates for one allocation pattern: a program
that builds trees of nodes (each node an instance with a ``children`` list and a
``parent`` attribute) and drops each tree after building it. With strong parent
references every tree is one big cycle; with ``weakref.ref`` parents the tree is acyclic
and reference counting frees it the moment it is dropped.

**Generational collector (3.8-3.13, and 3.14.5+).** ``Python/gc.c`` (``gcmodule.c`` up
to 3.11): ``generations[0].count`` rises by one for every GC-object allocation
(``_PyObject_GC_Alloc`` / ``_PyObject_GC_Link``) and falls by one for every GC-object
deallocation (``PyObject_GC_Del``, never below 0). Objects recycled through a type's
free list (lists and dicts keep 80) skip both. When the count exceeds ``threshold0``,
``collect_generations`` collects the oldest generation whose count exceeds its threshold
-- except generation 2, which also needs ``long_lived_pending >= long_lived_total / 4``
(objects promoted into it since the last full collection, against its size after that
collection). A collection of generation *i* examines every object in generations 0..i,
frees what is unreachable from outside them, moves the survivors to *i*+1, zeroes the
counts of 0..i and adds one to the count of *i*+1. A dead tree whose older part was
promoted while the tree was still being built survives collections of the younger
generations (its older part refers to the rest) until a collection reaches its oldest part.

**Incremental collector (3.14.0-3.14.4).** Young objects plus a slice of the old
generation are collected together whenever the young count exceeds ``threshold0``
(``gc_collect_increment``). The slice size is the young count plus
``min(heap_size / (SCAN_RATE_DIVISOR * threshold1), 2 * young count)`` objects (with
``SCAN_RATE_DIVISOR`` 10); the slice is closed over everything it reaches that was not
yet visited, so a dropped tree is collected whole. Survivors go to the "visited" space;
when the "pending" space is empty the spaces swap and the next increment first marks
everything reachable from the roots (``mark_at_start``). It was reverted to the 3.13
generational collector for 3.14.5 (python/cpython gh-148726).

Limits of the simulation: allocations are counted per node (a collection that CPython
triggers mid-node happens at the end of that node here); 3.12+ run a collection at the
next eval-breaker check rather than inside the allocation (a few objects later); only the
list and dict free lists are modelled; finalizers, weakref callbacks and
``gc.freeze()`` are ignored; in the incremental model every live object is reachable from
the roots and the pending space is scanned in allocation order.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Dict, List, Literal, Tuple

from memlint._compat import SLOTS

from .instances import instance_size
from .objects import LIST_OBJECT, POINTER, list_capacity, weakref_size
from .versions import Version, check_version

Collector = Literal["generational", "incremental"]

#: ``PyList_MAXFREELIST`` / ``PyDict_MAXFREELIST`` (``Py_lists_MAXFREELIST`` and
#: ``Py_dicts_MAXFREELIST`` in ``pycore_freelist_state.h`` from 3.13): 80 each.
FREELIST_SIZE = 80
#: ``Python/gc.c: SCAN_RATE_DIVISOR`` of the 3.14 incremental collector.
SCAN_RATE_DIVISOR = 10
#: First 3.14 patch release that ships the generational collector again.
GENERATIONAL_AGAIN_314 = 5


def gc_collector(version: Version, patch: int | None = None) -> Collector:
    """Which collector a CPython release runs.

    3.14.0-3.14.4 shipped the incremental collector; 3.14.5 restored the 3.13 one
    (gh-148726). ``patch=None`` on 3.14 means the current 3.14 line, i.e. 3.14.5+.
    """
    check_version(version)
    if version == (3, 14) and patch is not None and patch < GENERATIONAL_AGAIN_314:
        return "incremental"
    return "generational"


def gc_thresholds(version: Version, patch: int | None = None) -> tuple[int, int, int]:
    """Default ``gc.get_threshold()`` of a release.

    (700, 10, 10) up to 3.12 (``Python/gc.c`` / ``Modules/gcmodule.c: _PyGC_InitState``);
    (2000, 10, 10) in 3.13, which reverted the incremental collector before release but
    kept its larger young threshold; (2000, 10, 0) for the incremental 3.14.0-3.14.4, where
    the third value no longer triggers anything; (2000, 10, 10) again from 3.14.5.
    """
    collector = gc_collector(version, patch)
    if version <= (3, 12):
        return (700, 10, 10)
    if collector == "incremental":
        return (2000, 10, 0)
    return (2000, 10, 10)


def gc_objects_per_node(version: Version, weak_parents: bool = False) -> int:
    """GC-tracked allocations per tree node: the instance, its ``children`` list, its
    ``__dict__`` up to 3.10 (inline values from 3.11 are not a GC object), and with weak
    parents the ``weakref.ref`` (root excepted, counted by the caller)."""
    check_version(version)
    return 2 + (1 if version < (3, 11) else 0) + (1 if weak_parents else 0)


def tree_children(nodes: int) -> list[int]:
    """Children per node of the simulated tree shape: a binary heap (node i's parent is
    ``(i - 1) // 2``), which is also what the tests build."""
    return [sum(1 for c in (2 * i + 1, 2 * i + 2) if c < nodes) for i in range(nodes)]


def tree_bytes(version: Version, nodes: int, weak_parents: bool = False) -> int:
    """Bytes of one tree: per node an instance with two attributes (``parent``,
    ``children``), its children list grown by ``append``, and with weak parents one
    ``weakref.ref`` per non-root node."""
    node = instance_size(2, version)
    lists = sum(
        LIST_OBJECT + POINTER * list_capacity(k, version, "append") for k in tree_children(nodes)
    )
    weak = weakref_size(version) * max(0, nodes - 1) if weak_parents else 0
    return nodes * node + lists + weak


@dataclass(frozen=True, **SLOTS)
class GCSimulation:
    """Outcome of :func:`simulate_cyclic_garbage`.

    ``collections`` is indexed like ``gc.get_stats()``: collections *of* generation 0, 1, 2
    (for the incremental collector every automatic collection is an increment, index 1).
    """

    version: Version
    collector: Collector
    thresholds: tuple[int, int, int]
    gc_enabled: bool
    weak_parents: bool
    trees: int
    nodes_per_tree: int
    gc_objects_per_tree: int
    tree_bytes: int
    collections: tuple[int, int, int]
    objects_examined: int
    objects_collected: int
    peak_garbage_objects: int
    peak_garbage_bytes: int
    garbage_left_objects: int
    garbage_left_bytes: int

    @property
    def total_collections(self) -> int:
        return sum(self.collections)

    @property
    def examined_per_tree(self) -> float:
        return self.objects_examined / self.trees if self.trees else 0.0


Group = Tuple[int, int, int]


class _Sim:
    """Mutable state of one simulation run (kept private: results are frozen)."""

    def __init__(
        self,
        version: Version,
        thresholds: tuple[int, int, int],
        enabled: bool,
        long_lived: int,
        per_node: int,
        dict_per_node: int,
        nodes: int,
    ) -> None:
        self.version = version
        self.t = thresholds
        self.enabled = enabled
        self.per_node = per_node
        self.dict_per_node = dict_per_node
        self.nodes = nodes
        self.count = [0, 0, 0]
        # Locations: generational -> generations 0/1/2; incremental -> young/visited/pending.
        self.live = [0, 0, long_lived]
        self.cur = [0, 0, 0]
        self.dead: Dict[Group, int] = {}
        self.long_lived_total = long_lived
        self.long_lived_pending = 0
        self.fl_list = 0
        self.fl_dict = 0
        self.collections = [0, 0, 0]
        self.examined = 0
        self.collected = 0
        self.peak_dead_trees = 0
        # incremental collector state (old objects start in the pending space)
        self.work = 0
        self.marking = True

    # --- allocation ----------------------------------------------------------------

    def _counted_per_node(self, weak_root: bool) -> int:
        counted = self.per_node - 1 - self.dict_per_node  # instance (+ weakref)
        if weak_root:
            counted -= 1
        counted += 0 if self.fl_list > 0 else 1
        if self.dict_per_node:
            counted += 0 if self.fl_dict > 0 else 1
        return counted

    def build_tree(self, weak: bool) -> None:
        remaining = self.nodes
        first = True
        while remaining > 0:
            if first and weak:
                chunk = 1  # the root has no weakref
            else:
                limits = [remaining]
                if self.fl_list > 0:
                    limits.append(self.fl_list)
                if self.dict_per_node and self.fl_dict > 0:
                    limits.append(self.fl_dict)
                chunk = min(limits)
            counted = self._counted_per_node(weak and first)
            if self.enabled and counted > 0 and self.t[0] > 0:
                room = self.t[0] - self.count[0]
                chunk = min(chunk, max(1, room // counted + 1))
            objects = self.per_node - (1 if weak and first else 0)
            self.cur[0] += objects * chunk
            self.count[0] += counted * chunk
            self.fl_list = max(0, self.fl_list - chunk)
            if self.dict_per_node:
                self.fl_dict = max(0, self.fl_dict - chunk)
            remaining -= chunk
            first = False
            self.maybe_collect()

    def keep_objects(self, n: int) -> None:
        while n > 0:
            chunk = n
            if self.enabled and self.t[0] > 0:
                chunk = min(chunk, max(1, self.t[0] - self.count[0] + 1))
            self.live[0] += chunk
            self.count[0] += chunk
            n -= chunk
            self.maybe_collect()

    def drop_tree(self, weak: bool) -> None:
        if weak:
            # Reference counting frees the whole tree now: lists and dicts refill their
            # free lists first (no count change), everything else is PyObject_GC_Del'd.
            freed = sum(self.cur)
            to_list = min(FREELIST_SIZE - self.fl_list, self.nodes)
            self.fl_list += to_list
            to_dict = 0
            if self.dict_per_node:
                to_dict = min(FREELIST_SIZE - self.fl_dict, self.nodes)
                self.fl_dict += to_dict
            self.count[0] = max(0, self.count[0] - (freed - to_list - to_dict))
        else:
            key: Group = (self.cur[0], self.cur[1], self.cur[2])
            self.dead[key] = self.dead.get(key, 0) + 1
            self.peak_dead_trees = max(self.peak_dead_trees, sum(self.dead.values()))
        self.cur = [0, 0, 0]

    def _free_trees(self, trees: int) -> None:
        self.collected += trees * self.nodes * self.per_node
        self.fl_list = min(FREELIST_SIZE, self.fl_list + trees * self.nodes)
        if self.dict_per_node:
            self.fl_dict = min(FREELIST_SIZE, self.fl_dict + trees * self.nodes)

    # --- generational collector ----------------------------------------------------

    def maybe_collect(self) -> None:
        if not self.enabled or self.t[0] == 0 or self.count[0] <= self.t[0]:
            return
        if self.t[2] == 0:
            self.increment()
            return
        for gen in (2, 1, 0):
            if self.count[gen] > self.t[gen]:
                if gen == 2 and self.long_lived_pending < self.long_lived_total // 4:
                    continue
                self.collect(gen)
                return

    def collect(self, gen: int) -> None:
        self.collections[gen] += 1
        self.examined += sum(self.live[: gen + 1]) + sum(self.cur[: gen + 1])
        self.examined += sum(sum(g[: gen + 1]) * n for g, n in self.dead.items())
        if gen < 2:
            self.count[gen + 1] += 1
        for younger in range(gen + 1):
            self.count[younger] = 0
        target = min(gen + 1, 2)
        promoted = 0
        for bucket in (self.live, self.cur):
            moved = sum(bucket[: gen + 1]) if gen < 2 else bucket[0] + bucket[1]
            for younger in range(min(gen + 1, 2)):
                bucket[younger] = 0
            bucket[target] += moved
            promoted += moved
        survivors: Dict[Group, int] = {}
        freed = 0
        for group, n in self.dead.items():
            if sum(group[gen + 1 :]) == 0:
                freed += n
                continue
            moved_group = [0, 0, 0]
            moved_group[target] = sum(group[: gen + 1])
            for older in range(gen + 1, 3):
                moved_group[older] += group[older]
            key: Group = (moved_group[0], moved_group[1], moved_group[2])
            survivors[key] = survivors.get(key, 0) + n
            promoted += sum(group[: gen + 1]) * n
        self.dead = survivors
        self._free_trees(freed)
        if gen == 1:
            self.long_lived_pending += promoted
        elif gen == 2:
            self.long_lived_pending = 0
            self.long_lived_total = self.live[2] + self.cur[2]

    # --- incremental collector (3.14.0-3.14.4) --------------------------------------
    # live/cur/dead index 0 = young, 1 = visited space, 2 = pending space.

    def _heap(self) -> int:
        return sum(self.live) + sum(self.cur) + sum(sum(g) * n for g, n in self.dead.items())

    def _add(self, table: Dict[Group, int], key: Group, n: int) -> None:
        if n:
            table[key] = table.get(key, 0) + n

    def increment(self) -> None:
        self.collections[1] += 1
        young = self.count[0]
        self.count[0] = 0
        scale = max(self.t[1], 2)
        self.work += young + min(self._heap() // SCAN_RATE_DIVISOR // scale, 2 * young)
        if self.work < 0:
            return
        if self.marking:
            # mark_at_start: everything reachable from the roots moves to "visited".
            marked = self.live[0] + self.live[2] + self.cur[0] + self.cur[2]
            self.live = [0, sum(self.live), 0]
            self.cur = [0, sum(self.cur), 0]
            self.work -= marked
            self.examined += marked
            self.marking = False
            return
        # mark_stacks: the tree under construction is reachable from the frame.
        stacked = self.cur[0] + self.cur[2]
        self.cur = [0, sum(self.cur), 0]
        self.work -= stacked
        self.examined += stacked
        size = self.live[0]
        self.live = [0, self.live[1] + self.live[0], self.live[2]]
        survivors: Dict[Group, int] = {}
        freed = 0
        pending: List[Tuple[Group, int]] = []
        for (young_part, visited, waiting), n in self.dead.items():
            size += young_part * n
            if waiting:
                pending.append(((young_part, visited, waiting), n))
            elif visited:
                # Referenced from its visited part: survives into the visited space.
                self._add(survivors, (0, young_part + visited, 0), n)
            else:
                freed += n
        # Pull pending trees (whole: the increment is closed over unvisited objects)
        # until the increment is as large as the work owed.
        for (young_part, visited, waiting), n in pending:
            pull = 0 if size >= self.work else min(n, -(-(self.work - size) // waiting))
            size += waiting * pull
            if visited:
                self._add(survivors, (0, young_part + visited + waiting, 0), pull)
            else:
                freed += pull
            self._add(survivors, (0, young_part + visited, waiting), n - pull)
        self.dead = survivors
        self._free_trees(freed)
        self.examined += size
        self.work -= size
        if self.live[2] + sum(g[2] * n for g, n in self.dead.items()) == 0:
            # completed_scavenge: the visited space becomes the pending one.
            self.live = [self.live[0], 0, self.live[1]]
            self.cur = [self.cur[0], 0, self.cur[1]]
            flipped: Dict[Group, int] = {}
            for group, n in self.dead.items():
                self._add(flipped, (group[0], 0, group[1] + group[2]), n)
            self.dead = flipped
            self.work = 0
            self.marking = True


def simulate_cyclic_garbage(
    version: Version,
    nodes_per_tree: int,
    trees: int,
    other_allocs_per_tree: int = 0,
    gc_enabled: bool = True,
    *,
    weak_parents: bool = False,
    patch: int | None = None,
    long_lived_objects: int = 10_000,
    thresholds: tuple[int, int, int] | None = None,
) -> GCSimulation:
    """Simulate building and dropping ``trees`` trees of ``nodes_per_tree`` nodes.

    ``other_allocs_per_tree``: acyclic GC objects the program allocates and keeps per tree
    (results, records): they advance the collector and grow the long-lived heap, which
    makes full collections rarer. ``long_lived_objects``: GC-tracked objects already alive
    when the pattern starts (a bare interpreter has 7-12 thousand), taken to be right after
    a full collection. ``weak_parents``: children hold ``weakref.ref(parent)``. ``patch``
    picks the 3.14 collector; ``thresholds`` overrides ``gc.set_threshold``.
    """
    check_version(version)
    if nodes_per_tree < 1 or trees < 0 or other_allocs_per_tree < 0 or long_lived_objects < 0:
        raise ValueError("node, tree and object counts must be positive")
    collector = gc_collector(version, patch)
    limits = thresholds or gc_thresholds(version, patch)
    if collector == "incremental" and thresholds is None:
        limits = (limits[0], limits[1], 0)
    per_node = gc_objects_per_node(version, weak_parents)
    dict_per_node = 1 if version < (3, 11) else 0
    sim = _Sim(
        version, limits, gc_enabled, long_lived_objects, per_node, dict_per_node, nodes_per_tree
    )
    for _ in range(trees):
        sim.build_tree(weak_parents)
        if other_allocs_per_tree:
            sim.keep_objects(other_allocs_per_tree)
        sim.drop_tree(weak_parents)
    per_tree_objects = per_node * nodes_per_tree - (1 if weak_parents else 0)
    one_tree = tree_bytes(version, nodes_per_tree, weak_parents)
    left = sum(sim.dead.values())
    return GCSimulation(
        version=version,
        collector=collector,
        thresholds=limits,
        gc_enabled=gc_enabled,
        weak_parents=weak_parents,
        trees=trees,
        nodes_per_tree=nodes_per_tree,
        gc_objects_per_tree=per_tree_objects,
        tree_bytes=one_tree,
        collections=(sim.collections[0], sim.collections[1], sim.collections[2]),
        objects_examined=sim.examined,
        objects_collected=sim.collected,
        peak_garbage_objects=sim.peak_dead_trees * per_tree_objects,
        peak_garbage_bytes=sim.peak_dead_trees * one_tree,
        garbage_left_objects=left * per_tree_objects,
        garbage_left_bytes=left * one_tree,
    )


@dataclass(frozen=True, **SLOTS)
class ParentReferenceSaving:
    """What switching ``child.parent`` to a weak reference changes (MEM005)."""

    strong: GCSimulation
    weak: GCSimulation

    @property
    def collections_saved(self) -> int:
        return self.strong.total_collections - self.weak.total_collections

    @property
    def objects_examined_saved(self) -> int:
        return self.strong.objects_examined - self.weak.objects_examined

    @property
    def peak_bytes_saved(self) -> int:
        """Peak garbage avoided, less the weakref objects a live tree now carries."""
        extra = self.weak.tree_bytes - self.strong.tree_bytes
        return self.strong.peak_garbage_bytes - extra


@functools.lru_cache(maxsize=64)
def compare_parent_references(
    version: Version,
    nodes_per_tree: int,
    trees: int,
    other_allocs_per_tree: int = 0,
    gc_enabled: bool = True,
    *,
    patch: int | None = None,
    long_lived_objects: int = 10_000,
) -> ParentReferenceSaving:
    """Run :func:`simulate_cyclic_garbage` with strong and with weak parent references."""
    runs = [
        simulate_cyclic_garbage(
            version,
            nodes_per_tree,
            trees,
            other_allocs_per_tree,
            gc_enabled,
            weak_parents=weak,
            patch=patch,
            long_lived_objects=long_lived_objects,
        )
        for weak in (False, True)
    ]
    return ParentReferenceSaving(runs[0], runs[1])
