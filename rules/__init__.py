"""The registry of memlint's rules: an explicit tuple, in code order.

Adding a rule means adding its file here and to this tuple; nothing is
discovered by introspection, so what runs is exactly what this file lists.
"""

from __future__ import annotations

from memlint.rule import Rule
from memlint.rules.mem001_mutable_default_argument import MutableDefaultArgument
from memlint.rules.mem002_unbounded_cache import UnboundedCache
from memlint.rules.mem003_whole_file_read import WholeFileRead
from memlint.rules.mem004_missing_slots import MissingSlots
from memlint.rules.mem005_strong_parent_reference import StrongParentReference

RULES: tuple[type[Rule], ...] = (
    MutableDefaultArgument,
    UnboundedCache,
    WholeFileRead,
    MissingSlots,
    StrongParentReference,
)

__all__ = ["RULES"]
