"""Modules imported the first time something of them is used.

Importing libcst takes about 0.2 s: half of a warm ``memlint check`` (every
result from the cache, no tree needed) and most of ``memlint --version``. The
modules that work on trees therefore bind ``cst`` to the proxy below at run
time (and to the real module for type checkers)::

    if TYPE_CHECKING:
        import libcst as cst
    else:
        from memlint.lazy import libcst as cst

and use it only inside functions: module-level code would import it at once
(``tests/test_lazy.py`` checks that a warm run never imports it). The terminal
module does the same with rich, which a run writing JSON to a pipe never needs.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for a module until an attribute is first read, then copies the
    module's names into itself (later reads are plain attribute lookups)."""

    def __init__(self, name: str) -> None:
        self.__dict__["_lazy_module_name"] = name

    def __getattr__(self, attribute: str) -> Any:
        # Only called for names not copied yet: before the import, or a
        # submodule imported after it.
        module = importlib.import_module(self.__dict__["_lazy_module_name"])
        self.__dict__.update(vars(module))
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_module_name']!r}>"


libcst: Any = LazyModule("libcst")

__all__ = ["LazyModule", "libcst"]
