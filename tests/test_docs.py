"""Documentation generated from the rules stays in sync with them."""

from __future__ import annotations

from pathlib import Path

from memlint.docgen import update_readme
from memlint.rules import RULES

README = Path(__file__).parent.parent / "README.md"


def test_readme_rules_table_is_up_to_date() -> None:
    text = README.read_text(encoding="utf-8")
    assert update_readme(text, RULES) == text, "run: python -m memlint.docgen"


def test_readme_first_block_has_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```")[1]
    commands = [line for line in first_block.splitlines()[1:] if line.strip()]
    assert len(commands) == 2
    assert "memlint check examples/" in commands[0]
    assert "[test]" in commands[1] and "pytest" in commands[1]
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install --quiet -e ".[test]" && python -m pytest' in ci
