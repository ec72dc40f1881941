"""Helpers for testing rules: expected-finding markers and one-call linting.

Expected findings are marked on the offending line with a trailing comment:
``# MEM001`` (any column), ``# MEM001:12`` (column 12), several separated by
commas (``# MEM001, MEM003``). A ``# noqa`` comment is a suppression, not a marker.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any, Mapping, Optional

from memlint.engine import (
    EngineOptions,
    check_project,
    check_source,
    fix_project_findings,
    fix_source,
)
from memlint.finding import Applicability, FileResult
from memlint.fixes import apply_edits, parses
from memlint.rule import Rule

_MARKER = re.compile(r"(MEM\d{3})(?::(\d+))?")


def expected_markers(code: str) -> list[tuple[int, str, Optional[int]]]:
    """``(line, code, column or None)`` for every marker in ``code``."""
    found: list[tuple[int, str, Optional[int]]] = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", code), start=1):
        for segment in line.split("#")[1:]:
            text = segment.strip()
            if not _MARKER.match(text):
                continue
            for match in _MARKER.finditer(text):
                column = int(match.group(2)) if match.group(2) else None
                found.append((number, match.group(1), column))
    return found


def options_for(
    rules: Sequence[type[Rule]],
    target_version: Optional[tuple[int, int]] = None,
    rule_options: Optional[Mapping[str, Mapping[str, Any]]] = None,
) -> EngineOptions:
    return EngineOptions(
        target_version=target_version or (3, 12),
        rule_options=dict(rule_options or {}),
    )


def lint(
    code: str,
    rules: Sequence[type[Rule]],
    *,
    path: str = "example.py",
    target_version: Optional[tuple[int, int]] = None,
    rule_options: Optional[Mapping[str, Mapping[str, Any]]] = None,
) -> FileResult:
    options = options_for(rules, target_version, rule_options)
    result = check_source(code, path, rules, options)
    return _with_project_findings([result], rules, options)[0]


def lint_project(
    files: Mapping[str, str],
    rules: Sequence[type[Rule]],
    *,
    target_version: Optional[tuple[int, int]] = None,
    rule_options: Optional[Mapping[str, Mapping[str, Any]]] = None,
) -> list[FileResult]:
    """Lint several files as one project; keys are paths like ``pkg/mod.py``."""
    options = options_for(rules, target_version, rule_options)
    results = []
    for path, code in files.items():
        module, is_package = module_name(path)
        results.append(
            check_source(code, path, rules, options, module=module, is_package=is_package)
        )
    return _with_project_findings(results, rules, options)


def module_name(path: str) -> tuple[str, bool]:
    """Dotted module name of a relative path, as if every directory were a package."""
    parts = path.replace("\\", "/").split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    if stem == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join([*parts[:-1], stem]), False


def _with_project_findings(
    results: list[FileResult], rules: Sequence[type[Rule]], options: EngineOptions
) -> list[FileResult]:
    found = check_project(results, rules, options)
    if not found:
        return results
    merged = []
    for result in results:
        extra = tuple(f for f in found if f.path == result.path)
        if extra:
            findings = tuple(sorted((*result.findings, *extra), key=lambda f: f.sort_key))
            result = dataclasses.replace(result, findings=findings)
        merged.append(result)
    return merged


def fix(
    code: str,
    rules: Sequence[type[Rule]],
    *,
    unsafe: bool = False,
    path: str = "example.py",
    target_version: Optional[tuple[int, int]] = None,
    rule_options: Optional[Mapping[str, Mapping[str, Any]]] = None,
) -> str:
    options = options_for(rules, target_version, rule_options)
    text = code
    for _ in range(10):
        text, result, _ = fix_source(text, path, rules, options, unsafe=unsafe)
        found = _with_project_findings([result], rules, options)[0]
        project = [f for f in found.findings if f not in result.findings]
        fixes = [
            f.fix
            for f in fix_project_findings(text, path, project, rules, options)
            if f.fix is not None and (unsafe or f.fix.applicability is Applicability.SAFE)
        ]
        new_text, applied = apply_edits(text, fixes)
        if not applied or new_text == text or not parses(new_text):
            break
        text = new_text
    return text
