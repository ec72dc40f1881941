"""MEM004 missing-slots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence

from memlint._compat import SLOTS
from memlint.cstutil import (
    append_items,
    body_statements,
    class_path,
    docstring_statement,
    find_class,
)
from memlint.facts import BULK, LOOP, ClassFacts
from memlint.finding import Applicability, Confidence, Estimate, Finding, Severity, Span
from memlint.model import (
    CostTable,
    format_version,
    instance_layout,
    pymalloc_resident,
    slots_saving,
    slots_table,
)
from memlint.project import HotUse, Project
from memlint.rule import FixPlan, Invalid, ProjectReport, Replace, Rule, RuleContext, Valid
from memlint.rules.mem005_strong_parent_reference import StrongParentReference
from memlint.suppress import Suppressions
from memlint.walk import Visitor, visit_batched

if TYPE_CHECKING:
    import libcst as cst
else:
    from memlint.lazy import libcst as cst

#: External bases that add no ``__dict__`` (each declares ``__slots__ = ()``).
_SLOTTED_EXTERNAL_BASES = frozenset(
    {
        "builtins.object",
        "typing.Generic",
        "typing_extensions.Generic",
        "abc.ABC",
        # typing's aliases of the collections.abc classes
        *(
            f"typing.{name}"
            for name in (
                *("Hashable", "Sized", "Container", "Iterable", "Iterator", "Reversible"),
                *("Generator", "Collection", "Sequence", "MutableSequence", "Set"),
                *("MutableSet", "Mapping", "MutableMapping", "MappingView", "KeysView"),
                *("ItemsView", "ValuesView", "Awaitable", "Coroutine", "AsyncIterable"),
                *("AsyncIterator", "AsyncGenerator", "Callable"),
            )
        ),
    }
)
_SLOTTED_EXTERNAL_PREFIXES = ("collections.abc.", "numbers.")
_PROTOCOLS = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
#: Class keywords that keep the class an ordinary one.
_KEYWORDS = frozenset({"metaclass=abc.ABCMeta"})
#: Class decorators known to return the class itself with its instances unchanged.
_DECORATORS = frozenset(
    {
        "dataclasses.dataclass",
        "functools.total_ordering",
        "typing.final",
        "typing_extensions.final",
        "typing.runtime_checkable",
        "typing_extensions.runtime_checkable",
    }
)
#: attrs decorators that make slotted classes unless told ``slots=False``.
_ATTRS_SLOTTED_BY_DEFAULT = frozenset(
    {"attr.define", "attr.mutable", "attr.frozen", "attrs.define", "attrs.mutable", "attrs.frozen"}
)
_SHOWN_NAMES = 6
_RANK = {"low": 0, "medium": 1, "high": 2}


class MissingSlots(Rule):
    """
    ## What it does
    Flags classes without `__slots__` that are instantiated in bulk: inside a loop,
    a comprehension or generator expression, or through `map()`, anywhere in the
    project (also through a factory classmethod or a function called in such a place).

    ## Why is this bad?
    Every instance of an ordinary class carries a `__dict__` (or, from Python 3.11, a
    block of inline values plus the machinery to materialise a dict on demand). With
    `__slots__` the attributes live in fixed fields of the object itself. For one
    object that hardly matters; for the millions of nodes, tokens, points or records
    a program builds in a loop it is often the largest avoidable cost in the heap.

    The rule only flags classes where slots are possible and help: every base class is
    `object`, an ABC/`Generic`, or a project class that is slotted all the way up; the
    class uses no dynamic attributes (`setattr` with computed names, `__dict__` or
    `vars()` access, `__getattr__`, `functools.cached_property`); and it is not an
    Exception, Enum, NamedTuple, TypedDict, Protocol, or an ORM/model class (Django,
    SQLAlchemy, pydantic and other external bases are unknown, so skipped). Classes
    and bulk instantiations in test code do not count. Dataclasses without
    `slots=True` and `@attr.s` classes without `slots=True` count; `@attrs.define`
    classes are slotted already. Only objects that outlive the iteration count
    (appended, stored, yielded, returned, or built by a comprehension; also objects
    that register themselves, like `Node(parent=root)`), not ones dropped at once
    (`Parser(path).run()`). The confidence says how strong the evidence of bulk use
    is: a comprehension, `map()` or nested loops in a function, or a loop in a
    function that is itself called in a loop, is high (medium when a function one
    call away builds the objects); a single loop, a loop at module level or in
    `main()`, a get-or-create branch (`if key not in cache:`) or an `except` block
    is low, because set-up code loops too (one object per grammar rule, per option).
    Low-confidence findings are reported only with the option
    `min-confidence = "low"` (`[tool.memlint.MEM004]`; default `"medium"`): on real
    code (the stdlib, lark, parso, docutils...) about one in ten was a hot class.

    ## Example
    ```python
    class Point:
        def __init__(self, x, y):
            self.x = x
            self.y = y

    def load(rows):
        return [Point(x, y) for x, y in rows]
    ```

    ## Use instead
    ```python
    class Point:
        __slots__ = ("x", "y")

        def __init__(self, x, y):
            self.x = x
            self.y = y

    def load(rows):
        return [Point(x, y) for x, y in rows]
    ```

    ## Fix safety
    The fix adds `__slots__` as the first statement of the class (after its
    docstring), listing every attribute the project assigns to instances: in the
    class, in its bases' methods, and from outside on objects it builds
    (`p = Point(); p.z = 1`), plus `"__weakref__"` when instances are weakly
    referenced or the project imports `weakref` at all (weak references taken on a
    loop variable or a parameter cannot be tied to a class, and a slotted class
    without `"__weakref__"` makes them raise `TypeError`). For a dataclass it adds
    `slots=True` to `@dataclass` on Python 3.10+ (`weakref_slot=True` as well, 3.11+);
    for an `@attr.s` class, `slots=True`.

    A slotted class behaves differently: setting an attribute that is not listed
    raises `AttributeError`, `vars(obj)` and `obj.__dict__` fail, pickle protocols 0
    and 1 refuse the instances (the default protocol works), and pickles made before
    the change do not load. The fix is safe when every exemption of the rule holds:
    no dynamic attributes and no `__dict__` use seen anywhere in the project, and
    every attribute the project assigns is listed. It is unsafe when the class
    defines pickling hooks (they may rely on the old state), when its file uses
    `__dict__`, `vars()`, `setattr()` with a computed name or assigns `__class__` on
    objects the analysis cannot tie to a class, and when `slots=True` is added to a
    class with bases (the decorator builds a new class, so `__init_subclass__` and
    metaclass hooks run twice). memlint sees attribute stores only on objects it saw
    being built, not on parameters or loop variables, and does not look at test code:
    run the tests after applying it.

    No fix is offered when a class-level value has a slot's name in a plain class
    (`ValueError` when the class is built), when a pickling hook reads `__dict__`,
    when a subclass also inherits from a base with slots or a builtin layout
    (instance lay-out conflict), when the class body sits on the `class` line, or
    when an attribute is a strong parent reference that MEM005 reports (its fix
    turns the attribute into a property, which cannot share a slot's name: apply
    that fix first, then this one follows). For dataclasses: not before 3.10 (nor on
    3.10 when instances may be weakly referenced), not when a method calls `super()`
    without arguments (the new class breaks it before 3.14), and not when an
    attribute is not a field; a dataclass or attrs decorator that already says
    `slots=` is left alone.

    ## Memory cost
    Per instance with k attributes (bytes requested, 64-bit CPython, attribute values
    excluded — they cost the same either way): on 3.8–3.10 a key-sharing `__dict__`
    makes an instance cost 152 bytes for k ≤ 5 and 192 bytes for k = 6–10, against
    32 + 8k with `__slots__` (42–74% less); on 3.11–3.13 the values live in the object
    until `__dict__` is touched — 72 + 8k on 3.11 (64 + 8k on 3.12) for k ≤ 5 — so
    `__slots__` saves 32–48 bytes, 26–50%. Touching `__dict__` (`vars(obj)`) adds 64
    bytes per instance on 3.11+. `memlint explain MEM004 --python 3.12` prints the table
    for a version; `memlint run` counts the live instances at the traced peak.

    ## References
    - https://docs.python.org/3/reference/datamodel.html#slots
    - https://docs.python.org/3/library/dataclasses.html#dataclasses.dataclass (`slots=True`)
    - https://www.attrs.org/en/stable/glossary.html#term-slotted-classes
    """

    code = "MEM004"
    name = "missing-slots"
    severity = Severity.LOW
    precision = "medium"
    tags = ("memory", "slots", "performance")
    project = True
    options = {"min-confidence": "medium"}

    VALID = (
        # Slotted already.
        Valid(
            "class P:\n    __slots__ = ('x',)\n    def __init__(self, x):\n        self.x = x\n"
            "ps = [P(i) for i in range(1000)]\n"
        ),
        Valid(
            "from dataclasses import dataclass\n@dataclass(slots=True)\nclass P:\n    x: int\n"
            "def load(xs):\n    return [P(x) for x in xs]\n"
        ),
        Valid(
            "import attrs\n@attrs.define\nclass P:\n    x: int\n"
            "def load(xs):\n    return [P(x) for x in xs]\n"
        ),
        # Not hot: built once.
        Valid("class P:\n    def __init__(self, x):\n        self.x = x\np = P(1)\n"),
        # A bounded literal loop is not bulk.
        Valid(
            "class P:\n    def __init__(self, x):\n        self.x = x\n"
            "def make():\n    return [P(n) for n in ('a', 'b', 'c')]\n"
        ),
        # ``return`` in a loop runs once per call.
        Valid(
            "class Hit:\n    def __init__(self, x):\n        self.x = x\n"
            "def find(xs):\n    for x in xs:\n        if x:\n            return Hit(x)\n"
        ),
        # Dynamic attributes need a __dict__.
        Valid(
            "class Bag:\n    def __init__(self, **kw):\n        for k, v in kw.items():\n"
            "            setattr(self, k, v)\n"
            "def load(rows):\n    return [Bag(**r) for r in rows]\n"
        ),
        Valid(
            "class R:\n    def __init__(self, x):\n        self.x = x\n"
            "    def as_dict(self):\n        return vars(self)\n"
            "def load(xs):\n    return [R(x) for x in xs]\n"
        ),
        Valid(
            "class R:\n    def __init__(self, x):\n        self.x = x\n"
            "def dump(xs):\n    for x in xs:\n        r = R(x)\n        print(r.__dict__)\n"
        ),
        Valid(
            "import functools\nclass R:\n    def __init__(self, x):\n        self.x = x\n"
            "    @functools.cached_property\n    def double(self):\n        return self.x * 2\n"
            "def load(xs):\n    return [R(x) for x in xs]\n"
        ),
        Valid(
            "class Proxy:\n    def __init__(self, target):\n        self.target = target\n"
            "    def __getattr__(self, name):\n        return getattr(self.target, name)\n"
            "def wrap(xs):\n    return [Proxy(x) for x in xs]\n"
        ),
        # Bases that have a __dict__, or that we cannot see.
        Valid(
            "class Base:\n    def __init__(self):\n        self.a = 1\n"
            "class Leaf(Base):\n    def __init__(self, b):\n        super().__init__()\n"
            "        self.b = b\n"
            "def load(xs):\n    return [Leaf(x) for x in xs]\n"
        ),
        Valid(
            "from pydantic import BaseModel\nclass User(BaseModel):\n    name: str\n"
            "def load(rows):\n    return [User(name=r) for r in rows]\n"
        ),
        Valid(
            "from django.db import models\nclass Row(models.Model):\n    pass\n"
            "def load(xs):\n    return [Row(id=x) for x in xs]\n"
        ),
        Valid(
            "class Bad(Exception):\n    def __init__(self, x):\n        self.x = x\n"
            "errors = [Bad(i) for i in range(100)]\n"
        ),
        Valid(
            "import enum\nclass Color(enum.Enum):\n    RED = 1\n"
            "colors = [Color(v) for v in (1, 1, 1, 1) * 100]\n"
        ),
        Valid(
            "from typing import NamedTuple\nclass P(NamedTuple):\n    x: int\n"
            "def load(xs):\n    return [P(x) for x in xs]\n"
        ),
        Valid(
            "from typing import Protocol\nclass P(Protocol):\n    x: int\n"
            "def load(xs):\n    return [P() for x in xs]\n"
        ),
        # Test code does not count.
        Valid(
            "class P:\n    def __init__(self, x):\n        self.x = x\n"
            "def test_many():\n    assert [P(i) for i in range(1000)]\n",
            path="test_points.py",
        ),
        # One loop: low confidence, not reported by default.
        Valid(
            "class Shape:\n    def __init__(self, n):\n        self.n = n\n"
            "def build(ns):\n    out = []\n    for n in ns:\n        out.append(Shape(n))\n"
            "    return out\n"
        ),
        # Dropped at once: nothing piles up.
        Valid(
            "class Parser:\n    def __init__(self, path):\n        self.path = path\n"
            "    def run(self):\n        return self.path\n"
            "def check(paths):\n    return [Parser(p).run() for p in paths]\n"
        ),
        # No instance attributes at all: nothing to move into slots.
        Valid("class Marker:\n    pass\ndef load(xs):\n    return [Marker() for x in xs]\n"),
    )
    INVALID = (
        Invalid(
            "class Point:  # MEM004:7\n    def __init__(self, x, y):\n        self.x = x\n"
            "        self.y = y\ndef load(rows):\n    return [Point(x, y) for x, y in rows]\n",
            fixed="class Point:  # MEM004:7\n"
            '    __slots__ = ("x", "y")\n'
            "\n"
            "    def __init__(self, x, y):\n"
            "        self.x = x\n"
            "        self.y = y\n"
            "def load(rows):\n"
            "    return [Point(x, y) for x, y in rows]\n",
        ),
        # A docstring stays first; the slots follow it.
        Invalid(
            "class Token:  # MEM004\n"
            '    """A lexer token."""\n'
            "\n    def __init__(self, kind, text):\n        self.kind = kind\n"
            "        self.text = text\ndef lex(words):\n"
            '    return [Token("w", w) for w in words]\n',
            fixed="class Token:  # MEM004\n"
            '    """A lexer token."""\n'
            "\n"
            '    __slots__ = ("kind", "text")\n'
            "\n"
            "    def __init__(self, kind, text):\n"
            "        self.kind = kind\n"
            "        self.text = text\n"
            "def lex(words):\n"
            '    return [Token("w", w) for w in words]\n',
        ),
        # A nested class.
        Invalid(
            "class Grid:\n    class Cell:  # MEM004\n        def __init__(self, v):\n"
            "            self.v = v\ndef cells(vs):\n    return [Grid.Cell(v) for v in vs]\n",
            fixed="class Grid:\n"
            "    class Cell:  # MEM004\n"
            '        __slots__ = ("v",)\n'
            "\n"
            "        def __init__(self, v):\n"
            "            self.v = v\n"
            "def cells(vs):\n"
            "    return [Grid.Cell(v) for v in vs]\n",
        ),
        # A single loop is weak evidence (low confidence): reported on request.
        Invalid(
            "import abc\nclass Shape(abc.ABC):  # MEM004\n    def __init__(self, n):\n"
            "        self.n = n\ndef build(ns):\n    out = []\n    for n in ns:\n"
            "        out.append(Shape(n))\n    return out\n",
            fixed="import abc\n"
            "class Shape(abc.ABC):  # MEM004\n"
            '    __slots__ = ("n",)\n'
            "\n"
            "    def __init__(self, n):\n"
            "        self.n = n\n"
            "def build(ns):\n"
            "    out = []\n"
            "    for n in ns:\n"
            "        out.append(Shape(n))\n"
            "    return out\n",
            options={"min-confidence": "low"},
        ),
        Invalid(
            "from typing import Generic, TypeVar\nT = TypeVar('T')\n"
            "class Box(Generic[T]):  # MEM004\n    def __init__(self, v: T):\n"
            "        self.v = v\ndef boxes(vs):\n    return list(map(Box, vs))\n",
            fixed="from typing import Generic, TypeVar\n"
            "T = TypeVar('T')\n"
            "class Box(Generic[T]):  # MEM004\n"
            '    __slots__ = ("v",)\n'
            "\n"
            "    def __init__(self, v: T):\n"
            "        self.v = v\n"
            "def boxes(vs):\n"
            "    return list(map(Box, vs))\n",
        ),
        # A dataclass: `slots=True` from 3.10; no fix before (fields with defaults cannot
        # keep them as slots).
        Invalid(
            "from dataclasses import dataclass\n@dataclass(frozen=True)\nclass Tok:  # MEM004\n"
            "    kind: str\n    text: str = ''\ndef lex(words):\n"
            "    return (Tok('w', w) for w in words)\n",
            fixed="from dataclasses import dataclass\n"
            "@dataclass(frozen=True, slots=True)\n"
            "class Tok:  # MEM004\n"
            "    kind: str\n"
            "    text: str = ''\n"
            "def lex(words):\n"
            "    return (Tok('w', w) for w in words)\n",
            target_version=(3, 12),
        ),
        Invalid(
            "from dataclasses import dataclass\n@dataclass\nclass Tok:  # MEM004\n"
            "    kind: str\ndef lex(words):\n    return [Tok(w) for w in words]\n",
            fixed="from dataclasses import dataclass\n"
            "@dataclass(slots=True)\n"
            "class Tok:  # MEM004\n"
            "    kind: str\n"
            "def lex(words):\n"
            "    return [Tok(w) for w in words]\n",
            target_version=(3, 10),
        ),
        Invalid(
            "from dataclasses import dataclass\n@dataclass\nclass Tok:  # MEM004\n"
            "    kind: str\ndef lex(words):\n    return [Tok(w) for w in words]\n",
            target_version=(3, 9),
        ),
        # Weakly referenced dataclass instances need `weakref_slot=True` (3.11).
        Invalid(
            "import weakref\nfrom dataclasses import dataclass\n@dataclass\n"
            "class Tok:  # MEM004\n    kind: str\ndef lex(words):\n"
            "    toks = [Tok(w) for w in words]\n"
            "    return toks, [weakref.ref(t) for t in toks]\n",
            fixed="import weakref\n"
            "from dataclasses import dataclass\n"
            "@dataclass(slots=True, weakref_slot=True)\n"
            "class Tok:  # MEM004\n"
            "    kind: str\n"
            "def lex(words):\n"
            "    toks = [Tok(w) for w in words]\n"
            "    return toks, [weakref.ref(t) for t in toks]\n",
            target_version=(3, 11),
        ),
        Invalid(
            "import weakref\nfrom dataclasses import dataclass\n@dataclass\n"
            "class Tok:  # MEM004\n    kind: str\ndef lex(words):\n"
            "    toks = [Tok(w) for w in words]\n"
            "    return toks, [weakref.ref(t) for t in toks]\n",
            target_version=(3, 10),
        ),
        # `slots=True` makes a new class, which breaks zero-argument `super()` before 3.14.
        Invalid(
            "from dataclasses import dataclass\n@dataclass\nclass Tok:  # MEM004\n"
            "    kind: str\n    def __str__(self):\n        return super().__str__()\n"
            "def lex(words):\n    return [Tok(w) for w in words]\n",
            target_version=(3, 12),
        ),
        Invalid(
            "import attr\n@attr.s\nclass Tok:  # MEM004\n    kind = attr.ib()\ndef lex(words):\n"
            "    return [Tok(w) for w in words]\n",
            fixed="import attr\n"
            "@attr.s(slots=True)\n"
            "class Tok:  # MEM004\n"
            "    kind = attr.ib()\n"
            "def lex(words):\n"
            "    return [Tok(w) for w in words]\n",
        ),
        Invalid(
            "import attr\n@attr.s(auto_attribs=True, frozen=True)\nclass Tok:  # MEM004\n"
            "    kind: str\n    text: str = ''\ndef lex(words):\n"
            "    return [Tok('w', w) for w in words]\n",
            fixed="import attr\n"
            "@attr.s(auto_attribs=True, frozen=True, slots=True)\n"
            "class Tok:  # MEM004\n"
            "    kind: str\n"
            "    text: str = ''\n"
            "def lex(words):\n"
            "    return [Tok('w', w) for w in words]\n",
        ),
        # A slotted base, a subclass without its own __slots__.
        Invalid(
            "class Base:\n    __slots__ = ('a',)\nclass Leaf(Base):  # MEM004\n"
            "    def __init__(self, a, b):\n        self.a = a\n        self.b = b\n"
            "def load(xs):\n    return [Leaf(x, x) for x in xs]\n",
            fixed="class Base:\n"
            "    __slots__ = ('a',)\n"
            "class Leaf(Base):  # MEM004\n"
            '    __slots__ = ("b",)\n'
            "\n"
            "    def __init__(self, a, b):\n"
            "        self.a = a\n"
            "        self.b = b\n"
            "def load(xs):\n"
            "    return [Leaf(x, x) for x in xs]\n",
        ),
        # Through a factory classmethod, and through a function called in a loop.
        Invalid(
            "class Node:  # MEM004\n    def __init__(self, value):\n        self.value = value\n"
            "    @classmethod\n    def parse(cls, text):\n        return cls(int(text))\n"
            "def parse_all(texts):\n    return [Node.parse(t) for t in texts]\n",
            fixed="class Node:  # MEM004\n"
            '    __slots__ = ("value",)\n'
            "\n"
            "    def __init__(self, value):\n"
            "        self.value = value\n"
            "    @classmethod\n"
            "    def parse(cls, text):\n"
            "        return cls(int(text))\n"
            "def parse_all(texts):\n"
            "    return [Node.parse(t) for t in texts]\n",
        ),
        Invalid(
            "class Row:  # MEM004\n    def __init__(self, cells):\n        self.cells = cells\n"
            "def make_row(line):\n    return Row(line.split(','))\ndef read(lines):\n"
            "    return [make_row(line) for line in lines]\n",
            fixed="class Row:  # MEM004\n"
            '    __slots__ = ("cells",)\n'
            "\n"
            "    def __init__(self, cells):\n"
            "        self.cells = cells\n"
            "def make_row(line):\n"
            "    return Row(line.split(','))\n"
            "def read(lines):\n"
            "    return [make_row(line) for line in lines]\n",
        ),
        # Weakly referenced instances need "__weakref__" among the slots.
        Invalid(
            "import weakref\nclass Item:  # MEM004\n    def __init__(self, k):\n"
            "        self.k = k\ndef index(keys):\n    items = [Item(k) for k in keys]\n"
            "    return items, [weakref.ref(i) for i in items]\n",
            fixed="import weakref\n"
            "class Item:  # MEM004\n"
            '    __slots__ = ("k", "__weakref__")\n'
            "\n"
            "    def __init__(self, k):\n"
            "        self.k = k\n"
            "def index(keys):\n"
            "    items = [Item(k) for k in keys]\n"
            "    return items, [weakref.ref(i) for i in items]\n",
        ),
        # A loop at module level: low confidence.
        Invalid(
            "class Cell:  # MEM004\n    def __init__(self, v):\n        self.v = v\ngrid = []\n"
            "for v in open('data'):\n    grid.append(Cell(v))\n",
            fixed="class Cell:  # MEM004\n"
            '    __slots__ = ("v",)\n'
            "\n"
            "    def __init__(self, v):\n"
            "        self.v = v\n"
            "grid = []\n"
            "for v in open('data'):\n"
            "    grid.append(Cell(v))\n",
            options={"min-confidence": "low"},
        ),
        # No fix: a class-level value of a slot name raises ValueError when the class is built.
        Invalid(
            "class P:  # MEM004\n    size = 0\n    def __init__(self, x):\n        self.x = x\n"
            "        self.size = 1\ndef load(xs):\n    return [P(x) for x in xs]\n",
        ),
        # No fix: the body is on the `class` line.
        Invalid(
            "class Rec: pass  # MEM004\ndef load(rows):\n    out = []\n    for row in rows:\n"
            "        rec = Rec()\n        rec.row = row\n        out.append(rec)\n"
            "    return out\n",
            options={"min-confidence": "low"},
        ),
        # No fix: a subclass also has a slotted base (instance lay-out conflict).
        Invalid(
            "class Base:  # MEM004\n    def __init__(self, x):\n        self.x = x\n"
            "class Mixin:\n    __slots__ = ('m',)\nclass Both(Base, Mixin):\n    pass\n"
            "def load(xs):\n    return [Base(x) for x in xs]\n",
        ),
        # No fix: MEM005's fix makes `parent` a property, which cannot share a slot's name.
        Invalid(
            "class Node:  # MEM004\n    def __init__(self):\n        self.parent = None\n"
            "        self.children = []\n    def add(self, child):\n"
            "        child.parent = self\n        self.children.append(child)\ndef load(xs):\n"
            "    return [Node() for x in xs]\n",
        ),
        # Unsafe: pickling hooks, or `vars()` of objects the analysis cannot tie to a class.
        Invalid(
            "class P:  # MEM004\n    def __init__(self, x):\n        self.x = x\n"
            "    def __reduce__(self):\n        return (P, (self.x,))\ndef load(xs):\n"
            "    return [P(x) for x in xs]\n",
            unsafe_fixed="class P:  # MEM004\n"
            '    __slots__ = ("x",)\n'
            "\n"
            "    def __init__(self, x):\n"
            "        self.x = x\n"
            "    def __reduce__(self):\n"
            "        return (P, (self.x,))\n"
            "def load(xs):\n"
            "    return [P(x) for x in xs]\n",
        ),
        Invalid(
            "class P:  # MEM004\n    def __init__(self, x):\n        self.x = x\ndef load(xs):\n"
            "    return [P(x) for x in xs]\ndef dump(obj):\n    return vars(obj)\n",
            unsafe_fixed="class P:  # MEM004\n"
            '    __slots__ = ("x",)\n'
            "\n"
            "    def __init__(self, x):\n"
            "        self.x = x\n"
            "def load(xs):\n"
            "    return [P(x) for x in xs]\n"
            "def dump(obj):\n"
            "    return vars(obj)\n",
        ),
    )

    @classmethod
    def estimate(cls, finding: Finding, python: tuple[int, int]) -> Optional[Estimate]:
        k = int(finding.detail("k", 0) or 0)
        if k <= 0:
            return None
        weakref = bool(finding.detail("weakref", False))
        saved = slots_saving(k, python, weakref_slot=weakref)
        plain = instance_layout(k, python)
        slotted = instance_layout(k, python, slotted=True, weakref_slot=weakref)
        return Estimate(
            bytes_saved=saved,
            resident_bytes_saved=_resident(plain, python) - _resident(slotted, python),
            unit="instance",
            method="modelled",
            python=format_version(python),
            note=f"{k} attribute{'s' if k != 1 else ''}; values excluded, they cost the same",
        )

    @classmethod
    def cost_table(cls, python: tuple[int, int]) -> Optional[CostTable]:
        return slots_table(python)

    @classmethod
    def project_fix(cls, finding: Finding, context: RuleContext) -> Optional[FixPlan]:
        return _project_fix(finding, context)

    @classmethod
    def check_project(
        cls, project: Project, options: Mapping[str, Any], target_version: tuple[int, int]
    ) -> Sequence[ProjectReport]:
        floor = _RANK.get(str(options.get("min-confidence", "medium")).lower(), 1)
        reports = []
        join: Optional[_FixFacts] = None
        for qualname, use in project.hot_classes().items():
            if _RANK[_confidence(use).value] < floor:
                continue
            entry = project.classes.get(qualname)
            if entry is None:
                continue
            if join is None:
                join = _FixFacts(
                    _strong_back_references(project, target_version), _imports_weakref(project)
                )
            facts, module = entry
            report = _judge(project, facts, module.path, use, target_version, join)
            if report is not None:
                reports.append(report)
        reports.sort(key=lambda r: (r.path, r.span.line, r.span.column))
        return reports


def _judge(
    project: Project,
    cls: ClassFacts,
    path: str,
    use: HotUse,
    target_version: tuple[int, int],
    join: _FixFacts,
) -> Optional[ProjectReport]:
    if cls.slots is not None or cls.dynamic or project.dict_used(cls.qualname):
        return None
    if any(keyword not in _KEYWORDS for keyword in cls.keywords):
        return None  # an unknown metaclass can do anything with instances
    attrs_suggestion = _attrs_suggestion(cls)
    if attrs_suggestion == "":
        return None
    if any(d not in _DECORATORS and d != (cls.attrs or ("",))[0] for d in cls.decorators):
        return None
    if cls.dataclass is not None and dict(cls.dataclass).get("slots", "False") != "False":
        return None
    inherited = _slotted_bases(project, cls, set())
    if inherited is None:
        return None
    # A base with empty or partial slots that sets attributes itself stores them in
    # this class's ``__dict__`` today: they are this class's to declare.
    from_bases = [a for base in project.mro(cls) if base is not cls for a in base.attributes]
    every = (*cls.attributes, *project.external_attributes(cls.qualname), *from_bases)
    attributes = [a for a in dict.fromkeys(every) if a not in inherited]
    if not attributes:
        return None
    weakref = project.weakly_referenced(cls.qualname) and "__weakref__" not in inherited
    weakref_possible = weakref or ("__weakref__" not in inherited and join.imports_weakref)
    strong = join.back_references.get(cls.qualname, set())
    is_dataclass = cls.dataclass is not None
    slots_keyword = (
        is_dataclass and target_version >= (3, 10) and (not weakref or target_version >= (3, 11))
    )
    subclasses = [
        name.rpartition(".")[2]
        for name in project.subclasses(cls.qualname)
        if project.classes[name][0].slots is None
    ]
    message = _message(
        cls, attributes, use, path, weakref, slots_keyword, attrs_suggestion, subclasses
    )
    line, column, end_line, end_column = cls.span
    return ProjectReport(
        path=path,
        span=Span(line, column, end_line, end_column),
        message=message,
        severity=MissingSlots.severity,
        confidence=_confidence(use),
        details=(
            ("class", cls.qualname),
            ("attributes", attributes),
            ("k", len(attributes)),
            ("weakref", weakref),
            ("dataclass", is_dataclass),
            ("dataclass_slots", slots_keyword),
            ("attrs", cls.attrs is not None),
            ("conflicts", [c for c in cls.conflicts if c in attributes]),
            ("pickling_hooks", cls.pickling),
            ("zero_arg_super", cls.zero_arg_super),
            ("subclasses_without_slots", subclasses),
            ("weakref_possible", weakref_possible),
            ("layout_conflict", _layout_conflict(project, cls)),
            ("back_reference_slots", [a for a in attributes if a in strong]),
            ("hot_context", use.context),
            ("hot_path", use.path),
            ("hot_line", use.line),
            ("hot_via", use.via),
        ),
    )


def _confidence(use: HotUse) -> Confidence:
    """Bulk evidence (a comprehension, ``map()``, nested loops, a loop in a function
    itself called in a loop) is high, or medium one function call away; a single
    loop is low: on real code most such classes turn out to be set-up objects built
    a few times (per grammar rule, per option, per file)."""
    if use.level >= BULK:
        return Confidence.MEDIUM if use.indirect else Confidence.HIGH
    return Confidence.LOW


def _attrs_suggestion(cls: ClassFacts) -> Optional[str]:
    """``None``: not an attrs class; ``""``: slotted (or deliberately not); else the fix."""
    if cls.attrs is None:
        return None
    decorator, arguments = cls.attrs
    slots = dict(arguments).get("slots")
    if decorator in _ATTRS_SLOTTED_BY_DEFAULT or slots is not None:
        return ""  # slotted, or the author chose slots=False on purpose
    return f"@{decorator}(slots=True)"


def _slotted_bases(project: Project, cls: ClassFacts, seen: set[str]) -> Optional[set[str]]:
    """Slot names every base provides, or ``None`` when a base has a ``__dict__``
    (or might: unknown and external bases, Protocols)."""
    names: set[str] = set()
    for base, facts in project.bases(cls):
        if base in _PROTOCOLS:
            return None
        if facts is None:
            if base in _SLOTTED_EXTERNAL_BASES or base.startswith(_SLOTTED_EXTERNAL_PREFIXES):
                continue
            return None
        slots = _declared_slots(facts)
        if facts.qualname in seen or slots is None or "?" in slots or "__dict__" in slots:
            return None
        if any(keyword not in _KEYWORDS for keyword in facts.keywords):
            return None
        inherited = _slotted_bases(project, facts, seen | {facts.qualname})
        if inherited is None:
            return None
        names.update(slots, inherited)
    return names


def _declared_slots(cls: ClassFacts) -> Optional[tuple[str, ...]]:
    """The slots a class gets: its ``__slots__``, or the fields of a slotted
    dataclass or attrs class (which make ``__slots__`` when the class is built)."""
    if cls.slots is not None:
        return cls.slots
    if cls.dataclass is not None:
        arguments = dict(cls.dataclass)
        if arguments.get("slots") == "True":
            weak = ("__weakref__",) if arguments.get("weakref_slot") == "True" else ()
            return (*cls.attributes, *weak)
    if cls.attrs is not None and _attrs_suggestion(cls) == "":
        arguments = dict(cls.attrs[1])
        if arguments.get("slots") != "False":
            weak = () if arguments.get("weakref_slot") == "False" else ("__weakref__",)
            return (*cls.attributes, *weak)
    return None


def _message(
    cls: ClassFacts,
    attributes: list[str],
    use: HotUse,
    path: str,
    weakref: bool,
    slots_keyword: bool,
    attrs_suggestion: Optional[str],
    subclasses: list[str],
) -> str:
    kind = "Dataclass" if cls.dataclass is not None else "Class"
    noun = "field" if cls.dataclass is not None else "attribute"
    k = len(attributes)
    shown = ", ".join(f"`{a}`" for a in attributes[:_SHOWN_NAMES])
    if k > _SHOWN_NAMES:
        shown += f" and {k - _SHOWN_NAMES} more"
    slot_names = [*attributes, "__weakref__"] if weakref else attributes
    literal = ", ".join(f'"{a}"' for a in slot_names[:_SHOWN_NAMES])
    if len(slot_names) > _SHOWN_NAMES:
        literal += ", ..."
    elif len(slot_names) == 1:
        literal += ","
    conflicts = [c for c in cls.conflicts if c in attributes]
    if attrs_suggestion:
        remedy = f"`{attrs_suggestion}` would remove it"
    elif slots_keyword:
        keyword = "slots=True, weakref_slot=True" if weakref else "slots=True"
        remedy = f"`@dataclass({keyword})` would remove it"
    else:
        remedy = f"`__slots__ = ({literal})` would remove it"
        if cls.dataclass is not None:
            remedy += " (`slots=True` needs Python 3.10, `weakref_slot=True` 3.11)"
            if conflicts:
                remedy += ", but fields with defaults cannot keep them"
        elif conflicts:
            names = ", ".join(f"`{c}`" for c in conflicts)
            remedy += f" once the class-level values of {names} move into `__init__`"
    if weakref and not slots_keyword:
        remedy += ", with `__weakref__` because instances are weakly referenced"
    if subclasses:
        names = ", ".join(f"`{s}`" for s in subclasses[:3])
        more = " and others" if len(subclasses) > 3 else ""
        remedy += f", and subclasses {names}{more} need their own `__slots__` too"
    return (
        f"{kind} `{cls.name}` has no `__slots__` and is instantiated "
        f"{_where(use, path)}, so each instance carries a `__dict__` for its "
        f"{k} {noun}{'s' if k != 1 else ''} ({shown}); {remedy}."
    )


def _where(use: HotUse, path: str) -> str:
    place = f"line {use.line}" if use.path == path else f"{use.path}:{use.line}"
    article = "an" if use.context[:1] in "aeiou" else "a"
    context = f"{article} {use.context}"
    if use.context == LOOP and use.level >= BULK:
        context = "nested loops" if not use.indirect else "a loop"
    elif use.context.endswith("()"):
        context = f"by `{use.context}`"
    if use.via:
        via = use.via.rpartition(".")
        owner = via[0].rpartition(".")[2]
        name = f"{owner}.{via[2]}" if owner[:1].isupper() else via[2]
        return f"through `{name}()`, called {_in(context)} at {place}"
    return f"{_in(context)} at {place}"


def _in(context: str) -> str:
    return context if context.startswith("by ") else f"in {context}"


def _resident(layout: Any, python: tuple[int, int]) -> int:
    """Bytes after pymalloc rounds each block of an instance to its size class."""
    blocks = (layout.object_bytes, layout.values_bytes, layout.dict_bytes)
    return sum(pymalloc_resident(size, python) for size in blocks if size)


# -- what the fix must know from the join ---------------------------------------------------


@dataclass(frozen=True, **SLOTS)
class _FixFacts:
    """Project-wide facts the fix details need, computed once per join."""

    #: Class qualname -> attributes MEM005 reports as strong back-references.
    back_references: Mapping[str, set[str]]
    #: Some module imports :mod:`weakref` (see :func:`_imports_weakref`).
    imports_weakref: bool


def _strong_back_references(
    project: Project, target_version: tuple[int, int]
) -> dict[str, set[str]]:
    """Attributes MEM005 reports as strong back-references, by the class that holds
    them: its fix turns each into a property, which cannot share its name with a slot,
    so both fixes in one run would make a class that fails to build."""
    found: dict[str, set[str]] = {}
    modules = {facts.path: facts for facts in project.facts}
    for report in StrongParentReference.check_project(project, {}, target_version):
        facts = modules.get(report.path)
        span = report.span
        if facts is not None and Suppressions(facts.suppressions).suppresses(
            StrongParentReference.code, span.line, span.end_line
        ):
            continue
        details = dict(report.details)
        holder = str(details.get("child_class") or details.get("owner_class") or "")
        if holder:
            names = {str(details["attribute"]), *(str(a) for a in details.get("also", ()))}
            found.setdefault(holder, set()).update(names)
    return found


def _imports_weakref(project: Project) -> bool:
    """Whether any module of the project imports :mod:`weakref`. The facts tie a weak
    reference to a class only when it is taken on an object the scanner saw being
    built (``weakref.ref(Item(k))``, ``ref = weakref.ref(item)`` after ``item =
    Item(k)``), not on a loop variable or a parameter; a slotted class without
    ``"__weakref__"`` would make those raise ``TypeError``."""
    return any(
        target == "weakref" or target.startswith("weakref.")
        for facts in project.facts
        for target in facts.imports.values()
    )


def _layout_conflict(project: Project, cls: ClassFacts) -> bool:
    """Whether a subclass also inherits from a base with an instance layout of its
    own (non-empty slots, a builtin type, or a base we cannot see): with slots here
    too, building that subclass would raise "multiple bases have instance lay-out
    conflict"."""
    seen: set[str] = set()
    pending = [cls.qualname]
    while pending:
        name = pending.pop()
        for sub in project.subclasses(name):
            if sub in seen:
                continue
            seen.add(sub)
            pending.append(sub)
            for base, facts in project.bases(project.classes[sub][0]):
                if facts is not None and facts.qualname == name:
                    continue
                if _has_layout(project, base, facts, set()):
                    return True
    return False


def _has_layout(project: Project, base: str, facts: Optional[ClassFacts], seen: set[str]) -> bool:
    if facts is None:
        known = base in _SLOTTED_EXTERNAL_BASES or base.startswith(_SLOTTED_EXTERNAL_PREFIXES)
        return not known
    if facts.qualname in seen:
        return False
    slots = _declared_slots(facts)
    if slots is not None and any(s not in ("__weakref__", "__dict__") for s in slots):
        return True
    return any(
        _has_layout(project, name, inner, seen | {facts.qualname})
        for name, inner in project.bases(facts)
    )


# -- the fix --------------------------------------------------------------------------------

_DATACLASS = "dataclasses.dataclass"
_ATTRS_FIELDS = frozenset({"attr.ib", "attr.attrib", "attr.field", "attrs.field"})
_BLOCKING_KEYWORDS = frozenset({"slots", "weakref_slot", "these"})


def _project_fix(finding: Finding, context: RuleContext) -> Optional[FixPlan]:
    if finding.detail("layout_conflict") or finding.detail("back_reference_slots"):
        return None
    path = class_path(str(finding.detail("class", "")), context.index.module)
    node = find_class(context.module, path) if path else None
    if node is None or _has_slots(node):
        return None
    attributes = [str(a) for a in finding.detail("attributes", ())]
    if not attributes:
        return None
    weakref = bool(finding.detail("weakref_possible", finding.detail("weakref", False)))
    if _pickling_reads_dict(node):
        return None
    unsafe = bool(finding.detail("pickling_hooks")) or _instances_opened_up(context.module)
    if finding.detail("dataclass"):
        return _dataclass_fix(finding, context, node, attributes, weakref, unsafe)
    if finding.detail("attrs"):
        return _attrs_fix(context, node, attributes, unsafe)
    if finding.detail("conflicts"):
        return None  # a class-level value of a slot name: ValueError when the class is built
    slots = [*attributes, "__weakref__"] if weakref else attributes
    new = _with_slots(node, slots, context.module)
    if new is None:
        return None
    literal = _literal(slots)
    applicability = Applicability.UNSAFE if unsafe else Applicability.SAFE
    return FixPlan(f"Add `__slots__ = {literal}`", applicability, (Replace(node.body, new),))


def _dataclass_fix(
    finding: Finding,
    context: RuleContext,
    node: cst.ClassDef,
    attributes: list[str],
    weakref: bool,
    unsafe: bool,
) -> Optional[FixPlan]:
    target = context.target_version
    if target < (3, 10) or (weakref and target < (3, 11)):
        return None  # ``slots=True`` needs 3.10, ``weakref_slot=True`` 3.11
    if finding.detail("zero_arg_super") and target < (3, 14):
        return None  # the new class breaks ``super()``'s ``__class__`` cell before 3.14
    if not set(attributes) <= _fields(node, context, attrs=False):
        return None  # slots=True makes slots for fields only
    keywords = ["slots=True", *(["weakref_slot=True"] if weakref else [])]
    return _decorator_fix(context, node, _DATACLASS, keywords, unsafe)


def _attrs_fix(
    context: RuleContext, node: cst.ClassDef, attributes: list[str], unsafe: bool
) -> Optional[FixPlan]:
    # attrs rewrites ``super()``'s cell and adds ``__weakref__`` to slotted classes.
    if not set(attributes) <= _fields(node, context, attrs=True):
        return None
    return _decorator_fix(context, node, "attr", ["slots=True"], unsafe)


def _decorator_fix(
    context: RuleContext, node: cst.ClassDef, prefix: str, keywords: list[str], unsafe: bool
) -> Optional[FixPlan]:
    for decorator in node.decorators:
        expression = decorator.decorator
        target = expression.func if isinstance(expression, cst.Call) else expression
        qualified = context.qualified_name(target) or ""
        if qualified != prefix and not qualified.startswith(f"{prefix}."):
            continue
        new_arguments = [
            cst.ensure_type(cst.parse_expression(f"f({keyword})"), cst.Call).args[0]
            for keyword in keywords
        ]
        if isinstance(expression, cst.Call):
            if any(
                a.keyword is not None and a.keyword.value in _BLOCKING_KEYWORDS
                for a in expression.args
            ):
                return None
            if any(a.star for a in expression.args):
                return None  # ``**options`` may set slots already
            arguments = append_items(
                expression.args, new_arguments, expression.whitespace_before_args
            )
            new = expression.with_changes(args=arguments)
        else:
            new = cst.Call(func=expression, args=new_arguments)
        # A new class replaces the original: ``__init_subclass__`` and metaclass hooks
        # of a base run for both, and may have recorded the first one.
        based = any(
            base.keyword is None and context.qualified_name(base.value) != "builtins.object"
            for base in node.bases
        )
        applicability = Applicability.UNSAFE if unsafe or based else Applicability.SAFE
        shown = context.module.code_for_node(new)
        return FixPlan(f"Use `@{shown}`", applicability, (Replace(expression, new),))
    return None


def _fields(node: cst.ClassDef, context: RuleContext, *, attrs: bool) -> set[str]:
    """Names the decorator makes fields (and so slots) of."""
    auto = not attrs
    if attrs:
        for decorator in node.decorators:
            expression = decorator.decorator
            if isinstance(expression, cst.Call):
                for argument in expression.args:
                    if argument.keyword is not None and argument.keyword.value == "auto_attribs":
                        auto = (
                            isinstance(argument.value, cst.Name) and argument.value.value == "True"
                        )
    fields: set[str] = set()
    for statement in body_statements(node):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                auto_field = auto and not _is_classvar(small.annotation.annotation)
                if auto_field or (attrs and _is_attrs_field(small.value, context)):
                    fields.add(small.target.value)
            elif attrs and isinstance(small, cst.Assign) and _is_attrs_field(small.value, context):
                fields.update(
                    t.target.value for t in small.targets if isinstance(t.target, cst.Name)
                )
    return fields


def _is_attrs_field(value: Optional[cst.BaseExpression], context: RuleContext) -> bool:
    return isinstance(value, cst.Call) and context.qualified_name(value.func) in _ATTRS_FIELDS


def _is_classvar(annotation: cst.BaseExpression) -> bool:
    target = annotation.value if isinstance(annotation, cst.Subscript) else annotation
    if isinstance(target, cst.SimpleString):
        text = str(target.evaluated_value)
        return text.split("[")[0].rpartition(".")[2] in ("ClassVar", "InitVar")
    name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", "")
    return name in ("ClassVar", "InitVar")


def _has_slots(node: cst.ClassDef) -> bool:
    for statement in body_statements(node):
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets: list[cst.BaseExpression] = []
                if isinstance(small, cst.Assign):
                    targets = [t.target for t in small.targets]
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    targets = [small.target]
                if any(isinstance(t, cst.Name) and t.value == "__slots__" for t in targets):
                    return True
    return False


_PICKLING_HOOKS = frozenset({"__getstate__", "__setstate__", "__reduce__", "__reduce_ex__"})


def _pickling_reads_dict(node: cst.ClassDef) -> bool:
    """A pickling hook that reads or writes ``__dict__`` (or ``vars()``)."""
    for statement in body_statements(node):
        if isinstance(statement, cst.FunctionDef) and statement.name.value in _PICKLING_HOOKS:
            finder = _DictUse()
            visit_batched(statement, [finder])
            if finder.found:
                return True
    return False


class _DictUse(Visitor):
    """``x.__dict__``, ``vars(x)``, ``setattr(x, computed, v)``, ``x.__class__ = C``:
    code that needs an instance ``__dict__`` or the plain layout."""

    def __init__(self) -> None:
        self.found = False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "__dict__":
            self.found = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value == "vars" and node.args:
            self.found = True
        elif isinstance(func, cst.Name) and func.value in ("setattr", "delattr"):
            name = node.args[1].value if len(node.args) > 1 else None
            if not isinstance(name, cst.SimpleString):
                self.found = True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        target = node.target
        if isinstance(target, cst.Attribute) and target.attr.value == "__class__":
            self.found = True


def _instances_opened_up(module: cst.Module) -> bool:
    """Whether this file uses some object's ``__dict__`` the facts could not tie
    to a class (a parameter, a loop variable): it may be an instance of ours."""
    finder = _DictUse()
    visit_batched(module, [finder])
    return finder.found


def _literal(names: Sequence[str]) -> str:
    inner = ", ".join(f'"{name}"' for name in names)
    return f"({inner},)" if len(names) == 1 else f"({inner})"


def _with_slots(
    node: cst.ClassDef, names: Sequence[str], module: cst.Module
) -> Optional[cst.IndentedBlock]:
    """The class body with ``__slots__`` first (after the docstring)."""
    body = node.body
    if not isinstance(body, cst.IndentedBlock):
        return None  # ``class A: pass`` has no line to add it to
    statement = cst.parse_statement(
        f"__slots__ = {_literal(names)}\n", config=module.config_for_parsing
    )
    statements = list(body.body)
    docstring = docstring_statement(body)
    position = 1 if docstring is not None else 0
    if position < len(statements):
        following = statements[position]
        lines = _leading_lines(following)
        blank = _leading_blanks(lines)
        if docstring is not None and blank:
            # ``"""Doc."""`` / blank / ``__slots__`` / blank / ``def``: the blank
            # line after the docstring stays where it was.
            statement = statement.with_changes(leading_lines=lines[:blank])
            lines = lines[blank:]
        if _is_compound(following) and not _leading_blanks(lines):
            lines = (cst.EmptyLine(indent=False), *lines)
        statements[position] = following.with_changes(leading_lines=lines)
    statements.insert(position, statement)
    return body.with_changes(body=statements)


def _leading_lines(statement: cst.BaseStatement) -> tuple[cst.EmptyLine, ...]:
    if isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return tuple(statement.leading_lines)
    return ()


def _leading_blanks(lines: Sequence[cst.EmptyLine]) -> int:
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


def _is_compound(statement: cst.BaseStatement) -> bool:
    return not isinstance(statement, cst.SimpleStatementLine)
