"""MEM004 missing-slots."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from memlint.facts import BULK, LOOP, ClassFacts
from memlint.finding import Confidence, Estimate, Finding, Severity, Span
from memlint.model import (
    CostTable,
    format_version,
    instance_layout,
    pymalloc_resident,
    slots_saving,
    slots_table,
)
from memlint.project import HotUse, Project
from memlint.rule import Invalid, ProjectReport, Rule, Valid

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
    There is no automatic fix yet. Adding `__slots__` changes behaviour a program may
    rely on: instances no longer accept attributes outside the slots (the rule counts
    the ones the project assigns, also from outside the class), class-level defaults
    of slotted names must move into `__init__`, instances cannot be weakly referenced
    unless `"__weakref__"` is a slot (the message says when the project takes weak
    references), pickling hooks that use `__dict__` must change, and a subclass without
    its own `__slots__` gets a `__dict__` back. `@dataclass(slots=True)` builds a new
    class, which breaks zero-argument `super()` in its methods before Python 3.14.

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
            "        self.y = y\n"
            "def load(rows):\n    return [Point(x, y) for x, y in rows]\n"
        ),
        # A single loop is weak evidence (low confidence): reported on request.
        Invalid(
            "import abc\nclass Shape(abc.ABC):  # MEM004\n    def __init__(self, n):\n"
            "        self.n = n\n"
            "def build(ns):\n    out = []\n    for n in ns:\n        out.append(Shape(n))\n"
            "    return out\n",
            options={"min-confidence": "low"},
        ),
        Invalid(
            "from typing import Generic, TypeVar\nT = TypeVar('T')\n"
            "class Box(Generic[T]):  # MEM004\n    def __init__(self, v: T):\n        self.v = v\n"
            "def boxes(vs):\n    return list(map(Box, vs))\n"
        ),
        # A dataclass: `slots=True` from 3.10, a hand-written __slots__ before.
        Invalid(
            "from dataclasses import dataclass\n@dataclass(frozen=True)\n"
            "class Tok:  # MEM004\n    kind: str\n    text: str = ''\n"
            "def lex(words):\n    return (Tok('w', w) for w in words)\n",
            target_version=(3, 12),
        ),
        Invalid(
            "from dataclasses import dataclass\n@dataclass\nclass Tok:  # MEM004\n    kind: str\n"
            "def lex(words):\n    return [Tok(w) for w in words]\n",
            target_version=(3, 9),
        ),
        Invalid(
            "import attr\n@attr.s\nclass Tok:  # MEM004\n    kind = attr.ib()\n"
            "def lex(words):\n    return [Tok(w) for w in words]\n"
        ),
        # A slotted base, a subclass without its own __slots__.
        Invalid(
            "class Base:\n    __slots__ = ('a',)\nclass Leaf(Base):  # MEM004\n"
            "    def __init__(self, a, b):\n        self.a = a\n        self.b = b\n"
            "def load(xs):\n    return [Leaf(x, x) for x in xs]\n"
        ),
        # Through a factory classmethod, and through a function called in a loop.
        Invalid(
            "class Node:  # MEM004\n    def __init__(self, value):\n        self.value = value\n"
            "    @classmethod\n    def parse(cls, text):\n        return cls(int(text))\n"
            "def parse_all(texts):\n    return [Node.parse(t) for t in texts]\n"
        ),
        Invalid(
            "class Row:  # MEM004\n    def __init__(self, cells):\n        self.cells = cells\n"
            "def make_row(line):\n    return Row(line.split(','))\n"
            "def read(lines):\n    return [make_row(line) for line in lines]\n"
        ),
        # Weakly referenced instances need "__weakref__" among the slots.
        Invalid(
            "import weakref\nclass Item:  # MEM004\n    def __init__(self, k):\n"
            "        self.k = k\n"
            "def index(keys):\n    items = [Item(k) for k in keys]\n"
            "    return items, [weakref.ref(i) for i in items]\n"
        ),
        # A loop at module level: low confidence.
        Invalid(
            "class Cell:  # MEM004\n    def __init__(self, v):\n        self.v = v\n"
            "grid = []\nfor v in open('data'):\n    grid.append(Cell(v))\n",
            options={"min-confidence": "low"},
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
    def check_project(
        cls, project: Project, options: Mapping[str, Any], target_version: tuple[int, int]
    ) -> Sequence[ProjectReport]:
        floor = _RANK.get(str(options.get("min-confidence", "medium")).lower(), 1)
        reports = []
        for qualname, use in project.hot_classes().items():
            if _RANK[_confidence(use).value] < floor:
                continue
            entry = project.classes.get(qualname)
            if entry is None:
                continue
            facts, module = entry
            report = _judge(project, facts, module.path, use, target_version)
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
    every = (*cls.attributes, *project.external_attributes(cls.qualname))
    attributes = [a for a in dict.fromkeys(every) if a not in inherited]
    if not attributes:
        return None
    weakref = project.weakly_referenced(cls.qualname) and "__weakref__" not in inherited
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
