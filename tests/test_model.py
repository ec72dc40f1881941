"""Unit and property tests of the memory model that need no other interpreter.

What the installed interpreters measure is checked in test_model_interpreters.py; here:
version parsing, invariants that hold for every input (hypothesis), the CPython growth
sequences quoted in the sources, the 3.14 figures that no local interpreter can confirm,
and the garbage-collector simulation's bookkeeping.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import memlint.model as model
from memlint.model import (
    SUPPORTED_VERSIONS,
    arena_size,
    compare_parent_references,
    dict_size,
    dict_table_size,
    gc_collector,
    gc_thresholds,
    instance_layout,
    instance_size,
    int_size,
    list_capacity,
    list_capacity_after_appends,
    list_size,
    lru_cache_entry_size,
    lru_cache_key_size,
    lru_cache_size,
    parse_version,
    parse_version_and_patch,
    pool_overhead,
    pool_size,
    pymalloc_resident,
    read_splitlines_cost,
    readlines_cost,
    running_version,
    set_table_size,
    simulate_cyclic_garbage,
    slots_saving,
    slots_saving_fraction,
    slots_table,
    str_size,
    tuple_size,
    weakref_size,
)
from memlint.model.objects import dict_usable

versions = st.sampled_from(SUPPORTED_VERSIONS)


# --- versions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.12", (3, 12)),
        ("py312", (3, 12)),
        ("312", (3, 12)),
        ("3.12.1", (3, 12)),
        ("py38", (3, 8)),
        ("38", (3, 8)),
        ("cp314", (3, 14)),
        (" Python3.9 ", (3, 9)),
        ("3.13.0rc2", (3, 13)),
    ],
)
def test_parse_version_forms(text: str, expected: tuple[int, int]) -> None:
    assert parse_version(text) == expected


@pytest.mark.parametrize("text", ["3.7", "py315", "2.7", "", "three", "3", "3.12.x"])
def test_parse_version_rejects_with_the_supported_range(text: str) -> None:
    with pytest.raises(ValueError, match=r"3\.8-3\.14"):
        parse_version(text)


def test_parse_version_and_patch() -> None:
    assert parse_version_and_patch("3.14.5") == ((3, 14), 5)
    assert parse_version_and_patch("py314") == ((3, 14), None)


def test_running_version_is_this_interpreter() -> None:
    assert running_version() == sys.version_info[:2]


@pytest.mark.parametrize("bad", [(3, 7), (3, 15), (2, 7)])
def test_every_entry_point_rejects_unsupported_versions(bad: tuple[int, int]) -> None:
    calls: list[Callable[[], object]] = [
        lambda: instance_size(3, bad),
        lambda: dict_size(3, bad),
        lambda: list_size(3, bad),
        lambda: pool_size(bad),
        lambda: gc_thresholds(bad),
        lambda: lru_cache_entry_size(bad, bounded=True),
        lambda: readlines_cost(1000, 80, bad),
        lambda: slots_table(bad),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="not covered"):
            call()


# --- allocator -------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=1 << 20), versions)
def test_pymalloc_resident_rounds_to_16(nbytes: int, version: tuple[int, int]) -> None:
    resident = pymalloc_resident(nbytes, version)
    assert resident % 16 == 0
    assert nbytes <= resident < nbytes + 16


def test_pool_and_arena_sizes_changed_in_310() -> None:
    assert (pool_size((3, 9)), arena_size((3, 9))) == (4096, 256 * 1024)
    assert (pool_size((3, 10)), arena_size((3, 10))) == (16384, 1024 * 1024)
    assert pool_size((3, 14)) == 16384


def test_pool_header_overhead_is_about_1_6_and_0_4_percent() -> None:
    assert pool_overhead(64, (3, 9)) / 64 == pytest.approx(0.016, abs=0.004)
    assert pool_overhead(64, (3, 12)) / 64 == pytest.approx(0.004, abs=0.002)
    assert pool_overhead(1024, (3, 12)) == 0.0


# --- lists -----------------------------------------------------------------------------


def _growth(version: tuple[int, int], steps: int) -> list[int]:
    seen = [0]
    n = 0
    while len(seen) < steps:
        n += 1
        cap = list_capacity_after_appends(n, version)
        if cap != seen[-1]:
            seen.append(cap)
    return seen


def test_append_growth_sequences_quoted_in_listobject_c() -> None:
    assert _growth((3, 8), 10) == [0, 4, 8, 16, 25, 35, 46, 58, 72, 88]
    for version in SUPPORTED_VERSIONS[1:]:
        assert _growth(version, 10) == [0, 4, 8, 16, 24, 32, 40, 52, 64, 76]


@settings(max_examples=200)
@given(
    st.integers(min_value=0, max_value=100_000),
    versions,
    st.sampled_from(["append", "sized", "literal", "iterator"]),
)
def test_list_capacity_holds_the_items(n: int, version: tuple[int, int], how: str) -> None:
    cap = list_capacity(n, version, how)  # type: ignore[arg-type]
    assert cap >= n
    assert cap <= n * 2 + 8
    assert list_size(n, version, how=how) == 56 + 8 * cap  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=50_000), versions)
def test_append_capacity_never_shrinks(n: int, version: tuple[int, int]) -> None:
    assert list_capacity_after_appends(n + 1, version) >= list_capacity_after_appends(n, version)


def test_list_size_signature_from_the_brief() -> None:
    assert list_size(5, (3, 12), grown_by_append=True) == 56 + 8 * 8
    assert list_size(5, (3, 12), grown_by_append=False) == 56 + 8 * 6
    assert list_size(5, (3, 9), grown_by_append=False) == 56 + 8 * 5


# --- dicts and sets --------------------------------------------------------------------


def test_dict_growth_points() -> None:
    sizes = {n: dict_table_size(n, (3, 12)) for n in (1, 5, 6, 10, 11, 21, 22, 42, 43)}
    assert sizes == {1: 8, 5: 8, 6: 16, 10: 16, 11: 32, 21: 32, 22: 64, 42: 64, 43: 128}


@given(st.integers(min_value=0, max_value=200_000), versions, st.booleans())
def test_dict_table_fits_its_keys(n: int, version: tuple[int, int], presized: bool) -> None:
    size = dict_table_size(n, version, presized)
    assert size == 0 or dict_usable(size) >= n
    assert size & (size - 1) == 0


def test_dict_headline_figures() -> None:
    assert dict_size(0, (3, 8)) == dict_size(0, (3, 13)) == 64
    assert [dict_size(n, (3, 10)) for n in (1, 5)] == [232, 232]
    assert [dict_size(n, v) for n in (1, 5) for v in ((3, 11), (3, 14))] == [184] * 4
    assert dict_size(5, (3, 12), str_keys=False) == 224


def test_set_resizes_at_three_fifths_full() -> None:
    assert [set_table_size(n, (3, 12)) for n in (4, 5, 18, 19, 76, 77)] == [
        8,
        32,
        32,
        128,
        128,
        512,
    ]


# --- scalars ---------------------------------------------------------------------------


def test_small_ints_and_singletons_are_free() -> None:
    for version in SUPPORTED_VERSIONS:
        assert int_size(-5, version) == int_size(256, version) == 0
        assert str_size("", version) == str_size("é", version) == tuple_size(0, version) == 0


def test_int_digits_and_medium_values() -> None:
    assert int_size(257, (3, 10)) == 28
    assert int_size(257, (3, 11)) == 32
    assert int_size(2**30, (3, 8)) == 32
    assert int_size(2**60, (3, 14)) == 36
    assert int_size(-(2**90), (3, 12)) == 40


def test_str_header_shrank_in_312() -> None:
    assert str_size("abc", (3, 11)) - str_size("abc", (3, 12)) == 8
    assert str_size("αβγ", (3, 11)) - str_size("αβγ", (3, 12)) == 16
    assert str_size(10, (3, 12), "ucs4") == 56 + 4 * 11


# --- instances and __slots__ ------------------------------------------------------------


def test_key_sharing_figures_up_to_310() -> None:
    for version in ((3, 8), (3, 9), (3, 10)):
        assert [instance_size(k, version) for k in (1, 5, 6, 10, 11)] == [152, 152, 192, 192, 280]
        assert instance_size(3, version, key_sharing=False) == 280


def test_inline_values_from_311() -> None:
    for k in range(1, 6):
        assert instance_size(k, (3, 11)) == 72 + 8 * k
        assert instance_size(k, (3, 12)) == 64 + 8 * k
        assert instance_size(k, (3, 13)) == 72 + 8 * k
    assert instance_size(6, (3, 12)) == 72 + 8 * 6
    assert instance_size(8, (3, 13)) == 80 + 8 * 8


def test_314_instances_follow_313() -> None:
    # _PyInlineValuesSize and the pre-header are unchanged in 3.14 (pycore_dict.h).
    for k in range(0, 40):
        assert instance_size(k, (3, 14)) == instance_size(k, (3, 13))
        assert instance_size(k, (3, 14), slotted=True) == 32 + 8 * k


def test_touching_dict_erases_most_of_the_311_advantage() -> None:
    for version in ((3, 11), (3, 12), (3, 13), (3, 14)):
        for k in range(1, 11):
            assert (
                instance_size(k, version, dict_materialized=True) == instance_size(k, version) + 64
            )


def test_slotted_weakref_moves_to_the_preheader_in_312() -> None:
    assert instance_size(1, (3, 11), slotted=True, weakref_slot=True) == 48
    assert instance_size(1, (3, 12), slotted=True, weakref_slot=True) == 56
    with pytest.raises(ValueError):
        instance_size(1, (3, 12), slotted=True, dict_materialized=True)


def test_slots_saving_ranges() -> None:
    old = [slots_saving_fraction(k, (3, 9)) for k in range(1, 11)]
    new = [slots_saving_fraction(k, v) for k in range(1, 11) for v in ((3, 11), (3, 12), (3, 13))]
    assert min(old) > 0.41
    assert max(old) < 0.74
    assert min(new) > 0.20
    assert max(new) < 0.51
    assert {slots_saving(k, (3, 12)) for k in range(1, 6)} == {32}


@given(st.integers(min_value=0, max_value=200), versions)
def test_instance_layout_totals(k: int, version: tuple[int, int]) -> None:
    layout = instance_layout(k, version)
    assert layout.total == instance_size(k, version)
    assert instance_size(k, version) > instance_size(k, version, slotted=True) - 8 * k
    assert instance_size(k, version) >= instance_size(k, version, slotted=True) - 16


def test_slots_table_rows() -> None:
    for version in SUPPORTED_VERSIONS:
        table = slots_table(version)
        assert [row[0] for row in table.rows] == list(range(1, 11))
        for row in table.rows:
            k, plain, slotted, saving = (int(cell) for cell in row[:4])
            assert saving == plain - slotted == slots_saving(k, version)
            assert row[4] == round(100 * saving / plain, 1)


@pytest.mark.parametrize(
    "table",
    ["slots_table", "dict_table", "list_table", "lru_cache_table", "readlines_table"],
)
def test_tables_are_rectangular(table: str) -> None:
    for version in SUPPORTED_VERSIONS:
        built = getattr(model, table)(version)
        assert built.rows and all(len(row) == len(built.columns) for row in built.rows)


def test_parent_reference_table() -> None:
    table = model.parent_reference_table((3, 12), trees=2000)
    strong, weak, off = ([int(cell) for cell in row[1:]] for row in table.rows)
    assert weak[0] == 0
    assert strong[0] > 0
    assert off[2] > strong[2] > weak[2] == 0


# --- 3.14 -------------------------------------------------------------------------------


def test_314_tuple_caches_its_hash() -> None:
    # Include/cpython/tupleobject.h gained Py_hash_t ob_hash in 3.14 (gh-131525).
    assert tuple_size(3, (3, 13)) == 64
    assert tuple_size(3, (3, 14)) == 72


def test_314_other_layouts_follow_313() -> None:
    assert weakref_size((3, 14)) == weakref_size((3, 13)) == 80
    assert str_size("abc", (3, 14)) == str_size("abc", (3, 13))
    assert dict_size(7, (3, 14)) == dict_size(7, (3, 13))


# --- lru_cache ------------------------------------------------------------------------


def test_lru_key_shapes() -> None:
    v = (3, 12)
    assert lru_cache_key_size(v) == 0  # the int/str argument is the key
    assert lru_cache_key_size(v, nargs=2) == tuple_size(2, v)
    assert lru_cache_key_size(v, typed=True) == tuple_size(2, v)
    assert lru_cache_key_size(v, nargs=0, kwargs=1) == tuple_size(3, v)
    assert lru_cache_key_size(v, typed=True, nargs=1, kwargs=1) == tuple_size(6, v)
    assert lru_cache_key_size(v, scalar_arg=False) == tuple_size(1, v)
    assert lru_cache_key_size(v, typed=True, implementation="python") > 64


def test_lru_entry_overheads() -> None:
    for version in SUPPORTED_VERSIONS:
        unbounded = lru_cache_entry_size(version, bounded=False)
        bounded = lru_cache_entry_size(version, bounded=True)
        assert 27 <= unbounded <= 54
        assert bounded - unbounded == 56
        exact = lru_cache_entry_size(version, bounded=False, entries=5000)
        assert exact == round((lru_cache_size(5000, version, False) - 64) / 5000)


# --- whole-file reads -----------------------------------------------------------------


def test_readlines_ratios() -> None:
    size = 1_000_000
    assert 1.6 < readlines_cost(size, 80, (3, 12)) / size < 1.65
    assert 1.7 < readlines_cost(size, 80, (3, 11)) / size < 1.75
    assert 2.55 < read_splitlines_cost(size, 80, (3, 12)) / size < 2.75
    assert readlines_cost(size, 20, (3, 12)) > readlines_cost(size, 80, (3, 12))
    assert readlines_cost(0, 80, (3, 12)) == 56


def test_splitlines_of_long_lines_peaks_while_reading() -> None:
    size = 1_000_000
    cost = read_splitlines_cost(size, 100_000, (3, 12))
    assert cost == pytest.approx(2 * size, rel=0.01)


# --- garbage collector -----------------------------------------------------------------


def test_gc_thresholds_per_release() -> None:
    assert gc_thresholds((3, 8)) == gc_thresholds((3, 12)) == (700, 10, 10)
    assert gc_thresholds((3, 13)) == (2000, 10, 10)
    assert gc_thresholds((3, 14), 0) == gc_thresholds((3, 14), 4) == (2000, 10, 0)
    assert gc_thresholds((3, 14), 5) == gc_thresholds((3, 14)) == (2000, 10, 10)
    assert gc_collector((3, 14), 3) == "incremental"
    assert gc_collector((3, 14), 5) == gc_collector((3, 13)) == "generational"


@settings(max_examples=60, deadline=None)
@given(
    versions,
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=0, max_value=600),
    st.integers(min_value=0, max_value=5),
    st.sampled_from([None, 0]),
)
def test_gc_simulation_accounts_for_every_tree(
    version: tuple[int, int], nodes: int, trees: int, kept: int, patch: int | None
) -> None:
    sim = simulate_cyclic_garbage(version, nodes, trees, kept, patch=patch)
    per_tree = sim.gc_objects_per_tree
    assert sim.objects_collected + sim.garbage_left_objects == trees * per_tree
    assert sim.peak_garbage_objects >= sim.garbage_left_objects
    assert sim.peak_garbage_bytes == sim.peak_garbage_objects // per_tree * sim.tree_bytes
    assert sim.objects_examined >= sim.objects_collected


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_gc_off_keeps_every_tree(version: tuple[int, int]) -> None:
    sim = simulate_cyclic_garbage(version, 10, 500, gc_enabled=False)
    assert sim.total_collections == 0
    assert sim.peak_garbage_bytes == sim.garbage_left_bytes == 500 * sim.tree_bytes


@pytest.mark.parametrize(
    ("version", "patch"), [(v, None) for v in SUPPORTED_VERSIONS] + [((3, 14), 0)]
)
def test_weak_parents_save_collector_work_not_much_memory(
    version: tuple[int, int], patch: int | None
) -> None:
    saving = compare_parent_references(version, 10, 5000, patch=patch)
    assert saving.weak.total_collections == 0
    assert saving.weak.peak_garbage_bytes == 0
    assert saving.collections_saved > 0
    assert saving.objects_examined_saved > 10 * 5000
    # The garbage is capped by the thresholds, far below the 5000 trees built.
    assert saving.strong.peak_garbage_bytes < 5000 * saving.strong.tree_bytes / 5


def test_gc_simulation_thresholds_override() -> None:
    default = simulate_cyclic_garbage((3, 12), 10, 2000)
    lazy = simulate_cyclic_garbage((3, 12), 10, 2000, thresholds=(7000, 10, 10))
    assert lazy.collections[0] < default.collections[0]
    assert lazy.peak_garbage_bytes > default.peak_garbage_bytes


def test_bigger_long_lived_heap_delays_full_collections() -> None:
    small = simulate_cyclic_garbage((3, 12), 10, 20000, long_lived_objects=1_000)
    large = simulate_cyclic_garbage((3, 12), 10, 20000, long_lived_objects=1_000_000)
    assert large.collections[2] <= small.collections[2]
    assert large.garbage_left_bytes >= small.garbage_left_bytes


# --- data objects ---------------------------------------------------------------------


def test_results_are_frozen_dataclasses() -> None:
    sim = simulate_cyclic_garbage((3, 12), 5, 10)
    layout = instance_layout(3, (3, 12))
    for value in (sim, layout, slots_table((3, 12))):
        assert dataclasses.is_dataclass(value)
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.version = (3, 8)  # type: ignore[misc]
        if sys.version_info >= (3, 10):
            assert not hasattr(value, "__dict__")


def test_public_api_is_exported() -> None:
    for name in model.__all__:
        assert hasattr(model, name), name
