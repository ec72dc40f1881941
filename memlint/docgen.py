"""Documentation generated from the rules themselves (one source, never copied).

``python -m memlint.docgen`` rewrites the rules table in README.md between its
markers; ``tests/test_docs.py`` fails when the README is out of date.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from memlint.rule import Rule

START = "<!-- rules-table:start -->"
END = "<!-- rules-table:end -->"


def fix_kind(rule: type[Rule]) -> str:
    """ "safe"/"unsafe"/"-": derived from the rule's examples, not declared by hand."""
    if any(example.fixed is not None for example in rule.INVALID):
        return "safe"
    if any(example.unsafe_fixed is not None for example in rule.INVALID):
        return "unsafe"
    return "-"


def rules_table(rules: Sequence[type[Rule]]) -> str:
    rows = [
        "| Code | Name | What it flags | Severity | Fix |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        summary = rule.summary().replace("|", "\\|")
        severity = rule.severity.value
        rows.append(f"| {rule.code} | `{rule.name}` | {summary} | {severity} | {fix_kind(rule)} |")
    return "\n".join(rows)


def update_readme(text: str, rules: Sequence[type[Rule]]) -> str:
    block = f"{START}\n{rules_table(rules)}\n{END}"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError("README.md has no rules-table markers")
    return pattern.sub(lambda _: block, text)


def main() -> None:
    from memlint.rules import RULES

    readme = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    readme.write_text(update_readme(readme.read_text(encoding="utf-8"), RULES), encoding="utf-8")


if __name__ == "__main__":
    main()
