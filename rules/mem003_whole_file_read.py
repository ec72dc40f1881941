"""MEM003 whole-file-read."""

from __future__ import annotations

import ast
import enum
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Optional, cast

from memlint._compat import SLOTS
from memlint.cstutil import cst_visitor, dotted_name
from memlint.finding import Applicability, Confidence, Estimate, Finding, Severity
from memlint.index import ModuleIndex, ast_nodes
from memlint.model import (
    CostTable,
    format_version,
    iterate_lines_cost,
    read_splitlines_cost,
    readlines_cost,
    readlines_table,
)
from memlint.rule import FixPlan, Invalid, Replace, Rule, RuleContext, Valid

if TYPE_CHECKING:
    import libcst as cst

    Expr = cst.BaseExpression
else:
    from memlint.lazy import libcst as cst


class _Origin(enum.Enum):
    """Where an object that is read from comes from."""

    FILE = "file"  # open(), gzip.open(), Path.open(), ...: iterating it yields its lines
    STREAM = "stream"  # sys.stdin, os.popen(), fileinput: lines arrive from elsewhere
    MEMORY = "memory"  # io.StringIO / io.BytesIO: the data is in memory already
    PATH = "path"  # a pathlib.Path: not a handle, but its .open() makes one
    UNKNOWN = "unknown"


#: Calls that return a readable object, by qualified name.
_FACTORIES: dict[str, _Origin] = {
    "builtins.open": _Origin.FILE,
    "io.open": _Origin.FILE,
    "io.open_code": _Origin.FILE,
    "io.FileIO": _Origin.FILE,
    "codecs.open": _Origin.FILE,
    "gzip.open": _Origin.FILE,
    "gzip.GzipFile": _Origin.FILE,
    "bz2.open": _Origin.FILE,
    "bz2.BZ2File": _Origin.FILE,
    "lzma.open": _Origin.FILE,
    "lzma.LZMAFile": _Origin.FILE,
    "tokenize.open": _Origin.FILE,
    "os.fdopen": _Origin.FILE,
    "tempfile.TemporaryFile": _Origin.FILE,
    "tempfile.NamedTemporaryFile": _Origin.FILE,
    "tempfile.SpooledTemporaryFile": _Origin.FILE,
    "os.popen": _Origin.STREAM,
    "fileinput.input": _Origin.STREAM,
    "fileinput.FileInput": _Origin.STREAM,
    "io.StringIO": _Origin.MEMORY,
    "io.BytesIO": _Origin.MEMORY,
    "_io.StringIO": _Origin.MEMORY,
    "_io.BytesIO": _Origin.MEMORY,
    "pathlib.Path": _Origin.PATH,
    "pathlib.PosixPath": _Origin.PATH,
    "pathlib.WindowsPath": _Origin.PATH,
}
#: Readable objects that exist without a call, by qualified name.
_STREAMS = frozenset({"sys.stdin", "sys.stdin.buffer", "sys.__stdin__", "sys.__stdin__.buffer"})
#: Path methods that return another path.
_PATH_METHODS = frozenset(
    {"joinpath", "with_name", "with_suffix", "with_stem", "resolve", "absolute", "expanduser"}
)
#: Keywords of ``Path.open`` / ``open``; a ``.open(...)`` call with only these is a file open.
_OPEN_KEYWORDS = frozenset({"mode", "buffering", "encoding", "errors", "newline"})
_MODE = re.compile(r"[rwaxbtU+]{1,4}")
#: Index triggers: attribute names through which a handle can be created or reached.
_HANDLE_ATTRIBUTES = frozenset(
    {name.rsplit(".", 1)[1] for name, origin in _FACTORIES.items() if origin is not _Origin.MEMORY}
    | {"open", "stdin", "__stdin__"}
)
_HANDLE_TARGETS = frozenset(_FACTORIES) | _STREAMS
#: Builtins that consume an iterable in one pass and keep no reference to it.
_CONSUMERS = frozenset(
    f"builtins.{name}"
    for name in ("set", "frozenset", "tuple", "list", "min", "max", "sum", "any", "all", "dict")
)
#: Consumers that may stop before the end (the handle's position then differs).
_SHORT_CIRCUIT = frozenset({"builtins.any", "builtins.all"})
#: String methods that take the whole text between the read and the split.
_TEXT_METHODS = frozenset({"strip", "rstrip", "lstrip", "decode"})
_NEWLINES = frozenset({"\n", "\r\n"})


@functools.cache
def _scopes() -> tuple[type[cst.CSTNode], ...]:
    return (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.GeneratorExp)


@functools.cache
def _loops() -> tuple[type[cst.CSTNode], ...]:
    return (cst.For, cst.While)


# Gate patterns. ``_W`` is what may stand between two tokens of an expression:
# whitespace, line continuations and comments; it cannot backtrack (each comment
# runs to its newline), so the patterns stay linear on any text.
_W = r"[\s\\]*(?:#[^\n]*\n[\s\\]*)*"
#: ``<call>).split`` / ``).splitlines``: every split form splits a call's result.
_SPLIT_CALL = re.compile(r"\)" + _W + r"\." + _W + r"split")
#: ``list(X``, ``sorted(X``, ``[*X`` and what follows ``X``. The word boundary
#: before ``list``/``sorted`` is checked by :func:`_list_arguments`: a pattern that
#: starts with it cannot skip ahead to the letters it needs (twice as slow).
_LIST_ARG = re.compile(
    r"(?:(?:list|sorted)" + _W + r"\(|\[" + _W + r"\*)" + _W + r"([A-Za-z_][\w.]*)?" + _W + r"(.?)"
)
#: Uses that iterate the list once, and when the list is built for them.
_ONCE = {
    "loop": "before the loop starts",
    "enumerate": "before the loop starts",
    "comprehension": "only to iterate over it once",
    "consumer": "only to iterate over it once",
    "lazy": "as soon as the generator expression is created",
}


@dataclass(**SLOTS)
class _Binding:
    origin: _Origin
    #: The call that created the handle (its mode decides the text-mode fix).
    call: Optional[cst.Call]


@dataclass(**SLOTS)
class _Scope:
    """A module, function, lambda or class body and the handle names it binds."""

    node: cst.CSTNode
    names: dict[str, _Binding]
    function: Optional[str]


@dataclass(frozen=True, **SLOTS)
class _Handle:
    """The object a whole-file read reads from."""

    node: Expr
    origin: _Origin
    call: Optional[cst.Call]  # the creating call, when known
    local: bool  # a name bound in the scope the read happens in

    @property
    def known(self) -> bool:
        return self.origin in (_Origin.FILE, _Origin.STREAM)


@dataclass(frozen=True, **SLOTS)
class _Use:
    """What the code does with the list of lines (decided from the parent node)."""

    kind: str  # loop, enumerate, comprehension, lazy, consumer, sorted, len, assign, ...
    owner: Optional[cst.CSTNode] = None
    short_circuit: bool = False
    #: Whether the consumer is known to iterate any iterable the way it does a list.
    exact: bool = True
    #: False when the read is one operand of ``or``/``if-else``: no fix then.
    direct: bool = True


class _Flat:
    """One scope's nodes in source order, with parents and subtree ends.

    Built only for scopes that hold a finding, to answer "is the handle used
    anywhere else" without a metadata provider.
    """

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[cst.CSTNode] = []
        self.parents: list[int] = []
        self.ends: list[int] = []
        self.position: dict[int, int] = {}
        self._stack: list[int] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        here = len(self.nodes)
        self.nodes.append(node)
        self.parents.append(self._stack[-1] if self._stack else -1)
        self.ends.append(here + 1)
        self.position[id(node)] = here
        self._stack.append(here)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        here = self._stack.pop()
        self.ends[here] = len(self.nodes)

    def names(self, name: str, start: int = 0, end: Optional[int] = None) -> list[int]:
        stop = len(self.nodes) if end is None else end
        found = []
        for i in range(start, stop):
            node = self.nodes[i]
            if isinstance(node, cst.Name) and node.value == name:
                # ``x.name`` and ``f(name=...)`` spell the name without using it.
                parent = self.parent(i)
                if isinstance(parent, cst.Attribute) and parent.attr is node:
                    continue
                if isinstance(parent, cst.Arg) and parent.keyword is node:
                    continue
                found.append(i)
        return found

    def parent(self, i: int) -> Optional[cst.CSTNode]:
        p = self.parents[i]
        return self.nodes[p] if p >= 0 else None

    def ancestors(self, i: int) -> list[int]:
        out = []
        p = self.parents[i]
        while p >= 0:
            out.append(p)
            p = self.parents[p]
        return out

    def inside(self, i: int, owner: int) -> bool:
        return owner <= i < self.ends[owner]

    def in_nested_scope(self, i: int) -> bool:
        """Whether the node at ``i`` runs later than its scope's code (a closure)."""
        for a in self.ancestors(i):
            node = self.nodes[a]
            if a == 0 or not isinstance(node, _scopes()):
                continue  # index 0 is the scope itself
            if isinstance(node, cst.GeneratorExp):
                # The first iterable is evaluated when the generator is created.
                first = self.position.get(id(node.for_in.iter), -1)
                if first >= 0 and self.inside(i, first):
                    continue
            return True
        return False


class WholeFileRead(Rule):
    """
    ## What it does
    Flags code that reads a whole file into memory when it could read it one line
    at a time: `f.readlines()`, `list(f)`, `[*f]`, `f.read().splitlines()` (or
    `.split("\\n")`) and `Path.read_text().splitlines()` on handles from `open`,
    `Path.open`, `gzip`/`bz2`/`lzma.open`, `io.open`, `codecs.open` and `sys.stdin`.

    ## Why is this bad?
    A file object is already an iterator over its lines. Reading it into a list
    first holds every line at once (each a separate `str` object), so the peak
    memory grows with the file instead of staying at one line; for a large log or
    data file that is the difference between a few kilobytes and gigabytes.

    When the list is only iterated once (`for line in f.readlines():`, a
    comprehension, `enumerate(f.readlines())`), iterating the handle gives the same
    lines. When the code needs every line at once (it sorts them, indexes the list
    later, iterates it twice, counts it or hands it to other code) the message says
    so: streaming then needs a different algorithm, and the finding is low severity.
    `readlines(hint)` with a size hint, `f.read()` alone and `io.StringIO`/`BytesIO`
    (already in memory) are not flagged. `readlines()` on an object of unknown origin
    (a parameter, an attribute) is flagged with medium confidence.

    ## Example
    ```python
    def count_errors(path):
        errors = 0
        with open(path) as f:
            for line in f.readlines():
                if "ERROR" in line:
                    errors += 1
        return errors
    ```

    ## Use instead
    ```python
    def count_errors(path):
        errors = 0
        with open(path) as f:
            for line in f:
                if "ERROR" in line:
                    errors += 1
        return errors
    ```

    ## Fix safety
    Replacing `f.readlines()` (or `list(f)`) with `f` in a `for` loop, in
    `enumerate(...)` in a `for` loop, in a list/set/dict comprehension, or as the only
    argument of `sorted`, `set`, `tuple`, `min`, `max`, `sum`, `any`, `all` yields the
    same lines in the same order, with their line endings, for text and binary files
    alike. The fix is safe when the handle comes from a file-opening call in the same
    function and nothing else can read it meanwhile: the loop body (and `else`) does
    not use the handle at all (`next(f)`, `f.readline()`, `f.seek()`, `f.tell()`,
    `f.write()`, `f.close()`, passing `f` to a call), no nested function uses it, it is
    not handed to other code, and, when the loop can stop early (`break`, `return`,
    `any`/`all`), the handle is not used after it (`readlines()` leaves the file at its
    end, a stopped iteration does not). When the body uses the handle there is no fix:
    the body would read the lines the loop is about to read. ruff's FURB129 marks
    that case safe; it is not. The fix is unsafe when the handle's origin is unknown
    (it may not be iterable), when it is standard input or a pipe (other code, like
    `input()`, may read it, and an interactive session interleaves differently), when
    it escapes to other code, and for a generator expression that is not consumed at
    once (the file may be closed before the generator runs).

    `"".join(f.readlines())` becomes `f.read()`, the same text without the list (safe
    under the same conditions). `out.writelines(f.readlines())` becomes
    `out.writelines(f)`, unsafe: `out` may not be a file and may need a list.

    `f.read().splitlines()` gives lines without their endings and also splits on
    `\\v`, `\\f`, `\\x1c`–`\\x1e`, `\\x85`, `\\u2028` and `\\u2029`, so iterating the handle
    gives different values: the fix (in loops and comprehensions over a handle opened
    in text mode with the default `newline`) iterates `(line.rstrip("\\n") for line in f)`
    and is unsafe. `len(f.readlines())` becomes `sum(1 for _ in f)` (unsafe: it counts
    in a Python loop, which is slower). Assigned lists (`lines = f.readlines()`) get no
    fix: the loop that uses them is elsewhere, often after the file is closed.

    ## Memory cost
    Measured with tracemalloc on an 8 MB file of 80-character ASCII lines: `readlines()`
    peaks at 1.71× the file size on CPython 3.9–3.11 and 1.61× on 3.12–3.13, and more for
    shorter lines, because every line is a separate `str` with a 49-byte (3.12+: 41-byte)
    header plus the list's 8-byte pointer to it. `read().splitlines()` peaks at 2.7× (3.12+:
    2.6×): the whole text and all of its lines are alive at once. Iterating the file
    stays at one line plus the read buffer (about 22 KB for that file, 0.3%), whatever
    the file size. `memlint run` measures the bytes allocated at the flagged line.

    ## References
    - https://docs.python.org/3/library/io.html#io.IOBase.readlines
    - https://docs.python.org/3/tutorial/inputoutput.html#methods-of-file-objects
    - https://docs.astral.sh/ruff/rules/readlines-in-for/ (FURB129: `for` loops over
      `readlines()` of `open()` handles only; it calls the fix safe even when the loop body
      reads the handle)
    - pylint, flake8-bugbear and Fixit have no equivalent check.
    """

    code = "MEM003"
    name = "whole-file-read"
    severity = Severity.MEDIUM
    tags = ("memory", "io")

    VALID = (
        Valid("with open('a.txt') as f:\n    for line in f:\n        print(line)\n"),
        # A size hint bounds what one call reads.
        Valid("with open('a.txt') as f:\n    chunk = f.readlines(65536)\n"),
        Valid("with open('a.txt') as f:\n    while batch := f.readlines(1 << 16):\n        pass\n"),
        # In memory already.
        Valid("import io\nbuf = io.StringIO(text)\nfor line in buf.readlines():\n    pass\n"),
        Valid("from io import BytesIO\nlines = BytesIO(data).readlines()\n"),
        # read() alone: one string, often what the code needs.
        Valid("with open('a.txt') as f:\n    text = f.read()\n"),
        # splitlines() of something that is not a whole-file read.
        Valid("lines = text.splitlines()\n"),
        Valid("def f(resp):\n    return resp.read().splitlines()\n"),
        Valid("with open('a.txt') as f:\n    head = f.read(4096).splitlines()\n"),
        Valid("with open('a.txt') as f:\n    words = f.read().split()\n"),
        # list() of something that is not a handle.
        Valid("def f(rows):\n    return list(rows)\n"),
        Valid("import tarfile\nwith tarfile.open('a.tar') as tar:\n    members = list(tar)\n"),
        # A module's own function named readlines.
        Valid("import helpers\nlines = helpers.readlines('a.txt')\n"),
        # A file-like wrapper's readlines delegates: it must return a list.
        Valid("class Wrapper:\n    def readlines(self):\n        return self._fp.readlines()\n"),
        # A local function named open is not builtins.open.
        Valid("def open(name):\n    return []\nrows = list(open('x'))\n"),
    )
    INVALID = (
        Invalid(
            "with open('a.txt') as f:\n    for line in f.readlines():  # MEM003\n"
            "        print(line)\n",
            fixed="with open('a.txt') as f:\n    for line in f:  # MEM003\n        print(line)\n",
        ),
        # CRLF source keeps its newlines.
        Invalid(
            "with open('a.txt') as f:\r\n    for line in f.readlines():  # MEM003\r\n"
            "        print(line)\r\n",
            fixed="with open('a.txt') as f:\r\n    for line in f:  # MEM003\r\n"
            "        print(line)\r\n",
        ),
        # The loop body reads the same handle: iterating it lazily would change
        # which lines the loop sees, so there is no fix (ruff's FURB129 calls it safe).
        Invalid(
            "with open('a.txt') as f:\n    for line in f.readlines():  # MEM003\n"
            "        if line.endswith('\\\\\\n'):\n            line += next(f)\n"
            "        print(line)\n"
        ),
        Invalid(
            "with open('a.txt') as f:\n    for line in f.readlines():  # MEM003\n"
            "        print(line, f.tell())\n"
        ),
        # Nested with blocks; enumerate.
        Invalid(
            "import gzip\nwith open('out.txt', 'w') as out:\n"
            "    with gzip.open('in.gz', 'rt') as src:\n"
            "        for number, line in enumerate(src.readlines(), 1):  # MEM003\n"
            "            out.write(f'{number}: {line}')\n",
            fixed="import gzip\nwith open('out.txt', 'w') as out:\n"
            "    with gzip.open('in.gz', 'rt') as src:\n"
            "        for number, line in enumerate(src, 1):  # MEM003\n"
            "            out.write(f'{number}: {line}')\n",
        ),
        # Comprehensions consume the handle fully, like readlines.
        Invalid(
            "def load(path):\n    with open(path) as f:\n"
            "        return [line.strip() for line in f.readlines()]  # MEM003\n",
            fixed="def load(path):\n    with open(path) as f:\n"
            "        return [line.strip() for line in f]  # MEM003\n",
        ),
        Invalid(
            "import pathlib\nfor line in pathlib.Path('a.txt').open().readlines():  # MEM003\n"
            "    print(line)\n",
            fixed="import pathlib\nfor line in pathlib.Path('a.txt').open():  # MEM003\n"
            "    print(line)\n",
        ),
        Invalid(
            "f = open('a.txt')\nfor line in list(f):  # MEM003\n    print(line)\nf.close()\n",
            fixed="f = open('a.txt')\nfor line in f:  # MEM003\n    print(line)\nf.close()\n",
        ),
        # The loop may stop early and the handle is read afterwards: position differs.
        Invalid(
            "with open('a.txt') as f:\n    for line in f.readlines():  # MEM003\n"
            "        if not line.strip():\n            break\n    rest = f.read()\n",
            unsafe_fixed="with open('a.txt') as f:\n    for line in f:  # MEM003\n"
            "        if not line.strip():\n            break\n    rest = f.read()\n",
        ),
        # Standard input, however it is imported.
        Invalid(
            "import sys as s\nfor line in s.stdin.readlines():  # MEM003\n    print(line)\n",
            unsafe_fixed="import sys as s\nfor line in s.stdin:  # MEM003\n    print(line)\n",
        ),
        Invalid(
            "from sys import stdin\n"
            "names = {line.strip() for line in stdin.readlines()}  # MEM003\n",
            unsafe_fixed="from sys import stdin\n"
            "names = {line.strip() for line in stdin}  # MEM003\n",
        ),
        # Unknown origin: medium confidence, and iterating it may not work.
        Invalid(
            "def parse(fp):\n    for line in fp.readlines():  # MEM003\n        yield line\n",
            unsafe_fixed="def parse(fp):\n    for line in fp:  # MEM003\n        yield line\n",
        ),
        Invalid(
            "class Reader:\n    def lines(self):\n        return self._fp.readlines()  # MEM003\n"
        ),
        # read().splitlines(): the values differ (no line endings), so unsafe.
        Invalid(
            "with open('a.txt') as f:\n    for line in f.read().splitlines():  # MEM003\n"
            "        print(line)\n",
            unsafe_fixed="with open('a.txt') as f:\n"
            '    for line in (line.rstrip("\\n") for line in f):  # MEM003\n'
            "        print(line)\n",
        ),
        Invalid("data = open('a.bin', 'rb').read().split(b'\\n')  # MEM003\n"),
        Invalid(
            "from pathlib import Path\n"
            "for row in Path('a.csv').read_text().splitlines():  # MEM003\n"
            "    print(row)\n"
        ),
        Invalid("import pathlib\nn = len(pathlib.Path('a').read_bytes().splitlines())  # MEM003\n"),
        # Assigned and iterated once: no fix (the loop may run after the file closes).
        Invalid(
            "with open('a.txt') as f:\n    lines = f.readlines()  # MEM003\nfor line in lines:\n"
            "    print(line)\n"
        ),
        # Needs every line at once: low severity, and the message says why.
        Invalid(
            "with open('a.txt') as f:\n    lines = f.readlines()  # MEM003\n"
            "print(lines[0], lines[-1])\n"
        ),
        Invalid(
            "import io\nwith io.open('a.txt') as f:\n    rows = [*f]  # MEM003\nprint(len(rows))\n"
        ),
        Invalid(
            "with open('a.txt') as f:\n    n = len(f.readlines())  # MEM003\n",
            unsafe_fixed="with open('a.txt') as f:\n    n = sum(1 for _ in f)  # MEM003\n",
        ),
        Invalid(
            "with open('a.txt') as f:\n    ordered = sorted(f.readlines())  # MEM003\n",
            fixed="with open('a.txt') as f:\n    ordered = sorted(f)  # MEM003\n",
        ),
        Invalid(
            "import codecs\nwith codecs.open('a.txt') as f:\n    ordered = sorted(f)  # MEM003\n"
        ),
        Invalid("with open('a.txt') as f:\n    header = f.readlines()[0]  # MEM003\n"),
        Invalid(
            "import csv\nwith open('a.csv') as f:\n    rows = csv.reader(f.readlines())  # MEM003\n"
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._scopes: list[_Scope] = [_Scope(context.module, {}, None)]
        self._calls: list[cst.Call] = []
        #: id(expression) -> how its parent uses it, noted when the parent is visited.
        self._uses: dict[int, _Use] = {}
        self._flat: dict[int, _Flat] = {}
        self._attributes: dict[tuple[int, str, str], _Origin] = {}
        self._class_assignments: dict[int, dict[tuple[str, str], list[Expr]]] = {}

    @classmethod
    def estimate(cls, finding: Finding, python: tuple[int, int]) -> Optional[Estimate]:
        """Peak bytes per MiB of input, for 80-character lines (the file size is unknown)."""
        size, line = 1 << 20, 80
        if finding.detail("form") == "split":
            whole = read_splitlines_cost(size, line, python)
        else:
            whole = readlines_cost(size, line, python)
        saved = whole - iterate_lines_cost(line, python)
        return Estimate(
            bytes_saved=saved,
            resident_bytes_saved=saved,
            unit="MiB of input",
            method="modelled",
            python=format_version(python),
            note="for 80-character lines; shorter lines cost more per byte",
        )

    @classmethod
    def cost_table(cls, python: tuple[int, int]) -> Optional[CostTable]:
        return readlines_table(python)

    @classmethod
    def applies_to(cls, index: ModuleIndex, text: str, tree: ast.Module) -> bool:
        # Text first (substring and linear regex searches), then one ``ast`` walk.
        readlines = "readlines" in text
        split = _SPLIT_CALL.search(text) is not None and "read" in text
        listed = ("list" in text or "sorted" in text or "*" in text) and (
            any(name in text for name in _HANDLE_TEXT)
            or any(target in _HANDLE_TARGETS for target in index.imports.values())
        )
        if listed:
            bound = _TextBindings(text)
            listed = any(_may_be_handle(m, index, bound) for m in _list_arguments(text))
        if not (readlines or split or listed):
            return False
        return _HandleGate(index).may_match(tree)

    # -- scopes and bindings ----------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._enter(node, node.params, node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._enter(node, node.params, None)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._scopes.append(_Scope(node, {}, None))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._scopes.pop()

    def _enter(self, node: cst.CSTNode, params: cst.Parameters, function: Optional[str]) -> None:
        names: dict[str, _Binding] = {}
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            origin = _Origin.UNKNOWN
            if param.annotation is not None and self._is_path_type(param.annotation.annotation):
                origin = _Origin.PATH
            names[param.name.value] = _Binding(origin, None)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                names[star.name.value] = _Binding(_Origin.UNKNOWN, None)
        self._scopes.append(_Scope(node, names, function))

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            if item.asname is not None and isinstance(item.asname.name, cst.Name):
                self._bind(item.asname.name.value, item.item)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        # After the value is visited: ``f = f.readlines()`` reads the old ``f``.
        for target in original_node.targets:
            self._bind_target(target.target, original_node.value)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        if original_node.value is not None:
            self._bind_target(original_node.target, original_node.value)

    def _bind_target(self, target: cst.BaseExpression, value: Expr) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                if isinstance(element.value, cst.Name):
                    self._forget(element.value.value)

    def _bind(self, name: str, value: Expr) -> None:
        origin, call = self._origin(value)
        if origin is _Origin.UNKNOWN:
            self._forget(name)
        else:
            self._scopes[-1].names[name] = _Binding(origin, call)

    def _forget(self, name: str) -> None:
        # Shadow a module-level handle of the same name, and drop a stale local one.
        if name in self._scopes[-1].names or name in self._scopes[0].names:
            self._scopes[-1].names[name] = _Binding(_Origin.UNKNOWN, None)

    def _lookup(self, name: str) -> tuple[Optional[_Binding], bool]:
        """The binding of ``name`` and whether it is in the innermost scope."""
        scope = self._scopes[-1]
        binding = scope.names.get(name)
        if binding is not None:
            return binding, True
        if isinstance(scope.node, cst.ClassDef) or len(self._scopes) == 1:
            return self._scopes[0].names.get(name), len(self._scopes) == 1
        return self._scopes[0].names.get(name), False

    # -- origins ----------------------------------------------------------------------

    def _origin(self, expr: Expr) -> tuple[_Origin, Optional[cst.Call]]:
        """Where ``expr`` comes from, and the call that created it if known."""
        if isinstance(expr, cst.Name):
            binding, _ = self._lookup(expr.value)
            if binding is not None:
                return binding.origin, binding.call
            if self.context.qualified_name(expr) in _STREAMS:
                return _Origin.STREAM, None
            return _Origin.UNKNOWN, None
        if isinstance(expr, cst.Attribute):
            if self.context.qualified_name(expr) in _STREAMS:
                return _Origin.STREAM, None
            if expr.attr.value == "parent" and self._origin(expr.value)[0] is _Origin.PATH:
                return _Origin.PATH, None
            if isinstance(expr.value, cst.Name):
                return self._attribute_origin(expr.value.value, expr.attr.value), None
            return _Origin.UNKNOWN, None
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
            if self._origin(expr.left)[0] is _Origin.PATH:
                return _Origin.PATH, None
            return _Origin.UNKNOWN, None
        if not isinstance(expr, cst.Call):
            return _Origin.UNKNOWN, None
        func = expr.func
        qualified = self.context.qualified_name(func)
        origin = _FACTORIES.get(qualified) if qualified is not None else None
        if origin is not None:
            return origin, expr
        if not isinstance(func, cst.Attribute) or self._module_receiver(func.value):
            return _Origin.UNKNOWN, None
        receiver = self._origin(func.value)[0]
        if func.attr.value in _PATH_METHODS and receiver is _Origin.PATH:
            return _Origin.PATH, None
        if func.attr.value == "open" and (receiver is _Origin.PATH or _path_open_args(expr)):
            return _Origin.FILE, expr
        return _Origin.UNKNOWN, None

    def _attribute_origin(self, owner: str, attr: str) -> _Origin:
        """Origin of ``self.attr`` from every ``self.attr = ...`` in the enclosing class."""
        cls = next(
            (s.node for s in reversed(self._scopes) if isinstance(s.node, cst.ClassDef)), None
        )
        if cls is None:
            return _Origin.UNKNOWN
        key = (id(cls), owner, attr)
        cached = self._attributes.get(key)
        if cached is not None:
            return cached
        assigned = self._class_assignments.get(id(cls))
        if assigned is None:
            assigned = _attribute_assignments(cls)
            self._class_assignments[id(cls)] = assigned
        self._attributes[key] = _Origin.UNKNOWN  # ``self.a = self.a`` must not recurse
        origins = {
            # A name's binding belongs to another scope: unknown here.
            _Origin.UNKNOWN if isinstance(value, cst.Name) else self._origin(value)[0]
            for value in assigned.get((owner, attr), ())
        }
        origin = origins.pop() if len(origins) == 1 else _Origin.UNKNOWN
        self._attributes[key] = origin
        return origin

    def _module_receiver(self, expr: Expr) -> bool:
        """Whether ``expr`` is (an attribute of) something imported: a module API."""
        root = expr
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return False
        name = root.value
        if name in self._scopes[-1].names:
            return False
        return name in self.context.index.imports and not self.context.index.is_rebound(name)

    def _is_path_type(self, annotation: Expr) -> bool:
        name = self.context.qualified_name(annotation)
        return name is not None and _FACTORIES.get(name) is _Origin.PATH

    def _handle(self, expr: Expr) -> _Handle:
        origin, call = self._origin(expr)
        local = False
        if isinstance(expr, cst.Name):
            binding, local = self._lookup(expr.value)
            local = local and binding is not None and binding.origin is not _Origin.UNKNOWN
        return _Handle(expr, origin, call, local)

    # -- parents: how the read's result is used -----------------------------------------

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None:
            return
        self._uses[id(node.iter)] = _Use("loop", node)
        inner = _enumerated(node.iter, self.context)
        if inner is not None:
            self._uses[id(inner)] = _Use("enumerate", node)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node, node.for_in, eager=True)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node, node.for_in, eager=True)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node, node.for_in, eager=True)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        consumer = self._consumer_of(node)
        self._comprehension(
            node,
            node.for_in,
            eager=consumer is not None,
            short_circuit=consumer in _SHORT_CIRCUIT,
        )

    def _comprehension(
        self, node: cst.CSTNode, for_in: cst.CompFor, *, eager: bool, short_circuit: bool = False
    ) -> None:
        current: Optional[cst.CompFor] = for_in
        while current is not None:
            if current.asynchronous is None:
                use = _Use("comprehension" if eager else "lazy", node, short_circuit)
                self._uses[id(current.iter)] = use
                inner = _enumerated(current.iter, self.context)
                if inner is not None:
                    self._uses[id(inner)] = use
            current = current.inner_for_in

    def _consumer_of(self, node: Expr) -> Optional[str]:
        """The eager builtin ``node`` is the only argument of, if any."""
        if not self._calls:
            return None
        call = self._calls[-1]
        positional = [arg for arg in call.args if arg.keyword is None]
        if len(positional) != 1 or positional[0].value is not node or positional[0].star:
            return None
        if _is_join(call):
            return "str.join"
        name = self.context.qualified_name(call.func)
        if name in _CONSUMERS or name == "builtins.sorted":
            return name
        return None

    def visit_Assign(self, node: cst.Assign) -> None:
        self._uses[id(node.value)] = _Use("assign", node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._uses[id(node.value)] = _Use("assign", node)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._uses[id(node.value)] = _Use("return", node)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        # ``paths = argv[1:] or sys.stdin.read().splitlines()``: each operand is used
        # the way the whole expression is, but replacing one operand changes its type.
        use = self._uses.get(id(node))
        if use is not None:
            indirect = _Use(use.kind, use.owner, use.short_circuit, use.exact, direct=False)
            self._uses[id(node.left)] = self._uses[id(node.right)] = indirect

    def visit_IfExp(self, node: cst.IfExp) -> None:
        use = self._uses.get(id(node))
        if use is not None:
            indirect = _Use(use.kind, use.owner, use.short_circuit, use.exact, direct=False)
            self._uses[id(node.body)] = self._uses[id(node.orelse)] = indirect

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._uses[id(node.value)] = _Use("subscript", node)

    def _use(self, node: Expr) -> _Use:
        use = self._uses.get(id(node))
        if use is not None:
            return use
        if not self._calls:
            return _Use("other")
        call = self._calls[-1]
        if not any(arg.value is node for arg in call.args):
            return _Use("other")
        consumer = self._consumer_of(node)
        if consumer == "builtins.sorted":
            return _Use("sorted", call)
        if consumer is not None:
            return _Use("consumer", call, consumer in _SHORT_CIRCUIT)
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "writelines"
            and len(call.args) == 1
            and call.args[0].value is node
        ):
            # File objects iterate what they write once; other objects may not.
            return _Use("consumer", call, exact=False)
        name = self.context.qualified_name(func)
        if name == "builtins.iter" and len(call.args) == 1:
            return _Use("iter", call)
        if name == "builtins.len" and len(call.args) == 1:
            return _Use("len", call)
        if name == "builtins.reversed":
            return _Use("reversed", call)
        return _Use("argument", call)

    # -- the reads ----------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            attr = func.attr.value
            if attr == "readlines" and not node.args:
                self._check_readlines(node, func.value)
            elif attr == "splitlines" or (attr == "split" and _splits_lines(node)):
                self._check_split(node, func.value)
        elif isinstance(func, cst.Name) and func.value in ("list", "sorted"):
            self._check_list_call(node, func.value)
        self._calls.append(node)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._calls.pop()

    def visit_List(self, node: cst.List) -> None:
        if len(node.elements) == 1 and isinstance(node.elements[0], cst.StarredElement):
            handle = self._handle(node.elements[0].value)
            if handle.known:
                self._report(node, handle, "unpack", f"[*{_label(handle.node)}]")

    def _check_readlines(self, node: cst.Call, receiver: Expr) -> None:
        handle = self._handle(receiver)
        if handle.origin in (_Origin.MEMORY, _Origin.PATH):
            return
        if handle.origin is _Origin.UNKNOWN:
            if self._module_receiver(receiver):
                return  # ``helpers.readlines(path)``: a module's function
            if self._scopes[-1].function == "readlines":
                return  # a file-like wrapper's readlines must return the list
        self._report(node, handle, "readlines", f"{_label(receiver)}.readlines()")

    def _check_list_call(self, node: cst.Call, name: str) -> None:
        if len(node.args) < 1 or node.args[0].keyword is not None or node.args[0].star:
            return
        if name == "list" and len(node.args) != 1:
            return
        if any(arg.keyword is None for arg in node.args[1:]):
            return
        if self.context.qualified_name(node.func) != f"builtins.{name}":
            return
        handle = self._handle(node.args[0].value)
        if not handle.known:
            return
        label = f"{name}({_label(handle.node)})"
        if name == "sorted":
            self._report_sorted(node, handle, label)
        else:
            self._report(node, handle, "list", label)

    def _check_split(self, node: cst.Call, text: Expr) -> None:
        # Look through ``.strip()`` / ``.decode()`` to the read that made the text.
        read = text
        while (
            isinstance(read, cst.Call)
            and isinstance(read.func, cst.Attribute)
            and read.func.attr.value in _TEXT_METHODS
        ):
            read = read.func.value
        if not isinstance(read, cst.Call) or not isinstance(read.func, cst.Attribute):
            return
        method = read.func.attr.value
        if method in ("read_text", "read_bytes"):
            receiver = read.func.value
            if self._module_receiver(receiver) and not self._is_resources(read.func):
                return
            handle = _Handle(receiver, _Origin.PATH, None, False)
        elif method == "read" and _reads_everything(read):
            handle = self._handle(read.func.value)
            if not handle.known:
                return
        else:
            return
        self._report(node, handle, "split", _label(node), text_read=read)

    def _is_resources(self, func: cst.Attribute) -> bool:
        name = self.context.qualified_name(func)
        return name is not None and name.startswith("importlib.resources.")

    # -- reporting ----------------------------------------------------------------------

    def _report(
        self,
        node: Expr,
        handle: _Handle,
        form: str,
        label: str,
        *,
        text_read: Optional[cst.Call] = None,
    ) -> None:
        use = self._use(node)
        if use.kind == "sorted" and form != "split":
            assert isinstance(use.owner, cst.Call)
            self._report_sorted(use.owner, handle, f"sorted({label})", read=node)
            return
        target = _label(handle.node)
        split = form == "split"
        whole = "the whole stream" if handle.origin is _Origin.STREAM else "the whole file"
        holds = (
            "holds the whole text and a list of its lines at once"
            if split
            else f"reads {whole} into a list of lines"
        )
        if split and handle.origin is _Origin.PATH:
            instead = "open the file and iterate over it (stripping each line's `\\n`)"
        elif split:
            instead = f"iterate over `{target}` (stripping each line's `\\n`)"
        else:
            instead = f"iterate over `{target}`"
        if handle.origin is _Origin.UNKNOWN:
            instead = f"if `{target}` is a file, {instead}"
        reported: cst.CSTNode = node
        severity: Optional[Severity] = None
        fix: Optional[FixPlan] = None

        if use.kind == "consumer" and not split and _joins_nothing(use.owner):
            assert isinstance(use.owner, cst.Call)
            reported = use.owner
            applicability = self._applicability(handle, node, use)
            message = (
                f"{_subject(_joined(use.owner, label))} {holds} only to join them again; "
                f"`{target}.read()` returns the same text without the list."
            )
            if applicability is not None:
                read = cst.Call(func=cst.Attribute(value=handle.node, attr=cst.Name("read")))
                fix = FixPlan(
                    f"Read `{target}` with `read()`", applicability, ((Replace(use.owner, read)),)
                )
        elif use.kind in _ONCE:
            applicability = (
                None if handle.origin is _Origin.PATH else self._applicability(handle, node, use)
            )
            if use.kind == "enumerate":
                label = f"enumerate({label})"
                instead = f"use `enumerate({target})`" + (" and strip each line" if split else "")
                if handle.origin is _Origin.UNKNOWN:
                    instead += f" if `{target}` is a file"
            if not use.direct:
                pass  # one operand of ``a or b``: iterating the handle changes the type
            elif split:
                fix = self._split_fix(node, handle, use, text_read, applicability)
            elif applicability is not None:
                fix = FixPlan(
                    f"Iterate over `{target}` directly",
                    applicability,
                    (Replace(node, handle.node),),
                )
            untouched = applicability is not None or handle.origin is _Origin.PATH
            note = (
                ""
                if untouched
                else f" (not fixed: the code around it also uses `{_root(handle.node)}`)"
            )
            if not use.direct:
                # ``argv[1:] or sys.stdin.read().splitlines()``: the other operand is a
                # list too, so the change is more than swapping in the handle.
                severity = Severity.LOW
                note = " (the other operand of the `or`/`if`-`else` must change with it)"
            message = (
                f"{_subject(label)} {holds} {_ONCE[use.kind]}; {instead} to hold one line at a time"
            )
            message += f"{note}."
        elif use.kind == "assign":
            assert use.owner is not None
            severity, message = self._assigned(handle, label, holds, instead, use.owner)
        elif use.kind == "len":
            assert isinstance(use.owner, cst.Call)
            reported = use.owner
            severity = Severity.LOW
            counter = f"sum(1 for _ in {target})" if handle.origin is not _Origin.PATH else ""
            message = f"{_subject(f'len({label})')} {holds} only to count them; " + (
                f"`{counter}` counts them one at a time."
                if counter
                else "counting while iterating over the open file holds one line at a time."
            )
            if (
                not split
                and self.context.index.qualify("sum") == "builtins.sum"
                and self._applicability(handle, node, use) is not None
            ):
                fix = FixPlan(
                    f"Count the lines of `{target}` with `sum()`",
                    Applicability.UNSAFE,
                    (Replace(use.owner, _count_lines(handle.node)),),
                )
        elif use.kind == "subscript":
            assert isinstance(use.owner, cst.Subscript)
            severity, message = _subscripted(use.owner, label, holds, handle, split)
        elif use.kind == "sorted":
            severity = Severity.LOW
            message = (
                f"{_subject(f'sorted({label})')} {holds} to sort it; sorting needs every line "
                "at once, "
                "so streaming does not apply (an external sort of chunks on disk would)."
            )
        elif use.kind == "return":
            severity = Severity.LOW
            message = (
                f"{_subject(label)} {holds} and returns it, so the caller holds every line "
                "at once; "
                "yield the lines instead if callers iterate them once."
            )
        elif use.kind == "iter":
            message = (
                f"{_subject(label)} {holds} and wraps it in `iter()`; `{target}` is already an "
                "iterator over its lines, which holds one line at a time while the file is open."
            )
        elif use.kind == "reversed":
            severity = Severity.LOW
            message = (
                f"{_subject(label)} {holds} to reverse it; reading backwards needs every "
                "line at once "
                "(or an algorithm that seeks from the end), so streaming does not apply."
            )
        elif use.kind == "argument":
            assert isinstance(use.owner, cst.Call)
            severity = Severity.LOW
            message = (
                f"{_subject(label)} {holds} and passes it to "
                f"`{_label(use.owner.func)}()`, which may "
                "need every line at once; pass the file itself if it only iterates once."
            )
        else:
            message = f"{_subject(label)} {holds}; {instead} to hold one line at a time."
        known = handle.known or handle.origin is _Origin.PATH
        self.report(
            reported,
            message,
            severity=severity,
            confidence=Confidence.HIGH if known else Confidence.MEDIUM,
            fix=fix,
            details={
                "form": form,
                "handle": target,
                "origin": handle.origin.value,
                "use": use.kind,
            },
        )

    def _report_sorted(
        self, node: cst.Call, handle: _Handle, label: str, *, read: Optional[Expr] = None
    ) -> None:
        """``sorted(f)`` (``read`` is ``None``) or ``sorted(<read of f>)``."""
        target = _label(handle.node)
        fix = None
        if read is None:
            message = (
                f"{_subject(label)} reads the whole file into memory to sort its lines; "
                "sorting needs "
                "every line at once, so streaming does not apply (an external sort of chunks "
                "on disk would)."
            )
        else:
            message = (
                f"{_subject(label)} holds every line twice (the list and its sorted copy); sorting "
                f"needs every line at once, but `sorted({target})` skips the first list."
            )
            applicability = self._applicability(handle, read, _Use("consumer", node))
            if applicability is not None:
                fix = FixPlan(
                    f"Sort `{target}` directly", applicability, (Replace(read, handle.node),)
                )
        self.report(
            node,
            message,
            severity=Severity.LOW,
            confidence=Confidence.HIGH if handle.known else Confidence.MEDIUM,
            fix=fix,
            details={
                "form": "sorted",
                "handle": target,
                "origin": handle.origin.value,
                "use": "sorted",
            },
        )

    def _assigned(
        self,
        handle: _Handle,
        label: str,
        holds: str,
        instead: str,
        owner: cst.CSTNode,
    ) -> tuple[Optional[Severity], str]:
        targets: list[cst.BaseExpression] = []
        if isinstance(owner, cst.Assign):
            targets = [t.target for t in owner.targets]
        elif isinstance(owner, cst.AnnAssign):
            targets = [owner.target]
        if len(targets) != 1 or not isinstance(targets[0], cst.Name):
            where = _label(targets[0]) if len(targets) == 1 else "several names"
            if len(targets) == 1 and isinstance(targets[0], (cst.Attribute, cst.Subscript)):
                return Severity.LOW, (
                    f"{_subject(label)} {holds} and stores it in `{where}`, so every line stays in "
                    "memory for as long as that reference lives."
                )
            return Severity.LOW, (
                f"{_subject(label)} {holds} to unpack it into {where}, so streaming needs a "
                "different algorithm (take the lines you need with `next()`)."
            )
        name = targets[0].value
        kind, detail = self._assigned_use(owner, name, handle)
        if kind == "once":
            open_note = " (while the file is open)" if handle.origin is _Origin.FILE else ""
            return None, (
                f"{_subject(label)} {holds} named `{name}` that is only iterated once; "
                f"{instead} in that loop{open_note} to hold one line at a time."
            )
        if kind == "unused":
            return None, f"{_subject(label)} {holds}; {instead} to hold one line at a time."
        reasons = {
            "indexed": f"`{name}` is indexed later (`{detail}`), so streaming needs a "
            "different algorithm (keep only the lines you need)",
            "len": f"`len({name})` needs every line at once, so streaming needs a different "
            "algorithm (count while iterating)",
            "repeated": f"`{name}` is iterated more than once, so streaming needs a different "
            "algorithm (one pass, or reopening the file)",
            "method": f"`{name}` is used as a list later (`{detail}`), so streaming needs a "
            "different algorithm",
            "returned": f"`{name}` is returned, so the caller holds every line at once "
            "(yield the lines instead if callers iterate them once)",
            "passed": f"`{name}` is passed to `{detail}()`, which may need every line at once "
            f"(pass the file itself if it only iterates once)",
            "nested": f"`{name}` is used by a nested function, so every line must stay alive",
            "rewritten": f"the file is opened again for writing (`{detail}`) before `{name}` "
            "is used, so its lines must be read first",
            "other": f"`{name}` is used as a list later (`{detail}`), so streaming needs a "
            "different algorithm",
        }
        return Severity.LOW, f"{_subject(label)} {holds}, and {reasons[kind]}."

    def _assigned_use(self, assign: cst.CSTNode, name: str, handle: _Handle) -> tuple[str, str]:
        """How the list bound to ``name`` by ``assign`` is used afterwards."""
        flat = self._flat_scope()
        start = flat.position.get(id(assign))
        if start is None:  # pragma: no cover - the assignment is in its scope
            return "unused", ""
        enclosing = set(flat.ancestors(start))
        iterations = 0
        last_use = start
        limit: Optional[int] = None
        for i in flat.names(name, flat.ends[start]):
            if limit is not None and i >= limit:
                break  # rebound: later uses see another value
            parent = flat.parent(i)
            node = flat.nodes[i]
            if flat.in_nested_scope(i):
                return "nested", ""
            if isinstance(parent, cst.AssignTarget) or (
                isinstance(parent, (cst.For, cst.CompFor)) and parent.target is node
            ):
                # ``lines = []`` in an ``except``/``else`` branch is an alternative, not
                # a replacement; a real rebinding still reads the old value on its right.
                branches = (cst.ExceptHandler, cst.If, cst.Else)
                alternative = any(
                    isinstance(flat.nodes[a], branches) and a not in enclosing
                    for a in flat.ancestors(i)
                )
                if limit is None and not alternative:
                    statement = flat.parents[flat.parents[i]]  # AssignTarget -> Assign
                    limit = flat.ends[statement] if isinstance(parent, cst.AssignTarget) else i
                continue
            last_use = i
            if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
                iterations += 1
                looping = [
                    a
                    for a in flat.ancestors(i)
                    if isinstance(flat.nodes[a], _loops())
                    and a not in enclosing
                    and flat.nodes[a] is not parent
                ]
                if looping:
                    iterations += 1
                continue
            grand = flat.parent(flat.parents[i]) if parent is not None else None
            if isinstance(parent, cst.Arg) and isinstance(grand, cst.Call):
                callee = self.context.qualified_name(grand.func)
                if callee == "builtins.enumerate" and _iterated_by_for(flat, grand):
                    iterations += 1
                    continue
                if callee in _CONSUMERS or _is_join(grand):
                    iterations += 1
                    continue
                if callee == "builtins.len":
                    return "len", ""
                return "passed", _label(grand.func)
            if isinstance(parent, cst.Subscript) and parent.value is node:
                return "indexed", _snippet(self.context.module, parent)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                return "method", f"{name}.{parent.attr.value}"
            container = flat.parents[i]
            while container >= 0 and isinstance(
                flat.nodes[container], (cst.Element, cst.Tuple, cst.List, cst.Set)
            ):
                container = flat.parents[container]
            if container >= 0 and isinstance(flat.nodes[container], (cst.Return, cst.Yield)):
                return "returned", ""
            return "other", _snippet(self.context.module, parent or node)
        if iterations == 0:
            return "unused", ""
        if iterations > 1:
            return "repeated", ""
        rewrite = self._rewrite_between(handle, flat, flat.ends[start], last_use)
        return ("rewritten", rewrite) if rewrite else ("once", "")

    def _rewrite_between(self, handle: _Handle, flat: _Flat, start: int, end: int) -> str:
        """An ``open(<same path>, "w")`` between the read and the loop, as code."""
        path = _opened_path(handle.call)
        if path is None:
            return ""
        module = self.context.module
        wanted = module.code_for_node(path)
        for i in range(start, end):
            node = flat.nodes[i]
            if not isinstance(node, cst.Call):
                continue
            other = _opened_path(node)
            if other is None or module.code_for_node(other) != wanted:
                continue
            if self._origin(node)[0] is not _Origin.FILE:
                continue
            mode = _mode(node)
            if mode is not None and not set(mode).isdisjoint("wax+"):
                return _snippet(module, node)
        return ""

    # -- fixes --------------------------------------------------------------------------

    def _applicability(self, handle: _Handle, read: Expr, use: _Use) -> Optional[Applicability]:
        """Whether iterating ``handle`` instead of the list ``read`` keeps behaviour.

        ``None``: the code around the read uses the handle, so no fix at all.
        """
        if use.kind == "lazy" or not use.exact:
            # A lazy generator may run after the file is closed; an unknown
            # ``writelines`` may not take any iterable.
            base = Applicability.UNSAFE
        elif handle.origin is _Origin.FILE:
            base = Applicability.SAFE
        else:
            base = Applicability.UNSAFE
        node = handle.node
        if isinstance(node, cst.Call):
            return base if handle.origin is _Origin.FILE else Applicability.UNSAFE
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return Applicability.UNSAFE
        flat = self._flat_scope()
        owner = flat.position.get(id(use.owner))
        read_at = flat.position.get(id(read))
        if owner is None or read_at is None:  # pragma: no cover - both are in scope
            return None
        read_end = flat.ends[read_at]
        # Standard input is reached only as ``sys.stdin`` (``sys.argv`` is not it) or
        # through ``input()``; any other object through its root name (``self``).
        chain = dotted_name(node) if handle.origin is _Origin.STREAM else None
        for i in flat.names(root.value, owner, flat.ends[owner]):
            if read_at <= i < read_end:
                continue
            if chain is None or _chain_at(flat, i, chain.count(".")) == chain:
                return None  # the loop (or comprehension) uses the handle itself
        if handle.origin is _Origin.STREAM and self.context.index.qualify("input") == (
            "builtins.input"
        ):
            for i in flat.names("input", owner, flat.ends[owner]):
                parent = flat.parent(i)
                if isinstance(parent, cst.Call) and parent.func is flat.nodes[i]:
                    return None
        if base is not Applicability.SAFE or not handle.local or not isinstance(node, cst.Name):
            return Applicability.UNSAFE
        # After an early exit (or an exception caught around it) readlines() has left
        # the file at its end and an iteration has not: later reads would differ.
        early = (
            use.short_circuit
            or (use.kind in ("loop", "enumerate") and _can_stop(flat, owner))
            or _in_try(flat, owner)
        )
        for i in flat.names(node.value):
            if flat.inside(i, owner):
                continue
            parent = flat.parent(i)
            if isinstance(parent, (cst.AsName, cst.AssignTarget)):
                continue
            if flat.in_nested_scope(i):
                return Applicability.UNSAFE
            receiver = isinstance(parent, cst.Attribute) and parent.value is flat.nodes[i]
            held = isinstance(parent, cst.WithItem) and parent.item is flat.nodes[i]
            if not (receiver or held):
                return Applicability.UNSAFE  # handed to other code, which may read it
            if early and i >= flat.ends[owner]:
                return Applicability.UNSAFE
        return Applicability.SAFE

    def _split_fix(
        self,
        node: Expr,
        handle: _Handle,
        use: _Use,
        read: Optional[cst.Call],
        applicability: Optional[Applicability],
    ) -> Optional[FixPlan]:
        """``for x in f.read().splitlines()`` -> ``for x in (line.rstrip("\\n") for line in f)``."""
        if applicability is None or use.kind not in ("loop", "comprehension"):
            return None
        if handle.origin is not _Origin.FILE or read is None or not self._text_mode(handle.call):
            return None
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            return None
        if node.func.attr.value != "splitlines" or node.args or node.func.value is not read:
            return None
        line = cst.Name("line")
        stripped = cst.GeneratorExp(
            elt=cst.Call(
                func=cst.Attribute(value=line, attr=cst.Name("rstrip")),
                args=[cst.Arg(cst.SimpleString('"\\n"'))],
            ),
            for_in=cst.CompFor(target=line, iter=handle.node),
        )
        return FixPlan(
            f'Iterate over `{_label(handle.node)}` and strip each line\'s "\\n"',
            Applicability.UNSAFE,
            (Replace(node, stripped),),
        )

    def _text_mode(self, call: Optional[cst.Call]) -> bool:
        """Whether ``call`` opens a file in text mode with universal newlines."""
        if call is None:
            return False
        func = call.func
        name = self.context.qualified_name(func)
        if name in ("builtins.open", "io.open", "os.fdopen"):
            mode_at, default = 1, "r"
        elif name in ("gzip.open", "bz2.open", "lzma.open"):
            mode_at, default = 1, "rb"
        elif name == "tokenize.open":
            return True
        elif name is None and isinstance(func, cst.Attribute) and func.attr.value == "open":
            mode_at, default = 0, "r"  # Path.open
        else:
            return False  # codecs.open reads binary and decodes: "\r\n" is kept
        mode: Optional[str] = default
        positional = 0
        for arg in call.args:
            if arg.star or (arg.keyword is not None and arg.keyword.value == "newline"):
                return False
            if arg.keyword is None:
                if positional > mode_at:
                    return False  # buffering/encoding/newline passed by position
                if positional == mode_at:
                    mode = _string(arg.value)
                positional += 1
            elif arg.keyword.value == "mode":
                mode = _string(arg.value)
        return mode is not None and "b" not in mode and ("t" in mode or "b" not in default)

    def _flat_scope(self) -> _Flat:
        return self._flat_of(self._scopes[-1].node)

    def _flat_of(self, scope: cst.CSTNode) -> _Flat:
        flat = self._flat.get(id(scope))
        if flat is None:
            flat = cst_visitor(_Flat)()
            scope.visit(cast("cst.CSTVisitor", flat))
            self._flat[id(scope)] = flat
        return flat


# -- helpers ---------------------------------------------------------------------------


def _label(node: cst.CSTNode) -> str:
    """A short rendering of an expression for messages: ``f``, ``self.fp``, ``open(...)``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_label(node.value)}.{node.attr.value}"
    if isinstance(node, cst.Call):
        args = ", ".join(_short(arg.value) for arg in node.args if arg.keyword is None)
        if any(arg.keyword is not None for arg in node.args) or any(
            _short(arg.value) == "..." for arg in node.args
        ):
            args = "..."
        return f"{_label(node.func)}({args})"
    if isinstance(node, cst.Subscript):
        return f"{_label(node.value)}[...]"
    return "..."


def _list_arguments(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_LIST_ARG`` in ``text`` that start a word (``list(``, not
    ``blacklist(``), as ``finditer`` of the pattern with a leading ``\\b`` finds them."""
    position = 0
    while True:
        match = _LIST_ARG.search(text, position)
        if match is None:
            return
        start = match.start()
        if start and text[start] != "[" and _WORD.match(text, start - 1):
            position = start + 1  # inside a longer name; ``[`` cannot start here either
            continue
        yield match
        position = max(match.end(), start + 1)


_WORD = re.compile(r"\w")


def _may_be_handle(match: re.Match[str], index: ModuleIndex, bound: _TextBindings) -> bool:
    """Whether the argument of ``list(...)``/``sorted(...)``/``[*...]`` could be a handle."""
    argument, following = match.group(1), match.group(2)
    if argument is None:
        return True  # ``list((path / "x").open())``: cannot tell from the text
    root, _, rest = argument.partition(".")
    imported = index.imports.get(root)
    qualified = f"{imported}.{rest}".rstrip(".") if imported else argument
    if following == "(":
        # A call: a handle only from an opening function (``open``, ``gzip.open``,
        # ``path.open()``) or a path constructor (``Path(p).open()``).
        last = argument.rsplit(".", 1)[-1]
        return (
            last in _HANDLE_ATTRIBUTES
            or _FACTORIES.get(qualified) is not None
            or qualified.startswith("pathlib.")
        )
    if "stdin" in argument or qualified in _STREAMS:
        return True
    if rest:
        # ``self.fp``: a handle only when the attribute is assigned somewhere.
        return bound.assigns_attribute(argument.rsplit(".", 1)[1])
    # A local handle is bound by ``with ... as NAME`` or ``NAME = ...``.
    return bound.binds(root)


class _TextBindings:
    """Whether the text assigns a name (``NAME =``, ``NAME: T =``, ``with ... as
    NAME``) or an attribute (``.attr =``): one search per distinct name, however
    many ``list(...)`` calls name it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._answers: dict[tuple[bool, str], bool] = {}

    def binds(self, name: str) -> bool:
        answer = self._answers.get((False, name))
        if answer is None:
            word = re.escape(name)
            pattern = r"\bas" + _W + r"(?:\(" + _W + r")?" + word + r"\b|\b" + word + _ASSIGNMENT
            answer = self._answers[(False, name)] = re.search(pattern, self.text) is not None
        return answer

    def assigns_attribute(self, attribute: str) -> bool:
        answer = self._answers.get((True, attribute))
        if answer is None:
            pattern = r"\." + re.escape(attribute) + _ASSIGNMENT
            answer = self._answers[(True, attribute)] = re.search(pattern, self.text) is not None
        return answer


_ASSIGNMENT = r"\s*(?::[^=\n]*)?=[^=]"


class _HandleGate:
    """The gate's ``ast`` pass: does the file call ``x.readlines()``, or read a whole
    handle in another form the rule checks (``list(f)``, ``sorted(f)``, ``[*f]``,
    ``f.read().splitlines()``, ``p.read_text().splitlines()``) where ``f`` may come
    from a handle-making call or a stream? A superset of what the rule reports: by
    last names instead of qualified names, and by name instead of scope."""

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.names: set[str] = set()
        self.attributes: set[str] = set(_STREAM_ATTRIBUTES)

    def may_match(self, tree: ast.Module) -> bool:
        nodes = ast_nodes(tree)
        candidates: list[ast.expr] = []
        for call in nodes.of(ast.Call):
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "readlines" and not call.args:
                return True  # on anything but a module, a path or a StringIO
            if isinstance(func, ast.Attribute) and func.attr in ("split", "splitlines"):
                read = func.value
                while (
                    isinstance(read, ast.Call)
                    and isinstance(read.func, ast.Attribute)
                    and read.func.attr in _TEXT_METHODS
                ):
                    read = read.func.value
                if isinstance(read, ast.Call) and isinstance(read.func, ast.Attribute):
                    if read.func.attr in ("read_text", "read_bytes"):
                        return True
                    if read.func.attr == "read":
                        candidates.append(read.func.value)
            elif isinstance(func, ast.Name) and func.id in ("list", "sorted") and call.args:
                candidates.append(call.args[0])
        for display in nodes.of(ast.List):
            if len(display.elts) == 1 and isinstance(display.elts[0], ast.Starred):
                candidates.append(display.elts[0].value)
        if not candidates:
            return False
        bindings: list[tuple[ast.expr, ast.expr]] = []
        for assign in nodes.of(ast.Assign):
            bindings.extend((target, assign.value) for target in assign.targets)
        for annotated in nodes.of(ast.AnnAssign):
            if annotated.value is not None:
                bindings.append((annotated.target, annotated.value))
        for named in nodes.of(ast.NamedExpr):
            bindings.append((named.target, named.value))
        for item in nodes.of(ast.withitem):
            if item.optional_vars is not None:
                bindings.append((item.optional_vars, item.context_expr))
        # Names and attributes bound to a possible handle, through chains (g = f).
        changed = True
        while changed:
            changed = False
            for target, value in bindings:
                if isinstance(target, ast.Name) and target.id not in self.names:
                    if self._may_be_handle(value):
                        self.names.add(target.id)
                        changed = True
                elif (
                    isinstance(target, ast.Attribute)
                    and target.attr not in self.attributes
                    and self._may_be_handle(value)
                ):
                    self.attributes.add(target.attr)
                    changed = True
        return any(self._may_be_handle(candidate) for candidate in candidates)

    def _may_be_handle(self, expr: ast.expr) -> bool:
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute):
                return func.attr in _HANDLE_CALLS
            if isinstance(func, ast.Name):
                target = self.index.imports.get(func.id, func.id)
                return target.rsplit(".", 1)[-1] in _HANDLE_CALLS
            return False
        if isinstance(expr, ast.Name):
            if expr.id in self.names:
                return True
            target = self.index.imports.get(expr.id, "")
            # ``from sys import *`` binds ``stdin``: a star import makes only a
            # stream's own name a possible stream.
            return target in _STREAMS or any(
                f"{module}.{expr.id}" in _STREAMS for module in self.index.star_imports
            )
        if isinstance(expr, ast.Attribute):
            return expr.attr in self.attributes
        return False


#: Last names of the calls that may return a handle (factories, ``Path.open``).
_HANDLE_CALLS = frozenset(
    name.rsplit(".", 1)[1]
    for name, origin in _FACTORIES.items()
    if origin in (_Origin.FILE, _Origin.STREAM)
) | {"open"}
#: Text that must occur for a handle to be made or reached (``open(``, ``.stdin``).
_HANDLE_TEXT = _HANDLE_CALLS | {"stdin"}
#: Attributes that are a stream whatever holds them (``sys.stdin``, ``s.stdin.buffer``).
_STREAM_ATTRIBUTES = frozenset({"stdin", "__stdin__", "buffer"})


def _subject(label: str) -> str:
    """The start of a message: it must begin with a capital letter, not a backtick."""
    verb = "Unpacking" if label.startswith("[*") else "Calling"
    return f"{verb} `{label}`"


def _snippet(module: cst.Module, node: cst.CSTNode) -> str:
    """The code of a small node on one line, shortened for a message."""
    code = " ".join(module.code_for_node(node).split())
    return code if len(code) <= 40 else code[:37] + "..."


def _lines(count: str) -> str:
    return "line" if count == "1" else f"{count} lines"


def _short(node: cst.CSTNode) -> str:
    if isinstance(node, (cst.SimpleString, cst.Integer)) and len(node.value) <= 8:
        return node.value
    if isinstance(node, cst.UnaryOperation) and isinstance(node.expression, cst.Integer):
        return f"-{node.expression.value}"
    return "..."


def _path_open_args(call: cst.Call) -> bool:
    """Whether ``x.open(...)`` has the arguments of ``Path.open`` (a mode at most)."""
    positional = [arg for arg in call.args if arg.keyword is None]
    if any(arg.star for arg in call.args):
        return False
    if len(positional) > 1:
        return False
    if positional:
        mode = positional[0].value
        if not isinstance(mode, cst.SimpleString) or not _MODE.fullmatch(mode.raw_value):
            return False
    return all(arg.keyword is None or arg.keyword.value in _OPEN_KEYWORDS for arg in call.args)


def _opened_path(call: Optional[cst.Call]) -> Optional[cst.BaseExpression]:
    """The path an opening call opens: ``open(PATH, ...)`` or ``PATH.open(...)``."""
    if call is None:
        return None
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "open" and not call.args:
        return func.value
    if isinstance(func, cst.Attribute) and func.attr.value == "open":
        first = call.args[0]
        if first.keyword is None and _string(first.value) is not None:
            return func.value  # ``path.open("w")``
    if call.args and call.args[0].keyword is None and not call.args[0].star:
        return call.args[0].value
    return None


def _mode(call: cst.Call) -> Optional[str]:
    """The literal mode of an opening call (``"r"`` when it has none)."""
    func = call.func
    method = isinstance(func, cst.Attribute) and func.attr.value == "open"
    positional = [arg for arg in call.args if arg.keyword is None]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "mode":
            return _string(arg.value)
    at = 0 if method and (not positional or _string(positional[0].value) is not None) else 1
    if len(positional) > at:
        return _string(positional[at].value)
    return "r"


def _string(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _splits_lines(call: cst.Call) -> bool:
    """``.split("\\n")`` (or ``"\\r\\n"``, bytes too) with no ``maxsplit``."""
    if len(call.args) != 1 or call.args[0].keyword not in (None,) or call.args[0].star:
        return False
    value = call.args[0].value
    if not isinstance(value, cst.SimpleString):
        return False
    try:
        evaluated = value.evaluated_value
    except Exception:  # pragma: no cover - a literal LibCST parsed evaluates
        return False
    if isinstance(evaluated, bytes):
        evaluated = evaluated.decode("latin-1")
    return evaluated in _NEWLINES


def _reads_everything(read: cst.Call) -> bool:
    """``f.read()``, ``f.read(-1)`` or ``f.read(None)``: no size limit."""
    if not read.args:
        return True
    if len(read.args) != 1 or read.args[0].keyword is not None:
        return False
    value = read.args[0].value
    if isinstance(value, cst.Name):
        return value.value == "None"
    return (
        isinstance(value, cst.UnaryOperation)
        and isinstance(value.operator, cst.Minus)
        and isinstance(value.expression, cst.Integer)
    )


def _enumerated(expr: Expr, context: RuleContext) -> Optional[Expr]:
    """The iterable in ``enumerate(iterable[, start])``, if ``expr`` is that call."""
    if not isinstance(expr, cst.Call) or not expr.args:
        return None
    first = expr.args[0]
    if first.keyword is not None or first.star:
        return None
    if context.qualified_name(expr.func) != "builtins.enumerate":
        return None
    return first.value


def _root(node: cst.BaseExpression) -> str:
    """What the code must not touch for the fix to be safe: ``f``, ``sys.stdin``, ``self``."""
    if isinstance(node, cst.Attribute) and dotted_name(node) is not None:
        dotted = dotted_name(node) or ""
        return dotted if "stdin" in dotted else dotted.split(".")[0]
    return _label(node)


def _chain_at(flat: _Flat, i: int, length: int) -> str:
    """``name.a.b`` for the Name at ``i`` and up to ``length`` attributes after it."""
    parts = [flat.nodes[i].value]  # type: ignore[attr-defined]
    current = i
    for _ in range(length):
        parent = flat.parent(current)
        if not isinstance(parent, cst.Attribute) or parent.value is not flat.nodes[current]:
            break
        parts.append(parent.attr.value)
        current = flat.parents[current]
    return ".".join(parts)


def _attribute_assignments(cls: cst.ClassDef) -> dict[tuple[str, str], list[Expr]]:
    """``(owner, attr) -> values`` of every ``owner.attr = value`` in a class's methods.

    Walks statements only (not expressions), so it costs a small part of a visit.
    """
    found: dict[tuple[str, str], list[Expr]] = {}
    pending: list[cst.CSTNode] = [cls.body]
    while pending:
        node = pending.pop()
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in node.body:
                value: Optional[Expr] = None
                if isinstance(small, cst.Assign):
                    targets = [t.target for t in small.targets]
                    value = small.value
                elif isinstance(small, cst.AnnAssign):
                    targets = [small.target]
                    value = small.value
                if value is None:
                    continue
                for target in targets:
                    if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
                        key = (target.value.value, target.attr.value)
                        found.setdefault(key, []).append(value)
        elif isinstance(node, cst.IndentedBlock):
            pending.extend(node.body)
        elif isinstance(node, cst.ClassDef):
            continue  # a nested class: its ``self`` is another object
        else:
            for field in ("body", "orelse", "handlers", "finalbody", "cases"):
                child = getattr(node, field, None)
                if isinstance(child, cst.CSTNode):
                    pending.append(child)
                elif isinstance(child, (list, tuple)):
                    pending.extend(c for c in child if isinstance(c, cst.CSTNode))
    return found


def _joins_nothing(node: Optional[cst.CSTNode]) -> bool:
    """``"".join(...)`` or ``b"".join(...)``."""
    if not isinstance(node, cst.Call) or not _is_join(node):
        return False
    assert isinstance(node.func, cst.Attribute)
    separator = node.func.value
    return isinstance(separator, cst.SimpleString) and separator.evaluated_value in ("", b"")


def _joined(call: cst.Call, label: str) -> str:
    assert isinstance(call.func, cst.Attribute)
    return f"{_short(call.func.value)}.join({label})"


def _is_join(call: cst.Call) -> bool:
    func = call.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == "join"
        and isinstance(func.value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_list_call(node: Expr) -> bool:
    return (
        isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "list"
    )


def _iterated_by_for(flat: _Flat, call: cst.Call) -> bool:
    at = flat.position.get(id(call))
    if at is None:
        return False
    parent = flat.parent(at)
    return isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is call


def _can_stop(flat: _Flat, loop: int) -> bool:
    """Whether the ``for`` loop at ``loop`` may end before its iterable does."""
    for i in range(loop + 1, flat.ends[loop]):
        node = flat.nodes[i]
        if isinstance(node, cst.Return):
            if not any(isinstance(flat.nodes[a], _scopes()) for a in _between(flat, i, loop)):
                return True
        elif isinstance(node, cst.Break):
            inner = [
                a
                for a in _between(flat, i, loop)
                if isinstance(flat.nodes[a], (*_loops(), *_scopes()))
            ]
            if not inner:
                return True
    return False


def _in_try(flat: _Flat, i: int) -> bool:
    return any(type(flat.nodes[a]).__name__ in ("Try", "TryStar") for a in flat.ancestors(i))


def _between(flat: _Flat, i: int, top: int) -> list[int]:
    """Ancestors of ``i`` strictly below ``top``."""
    out = []
    p = flat.parents[i]
    while p >= 0 and p != top:
        out.append(p)
        p = flat.parents[p]
    return out


def _subscripted(
    subscript: cst.Subscript, label: str, holds: str, handle: _Handle, split: bool
) -> tuple[Severity, str]:
    """Severity and message for ``<read>[...]``."""
    target = _label(handle.node)
    streamable = handle.origin is not _Origin.PATH
    index = subscript.slice[0].slice if len(subscript.slice) == 1 else None
    if (
        streamable
        and isinstance(index, cst.Index)
        and isinstance(index.value, cst.Integer)
        and index.value.value == "0"
    ):
        method = 'readline().rstrip("\\n")' if split else "readline()"
        return Severity.MEDIUM, (
            f"{_subject(label)} {holds} to use only the first; `{target}.{method}` reads "
            "just that line."
        )
    if (
        streamable
        and isinstance(index, cst.Slice)
        and index.upper is None
        and index.step is None
        and isinstance(index.lower, cst.Integer)
    ):
        skip = index.lower.value
        return Severity.MEDIUM, (
            f"{_subject(label)} {holds} to skip the first {_lines(skip)}; "
            f"`itertools.islice({target}, {skip}, None)` skips them one line at a time."
        )
    if (
        isinstance(index, cst.Slice)
        and index.lower is None
        and index.upper is None
        and isinstance(index.step, cst.UnaryOperation)
        and _short(index.step) == "-1"
    ):
        return Severity.LOW, (
            f"{_subject(label)} {holds} to reverse it; reading backwards needs every line at "
            "once (or an algorithm that seeks from the end), so streaming does not apply."
        )
    return Severity.LOW, (
        f"{_subject(label)} {holds} and indexes it, so streaming needs a different algorithm "
        "(keep only the lines you need, e.g. `collections.deque(f, maxlen=n)` for the last)."
    )


def _count_lines(handle: Expr) -> cst.Call:
    return cst.Call(
        func=cst.Name("sum"),
        args=[
            cst.Arg(
                cst.GeneratorExp(
                    elt=cst.Integer("1"),
                    for_in=cst.CompFor(target=cst.Name("_"), iter=handle),
                    lpar=[],
                    rpar=[],
                )
            )
        ],
    )


__all__ = ["WholeFileRead"]
