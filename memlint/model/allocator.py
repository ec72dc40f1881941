"""pymalloc: what a request of *n* bytes really occupies.

tracemalloc reports the bytes *requested*; the process holds more. CPython's small-object
allocator (``Objects/obmalloc.c``) serves requests of at most ``SMALL_REQUEST_THRESHOLD``
(512) bytes from size classes spaced ``ALIGNMENT`` (16) bytes apart on 64-bit builds since
3.8, carved out of pools, which are carved out of arenas. Larger requests go straight to
the system ``malloc``.

Pool and arena sizes changed in 3.10 (bpo-37448, the radix-tree ``arena_map``):
``POOL_BITS`` 12 -> 14 and ``ARENA_BITS`` 18 -> 20 when ``USE_LARGE_POOLS`` /
``USE_LARGE_ARENAS`` are on, which they are on 64-bit builds with the radix tree
(the default). So 4 KiB pools / 256 KiB arenas on 3.8-3.9 and 16 KiB / 1 MiB since 3.10;
both are checked against ``sys._debugmallocstats()`` in the tests.
"""

from __future__ import annotations

from .versions import Version, check_version

#: ``Objects/obmalloc.c: ALIGNMENT`` on 64-bit builds (16 since 3.8, bpo-27987).
ALIGNMENT = 16
#: ``Objects/obmalloc.c: SMALL_REQUEST_THRESHOLD``.
SMALL_REQUEST_THRESHOLD = 512
#: ``sizeof(struct pool_header)`` on 64-bit builds: the bytes each pool loses to its header.
POOL_HEADER_SIZE = 48


def _round_up(nbytes: int, multiple: int) -> int:
    return -(-nbytes // multiple) * multiple


def size_class(nbytes: int) -> int:
    """The pymalloc block size serving a request of ``nbytes`` (1..512 -> 16..512)."""
    if not 0 < nbytes <= SMALL_REQUEST_THRESHOLD:
        raise ValueError(f"pymalloc serves 1..{SMALL_REQUEST_THRESHOLD} bytes, not {nbytes}")
    return _round_up(nbytes, ALIGNMENT)


def uses_pymalloc(nbytes: int) -> bool:
    """Whether a request is served by pymalloc (else by the system allocator)."""
    return 0 < nbytes <= SMALL_REQUEST_THRESHOLD


def pymalloc_resident(nbytes: int, version: Version) -> int:
    """Bytes a request of ``nbytes`` occupies once rounded to its block.

    Requests <= 512 B take a whole pymalloc block of their 16-byte size class. Larger
    requests go to ``malloc``; glibc also hands out 16-byte-aligned chunks, so they are
    counted as requested rounded up to 16 (its 8-byte chunk header is left out, as is
    the pool header share, see :func:`pool_overhead`). A zero-byte request counts as 0.
    """
    check_version(version)
    if nbytes <= 0:
        return 0
    return _round_up(nbytes, ALIGNMENT)


def pool_size(version: Version) -> int:
    """pymalloc pool size: 4 KiB up to 3.9, 16 KiB from 3.10 (``POOL_BITS`` 12 -> 14)."""
    return 4 * 1024 if check_version(version) < (3, 10) else 16 * 1024


def arena_size(version: Version) -> int:
    """pymalloc arena size: 256 KiB up to 3.9, 1 MiB from 3.10 (``ARENA_BITS`` 18 -> 20)."""
    return 256 * 1024 if check_version(version) < (3, 10) else 1024 * 1024


def blocks_per_pool(nbytes: int, version: Version) -> int:
    """How many blocks of the size class serving ``nbytes`` fit in one pool."""
    return (pool_size(version) - POOL_HEADER_SIZE) // size_class(nbytes)


def pool_overhead(nbytes: int, version: Version) -> float:
    """Bytes per block lost to the pool header and the unusable tail of a full pool.

    About 1.6% of a block with 4 KiB pools and 0.4% with 16 KiB pools for small classes;
    0 for requests that bypass pymalloc.
    """
    if not uses_pymalloc(nbytes):
        return 0.0
    block = size_class(nbytes)
    return pool_size(version) / blocks_per_pool(nbytes, version) - block
