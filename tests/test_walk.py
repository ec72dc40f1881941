"""memlint's read-only tree walk sees what LibCST's own batched visit sees.

The engine runs rules through :func:`memlint.walk.visit_batched` instead of
:func:`libcst.visit_batched`; these tests record every ``visit_*``/``leave_*``
call both make, node by node (identity included), and require the same sequence.
"""

from __future__ import annotations

import inspect
import sysconfig
from pathlib import Path
from typing import Any

import libcst as cst
import pytest

from memlint.walk import _TRIVIA, Visitor, visit_batched

NODE_TYPES = sorted(
    (
        value
        for value in vars(cst).values()
        if inspect.isclass(value)
        and issubclass(value, cst.CSTNode)
        and not inspect.isabstract(value)
        and value.__name__[0] != "_"
    ),
    key=lambda kind: kind.__name__,
)
TRIVIA_NAMES = set(_TRIVIA)
assert {kind.__name__ for kind in NODE_TYPES} >= TRIVIA_NAMES


def recorder(names: list[str]) -> type[cst.BatchableCSTVisitor]:
    """A visitor class with a visit_ and a leave_ method for each of ``names``."""

    def make(event: str, name: str) -> Any:
        def method(self: Any, node: cst.CSTNode) -> None:
            self.log.append((event, name, id(node)))

        method.__name__ = f"{event}_{name}"  # LibCST finds visitor methods by __name__
        return method

    namespace: dict[str, Any] = {}
    for name in names:
        namespace[f"visit_{name}"] = make("visit", name)
        namespace[f"leave_{name}"] = make("leave", name)
    return type("Recorder", (cst.BatchableCSTVisitor,), namespace)


def both(source: str, names: list[str]) -> tuple[list[Any], list[Any]]:
    module = cst.parse_module(source)
    kind = recorder(names)
    theirs, ours = kind(), kind()
    theirs.log, ours.log = [], []
    cst.visit_batched(module, [theirs])
    visit_batched(module, [ours])
    return theirs.log, ours.log


SNIPPETS = [
    "",
    "x = 1\n",
    "@decorator(arg)\nasync def f(a, /, b: int = [], *args, c=lambda q=[]: q, **kw) -> list:\n"
    "    '''doc'''\n    return [y async for y in a if y] or {k: v for k, v in kw.items()}\n",
    "class C(Base, metaclass=M):\n    x: int = 1\n    def m(self):\n"
    "        self.children.append(Child(self))\n",
    "value = a if b else c\nresult = (yield from g)\nwith open(p) as f, g() as h:\n"
    "    lines = f.readlines()\n",
    "try:\n    pass\nexcept (A, B) as e:\n    raise X from e\nelse:\n    del x[1:2, ::3]\n"
    "finally:\n    print(*a, **b)\n",
    "match p:\n    case [1, *rest] if rest:\n        pass\n    case {'k': v, **kw}:\n"
    "        pass\n    case Point(x=0) | None:\n        pass\n",
    "def f[T: int](x: T) -> T:  # comment\n    global g\n    nonlocal_ = f'{x!r:>{w}}'\n"
    "    return x\n",
]


@pytest.mark.parametrize("source", SNIPPETS)
def test_same_nodes_in_the_same_order_as_libcst(source: str) -> None:
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError:
        pytest.skip("this LibCST does not parse the snippet")
    everything = [kind.__name__ for kind in NODE_TYPES]
    theirs, ours = both(source, everything)
    assert ours == theirs
    assert len(ours) >= 4 * source.count("\n")
    # Without trivia subscribed the walk skips layout nodes, and nothing else.
    names = [name for name in everything if name not in TRIVIA_NAMES]
    theirs, ours = both(source, names)
    assert ours == theirs


STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.mark.parametrize(
    "name", ["argparse.py", "dataclasses.py", "json/decoder.py", "typing.py", "ast.py"]
)
def test_same_visits_on_stdlib_modules(name: str) -> None:
    path = STDLIB / name
    if not path.is_file():
        pytest.skip(f"{name} is not in this Python's stdlib")
    names = [kind.__name__ for kind in NODE_TYPES if kind.__name__ not in TRIVIA_NAMES]
    theirs, ours = both(path.read_text(encoding="utf-8"), names)
    assert len(ours) > 1000
    assert ours == theirs


def test_attribute_hooks_are_refused() -> None:
    # visit_<Node>_<field> hooks need LibCST's own (node-rebuilding) traversal;
    # no rule uses them, and silently skipping one would lose findings.
    class Hooks(cst.BatchableCSTVisitor):
        def visit_Call_func(self, node: cst.Call) -> None:
            pass

    with pytest.raises(TypeError, match="visit_Call_func"):
        visit_batched(cst.parse_module("f(x)\n"), [Hooks()])


def test_visitor_lists_its_own_methods_like_libcst() -> None:
    class Ours(Visitor):
        def visit_Name(self, node: cst.Name) -> None:
            pass

        def leave_Call(self, node: cst.Call) -> None:
            pass

        def helper(self) -> None:
            pass

    class Theirs(cst.BatchableCSTVisitor):
        visit_Name = Ours.visit_Name
        leave_Call = Ours.leave_Call

    assert sorted(Ours().get_visitors()) == sorted(Theirs().get_visitors())
    assert sorted(Ours().get_visitors()) == ["leave_Call", "visit_Name"]


def test_on_statement_marks_each_top_level_statement_before_its_nodes() -> None:
    code = "import os\nclass A:\n    def f(self):\n        return 1\nx = f(2)\n"
    module = cst.parse_module(code)
    events: list[object] = []

    class Names(cst.BatchableCSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            events.append(node.value)

    visit_batched(module, [Names()], events.append)
    assert events == [0, "os", 1, "A", "f", "self", 2, "x", "f"]
