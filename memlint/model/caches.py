"""``functools.lru_cache`` bookkeeping per cached call.

CPython always uses the C implementation (``Modules/_functoolsmodule.c``); the pure-Python
``functools._lru_cache_wrapper`` with its ``_HashedSeq`` key (a ``list`` subclass carrying
the hash) only runs where ``_functools`` is missing, and is modelled here only on request.

Per entry the C cache keeps:

- **the key** (``lru_cache_make_key``): without ``typed`` or keyword arguments, a single
  positional argument whose type is exactly ``int`` or ``str`` *is* the key (no
  allocation); otherwise the call's own ``args`` tuple is kept as the key. With keyword
  arguments or ``typed=True`` a new tuple is built: the positional args, then one
  ``kwd_mark`` separator and each keyword name and value, then (``typed``) the type of
  every argument.
- **a dict slot** in ``self->cache``, a dict grown one insert at a time
  (:func:`memlint.model.objects.dict_table_size`); its amortised share per entry swings
  between ~27 and ~54 bytes as the table fills and doubles.
- **bounded caches only**: one ``lru_list_elem`` (``PyObject_HEAD`` + ``prev``, ``next``,
  ``hash``, ``key``, ``result``: 56 bytes, not GC-tracked) per entry, the doubly linked
  recency list. An unbounded cache (``maxsize=None``, ``functools.cache``) has no links.

The argument and result objects themselves are not counted: the caller decides what they
are, and an unbounded cache keeps them all alive -- that is usually the larger cost.
"""

from __future__ import annotations

from .objects import (
    GC_HEAD,
    OBJECT_HEAD,
    POINTER,
    VAR_OBJECT_HEAD,
    dict_keys_bytes,
    dict_table_size,
    dict_usable,
    int_size,
    list_resize,
    list_size,
    tuple_size,
)
from .versions import Version, check_version

#: ``Modules/_functoolsmodule.c: lru_list_elem``.
LRU_LINK_SIZE = OBJECT_HEAD + 5 * POINTER


def lru_link_size(version: Version, implementation: str = "c") -> int:
    """Bytes of one recency-list link of a bounded cache.

    C: an ``lru_list_elem`` (56 B, not GC-tracked). Python: a 4-item list
    ``[PREV, NEXT, KEY, RESULT]`` (``PyList_New(4)``-style display: 56 + 32 B).
    """
    check_version(version)
    if implementation == "python":
        return list_size(4, version, how="literal")
    return LRU_LINK_SIZE


#: The cache dict object itself (GC head + ``PyDictObject``), paid once per cache.
_DICT_OBJECT = 64


def lru_cache_key_size(
    version: Version,
    typed: bool = False,
    nargs: int = 1,
    kwargs: int = 0,
    scalar_arg: bool = True,
    implementation: str = "c",
) -> int:
    """Bytes of the key object one cached call adds.

    ``scalar_arg``: the single positional argument is exactly ``int``/``str`` (the C fast
    path that skips the tuple). ``implementation="python"`` models ``_HashedSeq``: a list
    subclass with ``__slots__ = 'hashvalue'`` (GC head + ``PyListObject`` + one slot = 64 B)
    whose items array is filled by ``self[:] = tup`` (``list_resize`` growth) plus the
    cached hash, a 3-digit ``int``.
    """
    check_version(version)
    if nargs < 0 or kwargs < 0:
        raise ValueError("argument counts cannot be negative")
    size = nargs
    if kwargs:
        size += 2 * kwargs + 1
    if typed:
        size += nargs + kwargs
    if implementation == "python":
        if not typed and not kwargs and nargs == 1 and scalar_arg:
            return 0
        items = list_resize(0, 0, size, version)
        return GC_HEAD + VAR_OBJECT_HEAD + 3 * POINTER + POINTER * items + int_size(2**62, version)
    if implementation != "c":
        raise ValueError("implementation must be 'c' or 'python'")
    if not typed and not kwargs:
        if nargs == 1 and scalar_arg:
            return 0
        return tuple_size(nargs, version)
    return tuple_size(size, version)


def lru_cache_dict_bytes(entries: int, version: Version, str_keys: bool = False) -> int:
    """Bytes of the cache's dict holding ``entries`` keys (grown one insert at a time)."""
    size = dict_table_size(entries, version)
    if size == 0:
        return _DICT_OBJECT
    return _DICT_OBJECT + dict_keys_bytes(size, version, str_keys)


def lru_cache_size(
    entries: int,
    version: Version,
    bounded: bool,
    typed: bool = False,
    nargs: int = 1,
    kwargs: int = 0,
    scalar_arg: bool = True,
    str_keys: bool = False,
) -> int:
    """Total bookkeeping bytes of a cache holding ``entries`` results.

    ``bounded``: a ``maxsize`` cache that has not started evicting (``entries <= maxsize``).
    ``str_keys``: every key is an exact ``str`` (single untyped ``str`` argument), which
    lets 3.11+ use 16-byte dict entries.
    """
    if entries < 0:
        raise ValueError("a cache cannot hold a negative number of entries")
    key = lru_cache_key_size(version, typed, nargs, kwargs, scalar_arg)
    link = LRU_LINK_SIZE if bounded else 0
    str_table = str_keys and key == 0
    return entries * (key + link) + lru_cache_dict_bytes(entries, version, str_table)


def _typical_dict_share(version: Version, str_keys: bool) -> float:
    # Mean over one growth cycle of the 4096-slot table (1366..2730 entries): the dict's
    # bytes per entry, which otherwise depends on where in its cycle the cache sits.
    size = 4096
    low, high = dict_usable(size // 2) + 1, dict_usable(size)
    table = dict_keys_bytes(size, version, str_keys)
    return sum(table / n for n in range(low, high + 1)) / (high - low + 1)


def lru_cache_entry_size(
    version: Version,
    bounded: bool,
    typed: bool = False,
    nargs: int = 1,
    kwargs: int = 0,
    entries: int | None = None,
    scalar_arg: bool = True,
) -> int:
    """Bookkeeping bytes per cached entry (argument and result objects excluded).

    With ``entries`` the cache dict's share is exact for that many entries; without it, the
    mean over a growth cycle (about 37 B for tuple/int keys, 26 B for str keys on 3.11+).
    """
    check_version(version)
    key = lru_cache_key_size(version, typed, nargs, kwargs, scalar_arg)
    link = LRU_LINK_SIZE if bounded else 0
    if entries is None:
        share = _typical_dict_share(version, str_keys=False)
    elif entries <= 0:
        raise ValueError("entries must be positive")
    else:
        share = (lru_cache_dict_bytes(entries, version) - _DICT_OBJECT) / entries
    return round(key + link + share)
