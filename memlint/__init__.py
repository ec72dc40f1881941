"""memlint: find memory anti-patterns in Python code, price them, and fix them."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
