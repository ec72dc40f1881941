"""Turning a rule's tree changes into text edits, and applying edits to text.

A rule describes its fix as changes to the LibCST tree (:class:`~memlint.rule.Replace`,
:class:`~memlint.rule.InsertStatements`). Here they are applied to the tree, the
module is generated again, and the difference with the original text becomes a
list of line-granular :class:`~memlint.finding.Edit` objects. Edits are what JSON,
SARIF, ``--diff`` and ``--fix`` work with: plain text operations that can be
combined across findings (non-overlapping ones first, ruff-style) and checked by
parsing the result.
"""

from __future__ import annotations

import ast
import difflib
import re
import warnings
from typing import Iterable, Optional, Sequence, Union

import libcst as cst

from memlint.finding import Edit, Fix
from memlint.rule import FixPlan, Replace
from memlint.source import LineIndex

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class _ApplyChanges(cst.CSTTransformer):
    def __init__(self, plan: FixPlan) -> None:
        super().__init__()
        self.replace: dict[int, cst.CSTNode] = {}
        self.before: dict[int, list[cst.BaseStatement]] = {}
        self.after: dict[int, list[cst.BaseStatement]] = {}
        for change in plan.changes:
            if isinstance(change, Replace):
                self.replace[id(change.node)] = change.new
            elif change.before:
                self.before.setdefault(id(change.anchor), []).extend(change.statements)
            else:
                self.after.setdefault(id(change.anchor), []).extend(change.statements)
        self.applied = 0

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNode]]:
        key = id(original_node)
        new = self.replace.get(key)
        if new is not None:
            self.applied += 1
            updated_node = new
        before = self.before.get(key)
        after = self.after.get(key)
        if before or after:
            self.applied += 1
            return cst.FlattenSentinel([*(before or ()), updated_node, *(after or ())])
        return updated_node


def split_lines(text: str) -> list[str]:
    """Lines with their endings (``\\r\\n``, ``\\r`` or ``\\n``)."""
    return _LINE.findall(text)


def materialize(module: cst.Module, plan: FixPlan, original: str) -> Optional[Fix]:
    """The text edits that ``plan`` makes to ``original`` (the text of ``module``).

    Returns ``None`` when the change cannot be applied or would not parse:
    memlint never offers a fix that breaks the file.
    """
    transformer = _ApplyChanges(plan)
    try:
        new_module = module.visit(transformer)
        new_text = new_module.code
    except Exception:  # a rule built an invalid tree: no fix, never a crash
        return None
    if transformer.applied == 0 or new_text == original:
        return None
    if not parses(new_text):
        return None
    edits = diff_edits(original, new_text)
    return Fix(title=plan.title, applicability=plan.applicability, edits=tuple(edits))


def parses(text: str) -> bool:
    """Whether ``text`` is valid Python for the running interpreter."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def diff_edits(old: str, new: str) -> list[Edit]:
    """Line-granular edits that turn ``old`` into ``new``."""
    old_lines = split_lines(old)
    new_lines = split_lines(new)
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    index = LineIndex(old)
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = index.position(starts[a1])
        end = index.position(starts[a2])
        edits.append(Edit(*start, *end, "".join(new_lines[b1:b2])))
    return edits


def apply_edits(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply every fix whose edits do not overlap an earlier one.

    Returns the new text and how many fixes were applied; the caller lints the
    result again to pick up fixes that were skipped for overlapping.
    """
    index = LineIndex(text)
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, str]] = []
    applied = 0
    for fix in fixes:
        ranges = [
            (index.offset(e.line, e.column), index.offset(e.end_line, e.end_column), e.content)
            for e in fix.edits
        ]
        if any(_overlaps(start, end, taken) for start, end, _ in ranges):
            continue
        for start, end, content in ranges:
            taken.append((start, end))
            chosen.append((start, end, content))
        applied += 1
    out = text
    for start, end, content in sorted(chosen, key=lambda r: (r[0], r[1]), reverse=True):
        out = out[:start] + content + out[end:]
    return out, applied


def _overlaps(start: int, end: int, taken: Sequence[tuple[int, int]]) -> bool:
    for other_start, other_end in taken:
        if start < other_end and other_start < end:
            return True
        # Two insertions at the same point would depend on order: keep one.
        if start == end == other_start == other_end:
            return True
    return False
