"""Turning file bytes into text exactly as Python would, and mapping offsets to lines.

Decoding follows PEP 263 (a UTF-8 BOM, or a coding cookie in the first two lines,
else UTF-8) so memlint reads a file the way the interpreter will. The original
encoding, BOM and newline style are kept so a fix can write the file back
byte-for-byte apart from the change.

Line splitting is Python's: ``\\r\\n``, ``\\r`` and ``\\n`` end a line; form feeds and
the other characters ``str.splitlines`` treats as line breaks do not.
"""

from __future__ import annotations

import bisect
import codecs
import io
import itertools
import re
import tokenize
from dataclasses import dataclass
from typing import Optional

from memlint._compat import SLOTS

_NEWLINE = re.compile(r"\r\n|\r|\n")
#: PEP 263: a comment line containing ``coding[:=]<name>``.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+", re.M)


class SourceError(Exception):
    """The bytes are not Python source memlint can read (the message says why)."""

    def __init__(self, reason: str, line: Optional[int] = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True, **SLOTS)
class SourceText:
    """Decoded source plus what is needed to write it back unchanged."""

    text: str
    encoding: str
    bom: bool
    newline: str

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def decode_source(data: bytes) -> SourceText:
    """Decode Python source bytes; raise :class:`SourceError` with a one-line reason."""
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise SourceError("file contains NUL bytes (is it a binary file?)", line)
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if _COOKIE.search(b"\n".join(data.splitlines()[:2])):
            raise SourceError(f"bad coding cookie: {_first_line(str(exc))}") from None
        # No cookie: the first lines are simply not UTF-8; report where.
        encoding = "utf-8"
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"cannot decode as {encoding} (byte 0x{body[exc.start]:02x} on line {line}); "
            "save the file as UTF-8 or declare its encoding with a coding cookie",
            line,
        ) from None
    except LookupError:  # pragma: no cover - detect_encoding already validated it
        raise SourceError(f"unknown encoding {encoding!r}") from None
    match = _NEWLINE.search(text)
    newline = match.group() if match else "\n"
    return SourceText(text=text, encoding=encoding, bom=bom, newline=newline)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


class LineIndex:
    """Offsets <-> (line, column) for one text, with Python's idea of a line."""

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        if "\r" in text:
            self._starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        else:
            # Only "\n" ends lines: the starts are the running sums of the lines'
            # lengths plus their newlines, computed without a Python-level loop.
            lengths = map((1).__add__, map(len, text.split("\n")[:-1]))
            self._starts = list(itertools.accumulate(lengths, initial=0))

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a code-point offset."""
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def offset(self, line: int, column: int) -> int:
        """Code-point offset of a 1-based (line, column)."""
        return self._starts[line - 1] + column - 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        if line < 1 or line > len(self._starts):
            return ""
        start = self._starts[line - 1]
        end = self._starts[line] if line < len(self._starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def column_from_utf8(self, line: int, byte_column: int) -> int:
        """1-based code-point column from the 0-based UTF-8 byte offset ``ast`` gives."""
        text = self.line_text(line)
        if text.isascii():
            return byte_column + 1
        return len(text.encode("utf-8")[:byte_column].decode("utf-8", "replace")) + 1


def utf16_column(line_text: str, column: int) -> int:
    """Convert a 1-based code-point column to a 1-based UTF-16 code-unit column."""
    prefix = line_text[: column - 1]
    if prefix.isascii():
        return column
    return len(prefix.encode("utf-16-le")) // 2 + 1 + max(0, column - 1 - len(prefix))


def indentation_of(line_text: str) -> str:
    """The leading whitespace of a line."""
    return line_text[: len(line_text) - len(line_text.lstrip(" \t\f"))]
