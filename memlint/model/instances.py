"""Instances of plain classes, with and without ``__slots__``.

The per-instance bytes tracemalloc sees for an instance whose ``__init__`` sets
``nattrs`` attributes, excluding the attribute values themselves. Three regimes:

**3.8-3.10 -- key-sharing dicts (PEP 412).** The object is GC head + ``PyObject`` +
``__dict__`` and ``__weakref__`` slots (48 B). Setting the first attribute creates a
``__dict__`` (64 B) whose keys table is the class's ``ht_cached_keys``, shared by all
instances (``Objects/dictobject.c: new_dict_with_shared_keys``), so each instance pays
only its values array, ``USABLE_FRACTION(size)`` pointers. The shared table starts at
8 slots (5 usable) and grows like any dict while the first instance fills it
(``_PyObjectDict_SetItem`` re-shares the resized keys when no other instance holds them):
152 B up to 5 attributes, 192 B for 6-10, 280 B for 11-21. Setting attributes in a
different order in some instances un-shares the keys (``insertdict`` converts the split
table): every instance then carries a combined dict.

**3.11-3.12 -- values without a dict.** ``Py_TPFLAGS_MANAGED_DICT`` puts a two-pointer
pre-header before the object (``_PyType_PreHeaderSize``: dict and values pointers in 3.11;
dict-or-values and weakref in 3.12, which also manages ``__weakref__`` there and drops it
from the body). Attribute values live in a separately allocated ``PyDictValues`` array
(``Objects/dictobject.c: new_values``: a byte prefix rounded to 8 holding ``size + 2``
bytes, then ``size`` pointers). No dict exists until ``__dict__`` is asked for.

**3.13+ -- inline values.** ``Py_TPFLAGS_INLINE_VALUES`` embeds the values in the object
itself (``Include/internal/pycore_dict.h: _PyInlineValuesSize`` = capacity rounded to 8
for the insertion-order bytes + 8 * (capacity + 1) for the 4-byte header padded to a
pointer, and the pointers). 3.14 keeps this layout.

The values capacity on 3.11+ is ``shared_keys_usable_size`` = entries + ``dk_usable`` of the
class's shared keys. ``_PyDict_NewKeysForClass`` starts ``dk_usable`` at
``SHARED_KEYS_MAX_SIZE`` (30) and every new instance decrements it by one
(``init_inline_values`` / ``_PyObject_InitInlineValues``) down to 1, so after the first
~30 instances of a class each one gets ``nattrs + 1`` slots (at most 29: the first
instance takes one off before inserting). The figures here are that steady state; the
first instances of a class are larger. From the 30th attribute on the shared keys are
full and each instance falls back to a combined dict.

``__slots__`` instances are GC head + ``PyObject`` + one pointer per slot (+ ``__weakref__``
if listed: a body slot up to 3.11, the managed two-pointer pre-header from 3.12).
"""

from __future__ import annotations

from dataclasses import dataclass

from memlint._compat import SLOTS

from .objects import (
    DICT_OBJECT,
    GC_HEAD,
    OBJECT_HEAD,
    POINTER,
    _grow_table,
    _smallest_table,
    dict_keys_bytes,
    dict_size,
    dict_usable,
)
from .versions import Version, check_version

#: ``Include/internal/pycore_dict.h: SHARED_KEYS_MAX_SIZE`` (3.11+).
SHARED_KEYS_MAX_SIZE = 30


@dataclass(frozen=True, **SLOTS)
class InstanceLayout:
    """Where an instance's bytes go; ``total`` is what tracemalloc sees per instance."""

    version: Version
    nattrs: int
    slotted: bool
    object_bytes: int  # the object's own block, pre-headers and inline values included
    values_bytes: int  # separately allocated attribute values (3.8-3.12 split tables)
    dict_bytes: int  # the PyDictObject (+ combined keys table when not shared)

    @property
    def total(self) -> int:
        return self.object_bytes + self.values_bytes + self.dict_bytes


def _round8(n: int) -> int:
    return -(-n // 8) * 8


def shared_keys_table_size(nattrs: int, version: Version) -> int:
    """3.8-3.10: slots of the class's shared keys table after ``nattrs`` attributes."""
    check_version(version)
    return _grow_table(8, max(nattrs, 1))


def values_capacity(nattrs: int, version: Version) -> int:
    """3.11+: steady-state value slots per instance, ``min(nattrs + 1, 29)``.

    ``dk_usable`` starts at 30 but the first instance decrements it before inserting
    anything, so 29 keys fit and the last ones leave no spare slot.
    """
    check_version(version)
    return min(nattrs + 1, SHARED_KEYS_MAX_SIZE - 1)


def _values_array_bytes(capacity: int) -> int:
    # 3.11-3.12 new_values(): prefix of (size + 2) bytes rounded to a pointer, then pointers.
    return _round8(capacity + 2) + POINTER * capacity


def _inline_values_bytes(capacity: int) -> int:
    # 3.13+ _PyInlineValuesSize(): order bytes rounded to 8 + (capacity + 1) pointers.
    return _round8(capacity) + POINTER * (capacity + 1)


def _dict_backed(nattrs: int, version: Version) -> bool:
    return version >= (3, 11) and nattrs >= SHARED_KEYS_MAX_SIZE


def instance_layout(
    nattrs: int,
    version: Version,
    slotted: bool = False,
    dict_materialized: bool = False,
    weakref_slot: bool = False,
    key_sharing: bool = True,
) -> InstanceLayout:
    """The per-instance breakdown behind :func:`instance_size`."""
    check_version(version)
    if nattrs < 0:
        raise ValueError("an instance cannot have a negative number of attributes")
    if slotted:
        if dict_materialized:
            raise ValueError("a slotted instance has no __dict__ to materialise")
        managed_weakref = weakref_slot and version >= (3, 12)
        pre = GC_HEAD + (2 * POINTER if managed_weakref else 0)
        body = OBJECT_HEAD + POINTER * nattrs
        if weakref_slot and not managed_weakref:
            body += POINTER
        return InstanceLayout(version, nattrs, True, pre + body, 0, 0)

    if version < (3, 11):
        obj = GC_HEAD + OBJECT_HEAD + 2 * POINTER  # __dict__ and __weakref__ slots
        if nattrs == 0 and not dict_materialized:
            return InstanceLayout(version, nattrs, False, obj, 0, 0)
        if not key_sharing:
            return InstanceLayout(version, nattrs, False, obj, 0, dict_size(nattrs, version))
        values = POINTER * dict_usable(shared_keys_table_size(nattrs, version))
        return InstanceLayout(version, nattrs, False, obj, values, DICT_OBJECT)

    pre = GC_HEAD + 2 * POINTER  # managed dict (and, from 3.12, weakref) pre-header
    body = OBJECT_HEAD + (POINTER if version < (3, 12) else 0)  # 3.11: __weakref__ slot
    capacity = values_capacity(nattrs, version)
    inline = version >= (3, 13)
    obj = pre + body + (_inline_values_bytes(capacity) if inline else 0)
    values = 0 if inline else _values_array_bytes(capacity)
    if _dict_backed(nattrs, version):
        # The 30th attribute does not fit the shared keys: the instance gets a dict whose
        # split table is resized into a combined str-keyed one (GROWTH_RATE(29) -> 128
        # slots); 3.11-3.12 free the values array, 3.13+ keep the inline space.
        table = _grow_table(_smallest_table((SHARED_KEYS_MAX_SIZE - 1) * 3), nattrs)
        return InstanceLayout(
            version, nattrs, False, obj, 0, DICT_OBJECT + dict_keys_bytes(table, version)
        )
    dict_bytes = DICT_OBJECT if dict_materialized else 0
    return InstanceLayout(version, nattrs, False, obj, values, dict_bytes)


def instance_size(
    nattrs: int,
    version: Version,
    slotted: bool = False,
    dict_materialized: bool = False,
    weakref_slot: bool = False,
    key_sharing: bool = True,
) -> int:
    """Bytes per instance of a plain class whose ``__init__`` sets ``nattrs`` attributes.

    Attribute values are excluded. ``dict_materialized``: ``__dict__`` has been touched
    (``vars(obj)``, ``obj.__dict__``, ``sys.getsizeof(obj.__dict__)``), which on 3.11+
    allocates a 64-byte dict in front of the values. ``weakref_slot``: a slotted class that
    lists ``"__weakref__"`` (plain classes always have one). ``key_sharing=False``: 3.8-3.10
    instances whose attributes were set in differing orders (no effect from 3.11).
    """
    return instance_layout(
        nattrs, version, slotted, dict_materialized, weakref_slot, key_sharing
    ).total


def instance_dict_size(nattrs: int, version: Version) -> int:
    """Bytes of a materialised instance ``__dict__`` using the class's shared keys.

    3.8-3.10: the dict + its values array. 3.11-3.12: the dict + the values array it takes
    over. 3.13+: the dict alone (the values stay embedded in the object).
    """
    layout = instance_layout(nattrs, version, dict_materialized=True)
    return layout.dict_bytes + layout.values_bytes


def slots_saving(nattrs: int, version: Version, weakref_slot: bool = False) -> int:
    """Bytes saved per instance by adding ``__slots__`` naming the ``nattrs`` attributes."""
    return instance_size(nattrs, version) - instance_size(
        nattrs, version, slotted=True, weakref_slot=weakref_slot
    )


def slots_saving_fraction(nattrs: int, version: Version, weakref_slot: bool = False) -> float:
    """:func:`slots_saving` as a fraction of the unslotted instance (attribute values excluded)."""
    return slots_saving(nattrs, version, weakref_slot) / instance_size(nattrs, version)
