"""The one shared ``ast`` walk: the same nodes as ``ast.walk`` and the same depth
as a walk over ``ast.iter_child_nodes`` (the engine's limit for LibCST)."""

from __future__ import annotations

import ast
import collections
import sysconfig
from pathlib import Path

import pytest

from memlint.index import AstNodes, ast_nodes

LEAVES = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
STDLIB = Path(sysconfig.get_paths()["stdlib"])


def reference_depth(tree: ast.AST) -> int:
    depth = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        depth = max(depth, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return depth


SNIPPETS = [
    "",
    "x",
    "x = 1",
    "a + b",  # the operator is the deepest node
    "not a",
    "f(g(h(i)))",
    "[[[[[x]]]]]",
    "a < b < c",
    "with open(p) as f, g() as (h, i):\n    pass\n",
    "class A:\n    def f(self, x=[]):\n        return lambda y=(): x.append(y)\n",
    "match x:\n    case [1, *rest] if rest:\n        pass\n",
    "x = " + "+".join(["a"] * 300),
    "x = " + "(" * 150 + "1" + ")" * 150,
]


def check(tree: ast.AST) -> None:
    nodes = AstNodes(tree)
    expected = collections.Counter(type(n) for n in ast.walk(tree) if not isinstance(n, LEAVES))
    assert {kind: len(nodes.of(kind)) for kind in expected} == dict(expected)
    assert sum(len(nodes.of(kind)) for kind in expected) == sum(expected.values())
    assert nodes.depth == reference_depth(tree)
    walked = [n for n in ast.walk(tree) if isinstance(n, (ast.Call, ast.Name))]
    assert sorted(map(id, nodes.of(ast.Call, ast.Name))) == sorted(map(id, walked))


@pytest.mark.parametrize("code", SNIPPETS)
def test_snippets(code: str) -> None:
    check(ast.parse(code))


@pytest.mark.parametrize("name", ["ast.py", "typing.py", "argparse.py", "tarfile.py"])
def test_stdlib_modules(name: str) -> None:
    path = STDLIB / name
    if not path.is_file():
        pytest.skip(f"{name} is not in this Python's stdlib")
    check(ast.parse(path.read_text(encoding="utf-8")))


def test_shared_for_the_same_tree_only() -> None:
    first, second = ast.parse("x = 1"), ast.parse("x = 1")
    assert ast_nodes(first) is ast_nodes(first)
    assert ast_nodes(second) is not ast_nodes(first)
    assert len(ast_nodes(second).of(ast.Assign)) == 1
