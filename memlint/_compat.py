"""Small compatibility shims for the Python versions memlint supports (3.9+)."""

from __future__ import annotations

import sys
from typing import Any

#: Keyword arguments that make a dataclass slotted where the running Python allows it
#: (``slots=True`` arrived in 3.10). memlint's own data objects are frozen and slotted:
#: a memory linter should not waste memory on its own findings.
if sys.version_info >= (3, 10):
    SLOTS: dict[str, Any] = {"slots": True}
else:  # pragma: no cover - exercised on 3.9 only
    SLOTS = {}

if sys.version_info >= (3, 11):
    import tomllib as tomllib
else:  # pragma: no cover - exercised on 3.9/3.10 only
    import tomli as tomllib

__all__ = ["SLOTS", "tomllib"]
