"""A read-only batched traversal of a LibCST tree, several times cheaper than
:func:`libcst.visit_batched`.

LibCST's visitors rebuild every node they pass (``_visit_and_replace_children``
constructs a new node, validation included), even when nothing changes: on the
stdlib that costs more than parsing. memlint's rules only read the tree, so the
engine walks it here instead: the same nodes (identity preserved), in the same
order LibCST visits them, calling each rule's ``visit_<Node>`` before a node's
children and ``leave_<Node>`` after them. Whitespace, comments and punctuation
are not descended into unless some visitor subscribes to one of those types.

The child order of each node type is read once from LibCST's own
``_visit_and_replace_children`` (the field names among its code's constants, in
the order of its ``visit_*(self, "field", ...)`` calls), so siblings are seen
exactly as LibCST would show them; fields it does not mention follow in
dataclass order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    import libcst as cst
else:
    from memlint.lazy import libcst as cst


__all__ = ["Visitor", "visit_batched"]

#: Names of the node types that only carry layout (whitespace, comments, punctuation).
_TRIVIA = (
    "SimpleWhitespace",
    "ParenthesizedWhitespace",
    "TrailingWhitespace",
    "Newline",
    "EmptyLine",
    "Comment",
    "Comma",
    "Semicolon",
    "Colon",
    "Dot",
    "LeftParen",
    "RightParen",
    "LeftSquareBracket",
    "RightSquareBracket",
    "LeftCurlyBrace",
    "RightCurlyBrace",
    "AssignEqual",
)

_ORDER: dict[type, tuple[str, ...]] = {}
_SKIP, _NODE, _SEQUENCE = 0, 1, 2


def _field_order(kind: type) -> tuple[str, ...]:
    """The fields of ``kind`` that may hold nodes, in LibCST's visiting order."""
    order = _ORDER.get(kind)
    if order is not None:
        return order
    names = [field.name for field in dataclasses.fields(kind)]
    # Each ``visit_*(self, "field", self.field, visitor)`` call puts the field's
    # name among the method's constants, in the order of the calls.
    method = getattr(kind, "_visit_and_replace_children", None)
    constants = getattr(getattr(method, "__code__", None), "co_consts", ())
    seen = [c for c in constants if isinstance(c, str) and c in names]
    ordered = list(dict.fromkeys(seen))
    ordered += [name for name in names if name not in ordered]
    order = _ORDER[kind] = tuple(ordered)
    return order


Handler = Callable[[Any], Any]


class Visitor:
    """Base of the read-only visitors :func:`visit_batched` runs: ``visit_<Node>``
    and ``leave_<Node>`` methods, as on a :class:`libcst.BatchableCSTVisitor`
    (without its base class, so defining one does not import libcst)."""

    def get_visitors(self) -> dict[str, Handler]:
        """The ``visit_*``/``leave_*`` methods, by name."""
        return {
            name: getattr(self, name)
            for name in dir(type(self))
            if name.startswith(("visit_", "leave_"))
        }


class _Mark:
    """Pushed before a module's top-level statement: tells ``on_statement`` its index."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def visit_batched(
    module: cst.CSTNode,
    visitors: Sequence[Visitor],
    on_statement: Optional[Callable[[int], None]] = None,
) -> None:
    """Run ``visitors`` over ``module`` in one pass, like :func:`libcst.visit_batched`
    for visitors that only read (their return values are ignored, as there).

    ``on_statement(i)`` is called before the walk enters ``module.body[i]`` (a
    :class:`libcst.Module`'s), so a caller can tell which top-level statement was
    being walked when a visitor reported something.
    """
    visits: dict[str, list[Handler]] = {}
    leaves: dict[str, list[Handler]] = {}
    for visitor in visitors:
        for name, function in visitor.get_visitors().items():
            event, _, node_type = name.partition("_")
            if "_" in node_type:
                raise TypeError(f"{name}: attribute hooks are not supported")
            (visits if event == "visit" else leaves).setdefault(node_type, []).append(function)
    subscribed = set(visits) | set(leaves)
    skip = tuple(getattr(cst, name) for name in _TRIVIA if name not in subscribed)
    # What a field's value is, by its exact type (isinstance on LibCST's abstract
    # node classes is slow): _NODE to visit, _SEQUENCE to look into, else nothing.
    kinds: dict[type, int] = {}

    def classify(cls: type) -> int:
        if issubclass(cls, cst.CSTNode):
            found = _SKIP if issubclass(cls, skip) else _NODE
        elif cls is list or cls is tuple:
            found = _SEQUENCE
        else:
            found = _SKIP
        kinds[cls] = found
        return found

    stack: list[tuple[Any, bool]] = [(module, False)]
    pop, push = stack.pop, stack.append
    marks: dict[int, _Mark] = {}
    if on_statement is not None and isinstance(module, cst.Module):
        marks = {id(statement): _Mark(i) for i, statement in enumerate(module.body)}
    while stack:
        node, leaving = pop()
        if type(node) is _Mark:
            assert on_statement is not None
            on_statement(node.index)
            continue
        name = type(node).__name__
        if leaving:
            for function in leaves[name]:
                function(node)
            continue
        handlers = visits.get(name)
        if handlers:
            for function in handlers:
                function(node)
        if name in leaves:
            push((node, True))
        children: list[Any] = []
        for field in _field_order(type(node)):
            value = getattr(node, field)
            what = kinds.get(type(value))
            if what is None:
                what = classify(type(value))
            if what == _NODE:
                children.append(value)
            elif what == _SEQUENCE:
                for child in value:
                    what = kinds.get(type(child))
                    if what is None:
                        what = classify(type(child))
                    if what == _NODE:
                        children.append(child)
        if marks and node is module:
            for child in reversed(children):
                push((child, False))
                mark = marks.get(id(child))
                if mark is not None:
                    push((mark, False))
            continue
        for child in reversed(children):
            push((child, False))
