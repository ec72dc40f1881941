"""Bytes requested for built-in objects, derived from CPython's struct layouts.

Every figure is what tracemalloc sees: the sum of the requests made to the allocator for
one object, including the GC pre-header that ``_PyObject_GC_Malloc`` / ``gc_alloc``
places in the same block, and including separately allocated item arrays (list items,
dict keys tables, set tables). Shared objects (small ints, the empty tuple/str/bytes,
one-character latin-1 strings) cost 0: creating another reference allocates nothing.

All layouts are for 64-bit, default (GIL) builds: pointers and ``Py_ssize_t`` are 8 bytes.
The free-threaded 3.13t/3.14t builds have larger object headers and are not modelled.
"""

from __future__ import annotations

from typing import Literal

from .versions import Version, check_version

POINTER = 8
#: ``Include/object.h: PyObject`` -- ``ob_refcnt`` + ``ob_type``.
OBJECT_HEAD = 16
#: ``Include/object.h: PyVarObject`` -- ``PyObject`` + ``ob_size``.
VAR_OBJECT_HEAD = 24
#: ``Include/internal/pycore_gc.h: PyGC_Head`` -- ``_gc_next`` + ``_gc_prev`` (since 3.8).
GC_HEAD = 16

StrKind = Literal["ascii", "latin1", "ucs2", "ucs4"]
ListGrowth = Literal["append", "sized", "literal", "iterator"]

_CHAR_SIZE: dict[str, int] = {"ascii": 1, "latin1": 1, "ucs2": 2, "ucs4": 4}


def gc_header_size(version: Version) -> int:
    """``sizeof(PyGC_Head)``: 16 bytes on every GC-tracked object, 3.8-3.14.

    3.8 shrank it from 24 to 16 bytes (bpo-33597); it has stayed two words since.
    """
    check_version(version)
    return GC_HEAD


# --- numbers ---------------------------------------------------------------------------

#: ``Objects/longobject.c: PyLong_SHIFT`` on 64-bit builds.
DIGIT_BITS = 30
#: ``Include/internal/pycore_long.h: _PY_NSMALLNEGINTS`` / ``_PY_NSMALLPOSINTS``.
SMALL_INT_MIN, SMALL_INT_MAX = -5, 256


def int_digits(value: int) -> int:
    """Number of 30-bit digits CPython stores for ``value`` (at least one)."""
    return max(1, -(-abs(value).bit_length() // DIGIT_BITS))


def int_size(value: int, version: Version) -> int:
    """Bytes of a new ``int`` holding ``value``; 0 for the cached small ints -5..256.

    ``Objects/longobject.c: _PyLong_New`` requests ``offsetof(PyLongObject, ob_digit) +
    ndigits * sizeof(digit)`` = 24 + 4 per 30-bit digit (the offset is ``PyVarObject`` up to
    3.11 and ``PyObject_HEAD`` + ``lv_tag`` from 3.12, 24 bytes either way). From 3.11
    one-digit ("medium") values come from ``_PyLong_FromMedium``, which requests
    ``sizeof(PyLongObject)`` = 32 (28 padded to 8); 3.8-3.10 request 28 for them.
    Arithmetic that over-allocates a digit and normalises (``x_add``) is not modelled.
    """
    check_version(version)
    if SMALL_INT_MIN <= value <= SMALL_INT_MAX:
        return 0
    digits = int_digits(value)
    if digits == 1 and version >= (3, 11):
        return 32
    return VAR_OBJECT_HEAD + 4 * digits


def float_size(version: Version) -> int:
    """``Include/cpython/floatobject.h: PyFloatObject`` -- header + one double: 24 bytes."""
    check_version(version)
    return OBJECT_HEAD + 8


# --- text and bytes --------------------------------------------------------------------


def str_kind(text: str) -> StrKind:
    """The PEP 393 storage kind CPython picks for ``text`` (by its largest code point)."""
    widest = max(map(ord, text), default=0)
    if widest < 0x80:
        return "ascii"
    if widest < 0x100:
        return "latin1"
    if widest < 0x10000:
        return "ucs2"
    return "ucs4"


def str_header_size(version: Version, kind: StrKind = "ascii") -> int:
    """Fixed part of a compact ``str`` (``Include/cpython/unicodeobject.h``).

    ASCII strings are ``PyASCIIObject``: header, length, hash, state bits and, up to 3.11,
    the deprecated ``wchar_t *wstr`` -- 48 bytes; 40 from 3.12, which removed ``wstr``
    (PEP 623). Other kinds are ``PyCompactUnicodeObject``, which adds ``utf8_length`` and
    ``utf8`` (and ``wstr_length`` up to 3.11): 72 bytes, 56 from 3.12.
    """
    check_version(version)
    if kind not in _CHAR_SIZE:
        raise ValueError(f"str kind must be one of {sorted(_CHAR_SIZE)}, not {kind!r}")
    modern = version >= (3, 12)
    if kind == "ascii":
        return 40 if modern else 48
    return 56 if modern else 72


def str_size(text_or_length: str | int, version: Version, kind: StrKind | None = None) -> int:
    """Bytes of a new ``str``: header + (length + 1) code units (the +1 is the NUL).

    ``Objects/unicodeobject.c: PyUnicode_New`` requests ``struct_size + (size + 1) *
    char_size`` in one block. Pass the text itself, or a length and a ``kind`` (default
    ASCII). The empty string and one-character latin-1 strings are shared singletons (0).
    """
    if isinstance(text_or_length, str):
        length = len(text_or_length)
        kind = kind or str_kind(text_or_length)
    else:
        length = text_or_length
        kind = kind or "ascii"
        if length < 0:
            raise ValueError("a string length cannot be negative")
    header = str_header_size(version, kind)
    if length == 0 or (length == 1 and kind in ("ascii", "latin1")):
        return 0
    return header + (length + 1) * _CHAR_SIZE[kind]


def bytes_size(n: int, version: Version | None = None) -> int:
    """Bytes of a new ``bytes`` of length ``n``: ``PyBytesObject_SIZE + n`` = 33 + n.

    ``Include/cpython/bytesobject.h: PyBytesObject`` is ``PyVarObject`` + ``ob_shash`` (kept,
    deprecated, through 3.14) + the NUL-terminated ``ob_sval``. ``b""`` is a singleton (0);
    one-byte values made by indexing or ``bytes([i])`` are cached too, but ``b"x" * 1`` style
    constructions may not be, so length 1 is still counted.
    """
    if version is not None:
        check_version(version)
    if n < 0:
        raise ValueError("a bytes length cannot be negative")
    return 0 if n == 0 else VAR_OBJECT_HEAD + 8 + n + 1


# --- tuple -----------------------------------------------------------------------------


def tuple_size(n: int, version: Version) -> int:
    """Bytes of a new tuple of ``n`` items: GC head + ``PyVarObject`` + 8 per item.

    ``Include/cpython/tupleobject.h: PyTupleObject``; 3.14 adds ``Py_hash_t ob_hash``
    (gh-131525, the cached hash), so 40 + 8n up to 3.13 and 48 + 8n on 3.14.
    ``()`` is a singleton. Tuples of up to 20 items are recycled through a free list,
    which hides small batches from tracemalloc but not the steady-state cost.
    """
    check_version(version)
    if n < 0:
        raise ValueError("a tuple length cannot be negative")
    if n == 0:
        return 0
    hash_cache = 8 if version >= (3, 14) else 0
    return GC_HEAD + VAR_OBJECT_HEAD + hash_cache + POINTER * n


# --- list ------------------------------------------------------------------------------

#: ``Python/compile.c: STACK_USE_GUIDELINE`` (3.10+): longer displays are built item by item.
STACK_USE_GUIDELINE = 30
#: ``Include/cpython/listobject.h: PyListObject`` (``ob_item`` + ``allocated``) + GC head.
LIST_OBJECT = GC_HEAD + VAR_OBJECT_HEAD + 2 * POINTER


def list_resize(allocated: int, size: int, newsize: int, version: Version) -> int:
    """The capacity ``Objects/listobject.c: list_resize`` leaves for ``newsize`` items.

    Up to 3.8: ``newsize + newsize/8 + (3 if newsize < 9 else 6)`` (0, 4, 8, 16, 25, 35,
    46, 58, 72, 88, ...). From 3.9 (bpo-38373): ``(newsize + newsize/8 + 6) & ~3`` (0, 4, 8,
    16, 24, 32, 40, 52, 64, 76, ...), and exactly ``(newsize + 3) & ~3`` when the jump is
    larger than the over-allocation. No realloc when the list still fits and is at least
    half full.
    """
    if allocated >= newsize >= (allocated >> 1):
        return allocated
    if version < (3, 9):
        new = newsize + (newsize >> 3) + (3 if newsize < 9 else 6)
    else:
        new = (newsize + (newsize >> 3) + 6) & ~3
        if newsize - size > new - newsize:
            new = (newsize + 3) & ~3
    return 0 if newsize == 0 else new


def _appends(allocated: int, size: int, n: int, version: Version) -> int:
    """Capacity after appending one at a time until the list holds ``n`` items."""
    while allocated < n:
        # app1 resizes only when full, so size == allocated at every growth step.
        size = max(size, allocated)
        allocated = list_resize(allocated, size, size + 1, version)
    return allocated


def list_capacity_after_appends(n: int, version: Version = (3, 12)) -> int:
    """Capacity of a list grown from empty by ``n`` appends (or a list comprehension)."""
    check_version(version)
    if n < 0:
        raise ValueError("a list length cannot be negative")
    return _appends(0, 0, n, version)


def list_capacity(n: int, version: Version, how: ListGrowth = "append") -> int:
    """Item slots a list of ``n`` items has allocated, by how it was built.

    - ``"append"``: ``append`` in a loop, comprehensions (``LIST_APPEND``).
    - ``"sized"``: ``list(x)``, ``[*x]``, ``x.extend`` into an empty list, where ``len(x)`` is
      known: ``list_preallocate_exact`` (3.8+), which rounds up to an even count from 3.10.
    - ``"literal"``: ``[a, b, c]`` with non-constant items (``BUILD_LIST`` -> ``PyList_New(n)``),
      exactly ``n``; from 3.10 the compiler builds displays of more than 30 items
      (``STACK_USE_GUIDELINE``) with ``BUILD_LIST 0`` + ``LIST_APPEND``, i.e. append growth.
      (All-constant displays of 3+ items compile to ``LIST_EXTEND`` of a tuple from 3.9,
      i.e. ``"sized"``.)
    - ``"iterator"``: ``list(generator)``, ``f.readlines()``, ``extend`` of an iterator with
      no ``__len__``: ``list_extend`` first resizes to the length hint (8), appends past it,
      and trims only if less than half full.
    """
    check_version(version)
    if n < 0:
        raise ValueError("a list length cannot be negative")
    if how == "append":
        return _appends(0, 0, n, version)
    if how == "literal":
        if version >= (3, 10) and n > STACK_USE_GUIDELINE:
            return _appends(0, 0, n, version)
        return n
    if how == "sized":
        if n == 0:
            return 0
        return n if version < (3, 10) else (n + 1) & ~1
    if how == "iterator":
        allocated = list_resize(0, 0, 8, version)
        allocated = _appends(allocated, min(n, allocated), n, version)
        return list_resize(allocated, n, n, version)
    raise ValueError(f"unknown list growth {how!r}")


def list_size(
    n: int, version: Version, grown_by_append: bool = False, how: ListGrowth | None = None
) -> int:
    """Bytes of a list of ``n`` items (the items themselves excluded).

    56 bytes of object (GC head + ``PyListObject``) plus a separate ``ob_item`` array of
    8 bytes per allocated slot. ``grown_by_append`` selects the append growth pattern;
    otherwise the list is taken as built at its final size from a sized iterable
    (``list(x)``). ``how`` overrides both, see :func:`list_capacity`.
    """
    growth: ListGrowth = how or ("append" if grown_by_append else "sized")
    return LIST_OBJECT + POINTER * list_capacity(n, version, growth)


# --- dict ------------------------------------------------------------------------------

#: ``Include/cpython/dictobject.h: PyDictObject`` (``ma_used``, ``ma_version_tag`` --
#: ``_ma_watcher_tag`` in 3.14 --, ``ma_keys``, ``ma_values``) + GC head.
DICT_OBJECT = GC_HEAD + OBJECT_HEAD + 4 * 8
#: ``Objects/dictobject.c: PyDict_MINSIZE``.
DICT_MINSIZE = 8


def dict_usable(table_size: int) -> int:
    """``USABLE_FRACTION``: entries a keys table of ``table_size`` slots holds (2/3)."""
    return (table_size << 1) // 3


def dict_index_bytes(table_size: int) -> int:
    """Width of one hash-index slot: 1, 2, 4 or 8 bytes by table size (``DK_IXSIZE``)."""
    if table_size <= 0xFF:
        return 1
    if table_size <= 0xFFFF:
        return 2
    if table_size <= 0xFFFFFFFF:
        return 4
    return 8


def dict_keys_bytes(table_size: int, version: Version, str_keys: bool = True) -> int:
    """Bytes of one ``PyDictKeysObject`` with ``table_size`` index slots.

    3.8-3.10 (``Objects/dictobject.c: new_keys_object``): a 40-byte header (``dk_refcnt``,
    ``dk_size``, ``dk_lookup``, ``dk_usable``, ``dk_nentries``), the index array, and
    ``USABLE_FRACTION(size)`` 24-byte ``PyDictKeyEntry`` (hash, key, value).
    From 3.11 (``Include/internal/pycore_dict.h``): a 32-byte header (``dk_refcnt``,
    ``dk_log2_size``, ``dk_log2_index_bytes``, ``dk_kind``, ``dk_version``, ``dk_usable``,
    ``dk_nentries``), the index array, and 16-byte ``PyDictUnicodeEntry`` (key, value)
    when every key is an exact ``str``, else 24-byte ``PyDictKeyEntry``.
    """
    check_version(version)
    if version < (3, 11):
        header, entry = 40, 24
    else:
        header, entry = 32, (16 if str_keys else 24)
    return header + table_size * dict_index_bytes(table_size) + entry * dict_usable(table_size)


def _smallest_table(minsize: int) -> int:
    size = DICT_MINSIZE
    while size < minsize:
        size <<= 1
    return size


def _grow_table(size: int, nkeys: int) -> int:
    # GROWTH_RATE(d) = ma_used * 3, applied when an insert finds the table full, at which
    # point ma_used == USABLE_FRACTION(size) (insert-only dicts have no dummies).
    while nkeys > dict_usable(size):
        size = _smallest_table(dict_usable(size) * 3)
    return size


def dict_table_size(nkeys: int, version: Version, presized: bool = False) -> int:
    """Index slots of the keys table of a dict holding ``nkeys`` keys (0 when empty).

    Inserting one key at a time (``d[k] = v``, comprehensions, ``dict(pairs)``) starts at
    ``PyDict_MINSIZE`` (8) and, whenever the table is full, resizes to the smallest power of
    two >= ``used * 3`` (``insertion_resize``/``GROWTH_RATE``): 8, 16, 32, 64, ... holding
    5, 10, 21, 42, ... keys. Dict displays and keyword-argument dicts are presized by
    ``_PyDict_NewPresized`` / ``dict_new_presized`` to the smallest power of two >=
    ``(3n + 1) / 2`` when n > 5 (same table as insertion for every n checked here, but
    computed directly). Presizing is capped (128 Ki slots up to 3.10, 2**17 from 3.11);
    bigger dicts grow by insertion past the cap.
    """
    check_version(version)
    if nkeys < 0:
        raise ValueError("a dict cannot hold a negative number of keys")
    if nkeys == 0:
        return 0
    if presized and nkeys > dict_usable(DICT_MINSIZE):
        size = _smallest_table((nkeys * 3 + 1) // 2)
        size = min(size, 1 << 17)
        return _grow_table(size, nkeys)
    return _grow_table(DICT_MINSIZE, nkeys)


def dict_size(
    nkeys: int,
    version: Version,
    split: bool = False,
    str_keys: bool = True,
    presized: bool = False,
) -> int:
    """Bytes of a dict with ``nkeys`` keys (keys and values themselves excluded).

    A combined table: 64 bytes of ``PyDictObject`` + GC head, plus its keys object
    (:func:`dict_keys_bytes`). ``{}`` points at a shared empty keys object: 64 bytes.
    With ``split=True``: an instance ``__dict__`` sharing its class's keys -- see
    :func:`memlint.model.instances.instance_dict_size`.
    """
    if split:
        from .instances import instance_dict_size  # local: instances imports this module

        return instance_dict_size(nkeys, version)
    size = dict_table_size(nkeys, version, presized)
    if size == 0:
        return DICT_OBJECT
    return DICT_OBJECT + dict_keys_bytes(size, version, str_keys)


# --- set -------------------------------------------------------------------------------

#: ``Include/setobject.h: PySetObject``: header, ``fill``, ``used``, ``mask``, ``table``,
#: ``hash``, ``finger``, an 8-entry ``smalltable`` of 16-byte ``setentry``, ``weakreflist``.
SET_OBJECT = GC_HEAD + OBJECT_HEAD + 6 * 8 + 8 * 16 + POINTER
SET_MINSIZE = 8


def set_table_size(n: int, version: Version) -> int:
    """Slots of the hash table of a set grown by ``n`` distinct ``add`` calls.

    ``Objects/setobject.c: set_add_entry`` resizes once ``fill * 5 >= mask * 3`` to
    ``set_table_resize(used * 4)`` (``used * 2`` above 50 000 entries), the smallest power
    of two strictly above that. Tables of 8 live inside the object (``smalltable``).
    """
    check_version(version)
    if n < 0:
        raise ValueError("a set cannot hold a negative number of items")
    size = SET_MINSIZE
    while True:
        trigger = -(-3 * (size - 1) // 5)
        if n < trigger:
            return size
        minused = trigger * 4 if trigger <= 50000 else trigger * 2
        size = SET_MINSIZE
        while size <= minused:
            size <<= 1


def set_size(n: int, version: Version = (3, 12)) -> int:
    """Bytes of a set of ``n`` items built by adding them one at a time (``set(list)``)."""
    size = set_table_size(n, version)
    return SET_OBJECT + (0 if size == SET_MINSIZE else 16 * size)


# --- weak references -------------------------------------------------------------------


def weakref_size(version: Version) -> int:
    """Bytes of one ``weakref.ref`` (GC-tracked).

    ``Include/cpython/weakrefobject.h: PyWeakReference``: header, ``wr_object``,
    ``wr_callback``, ``hash``, ``wr_prev``, ``wr_next`` -- 56 bytes; 3.11 adds a
    ``vectorcall`` pointer (64). Plus the GC head: 72 up to 3.10, 80 from 3.11.
    A callback-less ``ref(obj)`` is shared when one already exists for ``obj``.
    """
    check_version(version)
    body = OBJECT_HEAD + 5 * POINTER + (POINTER if version >= (3, 11) else 0)
    return GC_HEAD + body
