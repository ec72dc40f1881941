"""Shared test configuration."""

from __future__ import annotations

import importlib
import os

from memlint.rule import Rule
from memlint.rules import RULES


def rules_under_test() -> tuple[type[Rule], ...]:
    """The registry, plus a rule named by MEMLINT_TEST_RULE ("module:Class").

    The extra hook lets a rule be developed and run through the shared example
    and fixture tests before it is added to the registry.
    """
    extra = os.environ.get("MEMLINT_TEST_RULE")
    if not extra:
        return RULES
    module, _, name = extra.partition(":")
    rule = getattr(importlib.import_module(module), name)
    return tuple(sorted({*RULES, rule}, key=lambda r: r.code))
