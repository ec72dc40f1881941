"""Source spans (and ancestors) for a handful of LibCST nodes, without whole-file metadata.

LibCST's ``PositionProvider`` records a line/column range for every node while it
generates code, which measured at about 2.5x the parse time on the stdlib: more
than all of memlint's rules together. memlint only needs positions for the few
nodes it reports or edits, so this module runs one plain code generation pass
and records the offsets of just those nodes, plus their ancestors and the
extents of those (so a fix can rebuild only the path from the module to the
node it changes, and regenerate only the innermost statement around it).
Because an unmodified tree generates the text it was parsed from, offsets in
the generated text are offsets in the file.
"""

from __future__ import annotations

import ast
import bisect
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Optional, Sequence

from libcst._nodes.internal import CodegenState

from memlint._compat import SLOTS
from memlint.finding import Span
from memlint.source import LineIndex

if TYPE_CHECKING:
    import libcst as cst
else:
    from memlint.lazy import libcst as cst


class PlainCodegen(CodegenState):
    """LibCST's code generation with a cheap per-node position hook: LibCST's own
    makes a generator-based context manager for every node generated (~20% of
    the generation), for metadata this module records only for a few nodes."""

    __slots__ = ()

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> AbstractContextManager[None]:
        return self._position(node, start_node, end_node)

    def _position(
        self,
        node: cst.CSTNode,
        start_node: Optional[cst.CSTNode],
        end_node: Optional[cst.CSTNode],
    ) -> AbstractContextManager[None]:
        return _NOTHING


_NOTHING: AbstractContextManager[None] = nullcontext()


class _SpanRecorder(PlainCodegen):
    """Code generation that notes the syntactic offsets of selected nodes."""

    # CodegenState is slotted; these extra attributes need slots of their own.
    __slots__ = (
        "_counted",
        "_offset",
        "_stack",
        "_starts",
        "extents",
        "paths",
        "spans",
        "targets",
    )

    def __init__(self, module: cst.Module, targets: set[int]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.targets = targets
        self.spans: dict[int, tuple[int, int]] = {}
        #: Ancestors (module first) of every target node, for fixes.
        self.paths: dict[int, tuple[cst.CSTNode, ...]] = {}
        #: Whole-text extents (leading lines included) of targets and their ancestors.
        self.extents: dict[int, list[int]] = {}
        self._stack: list[cst.CSTNode] = []
        self._starts: list[int] = []
        self._counted = 0
        self._offset = 0

    def before_codegen(self, node: cst.CSTNode) -> None:
        offset = self._current_offset()
        stack = self._stack
        key = id(node)
        if key in self.targets:
            self.paths[key] = tuple(stack)
            extents = self.extents
            for ancestor, start in zip(stack, self._starts):
                extents.setdefault(id(ancestor), [start, -1])
            extents[key] = [offset, -1]
        stack.append(node)
        self._starts.append(offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        self._stack.pop()
        self._starts.pop()
        extent = self.extents.get(id(node))
        if extent is not None and extent[1] < 0:
            extent[1] = self._current_offset()

    def _current_offset(self) -> int:
        tokens = self.tokens
        end = len(tokens)
        if end != self._counted:
            self._offset += sum(map(len, tokens[self._counted : end]))
            self._counted = end
        return self._offset

    def _position(
        self,
        node: cst.CSTNode,
        start_node: Optional[cst.CSTNode],
        end_node: Optional[cst.CSTNode],
    ) -> AbstractContextManager[None]:
        key = id(node)
        if key not in self.targets:
            return _NOTHING
        # The node's span may be hoisted from children (e.g. a compound statement
        # ends where its last body statement ends); record those children too.
        self.targets.update(id(n) for n in (start_node, end_node) if n is not None)
        return _Recording(self, key, start_node, end_node)


class _Recording:
    """Notes one target node's span as its code is generated."""

    __slots__ = ("end_node", "key", "recorder", "start", "start_node")

    def __init__(
        self,
        recorder: _SpanRecorder,
        key: int,
        start_node: Optional[cst.CSTNode],
        end_node: Optional[cst.CSTNode],
    ) -> None:
        self.recorder = recorder
        self.key = key
        self.start_node = start_node
        self.end_node = end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.recorder._current_offset()

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is not None:
            return  # as the generator it replaces: nothing recorded, the error propagates
        recorder = self.recorder
        start, end = self.start, recorder._current_offset()
        spans = recorder.spans
        if self.start_node is not None and id(self.start_node) in spans:
            start = spans[id(self.start_node)][0]
        if self.end_node is not None and id(self.end_node) in spans:
            end = spans[id(self.end_node)][1]
        spans[self.key] = (start, end)


@dataclass(frozen=True, **SLOTS)
class Rendering:
    """Where nodes are in the source, and how LibCST's text relates to it.

    LibCST does not always reproduce its input: it drops a form feed at the
    start of a line and the final ``\r`` of a CR-only file. ``generated`` is
    its text; ``mapping`` maps each offset in it to the source (``None`` when
    the text is exact, or when LibCST changed more than dropped characters).
    """

    spans: dict[int, Span]
    generated: str
    exact: bool
    mapping: Optional[list[int]]
    #: Ancestors (module first) of each requested node, by ``id``.
    paths: dict[int, tuple[cst.CSTNode, ...]]
    #: Offsets in ``generated`` of each requested node and its ancestors, by ``id``.
    extents: dict[int, list[int]]

    def to_source(self, offset: int) -> Optional[int]:
        if self.exact:
            return offset
        return self.mapping[offset] if self.mapping is not None else None


def node_spans(
    module: cst.Module,
    nodes: Iterable[cst.CSTNode],
    text: str,
    *,
    tree: Optional[ast.Module] = None,
    tops: Iterable[int] = (),
) -> Rendering:
    """Spans of ``nodes`` (keyed by ``id(node)``) in ``text``, the source of ``module``.

    With ``tree`` (the ``ast`` of ``text``) and ``tops`` (indexes in
    ``module.body`` of the top-level statements expected to hold the nodes),
    only those statements are generated: each starts a line the ``ast`` names,
    and each must generate exactly the text found there. When one does not, or a
    node is not among them, the whole module is generated instead.
    """
    nodes = list(nodes)
    if tree is not None:
        partial = _partial_spans(module, nodes, text, tree, sorted(set(tops)))
        if partial is not None:
            return partial
    wanted = {id(n) for n in nodes}
    recorder = _SpanRecorder(module, set(wanted))
    module._codegen(recorder)
    generated = "".join(recorder.tokens)
    exact = generated == text
    mapping = None if exact else _align(generated, text)
    index = LineIndex(text if exact or mapping is not None else generated)
    spans: dict[int, Span] = {}
    for key in wanted:
        offsets = recorder.spans.get(key)
        if offsets is None:
            continue
        start, end = offsets
        if mapping is not None:
            start, end = mapping[start], mapping[end]
        line, column = index.position(start)
        end_line, end_column = index.position(end)
        spans[key] = Span(line, column, end_line, end_column)
    return Rendering(spans, generated, exact, mapping, recorder.paths, recorder.extents)


def _partial_spans(
    module: cst.Module, nodes: list[cst.CSTNode], text: str, tree: ast.Module, tops: list[int]
) -> Optional[Rendering]:
    if not tops or tops[0] < 0 or len(tops) * 2 > len(module.body):
        return None  # most of the module: generating all of it is as cheap
    starts = top_lines(module, tree)
    if starts is None:
        return None
    wanted = {id(n) for n in nodes}
    lines = LineIndex(text)
    recorder = _SpanRecorder(module, set(wanted))
    recorder._stack.append(module)
    recorder._starts.append(0)
    for top in tops:
        statement = module.body[top]
        first = starts[top] - len(statement.leading_lines)
        if first < 1 or first > lines.line_count:
            return None
        start = lines.offset(first, 1)
        before = len(recorder.tokens)
        recorder._offset = start
        recorder._counted = before
        statement._codegen(recorder)
        generated = "".join(recorder.tokens[before:])
        if text[start : start + len(generated)] != generated:
            return None
    if not wanted <= recorder.spans.keys() or not wanted <= recorder.paths.keys():
        return None  # a node outside the statements generated
    spans: dict[int, Span] = {}
    for key in wanted:
        start, end = recorder.spans[key]
        line, column = lines.position(start)
        end_line, end_column = lines.position(end)
        spans[key] = Span(line, column, end_line, end_column)
    return Rendering(spans, text, True, None, recorder.paths, recorder.extents)


def top_lines(module: cst.Module, tree: ast.Module) -> Optional[list[int]]:
    """The line each of ``module.body``'s statements starts on (its first decorator
    or token, after its leading blank and comment lines), from ``tree``: a simple
    statement line holds one ``ast`` statement per small statement, a compound
    statement one. ``None`` when the two do not line up."""
    body = tree.body
    lines: list[int] = []
    position = 0
    for statement in module.body:
        if position >= len(body):
            return None
        node = body[position]
        if isinstance(statement, cst.SimpleStatementLine):
            lines.append(node.lineno)
            position += len(statement.body)
        else:
            lines.append(first_line(node))
            position += 1
    return lines if position == len(body) else None


def first_line(statement: ast.stmt) -> int:
    """The line a statement starts on: its first decorator's, else its own."""
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    return min([statement.lineno, *(d.lineno for d in decorators)])


def top_index_of_line(starts: Sequence[int], line: int) -> Optional[int]:
    """Index of the top-level statement that holds ``line``, given where each starts
    (:func:`top_lines`)."""
    index = bisect.bisect_right(starts, line) - 1
    return index if index >= 0 else None


def _align(generated: str, text: str) -> Optional[list[int]]:
    """Offsets in ``text`` for every offset in ``generated``, when LibCST only dropped
    characters (``generated`` is a subsequence of ``text``); otherwise ``None``."""
    mapping = [0] * (len(generated) + 1)
    i = 0
    for j, char in enumerate(generated):
        while i < len(text) and text[i] != char:
            i += 1
        if i == len(text):
            return None
        mapping[j] = i
        i += 1
    mapping[len(generated)] = i if len(generated) else 0
    return mapping
