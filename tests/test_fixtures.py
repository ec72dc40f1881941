"""Fixture files: every expected finding is marked on its line (``# MEM001``).

Each file under ``tests/fixtures/`` covers one edge case (its first line says
which); all rules run on it, and the findings must be exactly the markers.
A file whose name ends in ``_pyi.py`` is checked as a stub (``.pyi``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from memlint.testing import expected_markers, lint

from .conftest import rules_under_test

FIXTURES = Path(__file__).parent / "fixtures"
RULES = rules_under_test()
FILES = sorted(p for p in FIXTURES.rglob("*.py") if p.is_file())


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(FIXTURES).as_posix() for p in FILES])
def test_fixture_findings_match_markers(path: Path) -> None:
    code = path.read_text(encoding="utf-8")
    assert code.startswith("#"), "a fixture's first line says what it covers"
    name = path.name.replace("_pyi.py", ".pyi")
    codes = {rule.code for rule in RULES}
    result = lint(code, RULES, path=name)
    assert result.error is None, result.error
    expected = sorted((line, c) for line, c, _ in expected_markers(code) if c in codes)
    got = sorted((f.line, f.code) for f in result.findings)
    assert got == expected, "\n".join(
        f"{f.line}:{f.column} {f.code} {f.message}" for f in result.findings
    )
    for line, c, column in expected_markers(code):
        if column is not None and c in codes:
            assert any(f.line == line and f.column == column for f in result.findings)
