"""GitHub's ``primaryLocationLineHash``, computed exactly as its upload action does.

Code scanning matches an alert across commits by the result's
``partialFingerprints.primaryLocationLineHash``. When a SARIF file lacks one,
``github/codeql-action/upload-sarif`` computes it (``src/fingerprints.ts``); a
tool that supplies its own must produce the very same value, or every alert is
closed and re-opened once when users switch between the two. This module is a
port of that algorithm:

- The file is read as Node reads it (``fs.createReadStream(path, "utf8")``):
  bytes decoded as UTF-8 with invalid sequences replaced by U+FFFD, a BOM kept
  as a character, whatever the file's PEP 263 encoding, and walked in UTF-16
  code units (JavaScript's ``charCodeAt``).
- Spaces and tabs are dropped; ``\\r\\n`` and lone ``\\r`` become ``\\n``.
- The hash of a line is a polynomial rolling hash (base 37, arithmetic modulo
  2**64 like the ``long`` package's signed 64-bit ``Long``) over the 100 code
  units that start at the line's first kept character, the stream being
  followed by one 65535 marker and then zeros.
- The value is ``"<hash as unsigned hex>:<n>"`` where ``n`` counts how many
  earlier lines (plus this one) had the same hash.

Lines are numbered like memlint's (``\\r\\n``, ``\\r`` and ``\\n`` end a line), so a
file ending with a newline has one more, empty, line; an empty file has one.
The implementation computes the same windows as the TypeScript's rolling
update, from prefix hashes, so a file costs one pass rather than a function
call per character.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from itertools import accumulate

__all__ = ["line_hashes", "line_hashes_of_text"]

_BLOCK_SIZE = 100
_MOD = 37
_MASK = (1 << 64) - 1
#: 37**100 modulo 2**64: the weight of the character that leaves the window.
_FIRST_MOD = pow(_MOD, _BLOCK_SIZE, 1 << 64)
#: What the TypeScript feeds after the last character (``EOF = 65535``).
_END = 0xFFFF
_LF = 0x0A
_UTF16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"


def line_hashes(data: bytes) -> list[str]:
    """``primaryLocationLineHash`` of every line of a file's bytes (index 0 = line 1)."""
    return line_hashes_of_text(data.decode("utf-8", "replace"))


def line_hashes_of_text(text: str) -> list[str]:
    """The hashes for text as Node would have decoded it (see :func:`line_hashes`)."""
    # The TypeScript skips an LF only when the character right before it was a CR;
    # a space or tab in between resets that, so newlines are normalised before
    # blanks are removed.
    kept = text.replace("\r\n", "\n").replace("\r", "\n").replace(" ", "").replace("\t", "")
    units = _code_units(kept)
    stream = [*units, _END, *([0] * _BLOCK_SIZE)]
    prefix = list(accumulate(stream, lambda h, c: (h * _MOD + c) & _MASK, initial=0))
    starts = [0]
    starts.extend(i + 1 for i, unit in enumerate(units) if unit == _LF)
    counts: dict[str, int] = {}
    hashes = []
    for start in starts:
        window = (prefix[start + _BLOCK_SIZE] - prefix[start] * _FIRST_MOD) & _MASK
        value = format(window, "x")
        counts[value] = counts.get(value, 0) + 1
        hashes.append(f"{value}:{counts[value]}")
    return hashes


def _code_units(text: str) -> Sequence[int]:
    if text.isascii():
        return text.encode("ascii")
    return memoryview(text.encode(_UTF16, "surrogatepass")).cast("H")
