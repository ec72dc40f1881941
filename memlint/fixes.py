"""Turning a rule's tree changes into text edits, and applying edits to text.

A rule describes its fix as changes to the LibCST tree (:class:`~memlint.rule.Replace`,
:class:`~memlint.rule.InsertStatements`). Here they are applied along the path
from the module to each changed node, the top-level statements that changed
are generated again, and the difference becomes a list of line-granular
:class:`~memlint.finding.Edit` objects. Edits are what JSON, SARIF, ``--diff``
and ``--fix`` work with: plain text operations that can be combined across
findings (non-overlapping ones first, ruff-style) and checked by parsing the
result.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import re
import warnings
from typing import TYPE_CHECKING, Iterable, Optional, Sequence

from memlint.finding import Edit, Fix
from memlint.rule import FixPlan, Replace
from memlint.source import LineIndex

if TYPE_CHECKING:
    import libcst as cst

    from memlint.positions import Rendering
else:
    from memlint.lazy import libcst as cst

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines with their endings (``\\r\\n``, ``\\r`` or ``\\n``)."""
    return _LINE.findall(text)


def plan_nodes(plan: FixPlan) -> list[cst.CSTNode]:
    """The nodes a plan changes (their positions and ancestors are needed)."""
    return [c.node if isinstance(c, Replace) else c.anchor for c in plan.changes]


def materialize(module: cst.Module, plan: FixPlan, rendering: Rendering) -> Optional[Fix]:
    """The text edits that ``plan`` makes to ``rendering.generated``.

    Only the path from the module to each changed node is rebuilt, and only the
    innermost statement that holds each change is generated again (with the
    indentation of its block): a fix costs about as much as that statement, not
    a pass over the file, nor over a 3,000-line class around a one-line change.
    Returns ``None`` when the change cannot be applied or a regenerated
    statement would not parse: memlint never offers a fix that breaks a file.
    """
    replace: dict[int, cst.CSTNode] = {}
    before: dict[int, list[cst.BaseStatement]] = {}
    after: dict[int, list[cst.BaseStatement]] = {}
    on_path: set[int] = set()
    # The statement to regenerate for each change, with its ancestors.
    units: dict[int, tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]] = {}
    for change in plan.changes:
        node = change.node if isinstance(change, Replace) else change.anchor
        path = rendering.paths.get(id(node))
        if not path or path[0] is not module:
            return None
        if isinstance(change, Replace):
            replace[id(node)] = change.new
        elif change.before:
            before.setdefault(id(node), []).extend(change.statements)
        else:
            after.setdefault(id(node), []).extend(change.statements)
        on_path.update(id(ancestor) for ancestor in path[1:])
        unit = _unit(node, path, inserting=not isinstance(change, Replace))
        if unit is None:
            return None
        units[id(unit[0])] = unit
    # A change inside another change's statement is regenerated with it.
    outer = {key: unit for key, unit in units.items() if not any(id(a) in units for a in unit[1])}
    edits: list[Edit] = []
    index = LineIndex(rendering.generated)
    try:
        for key, (statement, ancestors) in outer.items():
            extent = rendering.extents.get(key)
            if extent is None or extent[1] < 0:
                return None
            start, end = extent
            old = rendering.generated[start:end]
            indent = _indent_tokens(module, ancestors)
            rebuilt = _rebuild(statement, replace, before, after, on_path)
            parts = [*before.get(key, ()), rebuilt, *after.get(key, ())]
            new = "".join(_generate(module, part, indent) for part in parts)
            alone = _generate(module, statement, indent)
            if alone != old:
                # The module drops the last statement's newline when the file has
                # none; generated alone, the statement keeps it.
                suffix = alone[len(old) :]
                if not alone.startswith(old) or not new.endswith(suffix):
                    return None
                new = new[: len(new) - len(suffix)]
            if new == old:
                continue
            if not parses(f"if True:\n{new}" if indent else new):
                return None
            edits.extend(_shift(diff_edits(old, new), old, start, index))
    except Exception:  # a rule built an invalid tree: no fix, never a crash
        return None
    if not edits:
        return None
    edits.sort(key=lambda e: (e.line, e.column))
    return Fix(title=plan.title, applicability=plan.applicability, edits=tuple(edits))


def _unit(
    node: cst.CSTNode, path: tuple[cst.CSTNode, ...], *, inserting: bool
) -> Optional[tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]]:
    """The innermost statement to regenerate for a change at ``node``.

    A statement in a block (or the module) is regenerated whole. An insertion
    next to ``node`` changes the block that holds it, so the statement that
    owns that block is regenerated — or the anchor itself at module level.
    """
    chain = (*path, node)
    for depth in range(len(chain) - 1, 0, -1):
        candidate = chain[depth]
        if inserting and candidate is node and not isinstance(path[-1], cst.Module):
            continue
        parent = chain[depth - 1]
        if isinstance(candidate, cst.BaseStatement) and isinstance(
            parent, (cst.IndentedBlock, cst.Module)
        ):
            return candidate, chain[:depth]
    return None


def _indent_tokens(module: cst.Module, ancestors: tuple[cst.CSTNode, ...]) -> list[str]:
    return [
        module.default_indent if block.indent is None else block.indent
        for block in ancestors
        if isinstance(block, cst.IndentedBlock)
    ]


def _generate(module: cst.Module, node: cst.CSTNode, indent: list[str]) -> str:
    """``node``'s code as it appears in the module, at the indentation ``indent``."""
    from memlint.positions import PlainCodegen

    state = PlainCodegen(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=list(indent),
    )
    node._codegen(state)
    return "".join(state.tokens)


def _rebuild(
    node: cst.CSTNode,
    replace: dict[int, cst.CSTNode],
    before: dict[int, list[cst.BaseStatement]],
    after: dict[int, list[cst.BaseStatement]],
    on_path: set[int],
) -> cst.CSTNode:
    """``node`` with the changes below it applied, rebuilding only changed ancestors."""
    new = replace.get(id(node))
    if new is not None:
        return new
    if id(node) not in on_path:
        return node

    def touched(item: object) -> bool:
        key = id(item)
        return key in on_path or key in replace or key in before or key in after

    changes: dict[str, object] = {}
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        if isinstance(value, cst.CSTNode):
            if touched(value):
                changes[field.name] = _rebuild(value, replace, before, after, on_path)
        elif isinstance(value, (tuple, list)) and any(
            isinstance(item, cst.CSTNode) and touched(item) for item in value
        ):
            items: list[object] = []
            for item in value:
                if isinstance(item, cst.CSTNode):
                    items.extend(before.get(id(item), ()))
                    items.append(_rebuild(item, replace, before, after, on_path))
                    items.extend(after.get(id(item), ()))
                else:
                    items.append(item)
            changes[field.name] = tuple(items)
    return node.with_changes(**changes) if changes else node


def _shift(edits: list[Edit], old: str, start: int, index: LineIndex) -> list[Edit]:
    """Move edits made against the statement text ``old`` to the whole text."""
    local = LineIndex(old)
    shifted = []
    for edit in edits:
        begin = start + local.offset(edit.line, edit.column)
        finish = start + local.offset(edit.end_line, edit.end_column)
        shifted.append(Edit(*index.position(begin), *index.position(finish), edit.content))
    return shifted


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
