"""The gates: each per-file rule's ``applies_to`` lets in every file the rule flags,
and keeps out the common files it cannot flag (those are the LibCST parses saved).

A gate that is too wide only costs time; one that is too narrow loses findings, so
every example and fixture is linted with the gate and with the gate open, and the
findings must be the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from memlint.index import ModuleIndex, build_index
from memlint.rule import Rule
from memlint.testing import lint

from .conftest import rules_under_test

FIXTURES = Path(__file__).parent / "fixtures"
FILE_RULES = [rule for rule in rules_under_test() if not rule.project]


def _ungated(rule: type[Rule]) -> type[Rule]:
    class Ungated(rule):  # type: ignore[valid-type,misc]
        @classmethod
        def applies_to(cls, index: ModuleIndex, text: str, tree: ast.Module) -> bool:
            return True

    return Ungated


def _cases() -> list[object]:
    cases = []
    for rule in FILE_RULES:
        codes = [(e.path, e.code) for e in (*rule.VALID, *rule.INVALID)]
        for path in sorted((FIXTURES / rule.code).glob("*.py")):
            codes.append((path.name, path.read_text(encoding="utf-8")))
        for number, (path, code) in enumerate(codes):
            cases.append(pytest.param(rule, path, code, id=f"{rule.code}-{number}"))
    return cases


@pytest.mark.parametrize(("rule", "path", "code"), _cases())
def test_gate_lets_in_everything_the_rule_flags(rule: type[Rule], path: str, code: str) -> None:
    gated = lint(code, [rule], path=path).findings
    ungated = lint(code, [_ungated(rule)], path=path).findings
    assert [(f.line, f.column, f.message) for f in gated] == [
        (f.line, f.column, f.message) for f in ungated
    ]


def _applies(code: str, code_of_rule: str, module: str = "m") -> bool:
    (rule,) = [r for r in FILE_RULES if r.code == code_of_rule]
    tree = ast.parse(code)
    return rule.applies_to(build_index(tree, module, text=code), code, tree)


@pytest.mark.parametrize(
    ("code", "rule", "expected"),
    [
        # MEM001: sentinels and instances of the module's own classes are not
        # containers; class-level containers matter only when mutated through `x.N`.
        ("_MISSING = object()\ndef f(x=_MISSING):\n    return x\n", "MEM001", False),
        ("class P: ...\ndef f(p=P()):\n    return p\n", "MEM001", False),
        (
            "class A:\n    items = []\n    def n(self):\n        return len(self.items)\n",
            "MEM001",
            False,
        ),
        (
            "class A:\n    items = []\n    def add(self, x):\n        self.items.append(x)\n",
            "MEM001",
            True,
        ),
        ("class A:\n    d = {}\n    def put(self, k):\n        self.d[k] = 1\n", "MEM001", True),
        # ... and only containers the rule sees as new ones: a display, a
        # comprehension or a container call (through any import alias), not other
        # calls or names; not names shared on purpose; only `name.N`, not `a.b.N`.
        ("class A:\n    d = D\n    def put(self, k):\n        self.d[k] = 1\n", "MEM001", False),
        (
            "class A:\n    d = make()\n    def put(self, k):\n        self.d[k] = 1\n",
            "MEM001",
            False,
        ),
        (
            "from collections import deque as dq\nclass A:\n    q = dq()\n"
            "    def put(self, k):\n        self.q.append(k)\n",
            "MEM001",
            True,
        ),
        (
            "class A:\n    d = dict.fromkeys('ab')\n    def put(self, k):\n        self.d[k] = 1\n",
            "MEM001",
            True,
        ),
        (
            "class A:\n    _d = {}\n    def put(self, k):\n        self._d[k] = 1\n",
            "MEM001",
            False,
        ),
        (
            "class A:\n    d = {}\n    def put(self, k):\n        self.other.d[k] = 1\n",
            "MEM001",
            False,
        ),
        (
            "class A:\n    n = []\n    def f(self):\n        heapq.heappush(self.n, 1)\n",
            "MEM001",
            True,
        ),
        (
            "import dataclasses\nclass B: ...\n@dataclasses.dataclass\nclass A:\n    x: B = B()\n",
            "MEM001",
            True,
        ),
        # Dataclass fields: a display, a call or a name as default; other decorated
        # classes' annotated attributes count only as containers, like plain ones.
        ("import dataclasses\n@dataclasses.dataclass\nclass A:\n    x: int = 0\n", "MEM001", False),
        (
            "from dataclasses import dataclass, field\n@dataclass(frozen=True)\n"
            "class A:\n    x: T = field(default=[])\n",
            "MEM001",
            True,
        ),
        (
            "import functools\n@functools.total_ordering\nclass A:\n    x: T = f()\n",
            "MEM001",
            False,
        ),
        (
            "from dataclasses import dataclass, field\n@dataclass\n"
            "class A:\n    x: list = field(default_factory=list)\n",
            "MEM001",
            False,
        ),
        (
            "from typing import ClassVar as CV\nclass A:\n    x: CV[list] = []\n"
            "    def add(self, v):\n        self.x.append(v)\n",
            "MEM001",
            False,
        ),
        ("_D = {}\ndef f(x=_D):\n    return x\n", "MEM001", True),
        ("f = lambda x=[]: x\n", "MEM001", True),
        ("f = lambda x, y=1: {x: y}\n", "MEM001", False),
        # MEM002: functools named, but neither cache API used.
        ("import functools\nf = functools.partial(print)\n", "MEM002", False),
        (
            "import functools\nclass A:\n    def f(self):\n        return self.cache\n",
            "MEM002",
            False,
        ),
        ("import functools as ft\n@ft.cache\ndef f(x):\n    return x\n", "MEM002", True),
        (
            "from functools import lru_cache as memo\n"
            "@memo(maxsize=None)\ndef f(x):\n    return x\n",
            "MEM002",
            True,
        ),
        ("from functools import *\n", "MEM002", True),
        # ... or only bounded lru_caches on functions, which the rule accepts.
        ("from functools import lru_cache\n", "MEM002", False),
        (
            "import functools\n@functools.lru_cache\ndef f(x):\n    return x\n"
            "@functools.lru_cache(maxsize=64, typed=True)\nasync def g(x):\n    return x\n"
            "h = functools.lru_cache(32)(len)\n",
            "MEM002",
            False,
        ),
        (
            "from functools import lru_cache\n@lru_cache()\ndef f(x):\n    return x\n",
            "MEM002",
            False,
        ),
        (
            "from functools import lru_cache\n@lru_cache(None)\ndef f(x):\n    return x\n",
            "MEM002",
            True,
        ),
        (
            "from functools import lru_cache\n@lru_cache(maxsize=N)\ndef f(x):\n    return x\n",
            "MEM002",
            True,
        ),
        (
            "from functools import lru_cache\n@lru_cache(**o)\ndef f(x):\n    return x\n",
            "MEM002",
            True,
        ),
        ("from functools import lru_cache\nf = lru_cache(maxsize=None)(len)\n", "MEM002", True),
        ("from functools import lru_cache\ncached = lru_cache\n", "MEM002", True),
        (
            "import functools\nclass A:\n"
            "    @functools.lru_cache\n    def f(self):\n        return 1\n",
            "MEM002",
            True,
        ),
        ("import functools\n@functools.cache\ndef f():\n    return 1\n", "MEM002", True),
        # MEM003: list()/sorted()/[*x] of things no handle-making call produced.
        (
            "import os\nwith open('a') as f:\n    print(f.read())\nx = sorted(os.listdir())\n",
            "MEM003",
            False,
        ),
        ("def f(rows):\n    return list(rows)\nopen('a').close()\n", "MEM003", False),
        ("with open('a') as f:\n    g = f\nrows = list(g)\n", "MEM003", True),
        ("from sys import stdin\nrows = [*stdin]\n", "MEM003", True),
        ("from sys import *\nrows = [*stdin]\n", "MEM003", True),
        ("from sys import *\nrows = sorted(argv)\n", "MEM003", False),
        ("from os import *\ndef f(names):\n    return list(names)\n", "MEM003", False),
        (
            "class A:\n    def __init__(self):\n        self.fp = open('a')\n"
            "    def rows(self):\n        return sorted(self.fp)\n",
            "MEM003",
            True,
        ),
        ("import pathlib\nn = pathlib.Path('a').read_text().splitlines()\n", "MEM003", True),
        ("def f(x):\n    return x.readlines()\n", "MEM003", True),
    ],
)
def test_gate_decides_from_text_and_tree(code: str, rule: str, expected: bool) -> None:
    assert _applies(code, rule) is expected
