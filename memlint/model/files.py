"""Whole-file reads (MEM003): the peak a text read holds beyond iterating the file.

Iterating a text file (``for line in f``) holds one decoded chunk and one line at a time,
and so does ``f.readlines()`` while it reads -- the difference between their peaks is
what ``readlines`` keeps: a ``str`` per line and the list of them. ``_io._IOBase.readlines``
is ``list.extend(self)``, so the list grows through the iterator path of ``list_extend``
(length hint 8, then appends). Every line is a compact ``str`` sized exactly
(``PyUnicode_Substring`` / join of chunks), newline included.

``f.read().splitlines()`` peaks at the larger of two moments:

1. inside ``read()``: ``FileIO.readall`` returns a ``bytes`` of the whole file (33 + n),
   which the decoder turns into one ``str`` of the whole file before the bytes are freed;
2. inside ``splitlines()``: that ``str`` plus one ``str`` per line (newlines dropped) plus
   the list, which ``Objects/stringlib/split.h: splitlines`` grows by appends from empty.

Both are modelled for text of a single storage kind (ASCII by default). ``file_bytes`` is
the decoded length in characters -- the file size for ASCII; for another ``kind`` the raw
UTF-8 read is taken as 2 (latin-1), 3 (UCS-2) or 4 (UCS-4) bytes per character. Lines are
``file_bytes / avg_line_len`` on average, with ``avg_line_len`` counting the newline.
"""

from __future__ import annotations

from .objects import LIST_OBJECT, POINTER, StrKind, bytes_size, list_capacity, str_header_size
from .versions import Version, check_version

_CHAR = {"ascii": 1, "latin1": 1, "ucs2": 2, "ucs4": 4}
# UTF-8 bytes per character when every non-ASCII character is of the kind's width
# (latin-1 letters take 2 bytes, most BMP text such as CJK 3, astral characters 4).
_UTF8 = {"ascii": 1, "latin1": 2, "ucs2": 3, "ucs4": 4}


def _line_count(file_chars: int, avg_line_len: float) -> int:
    if file_chars < 0:
        raise ValueError("a file cannot have a negative size")
    if avg_line_len <= 0:
        raise ValueError("the average line length must be positive")
    return max(0, round(file_chars / avg_line_len))


def _strings(count: int, chars: int, version: Version, kind: StrKind) -> int:
    # Each str: header + (length + 1) code units; summed over lines that is
    # count * (header + unit) + chars * unit.
    unit = _CHAR[kind]
    return count * (str_header_size(version, kind) + unit) + chars * unit


def readlines_cost(
    file_bytes: int, avg_line_len: float, version: Version, kind: StrKind = "ascii"
) -> int:
    """Peak extra bytes of ``f.readlines()`` over ``for line in f`` for a text file.

    ``file_bytes`` is the decoded length in characters (bytes, for ASCII text). About
    1.6-1.7x the file for 80-character lines, more for short lines (each line pays a
    40-48 byte header and a list slot).
    """
    check_version(version)
    lines = _line_count(file_bytes, avg_line_len)
    if lines == 0:
        return LIST_OBJECT
    listed = LIST_OBJECT + POINTER * list_capacity(lines, version, "iterator")
    return listed + _strings(lines, file_bytes, version, kind)


def read_splitlines_cost(
    file_bytes: int, avg_line_len: float, version: Version, kind: StrKind = "ascii"
) -> int:
    """Peak extra bytes of ``f.read().splitlines()`` over iterating the file.

    The larger of (raw bytes + decoded text) and (decoded text + one str per line without
    its newline + the list): about 2.6-2.7x the file for 80-character lines.
    """
    check_version(version)
    lines = _line_count(file_bytes, avg_line_len)
    text = _strings(1, file_bytes, version, kind) if file_bytes else 0
    raw = bytes_size(file_bytes * _UTF8[kind], version)
    reading = raw + text
    listed = LIST_OBJECT + POINTER * list_capacity(lines, version, "append")
    splitting = text + listed + _strings(lines, max(0, file_bytes - lines), version, kind)
    return max(reading, splitting)


def iterate_lines_cost(avg_line_len: float, version: Version, kind: StrKind = "ascii") -> int:
    """Bytes iterating holds beyond the file object's buffers: one line."""
    check_version(version)
    return _strings(1, max(1, round(avg_line_len)), version, kind)
