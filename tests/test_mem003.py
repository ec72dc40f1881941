"""MEM003 whole-file-read: behaviour of its fixes on running programs, and its gate.

The fix tests run the original and the fixed program with the current
interpreter on the same input files and compare what they print: a safe fix
must not change the output, and where memlint refuses a safe fix the test shows
the change it would have made.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from memlint.finding import Applicability, Confidence, Severity
from memlint.index import ModuleIndex
from memlint.rules.mem003_whole_file_read import WholeFileRead
from memlint.testing import fix, lint

RULE = [WholeFileRead]
FIXTURES = Path(__file__).parent / "fixtures" / "MEM003"

#: Line endings, a blank line, non-ASCII text and no newline at the end.
DATA = "alpha\r\nbeta \\\ncontinued\n\nγάμμα\rdelta\nlast line without newline"


def _run(code: str, tmp_path: Path, name: str, data: str = DATA) -> str:
    program = tmp_path / f"{name}.py"
    program.write_text(code, encoding="utf-8")
    source = tmp_path / "input.txt"
    source.write_bytes(data.encode("utf-8"))
    result = subprocess.run(
        [sys.executable, str(program), str(source)],
        capture_output=True,
        check=True,
        cwd=tmp_path,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


# -- fix behaviour ----------------------------------------------------------------------

#: The loop body reads the same handle (joining backslash continuations).
READS_HANDLE = """\
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    for line in f.readlines():
        while line.endswith("\\\\\\n"):
            try:
                line = line[:-2] + next(f)
            except StopIteration:
                break
        print(repr(line))
"""


def test_no_fix_when_the_loop_body_reads_the_handle(tmp_path: Path) -> None:
    (finding,) = lint(READS_HANDLE, RULE).findings
    assert finding.fix is None
    assert "not fixed" in finding.message
    assert fix(READS_HANDLE, RULE) == READS_HANDLE
    assert fix(READS_HANDLE, RULE, unsafe=True) == READS_HANDLE
    # What ruff's FURB129 does here ("safe"): iterate the handle. The body's next(f)
    # now consumes the line the loop would have read, so the program prints other lines.
    furb129 = READS_HANDLE.replace("f.readlines()", "f")
    before = _run(READS_HANDLE, tmp_path, "before")
    after = _run(furb129, tmp_path, "after")
    assert before != after
    assert "'beta continued\\n'" in after and "'beta continued\\n'" not in before


SAFE_FORMS = """\
import sys

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    for line in f.readlines():
        print(repr(line))
with open(path, "rb") as raw:
    for number, line in enumerate(raw.readlines(), 1):
        print(number, line)
with open(path, encoding="utf-8", newline="") as f:
    print([line.upper() for line in f.readlines()])
with open(path, encoding="utf-8") as f:
    print(sorted(f.readlines()))
with open(path, encoding="utf-8") as f:
    print(max(f.readlines(), key=len))
with open(path, encoding="utf-8") as f:
    print(repr("".join(f.readlines())))
with open(path, encoding="utf-8") as f:
    print(sum(len(line) for line in f.readlines()))
with open(path, encoding="utf-8") as f:
    header = f.readline()
    for line in f.readlines():
        print("after header", repr(line))
    f.seek(0)
    print(repr(f.read(5)))
"""


def test_safe_fixes_keep_the_output(tmp_path: Path) -> None:
    findings = lint(SAFE_FORMS, RULE).findings
    assert len(findings) == 8
    assert all(f.fix is not None and f.fix.applicability is Applicability.SAFE for f in findings)
    fixed = fix(SAFE_FORMS, RULE)
    assert "readlines" not in fixed
    assert "for line in f:" in fixed and "enumerate(raw, 1)" in fixed
    assert "repr(f.read())" in fixed and "sorted(f)" in fixed
    # Only sorted(f) remains: sorting needs every line at once (low severity, no fix).
    (left,) = lint(fixed, RULE).findings
    assert left.severity is Severity.LOW and left.fix is None and "sorted(f)" in left.message
    assert _run(SAFE_FORMS, tmp_path, "before") == _run(fixed, tmp_path, "after")


BREAK_THEN_READ = """\
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    for line in f.readlines():
        if not line.strip():
            break
    print(repr(f.read()))
"""


def test_early_exit_then_reading_the_handle_is_only_an_unsafe_fix(tmp_path: Path) -> None:
    (finding,) = lint(BREAK_THEN_READ, RULE).findings
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert fix(BREAK_THEN_READ, RULE) == BREAK_THEN_READ
    unsafe = fix(BREAK_THEN_READ, RULE, unsafe=True)
    # readlines() left the file at its end; the stopped iteration does not.
    assert _run(BREAK_THEN_READ, tmp_path, "before") != _run(unsafe, tmp_path, "after")


SPLITLINES = """\
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    for line in f.read().splitlines():
        print(repr(line))
"""


def test_splitlines_fix_is_unsafe_and_why(tmp_path: Path) -> None:
    (finding,) = lint(SPLITLINES, RULE).findings
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert fix(SPLITLINES, RULE) == SPLITLINES
    unsafe = fix(SPLITLINES, RULE, unsafe=True)
    assert 'for line in (line.rstrip("\\n") for line in f):' in unsafe
    # Same lines for ordinary text (universal newlines make \r\n and \r into \n) ...
    assert _run(SPLITLINES, tmp_path, "before") == _run(unsafe, tmp_path, "after")
    # ... but str.splitlines() also splits on form feeds and other separators.
    data = "page one\x0cpage two\n"
    assert _run(SPLITLINES, tmp_path, "before", data) != _run(unsafe, tmp_path, "after", data)


def test_splitlines_of_a_binary_or_codecs_handle_gets_no_fix() -> None:
    for code in (
        "with open('a', 'rb') as f:\n    for line in f.read().splitlines():\n        print(line)\n",
        "import codecs\nwith codecs.open('a') as f:\n"
        "    for line in f.read().splitlines():\n        print(line)\n",
        "with open('a', newline='') as f:\n"
        "    for line in f.read().splitlines():\n        print(line)\n",
    ):
        (finding,) = lint(code, RULE).findings
        assert finding.fix is None


LEN = """\
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    print(len(f.readlines()))
"""


def test_len_fix_counts_the_same_lines(tmp_path: Path) -> None:
    (finding,) = lint(LEN, RULE).findings
    assert finding.severity is Severity.LOW
    assert "sum(1 for _ in f)" in finding.message
    unsafe = fix(LEN, RULE, unsafe=True)
    assert "print(sum(1 for _ in f))" in unsafe
    assert _run(LEN, tmp_path, "before") == _run(unsafe, tmp_path, "after")


# -- what the findings say ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "severity", "confidence", "phrase"),
    [
        (
            "with open('a') as f:\n    for line in f.readlines():\n        print(line)\n",
            Severity.MEDIUM,
            Confidence.HIGH,
            "before the loop starts; iterate over `f`",
        ),
        (
            "def g(fp):\n    for line in fp.readlines():\n        print(line)\n",
            Severity.MEDIUM,
            Confidence.MEDIUM,
            "if `fp` is a file",
        ),
        (
            "with open('a') as f:\n    lines = f.readlines()\nprint(lines[3])\n",
            Severity.LOW,
            Confidence.HIGH,
            "indexed later (`lines[3]`), so streaming needs a different algorithm",
        ),
        (
            "with open('a') as f:\n    lines = f.readlines()\nfor x in lines:\n    print(x)\n"
            "for x in lines:\n    print(x)\n",
            Severity.LOW,
            Confidence.HIGH,
            "iterated more than once",
        ),
        (
            "with open('a') as f:\n    lines = f.readlines()\nfor x in lines:\n    print(x)\n",
            Severity.MEDIUM,
            Confidence.HIGH,
            "only iterated once",
        ),
        (
            "with open('a') as f:\n    lines = f.readlines()\nprocess(lines)\n",
            Severity.LOW,
            Confidence.HIGH,
            "passed to `process()`",
        ),
        (
            "with open('a') as f:\n    print(sorted(f))\n",
            Severity.LOW,
            Confidence.HIGH,
            "sorting needs every line at once",
        ),
        (
            "with open('a') as f:\n    first = f.readlines()[0]\n",
            Severity.MEDIUM,
            Confidence.HIGH,
            "`f.readline()` reads just that line",
        ),
        (
            "def f(p):\n    try:\n        with open(p) as fp:\n            lines = fp.readlines()\n"
            "    except OSError:\n        lines = []\n"
            "    for line in lines:\n        print(line)\n",
            Severity.MEDIUM,
            Confidence.HIGH,
            "only iterated once",
        ),
        (
            "def f(p):\n    with open(p) as fp:\n        lines = fp.readlines()\n"
            "    with open(p, 'w') as out:\n"
            "        for line in lines:\n            out.write(line)\n",
            Severity.LOW,
            Confidence.HIGH,
            "opened again for writing (`open(p, 'w')`)",
        ),
        (
            "def f(p):\n    with open(p, 'rb') as f:\n        b_lines = f.readlines()\n"
            "    print(b''.join(b_lines))\n    b_lines = [x for x in b_lines if x]\n",
            Severity.LOW,
            Confidence.HIGH,
            "iterated more than once",
        ),
        (
            "import sys\nfor path in sys.argv[1:] or sys.stdin.read().splitlines():\n"
            "    print(path)\n",
            Severity.LOW,
            Confidence.HIGH,
            "the other operand of the `or`",
        ),
        (
            "with open('a') as f:\n    rows = f.readlines()[1:]\n",
            Severity.MEDIUM,
            Confidence.HIGH,
            "itertools.islice(f, 1, None)",
        ),
    ],
)
def test_severity_confidence_and_reason(
    code: str, severity: Severity, confidence: Confidence, phrase: str
) -> None:
    (finding,) = lint(code, RULE).findings
    assert (finding.severity, finding.confidence) == (severity, confidence)
    assert phrase in finding.message
    assert finding.message[0].isupper() and finding.message.endswith(".")


def test_stdin_in_the_loop_body_blocks_the_fix_but_sys_argv_does_not() -> None:
    uses_argv = "import sys\nfor line in sys.stdin.readlines():\n    print(line, sys.argv)\n"
    (finding,) = lint(uses_argv, RULE).findings
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    for body in ("input()", "sys.stdin.readline()"):
        code = f"import sys\nfor line in sys.stdin.readlines():\n    print(line, {body})\n"
        (finding,) = lint(code, RULE).findings
        assert finding.fix is None


def test_handle_passed_to_other_code_makes_the_fix_unsafe() -> None:
    code = (
        "import csv\nwith open('a') as f:\n    reader = csv.reader(f)\n"
        "    for line in f.readlines():\n        print(line, next(reader))\n"
    )
    (finding,) = lint(code, RULE).findings
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE


def test_attribute_and_keyword_names_are_not_uses_of_a_name() -> None:
    # ``o.f`` and ``f=1`` spell ``f`` without touching the handle ``f``.
    code = (
        "def g(p, o):\n    with open(p) as f:\n        for line in f.readlines():\n"
        "            print(o.f, line, sep=o.f)\n"
    )
    (finding,) = lint(code, RULE).findings
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    # ``x.files`` in the else branch is not a use of the list ``files``.
    code = (
        "def f(p, x):\n    if p:\n        files = open(p).read().splitlines()\n"
        "    else:\n        files = x.files\n    for a in files:\n        print(a)\n"
    )
    (finding,) = lint(code, RULE).findings
    assert "only iterated once" in finding.message


def test_exception_caught_around_the_loop_then_reading_the_handle_is_unsafe() -> None:
    code = (
        "with open('a') as f:\n    try:\n        for line in f.readlines():\n"
        "            int(line)\n    except ValueError:\n        pass\n    rest = f.read()\n"
    )
    (finding,) = lint(code, RULE).findings
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    without_later_read = code.replace("    rest = f.read()\n", "")
    (finding,) = lint(without_later_read, RULE).findings
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE


def test_nested_function_using_the_handle_makes_the_fix_unsafe() -> None:
    code = (
        "def main(path):\n    with open(path) as f:\n        def more():\n"
        "            return f.readline()\n        for line in f.readlines():\n"
        "            print(line, more())\n"
    )
    (finding,) = lint(code, RULE).findings
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE


# -- the gate -----------------------------------------------------------------------------


class _Ungated(WholeFileRead):
    """The same rule with the gate open: what it finds is what the gate must let in."""

    @classmethod
    def applies_to(cls, index: ModuleIndex, text: str, tree: ast.Module) -> bool:
        return True


def _sources() -> list[str]:
    codes = [example.code for example in (*WholeFileRead.VALID, *WholeFileRead.INVALID)]
    codes += [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.py"))]
    codes += [
        # Layouts the gate's text patterns must see through.
        "with open('a') as f:\n    x = (f.read()  # why\n         .splitlines())\n",
        "with open('a') as f:\n    x = f.read() \\\n        .split('\\n')\n",
        "with open('a') as f:\n    rows = list(\n        f\n    )\n",
        "with open('a') as f:\n    rows = [ * f ]\n",
        "import sys as s\nrows = sorted(s.stdin)\n",
        "f: object = open('a')\nrows = list(f)\n",
        "class A:\n    def __init__(self):\n        self.fp = open('a')\n"
        "    def rows(self):\n        return list(self.fp)\n",
    ]
    return codes


@pytest.mark.parametrize("code", _sources())
def test_gate_lets_in_everything_the_rule_flags(code: str) -> None:
    gated = [(f.line, f.column) for f in lint(code, RULE).findings]
    ungated = [(f.line, f.column) for f in lint(code, [_Ungated]).findings]
    assert gated == ungated


@pytest.mark.parametrize(
    "code",
    [
        "with open('a') as f:\n    data = f.read()\nfields = data.split(',')\n",
        "import os\nwith open('a') as f:\n    print(f.read())\nprint(sorted(os.listdir('.')))\n",
        "x = list(range(3))\n",
    ],
)
def test_gate_skips_files_that_cannot_match(code: str) -> None:
    from memlint.index import build_index

    tree = ast.parse(code)
    assert not WholeFileRead.applies_to(build_index(tree), code, tree)
