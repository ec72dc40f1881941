"""The registry of memlint's rules: an explicit tuple, in code order.

Adding a rule means adding its file here and to this tuple; nothing is
discovered by introspection, so what runs is exactly what this file lists.
"""

from __future__ import annotations

from memlint.rule import Rule
from memlint.rules.mem001_mutable_default_argument import MutableDefaultArgument
from memlint.rules.mem002_unbounded_cache import UnboundedCache

RULES: tuple[type[Rule], ...] = (MutableDefaultArgument, UnboundedCache)

__all__ = ["RULES"]
