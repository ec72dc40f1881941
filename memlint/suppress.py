"""Inline suppressions: ``# noqa``, ``# memlint: ignore[...]``, ``# memlint: skip-file``.

* ``# noqa`` (no codes) suppresses every finding on its line, as in flake8 and ruff.
* ``# noqa: MEM001, E501`` suppresses the listed memlint codes; other tools'
  codes in the same comment are ignored.
* ``# memlint: ignore`` / ``# memlint: ignore[MEM001,MEM003]`` is memlint's own form.
* ``# memlint: skip-file`` on a line of its own skips the whole file.

A finding is suppressed by a directive on its first or last line. The scan is a
regular expression over the text plus a check that the ``#`` starts a comment
rather than sitting inside a string on that line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from memlint._compat import SLOTS
from memlint.source import LineIndex

_DIRECTIVE = re.compile(
    r"#\s*(?:"
    r"(?P<noqa>noqa)(?:\s*:\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?"
    r"|memlint\s*:\s*ignore(?:\[(?P<mcodes>[^\]]*)\])?"
    r")",
    re.I,
)
#: ``# memlint: skip-file``; only whitespace may come before it on its line (checked
#: by :func:`skips_file`: a pattern anchored at every line start scans 10x slower).
_SKIP_FILE = re.compile(r"#\s*memlint\s*:\s*skip-file\b", re.I)
_INDENT = re.compile(r"[ \t\f]*")
_CODE = re.compile(r"[A-Za-z]+[0-9]+")

#: ``None`` in a line's entry means "every code".
Codes = Optional[frozenset[str]]


@dataclass(frozen=True, **SLOTS)
class Suppressions:
    """The suppression directives of one file, by line."""

    lines: dict[int, Codes]

    def suppresses(self, code: str, line: int, end_line: Optional[int] = None) -> bool:
        for candidate in (line, end_line):
            if candidate is None or candidate not in self.lines:
                continue
            codes = self.lines[candidate]
            if codes is None or code in codes:
                return True
        return False


def skips_file(text: str) -> bool:
    for match in _SKIP_FILE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if _INDENT.fullmatch(text, line_start, match.start()):
            return True
    return False


def scan(text: str) -> Suppressions:
    """Find every suppression directive in ``text``."""
    lines: dict[int, Codes] = {}
    lowered = text.lower()
    if "noqa" not in lowered and "memlint" not in lowered:
        return Suppressions(lines)
    index: Optional[LineIndex] = None
    for match in _DIRECTIVE.finditer(text):
        if index is None:
            index = LineIndex(text)
        line, column = index.position(match.start())
        if not _starts_comment(text[match.start() - column + 1 : match.start()]):
            continue
        raw = match.group("codes") if match.group("noqa") else match.group("mcodes")
        if raw is None or not raw.strip():
            codes: Codes = None
        else:
            codes = frozenset(code.upper() for code in _CODE.findall(raw))
        previous = lines.get(line, frozenset())
        if codes is None or previous is None:
            lines[line] = None
        else:
            lines[line] = previous | codes
    return Suppressions(lines)


def _starts_comment(prefix: str) -> bool:
    """True when a ``#`` right after ``prefix`` is outside any string literal.

    Only the current line is considered: a directive inside a multi-line
    string's continuation line is rare enough to ignore.
    """
    quote: Optional[str] = None
    i = 0
    n = len(prefix)
    while i < n:
        ch = prefix[i]
        if quote is None:
            if ch == "#":
                return True  # an earlier '#' already started the comment
            if ch in "'\"":
                triple = prefix[i : i + 3]
                quote = triple if triple in ("'''", '"""') else ch
                i += len(quote)
                continue
        else:
            if ch == "\\":
                i += 2
                continue
            if prefix.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        i += 1
    return quote is None
