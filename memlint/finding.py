"""The data that flows through memlint: findings, fixes, estimates and file errors.

Everything here is a frozen, slotted dataclass: plain data that crosses process
boundaries (pickled from workers), is cached on disk and serialized to JSON/SARIF.

Positions are 1-based lines and 1-based columns counted in Unicode code points
(what ``str`` indexing sees), with ``end_column`` exclusive: a finding on ``x[]``
in ``def f(x=[]):`` spans columns 9..11. Reporters convert to other column kinds
(SARIF uses UTF-16 code units) from the line text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Optional

from memlint._compat import SLOTS


class Severity(str, enum.Enum):
    """How much a finding matters, independent of how sure memlint is about it."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2}


class Confidence(str, enum.Enum):
    """How sure memlint is that the finding is real (not a false alarm)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Applicability(str, enum.Enum):
    """Whether a fix can be applied without changing what the program does."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, **SLOTS)
class Edit:
    """Replace the text between two positions (1-based line/column, end exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True, **SLOTS)
class Fix:
    """A change that resolves a finding, as text edits against the analysed source."""

    title: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True, **SLOTS)
class Estimate:
    """What a finding costs, and what its fix saves, in bytes.

    ``bytes_saved`` is per unit as tracemalloc would measure it (bytes requested);
    ``resident_bytes_saved`` is the same after pymalloc rounds blocks to 16-byte
    classes. ``count`` is the number of units when known (instances alive at the
    peak, cache entries, ...), and ``total_bytes`` = ``bytes_saved * count``.
    """

    bytes_saved: int
    resident_bytes_saved: int
    unit: str
    method: str
    python: str
    count: Optional[int] = None
    total_bytes: Optional[int] = None
    note: str = ""
    extra: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "bytes_saved": self.bytes_saved,
            "resident_bytes_saved": self.resident_bytes_saved,
            "unit": self.unit,
            "count": self.count,
            "total_bytes": self.total_bytes,
            "method": self.method,
            "python": self.python,
        }
        if self.note:
            data["note"] = self.note
        data.update(self.extra)
        return data


@dataclass(frozen=True, **SLOTS)
class Finding:
    """One problem at one place in one file."""

    code: str
    name: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    severity: Severity
    confidence: Confidence
    fix: Optional[Fix] = None
    estimate: Optional[Estimate] = None
    #: Rule-specific facts (JSON-able), e.g. the class name and attribute count
    #: for MEM004; estimates and the runtime join read them.
    details: tuple[tuple[str, Any], ...] = ()

    def detail(self, key: str, default: Any = None) -> Any:
        for name, value in self.details:
            if name == key:
                return value
        return default

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        fix = self.fix
        return {
            "code": self.code,
            "name": self.name,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "severity": self.severity.value,
            "confidence": self.confidence.value,
            "fix": None
            if fix is None
            else {
                "title": fix.title,
                "applicability": fix.applicability.value,
                "edits": [
                    {
                        "line": e.line,
                        "column": e.column,
                        "end_line": e.end_line,
                        "end_column": e.end_column,
                        "content": e.content,
                    }
                    for e in fix.edits
                ],
            },
            "estimate": None if self.estimate is None else self.estimate.to_dict(),
            "details": dict(self.details),
        }


@dataclass(frozen=True, **SLOTS)
class FileError:
    """A file memlint could not analyse, and why (one line, actionable)."""

    path: str
    reason: str
    kind: str = "error"
    line: Optional[int] = None
    column: Optional[int] = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "reason": self.reason,
            "line": self.line,
            "column": self.column,
        }


@dataclass(frozen=True, **SLOTS)
class Span:
    """A source range: 1-based lines, 1-based code-point columns, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, **SLOTS)
class FileResult:
    """Everything the engine learned about one file."""

    path: str
    findings: tuple[Finding, ...] = ()
    error: Optional[FileError] = None
    facts: Any = None
    suppressed: int = 0
    skipped: bool = False
    fixed_source: Optional[str] = None
    notes: tuple[str, ...] = field(default=())
