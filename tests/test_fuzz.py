"""Property tests: the engine never raises, and fixes always give parseable,
idempotent code that no longer has the fixed finding.

Two sources of programs: hypothesmith (arbitrary valid Python, from the grammar
and from LibCST's node types) and a generator that assembles memlint's own
anti-patterns in random contexts, so fixes are exercised too. The default
budget is small for CI; set ``MEMLINT_FUZZ_EXAMPLES`` for a longer run.
"""

from __future__ import annotations

import ast
import os

import hypothesmith
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from memlint.engine import EngineOptions, check_source, fix_source
from memlint.finding import Applicability

from .conftest import rules_under_test

RULES = rules_under_test()
OPTIONS = EngineOptions(target_version=(3, 11))
EXAMPLES = int(os.environ.get("MEMLINT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=os.environ.get("MEMLINT_FUZZ_RANDOM") is None,
)


def _check_properties(code: str) -> None:
    result = check_source(code, "fuzz.py", RULES, OPTIONS, module="fuzz")
    # Never raises; never reports an internal error.
    assert result.error is None or result.error.kind != "internal", result.error
    for unsafe in (False, True):
        fixed, after, applied = fix_source(code, "fuzz.py", RULES, OPTIONS, unsafe=unsafe)
        if fixed == code:
            continue
        assert applied > 0
        ast.parse(fixed)  # a fix never breaks the file
        again, _, more = fix_source(fixed, "fuzz.py", RULES, OPTIONS, unsafe=unsafe)
        assert again == fixed and more == 0, "fixing twice changed the code again"
        wanted = {Applicability.SAFE} | ({Applicability.UNSAFE} if unsafe else set())
        leftover = [f for f in after.findings if f.fix and f.fix.applicability in wanted]
        assert not leftover, leftover


@FUZZ
@given(hypothesmith.from_grammar())
def test_engine_on_grammar_generated_programs(code: str) -> None:
    _check_properties(code)


@FUZZ
@given(hypothesmith.from_node())
def test_engine_on_node_generated_programs(code: str) -> None:
    _check_properties(code)


# -- memlint's own patterns in random contexts ------------------------------------------

NAMES = st.sampled_from(["a", "items", "cache", "data", "_x", "node", "parent", "f", "self_"])
DEFAULTS = st.sampled_from(["[]", "{}", "set()", "list()", "dict()", "{1: 2}", "[1, 2]", "None"])
ANNOTATIONS = st.sampled_from(["", ": list", ": dict[str, int]", ": 'list[int]'", ": set"])
BODIES = st.sampled_from(
    [
        "return {p}",
        "{p}.append(1)\n    return {p}",
        "for x in {p}:\n        print(x)",
        '"""Doc."""\n    return len({p})',
        "pass",
        "{p} = {p} or []\n    return {p}",
    ]
)
SNIPPETS = st.sampled_from(
    [
        "import functools\n@functools.lru_cache(maxsize=None)\ndef g(x):\n    return x\n",
        "import functools\nclass C:\n    @functools.cache\n    def m(self, x):\n        return x\n",
        "from functools import lru_cache as memo\n@memo(None)\ndef h(y):\n    return y\n",
        "def read(path):\n    with open(path) as f:\n        for line in f.readlines():\n"
        "            print(line)\n",
        "def count(path):\n    with open(path) as f:\n        return len(f.readlines())\n",
        "class Node:\n    def __init__(self, parent=None):\n        self.parent = parent\n"
        "        self.children = []\n    def add(self, child):\n        child.parent = self\n"
        "        self.children.append(child)\n",
        "class P:\n    def __init__(self, x):\n        self.x = x\n"
        "def build(n):\n    return [P(i) for i in range(n)]\n",
    ]
)


@st.composite
def pattern_programs(draw: st.DrawFn) -> str:
    param = draw(NAMES)
    default = draw(DEFAULTS)
    annotation = draw(ANNOTATIONS)
    body = draw(BODIES).format(p=param)
    kind = draw(st.sampled_from(["", "*, ", "/, "]))
    head = "async def" if draw(st.booleans()) else "def"
    params = f"{param}{annotation} = {default}" if annotation else f"{param}={default}"
    if kind == "/, ":
        params = f"{params}, /"
    elif kind:
        params = f"*, {params}"
    function = f"{head} fn({params}):\n    {body}\n"
    snippets = draw(st.lists(SNIPPETS, max_size=3))
    parts = [*snippets, function]
    draw(st.randoms()).shuffle(parts)
    code = "\n".join(parts)
    if draw(st.booleans()):
        # Nest everything in a class or an if block.
        wrapper = draw(st.sampled_from(["class Outer:\n", "if True:\n", "def outer():\n"]))
        code = wrapper + "".join(f"    {line}\n" if line else "\n" for line in code.splitlines())
    if draw(st.booleans()):
        code = code.replace("\n", "\r\n")
    if draw(st.booleans()):
        code = code.replace("    ", "\t")
    return code


@FUZZ
@given(pattern_programs())
def test_engine_and_fixes_on_memlint_patterns(code: str) -> None:
    try:
        ast.parse(code)
    except SyntaxError:
        assume(False)  # e.g. a default after a parameter without one
    _check_properties(code)


@given(st.lists(st.sampled_from(["a", "é", " ", "\n", "\r", "\r\n", "\f", "\x1c"])))
def test_line_index_agrees_with_the_newline_regex(pieces: list[str]) -> None:
    # LineIndex takes a split-based path when the text has no "\r".
    import re

    from memlint.source import LineIndex

    text = "".join(pieces)
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    index = LineIndex(text)
    assert [index.offset(line, 1) for line in range(1, len(starts) + 1)] == starts
    assert index.line_count == len(starts)


@given(
    st.lists(
        st.sampled_from(
            ["list", "sorted", "black", "_", "é", "(", ")", "[", "*", "f", ".", " ", "#", "\n"]
        )
    )
)
def test_mem003_list_arguments_agree_with_a_word_boundary_pattern(pieces: list[str]) -> None:
    # The gate checks the boundary before list/sorted itself (a pattern starting
    # with \b cannot skip ahead); it must find exactly what \b + pattern finds.
    import re

    from memlint.rules.mem003_whole_file_read import _LIST_ARG, _list_arguments

    text = "".join(pieces)
    bounded = re.compile(r"(?:\b" + _LIST_ARG.pattern[len("(?:") :])
    expected = [(m.span(), m.groups()) for m in bounded.finditer(text)]
    assert [(m.span(), m.groups()) for m in _list_arguments(text)] == expected
