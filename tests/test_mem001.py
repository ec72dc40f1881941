"""MEM001 mutable-default-argument: what the examples and fixtures cannot show.

Severity and usage per pattern, fix applicability, that the gate is a superset of
what the rule flags, and that the fix really stops the sharing (run on code written
here, never on code memlint analyses).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memlint.finding import Applicability, Confidence, Finding, Severity
from memlint.index import ModuleIndex
from memlint.rules.mem001_mutable_default_argument import MutableDefaultArgument
from memlint.testing import fix, lint

RULE = MutableDefaultArgument
FIXTURES = Path(__file__).parent / "fixtures" / "MEM001"


def findings(code: str, **kwargs: Any) -> list[Finding]:
    result = lint(code, [RULE], **kwargs)
    assert result.error is None, result.error
    return list(result.findings)


def only(code: str, **kwargs: Any) -> Finding:
    found = findings(code, **kwargs)
    assert len(found) == 1, [f.message for f in found]
    return found[0]


# -- severity: mutated or escaping (high), handed over (medium), only read (low) ------

USAGE_CASES = [
    # (body using parameter `x` whose default is `[]`, usage, severity)
    ("    x.append(1)\n", "mutated", Severity.HIGH),
    ("    x[0] = 1\n", "mutated", Severity.HIGH),
    ("    del x[0]\n", "mutated", Severity.HIGH),
    ("    x += [1]\n", "mutated", Severity.HIGH),
    ("    x.sort()\n", "mutated", Severity.HIGH),
    ("    y = x\n    y.extend([1])\n", "mutated", Severity.HIGH),
    ("    import heapq\n    heapq.heappush(x, 1)\n", "mutated", Severity.HIGH),
    ("    for i in range(3):\n        x.insert(0, i)\n", "mutated", Severity.HIGH),
    ("    if x:\n        pass\n    else:\n        x.append(1)\n", "mutated", Severity.HIGH),
    ("    try:\n        pass\n    finally:\n        x.clear()\n", "mutated", Severity.HIGH),
    ("    [x.append(i) for i in range(3)]\n", "mutated", Severity.HIGH),
    ("    return x\n", "escapes", Severity.HIGH),
    ("    return (x, 1)\n", "escapes", Severity.HIGH),
    ("    return {'items': x}\n", "escapes", Severity.HIGH),
    ("    yield x\n", "escapes", Severity.HIGH),
    ("    out = [x]\n    return out\n", "escapes", Severity.HIGH),
    ("    registry.append(x)\n", "escapes", Severity.HIGH),
    ("    obj.items = x\n", "escapes", Severity.HIGH),
    ("    table['k'] = x\n", "escapes", Severity.HIGH),
    ("    def inner():\n        return len(x)\n    return inner\n", "escapes", Severity.HIGH),
    ("    callbacks.append(lambda: x)\n", "escapes", Severity.HIGH),
    ("    return x if flag else None\n", "escapes", Severity.HIGH),
    ("    return unknown(x)\n", "passed", Severity.MEDIUM),
    ("    obj.process(x)\n", "passed", Severity.MEDIUM),
    ("    return len(x)\n", "read", Severity.LOW),
    ("    for item in x:\n        print(item)\n", "read", Severity.LOW),
    ("    return 1 in x\n", "read", Severity.LOW),
    ("    return x[0]\n", "read", Severity.LOW),
    ("    return sorted(x, key=lambda v: x.index(v))\n", "read", Severity.LOW),
    ("    return ', '.join(x)\n", "read", Severity.LOW),
    ("    out = []\n    out.extend(x)\n    return out\n", "read", Severity.LOW),
    ("    return list(x)\n", "read", Severity.LOW),
    ("    return x or None\n", "read", Severity.LOW),
    ("    return x if x else []\n", "read", Severity.LOW),
    ("    x = list(x)\n    x.append(1)\n    return x\n", "read", Severity.LOW),
    ("    x = x or []\n    x.append(1)\n    return x\n", "read", Severity.LOW),
    ("    x = x[:]\n    x.append(1)\n", "read", Severity.LOW),
    ("    x = [v for v in x]\n    x.append(1)\n", "read", Severity.LOW),
    ("    pass\n", "unused", Severity.LOW),
    ("    [x for x in range(3)]\n", "unused", Severity.LOW),
]


@pytest.mark.parametrize(("body", "usage", "severity"), USAGE_CASES)
def test_usage_decides_severity(body: str, usage: str, severity: Severity) -> None:
    finding = only(f"def f(x=[], flag=False):\n{body}")
    assert finding.detail("usage") == usage, finding.message
    assert finding.severity is severity
    assert finding.confidence is Confidence.HIGH
    assert "`x`" in finding.message and "`f`" in finding.message


def test_a_default_handed_to_a_function_of_the_module_is_followed() -> None:
    reads = (
        "def _merge(cnf, kw):\n    out = dict(kw)\n    out.update(cnf)\n    return out\n"
        "class Widget:\n    def __init__(self, cnf={}, **kw):\n        self.setup(cnf, kw)\n"
        "    def setup(self, cnf, kw):\n        return _merge(cnf, kw)\n"
    )
    assert only(reads).detail("usage") == "read"
    mutates = "def _keep(store):\n    store.append(1)\ndef f(x=[]):\n    _keep(x)\n"
    finding = only(mutates)
    assert finding.detail("usage") == "mutated"
    assert finding.detail("evidence") == "passes it to `_keep`, which mutates it"
    stores = (
        "class Base:\n    def __init__(self, items):\n        self.items = items\n"
        "class Child(Base):\n    def __init__(self, items=[]):\n"
        "        super().__init__(items)\n"
    )
    assert only(stores).detail("usage") == "escapes"
    recursive = "def f(x=[], n=0):\n    if n:\n        f(x, n - 1)\n    return len(x)\n"
    assert only(recursive).detail("usage") == "read"


def test_a_defaultdict_changes_when_a_missing_key_is_read() -> None:
    code = "import collections\ndef f(k, d=collections.defaultdict(list)):\n    return d[k]\n"
    assert only(code).detail("usage") == "mutated"
    code = "import collections\ndef f(k, c=collections.Counter()):\n    return c[k]\n"
    assert only(code).detail("usage") == "read"


def test_container_calls_under_an_import_alias_are_found() -> None:
    # The file's gate resolves the alias too (it once matched last names only).
    code = "from collections import deque as dq\ndef f(x, q=dq()):\n    q.append(x)\n"
    assert only(code).detail("type") == "deque"
    code = "from collections import deque as dq\nQ = dq()\ndef f(x, q=Q):\n    q.append(x)\n"
    assert only(code).detail("type") == "deque"
    code = (
        "from collections import OrderedDict as OD\nclass A:\n    seen = OD()\n"
        "    def add(self, k):\n        self.seen[k] = 1\n"
    )
    assert only(code).detail("type") == "OrderedDict"


def test_module_level_names_are_medium_confidence_and_never_fixed() -> None:
    finding = only("STATE = []\ndef f(x, state=STATE):\n    state.append(x)\n")
    assert finding.confidence is Confidence.MEDIUM
    assert finding.severity is Severity.HIGH
    assert finding.fix is None
    assert "module-level list `STATE`" in finding.message


def test_messages_are_single_sentences_that_name_parameter_and_function() -> None:
    code = (
        "class Cart:\n    items = []\n    def add(self, item, extra={}):\n"
        "        self.items.append(item)\n        return extra\n"
        "f = lambda acc=[]: acc\n"
    )
    messages = [f.message for f in findings(code)]
    assert len(messages) == 3
    for message in messages:
        assert message[0].isupper() and message.endswith(".")
        assert message.count(". ") == 0
    assert any("`extra` of `Cart.add`" in m for m in messages)
    assert any("`acc` of a lambda" in m for m in messages)
    assert any("Class attribute `items` of `Cart`" in m for m in messages)


# -- fixes ----------------------------------------------------------------------------


def applicability(code: str, **kwargs: Any) -> Optional[Applicability]:
    finding = only(code, **kwargs)
    return finding.fix.applicability if finding.fix is not None else None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("def f(x=[]):\n    return len(x)\n", Applicability.SAFE),
        ("def f(x=[]):\n    x.append(1)\n", Applicability.UNSAFE),
        ("def f(x=[]):\n    return g(x)\n", Applicability.UNSAFE),
        # None already means something to the function.
        (
            "def f(x=[]):\n    if x is None:\n        return 0\n    return len(x)\n",
            Applicability.UNSAFE,
        ),
        # Evaluated on every call instead of once: calls other code.
        ("import time\ndef f(x=[time.time()]):\n    return x[0]\n", Applicability.UNSAFE),
        # Module constants and builtins give the same value on every call.
        ("import os\nN = 3\ndef f(x=[os.sep, N, -1]):\n    return len(x)\n", Applicability.SAFE),
        # A name of the enclosing function may change after the def runs.
        (
            "def outer():\n    n = 1\n    def f(x=[n]):\n        return x[0]\n    return f\n",
            Applicability.UNSAFE,
        ),
        # No fix: the body (or a parameter) rebinds a name the default uses.
        ("def f(x=list(), list=None):\n    return len(x)\n", None),
        ("def f(x=[N]):\n    N = 2\n    return x\nN = 1\n", None),
        # No fix: class-level names are invisible inside the method body.
        ("class A:\n    K = 1\n    def f(self, x=[K]):\n        return len(x)\n", None),
        # No fix: lambdas and module-level names.
        ("f = lambda x=[]: len(x)\n", None),
        # No fix: an annotation that cannot be made optional without guessing.
        ("def f(x: (list if True else dict) = []):\n    return len(x)\n", None),
    ],
)
def test_fix_applicability(code: str, expected: Optional[Applicability]) -> None:
    assert applicability(code) is expected


def test_annotation_never_becomes_a_bare_none_default() -> None:
    # No typing import reachable and a star import that might bind Optional: no fix.
    code = "from somewhere import *\ndef f(x: list = []):\n    return len(x)\n"
    assert applicability(code, target_version=(3, 9)) is None
    # A string annotation gets `| None` inside the string.
    code = "def f(x: 'list[int]' = []):\n    return len(x)\n"
    assert "x: 'list[int] | None' = None" in fix(code, [RULE])


def test_the_fix_stops_the_sharing() -> None:
    code = "def add(item, items=[]):\n    items.append(item)\n    return items\n"
    before: dict[str, Any] = {}
    exec(compile(code, "<before>", "exec"), before)
    assert before["add"](1) is before["add"](2)
    after: dict[str, Any] = {}
    exec(compile(fix(code, [RULE], unsafe=True), "<after>", "exec"), after)
    assert after["add"](1) == [1] and after["add"](2) == [2]


def test_a_safe_fix_keeps_what_a_reading_function_returns() -> None:
    code = (
        '"""Mod."""\nimport os\n\n\ndef f(x: dict = {}, /, *, y: list[int] = [1, 2]) -> int:\n'
        '    """Doc."""\n    return len(x) + sum(y)\n'
    )
    fixed = fix(code, [RULE], target_version=(3, 9))
    assert "from typing import Optional" in fixed
    assert "y: Optional[list[int]] = None" in fixed
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    exec(compile(code, "<before>", "exec"), before)
    exec(compile(fixed, "<after>", "exec"), after)
    for args, kwargs in [((), {}), (({"a": 1},), {}), ((), {"y": [5]})]:
        assert before["f"](*args, **kwargs) == after["f"](*args, **kwargs)


# -- the gate -------------------------------------------------------------------------


class _Ungated(MutableDefaultArgument):
    @classmethod
    def applies_to(cls, index: ModuleIndex, text: str, tree: ast.Module) -> bool:
        return True


def _sources() -> list[tuple[str, str]]:
    sources = [(p.name.replace("_pyi.py", ".pyi"), p.read_text()) for p in FIXTURES.glob("*.py")]
    for example in (*RULE.VALID, *RULE.INVALID):
        sources.append((example.path, example.code))
    return sources


@pytest.mark.parametrize(("path", "code"), _sources())
def test_gate_is_a_superset_of_what_the_rule_flags(path: str, code: str) -> None:
    gated = lint(code, [RULE], path=path)
    ungated = lint(code, [_Ungated], path=path)
    assert [(f.line, f.column) for f in gated.findings] == [
        (f.line, f.column) for f in ungated.findings
    ]


def test_gate_skips_files_without_candidates() -> None:
    tree = ast.parse("def f(x=None, y=(), *, z=0):\n    return x\nclass A:\n    n = 1\n")
    from memlint.index import build_index

    assert not RULE.applies_to(build_index(tree), "", tree)


# -- never crash, fixes parse and are idempotent ----------------------------------------

_DEFAULTS = ["[]", "{}", "set()", "[1, 2]", "dict(a=1)", "[i for i in range(2)]", "None", "()"]
_ANNOTATIONS = ["", ": list", ": dict[str, int]", ": 'list[int]'", ": Optional[list]", ": t.Any"]
_BODIES = [
    "return len({p})",
    "{p}.append(1)",
    "return {p}",
    "{p} = list({p})",
    "self_items = {p}",
    "yield {p}",
    "if {p} is None:\n{i}{i}return None",
    "for item in {p}:\n{i}{i}print(item)",
    "def inner():\n{i}{i}return {p}",
]


@st.composite
def programs(draw: st.DrawFn) -> str:
    indent = draw(st.sampled_from(["    ", "\t", "  "]))
    count = draw(st.integers(1, 3))
    params = []
    names = [f"p{n}" for n in range(count)]
    for name in names:
        annotation = draw(st.sampled_from(_ANNOTATIONS))
        params.append(f"{name}{annotation}={draw(st.sampled_from(_DEFAULTS))}")
    kind = draw(st.sampled_from(["", "/", "*"]))
    if kind == "/":
        params.append("/")
    elif kind == "*":
        params.insert(0, "*")
    head = draw(st.sampled_from(["def", "async def"]))
    lines = ["import typing as t", "from typing import Optional", ""]
    lines.append(f"{head} f({', '.join(params)}):")
    if draw(st.booleans()):
        lines.append(f'{indent}"""Doc."""')
    for name in names:
        body = draw(st.sampled_from(_BODIES)).format(p=name, i=indent)
        if "yield" in body and head == "async def":
            body = f"print({name})"
        lines.extend(indent + line if n == 0 else line for n, line in enumerate(body.split("\n")))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.sampled_from([(3, 9), (3, 12)]))
def test_fixes_parse_and_are_idempotent(code: str, version: tuple[int, int]) -> None:
    result = lint(code, [RULE], target_version=version)
    assert result.error is None
    for unsafe in (False, True):
        fixed = fix(code, [RULE], unsafe=unsafe, target_version=version)
        ast.parse(fixed)
        assert fix(fixed, [RULE], unsafe=unsafe, target_version=version) == fixed
        if unsafe:
            left = lint(fixed, [RULE], target_version=version).findings
            # What is left has no fix at all (e.g. an annotation it could not widen).
            assert all(f.fix is None for f in left)
        newline = "\r\n" if "\r\n" in code else "\n"
        assert fixed.count(newline) == fixed.count("\n")


def test_followed_calls_decide_severity() -> None:
    code = (FIXTURES / "followed_calls.py").read_text()
    usage = {f.detail("parameter"): f.detail("usage") for f in findings(code)}
    assert usage == {
        "cnf": "read",
        "a": "read",
        "b": "read",
        "seen": "mutated",
        "items": "escapes",
    }


def test_module_level_idioms_are_left_alone() -> None:
    code = (FIXTURES / "module_level_names.py").read_text()
    flagged = {f.detail("function") for f in findings(code)}
    assert flagged == {"register", "remember"}
