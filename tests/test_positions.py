"""Positions from generating only the top-level statements that hold the nodes.

Generating a few statements must give exactly the spans, ancestor paths and
statement extents that generating the whole module gives; where it cannot (a
node outside the statements, text LibCST does not reproduce) it must fall back
to the whole module, never return a wrong position.
"""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from memlint.positions import node_spans, top_index_of_line, top_lines

SNIPPETS = {
    "plain": "import os\n\nx = 1\n\n\ndef f(a, b=[]):\n    return a + b\n",
    "header-comments": "#!/usr/bin/env python\n# comment\n\n'''Doc.'''\nimport os\nx = [1]\n",
    "decorators": (
        "import functools\n\n# lead\n@functools.cache\n\n@other\ndef f(x):\n    return x\n"
    ),
    "semicolons": "a = 1; b = [2]; c = 3\nif a: d = {}; e = 5\nclass K: z = []\n",
    "no-final-newline": "x = 1\ndef f(y=[]):\n    return y",
    "crlf": "x = 1\r\n\r\ndef f(y={}):\r\n    return y\r\n",
    "form-feed": "x = 1\n\x0c\ndef f(y=set()):\n    return y\n",
    "continuations": "x = [1,\n     2]\ny = 3 \\\n    + 4\nz = '''a\nb'''\n",
    "comments-between": (
        "def a():\n    pass\n    # trailing comment\n\n# own line\ndef b(x=[]):\n    return x\n"
    ),
    "compound": (
        "try:\n    import a\nexcept ImportError:\n    a = None\nelse:\n    pass\n"
        "for i in []:\n    pass\nwhile False:\n    break\nwith open('f') as h:\n    pass\n"
        "class C:\n    '''Doc.'''\n    items = []\n    def m(self, v=[]):\n        return v\n"
    ),
}


def _stdlib_sources() -> list[tuple[str, str]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    names = ["argparse.py", "textwrap.py", "json/encoder.py", "dataclasses.py"]
    return [(name, (root / name).read_text(encoding="utf-8")) for name in names]


def _sources() -> list[object]:
    cases = [pytest.param(code, id=name) for name, code in SNIPPETS.items()]
    cases += [pytest.param(code, id=name) for name, code in _stdlib_sources()]
    return cases


class _Collect(cst.CSTVisitor):
    """Every name and call, with the index of the top-level statement holding it."""

    def __init__(self) -> None:
        self.found: list[tuple[cst.CSTNode, int]] = []
        self.top = -1

    def on_name(self, node: cst.CSTNode) -> None:
        self.found.append((node, self.top))

    def visit_Name(self, node: cst.Name) -> None:
        self.on_name(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.on_name(node)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.on_name(node)


def _nodes(module: cst.Module) -> list[tuple[cst.CSTNode, int]]:
    collect = _Collect()
    for index, statement in enumerate(module.body):
        collect.top = index
        statement.visit(collect)
    return collect.found


@pytest.mark.parametrize("code", _sources())
def test_partial_generation_gives_the_whole_module_s_spans(code: str) -> None:
    module = cst.parse_module(code)
    tree = ast.parse(code)
    found = _nodes(module)
    # A few statements at a time (the cheap path is taken only for a minority of them).
    step = max(3, len(module.body) // 3)
    for first in range(0, len(module.body), step):
        chosen = [(node, top) for node, top in found if first <= top < first + 1]
        if not chosen:
            continue
        nodes = [node for node, _ in chosen]
        whole = node_spans(module, nodes, code)
        part = node_spans(module, nodes, code, tree=tree, tops={first})
        for node in nodes:
            assert part.spans[id(node)] == whole.spans[id(node)]
            assert part.paths[id(node)] == whole.paths[id(node)]
        for key, extent in part.extents.items():
            if extent[1] >= 0 and whole.exact and key != id(module):
                assert extent == whole.extents[key]


def test_a_node_outside_the_hinted_statements_falls_back_to_the_whole_module() -> None:
    code = "a = 1\nb = 2\nc = 3\nd = [4]\ne = 5\n"
    module = cst.parse_module(code)
    tree = ast.parse(code)
    node = module.body[3]
    rendering = node_spans(module, [node], code, tree=tree, tops={0})
    assert rendering.spans[id(node)].line == 4


def test_top_lines_follow_decorators_and_small_statements() -> None:
    code = "a = 1; b = 2\n\n@dec\n\n@dec2\ndef f():\n    pass\nclass C: pass\n"
    module = cst.parse_module(code)
    tree = ast.parse(code)
    starts = top_lines(module, tree)
    assert starts == [1, 3, 8]
    assert top_index_of_line(starts, 6) == 1
    assert top_index_of_line(starts, 8) == 2
    assert top_index_of_line(starts, 2) == 0


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_the_cheap_path_is_taken_where_the_text_is_reproduced(name: str) -> None:
    from memlint.positions import _partial_spans

    code = SNIPPETS[name]
    module = cst.parse_module(code)
    tree = ast.parse(code)
    found = _nodes(module)
    for top in range(len(module.body)):
        nodes = [node for node, index in found if index == top]
        partial = _partial_spans(module, nodes, code, tree, [top])
        # Alone, the last statement of a file without a final newline gets one.
        expected = not (name == "no-final-newline" and top == len(module.body) - 1)
        assert (partial is not None) is expected, top
