"""Per-file program facts for the project-wide rules (MEM004, MEM005).

A class defined in one module is often instantiated in a loop in another, and a
child class may store its parent while the parent's class, elsewhere, keeps the
child in a list. So these rules work in two phases: here, one ``ast`` pass per
file records small, picklable facts about what the code *does* (classes, their
attributes and ``__slots__``, where callables are used in bulk and from which
function, back-references and container insertions); :mod:`memlint.project`
joins the facts of every file by qualified name and the rules decide what is
*wrong*.

Facts hold names, lines and spans only, never AST nodes, so they can be
computed in worker processes, cached per file, and joined once. They are kept
small on purpose (a few kilobytes for the largest stdlib modules): classes that
no project rule could ever judge are left out, and per-function call lists keep
only callees that look like classes (the join needs nothing else).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from memlint._compat import SLOTS
from memlint.index import ModuleIndex, qualified_name
from memlint.source import LineIndex

#: Bumped whenever the shape of the facts changes: cached facts of another shape
#: must not be joined with these (the result cache should mix it into its key).
FACTS_VERSION = 2

# -- where a call happens ---------------------------------------------------------------

#: Contexts of a hot call site (``HotSite[0]``).
LOOP = "loop"
INPUT_LOOP = "loop over the lines or rows of an input"
LISTCOMP = "list comprehension"
SETCOMP = "set comprehension"
DICTCOMP = "dict comprehension"
GENEXP = "generator expression"
MAP = "map()"
DEFAULTDICT = "defaultdict()"

#: How strongly a site suggests many instances (``HotSite[2]``): a loop at module
#: level or in ``main()`` runs once per program (0); a plain loop in a function
#: (1); a comprehension, ``map()`` or nested loop in a function (2). Inside a
#: get-or-create branch (``if key not in cache:``) or an ``except`` block a site
#: counts one level lower.
ONCE, LOOPED, BULK = 0, 1, 2

#: ``(context, line, level, scope, kept)``: scope is the qualified name of the
#: enclosing function (``""`` at module level); ``kept`` says whether the new object
#: outlives the iteration (appended, stored, yielded, returned, passed on, or
#: built by a list/set/dict comprehension) rather than being dropped right away
#: (``Parser(f).run()``, ``print(Job(x))``), which is what makes instances pile up.
HotSite = tuple[str, int, int, str, bool]

#: Marks a callee in ``ModuleFacts.function_calls`` whose object the function
#: only returns.
RETURNED = "<"

#: A source range as ``(line, column, end_line, end_column)`` (see ``finding.Span``).
SpanTuple = tuple[int, int, int, int]

_INSERT_METHODS = frozenset({"append", "add", "insert", "appendleft", "setdefault"})
_WEAKREF_FACTORIES = frozenset({"weakref.ref", "weakref.proxy", "weakref.WeakMethod"})
_WEAK_CONTAINERS = frozenset(
    {"weakref.WeakSet", "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary"}
)
_PICKLING_HOOKS = frozenset({"__getstate__", "__setstate__", "__reduce__", "__reduce_ex__"})
_DYNAMIC_HOOKS = frozenset({"__getattr__", "__getattribute__"})
_IMPLICIT_CLASSMETHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
_MAP_CALLS = frozenset({"builtins.map", "itertools.starmap"})
#: Calls that open a file or stream whose iteration yields one line at a time.
_OPENERS = frozenset(
    {
        "builtins.open",
        "io.open",
        "gzip.open",
        "bz2.open",
        "lzma.open",
        "codecs.open",
        "fileinput.input",
        "tarfile.open",
    }
)
#: Calls whose iteration yields one row or record of some input.
_ROW_READERS = frozenset({"csv.reader", "csv.DictReader", "sqlite3.Cursor.execute"})
#: Methods that return every line of an input.
_LINE_READERS = frozenset({"readlines", "splitlines", "iterrows", "itertuples", "fetchall"})
#: Builtins that use an argument and keep no reference to it.
_NOT_KEEPING = frozenset(
    f"builtins.{name}"
    for name in (
        *("print", "len", "repr", "str", "bool", "int", "float", "isinstance", "issubclass"),
        *("hash", "id", "type", "format", "hasattr", "getattr", "callable", "ascii"),
    )
)
_DEFAULTDICT = frozenset({"collections.defaultdict"})
#: Decorators that store the computed value in the instance ``__dict__``.
_CACHED_PROPERTY_SUFFIXES = ("cached_property", "cachedproperty", "lazyproperty", "reify")
_DATACLASS = frozenset({"dataclasses.dataclass"})
_ATTRS = frozenset(
    {
        "attr.s",
        "attr.attrs",
        "attr.define",
        "attr.mutable",
        "attr.frozen",
        "attr.dataclass",
        "attrs.define",
        "attrs.mutable",
        "attrs.frozen",
    }
)
_ATTRS_FIELDS = frozenset({"attr.ib", "attr.attrib", "attr.field", "attrs.field"})
#: Base classes no project rule can judge (the class is left out of the facts):
#: builtins other than ``object`` (exceptions, containers, ``int``/``str``...) and
#: the typing/enum special forms.
_OPAQUE_BASE_PREFIXES = ("?", "enum.", "ctypes.")
_OPAQUE_BASES = frozenset(
    {
        "typing.NamedTuple",
        "typing.TypedDict",
        "typing_extensions.NamedTuple",
        "typing_extensions.TypedDict",
    }
)
#: Bounded literal loops (``for x in (a, b, c)``, ``range(3)``) are not bulk.
_SMALL_RANGE = 32

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
Comprehension = Union[ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp]


@dataclass(frozen=True, **SLOTS)
class BackReference:
    """An object storing its owner while the owner keeps it in a container.

    ``kind`` is ``"direct"`` when one class shows both halves (``child.parent =
    self`` + ``self.children.append(child)``, or ``self.parent = parent`` +
    ``parent.children.append(self)``, also split over a helper method or a
    property setter), or ``"init"`` for an ``__init__`` that stores a parameter
    (``self.parent = parent``) which only a caller elsewhere may pass its ``self``
    to (resolved in the project join against :class:`Construction` facts).
    ``owner``/``child`` are class qualified names, ``""`` when unknown.
    """

    kind: str
    attribute: str
    container: str
    owner: str
    child: str
    parameter: str
    span: SpanTuple
    method: str
    #: Further attributes the same method points back to the owner with.
    others: tuple[str, ...] = ()


@dataclass(frozen=True, **SLOTS)
class Construction:
    """``self.<container>.append(Child(..., self, ...))``, or the same via a local."""

    child: str
    #: Where ``self`` is passed: a position (0 = first after ``self``) or a keyword.
    argument: Union[int, str]
    container: str
    owner: str
    line: int


@dataclass(frozen=True, **SLOTS)
class ClassFacts:
    qualname: str
    #: The class name in ``class Name``, where a user would fix it.
    span: SpanTuple
    #: Qualified base names; ``"?text"`` when a base does not resolve.
    bases: tuple[str, ...]
    #: ``"metaclass=abc.ABCMeta"``-style class keywords.
    keywords: tuple[str, ...]
    #: Qualified decorator names (``"?"`` when one does not resolve).
    decorators: tuple[str, ...]
    #: ``dataclasses.dataclass`` keyword arguments, ``None`` for other classes.
    dataclass: Optional[tuple[tuple[str, str], ...]]
    #: ``(decorator, keyword arguments)`` of an attrs class, ``None`` otherwise.
    attrs: Optional[tuple[str, tuple[tuple[str, str], ...]]]
    #: Names in ``__slots__`` (``("?",)`` when not a literal), ``None`` when absent.
    slots: Optional[tuple[str, ...]]
    #: Instance attributes in first-seen order: fields, then ``self.x = ...`` stores.
    attributes: tuple[str, ...]
    #: Class-body names bound to a value that are also instance attributes or
    #: fields (they would clash with a hand-written ``__slots__``).
    conflicts: tuple[str, ...]
    #: Why instances need a ``__dict__`` (``vars(self)``, computed ``setattr``...).
    dynamic: tuple[str, ...]
    #: Defines ``__getstate__``/``__setstate__``/``__reduce__``/``__reduce_ex__``.
    pickling: bool
    #: Instances are weakly referenced from the class's own code.
    weakref: bool
    #: A method puts ``self`` into a container or on another object
    #: (``parent.children.append(self)``), so instances outlive their creator's use.
    registers_self: bool
    #: A method calls ``super()`` without arguments (``dataclass(slots=True)``
    #: makes a new class, which breaks it before Python 3.14).
    zero_arg_super: bool
    #: Class/static methods that build an instance (``return cls(...)``).
    factories: tuple[str, ...]
    #: ``__init__`` parameters after ``self``; ``None`` when ``__init__`` is inherited.
    init_params: Optional[tuple[str, ...]]
    back_references: tuple[BackReference, ...] = ()
    #: Attributes holding weak containers (``self.children = weakref.WeakSet()``).
    weak_containers: tuple[str, ...] = ()
    #: Attributes (and property setters) that store weak references.
    weak_attributes: tuple[str, ...] = ()
    #: ``__init__`` parameters stored as weak references: whoever is passed there
    #: is weakly referenced.
    weak_init_params: tuple[str, ...] = ()
    #: ``self.<helper>(child)`` + ``self.<container>.append(child)`` where the
    #: helper is not defined here (maybe inherited): ``(helper, argument position,
    #: container, method)``.
    helper_inserts: tuple[tuple[str, int, str, str], ...] = ()
    #: ``param.<attribute> = self`` in a method: ``(method, parameter position
    #: after self, attribute, span)``, for subclasses that call it as a helper.
    param_stores: tuple[tuple[str, int, str, SpanTuple], ...] = ()

    @property
    def name(self) -> str:
        return self.qualname.rpartition(".")[2]


@dataclass(frozen=True, **SLOTS)
class ModuleFacts:
    module: str
    path: str
    imports: dict[str, str]
    star_imports: tuple[str, ...]
    classes: tuple[ClassFacts, ...]
    #: Qualified callee -> its most telling hot use in this module (loop,
    #: comprehension, generator expression, ``map()``); builtins excluded.
    hot_calls: dict[str, HotSite]
    #: Function qualname -> the class-like callees whose new objects it keeps, or
    #: returns (prefixed with :data:`RETURNED`): instantiation one call away, for a
    #: function or factory called in a loop elsewhere.
    function_calls: dict[str, tuple[str, ...]]
    constructions: tuple[Construction, ...]
    #: Attributes stored on instances outside their class: callee -> names.
    external_attributes: dict[str, tuple[str, ...]]
    #: Callees whose instances are weakly referenced here (``weakref.ref(Cls(...))``).
    weakly_referenced: tuple[str, ...]
    #: Callees whose instances' ``__dict__`` is used here (``vars(obj)``,
    #: ``obj.__dict__``, ``setattr(obj, name, ...)`` with a computed name).
    dict_used: tuple[str, ...]
    #: The file's suppression comments (line -> codes, ``None`` for all), so
    #: findings made in the join can honour noqa comments without the source.
    suppressions: dict[int, Optional[frozenset[str]]] = field(default_factory=dict)
    #: Test code or a stub: the join leaves the module out entirely.
    ignored: bool = False


def is_test_path(path: str) -> bool:
    """Whether ``path`` is test code (``test_*.py``, ``*_test.py``, ``tests/``, ``conftest.py``)."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    stem = name.rsplit(".", 1)[0]
    return (
        stem.startswith("test_")
        or stem.endswith("_test")
        or stem == "conftest"
        or any(part in ("test", "tests") for part in parts[:-1])
    )


# -- scanner state ----------------------------------------------------------------------


@dataclass(**SLOTS)
class _FunctionState:
    qualname: str
    name: str
    params: tuple[str, ...]
    #: The instance parameter of a method (or of the method a closure sits in).
    self_name: Optional[str]
    #: The class parameter of a classmethod / ``__new__``.
    cls_name: Optional[str]
    owner: Optional[_ClassState]
    #: A method of ``owner`` itself (not a closure inside one).
    is_method: bool
    main: bool
    setter: bool = False
    #: Local name -> (qualified callee, where ``self`` was passed) for ``x = Cls(...)``.
    locals_from_calls: dict[str, tuple[str, Union[int, str, None]]] = field(default_factory=dict)
    #: Local name -> (name, attribute) for ``kids = parent.children``.
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: ``child.parent = self``: receiver name -> [(attribute, span, weak)].
    stores_self_into: dict[str, list[tuple[str, SpanTuple, bool]]] = field(default_factory=dict)
    #: ``self.children.append(child)``: inserted name -> container attribute.
    container_inserts: dict[str, str] = field(default_factory=dict)
    #: ``parent.children.append(self)``: parameter -> container attribute.
    param_inserts_self: dict[str, str] = field(default_factory=dict)
    #: ``self.parent = parent``: parameter -> (attribute, span, weak).
    self_stores_param: dict[str, tuple[str, SpanTuple, bool]] = field(default_factory=dict)
    #: ``self.helper(a, b)``: (method, argument names or None).
    self_calls: list[tuple[str, tuple[Optional[str], ...]]] = field(default_factory=list)
    #: Parameter -> class qualname from its annotation.
    param_types: dict[str, str] = field(default_factory=dict)
    #: ``for child in <iterable>``: loop variable -> ("name", N) or ("self", attribute).
    loop_sources: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: ``self.children = children``: name -> attribute.
    self_assigned: dict[str, str] = field(default_factory=dict)
    callees: set[str] = field(default_factory=set)
    #: ``x = Cls(...)``: local name -> [(callee, hot site or None)] until ``x`` is
    #: kept (appended, stored, returned...) or rebound.
    pending: dict[str, list[tuple[str, Optional[HotSite]]]] = field(default_factory=dict)


@dataclass(**SLOTS)
class _ClassState:
    node: ast.ClassDef
    qualname: str
    record: bool
    attributes: dict[str, None] = field(default_factory=dict)
    dynamic: set[str] = field(default_factory=set)
    pickling: bool = False
    weakref: bool = False
    zero_arg_super: bool = False
    factories: list[str] = field(default_factory=list)
    init_params: Optional[tuple[str, ...]] = None
    methods: list[_FunctionState] = field(default_factory=list)
    method_names: set[str] = field(default_factory=set)
    weak_containers: set[str] = field(default_factory=set)
    weak_attributes: set[str] = field(default_factory=set)
    #: ``self.parent.children.append(self)``: attribute -> container.
    attr_inserts_self: dict[str, str] = field(default_factory=dict)
    #: Puts ``self`` into a container or on another object: instances stay alive
    #: through that even when the code that makes them drops them.
    registers_self: bool = False


class _Scanner:
    def __init__(self, index: ModuleIndex, text: str, module: str) -> None:
        self.index = index
        self.text = text
        self._lines: Optional[LineIndex] = None
        self.module = module
        self.uses_weak_containers = any(
            target.startswith("weakref") for target in index.imports.values()
        )
        self.classes: list[ClassFacts] = []
        self.hot_calls: dict[str, HotSite] = {}
        self.function_calls: dict[str, set[str]] = {}
        self.constructions: list[Construction] = []
        self.external: dict[str, dict[str, None]] = {}
        self.weakly_referenced: set[str] = set()
        self.dict_used: set[str] = set()
        self._class_stack: list[_ClassState] = []
        self._function_stack: list[_FunctionState] = []
        self._hot: list[str] = []  # enclosing hot contexts, innermost last
        self._main = False  # inside ``if __name__ == "__main__":``
        #: Enclosing statement loops of the current function: whether each counts.
        self._loops: list[bool] = []
        #: ``id()`` of calls whose result is dropped at once, or bound to a local.
        self._dropped: set[int] = set()
        self._bound: dict[int, str] = {}
        #: New objects of the assignment being visited, by the local they go to.
        self._fresh: dict[str, list[tuple[str, Optional[HotSite]]]] = {}
        self._returning = False  # inside a ``return`` statement
        self._demoted = 0  # enclosing blocks that make bulk creation less likely
        self._input_loops = 0  # enclosing loops over a file's lines or a reader's rows
        self._handles: set[str] = set()  # names bound to open files in this module

    # -- helpers ------------------------------------------------------------------------

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def span(self, node: ast.AST) -> SpanTuple:
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        column = self.lines.column_from_utf8(line, getattr(node, "col_offset", 0))
        end_column = self.lines.column_from_utf8(
            end_line, getattr(node, "end_col_offset", None) or 0
        )
        return (line, column, end_line, end_column)

    def name_span(self, node: ast.ClassDef) -> SpanTuple:
        text = self.lines.line_text(node.lineno)
        start = self.lines.column_from_utf8(node.lineno, node.col_offset)
        found = text.find(node.name, start + len("class") - 1)
        column = found + 1 if found >= 0 else start
        return (node.lineno, column, node.lineno, column + len(node.name))

    def qualify(self, node: ast.AST) -> Optional[str]:
        """Qualified name of a dotted expression; ``self.m``/``cls`` inside a class too."""
        function = self._function_stack[-1] if self._function_stack else None
        if function is not None and function.owner is not None:
            if isinstance(node, ast.Name) and node.id == function.cls_name:
                return function.owner.qualname
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in (function.self_name, function.cls_name)
            ):
                return sys.intern(f"{function.owner.qualname}.{node.attr}")
        name = qualified_name(self.index, node)
        if name is None:
            return None
        # Names defined in this module resolve to "<module>.Name"; make them real.
        if name.startswith("<module>."):
            name = f"{self.module}.{name[9:]}" if self.module else name[9:]
        # One string object per name, so pickling the facts stores each name once.
        return sys.intern(name)

    def qualify_call(self, value: Optional[ast.expr]) -> Optional[str]:
        return self.qualify(value.func) if isinstance(value, ast.Call) else None

    def _prefix(self) -> str:
        if self._function_stack:
            return self._function_stack[-1].qualname
        if self._class_stack:
            return self._class_stack[-1].qualname
        return self.module

    # -- walking ------------------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        kind = type(node)
        method: Optional[Callable[[_Scanner, Any], None]] = _DISPATCH.get(kind)
        if method is not None:
            method(self, node)
            return
        # ``generic``, inline (one frame per level of nesting, no list).
        for name in _CHILD_FIELDS.get(kind) or _child_fields(kind):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def visit_all(self, nodes: list[Any]) -> None:
        for node in nodes:
            self.visit(node)

    def generic(self, node: ast.AST) -> None:
        for child in _children(node):
            self.visit(child)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.visit_all(node.decorator_list)
        self.visit_all(node.bases)
        for keyword in node.keywords:
            self.visit(keyword.value)
        prefix = self._prefix()
        qualname = sys.intern(f"{prefix}.{node.name}" if prefix else node.name)
        # Classes made inside functions have no name callers elsewhere can use.
        state = _ClassState(node, qualname, record=not self._function_stack)
        self._class_stack.append(state)
        saved_functions, self._function_stack = self._function_stack, []
        saved_hot, self._hot = self._hot, []
        saved_loops, self._loops = self._loops, []
        saved_main, self._main = self._main, False
        self.visit_all(node.body)
        self._main = saved_main
        self._loops = saved_loops
        self._hot = saved_hot
        self._function_stack = saved_functions
        self._class_stack.pop()
        if state.record:
            facts = self._class_facts(state)
            if facts is not None:
                self.classes.append(facts)
        # Each method's state points back at its class: break the cycle so the
        # states (and the tree they hold) are freed without the cyclic collector.
        state.methods.clear()

    def visit_FunctionDef(self, node: FunctionNode) -> None:
        self.visit_all(node.decorator_list)
        self._visit_defaults(node.args)
        args = node.args
        params = tuple(a.arg for a in (*args.posonlyargs, *args.args))
        enclosing = self._function_stack[-1] if self._function_stack else None
        in_class_body = bool(self._class_stack) and enclosing is None
        owner = self._class_stack[-1] if in_class_body else None
        decorators = {self.qualify(d) for d in node.decorator_list}
        self_name = cls_name = None
        setter = False
        if owner is not None and params:
            if "builtins.classmethod" in decorators or node.name in _IMPLICIT_CLASSMETHODS:
                cls_name = params[0]
            elif "builtins.staticmethod" not in decorators:
                self_name = params[0]
            setter = any(
                isinstance(d, ast.Attribute) and d.attr == "setter" for d in node.decorator_list
            )
        elif enclosing is not None and enclosing.owner is not None:
            # A closure inside a method sees the method's ``self``.
            owner = enclosing.owner
            every = {*params, *(a.arg for a in args.kwonlyargs)}
            self_name = enclosing.self_name if enclosing.self_name not in every else None
        prefix = self._prefix()
        state = _FunctionState(
            qualname=sys.intern(f"{prefix}.{node.name}" if prefix else node.name),
            name=node.name,
            params=params,
            self_name=self_name,
            cls_name=cls_name,
            owner=owner,
            is_method=in_class_body,
            main=self._main
            or (not self._class_stack and enclosing is None and node.name in ("main", "_main")),
            setter=setter,
        )
        if in_class_body and owner is not None:
            self._method_facts(owner, node, state, decorators)
        self._function_stack.append(state)
        saved_hot, self._hot = self._hot, []
        saved_loops, self._loops = self._loops, []
        saved_returning, self._returning = self._returning, False
        saved_demoted, self._demoted = self._demoted, 0
        self.visit_all(node.body)
        self._demoted = saved_demoted
        self._returning = saved_returning
        self._loops = saved_loops
        self._hot = saved_hot
        self._function_stack.pop()
        if state.callees:
            self.function_calls.setdefault(state.qualname, set()).update(state.callees)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _visit_defaults(self, args: ast.arguments) -> None:
        for default in (*args.defaults, *args.kw_defaults):
            if default is not None:
                self.visit(default)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._visit_defaults(node.args)
        self.visit(node.body)

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        if not self._function_stack and not self._class_stack and _is_main_guard(node.test):
            self._main = True
            self._block(node.body)
            self._main = False
        elif self._hot and _is_missing_check(node.test):
            # ``if x is None: x = Cls()`` / ``if k not in d: d[k] = Cls()``: one
            # object per distinct key, not per iteration.
            self._demoted += 1
            self._block(node.body)
            self._demoted -= 1
        else:
            self._block(node.body)
        self._block(node.orelse)

    def visit_Try(self, node: Any) -> None:  # ast.Try, ast.TryStar
        self._block(node.body)
        for handler in node.handlers:
            if handler.type is not None:
                self.visit(handler.type)
            self._demoted += 1  # error handling is not the bulk path
            self._block(handler.body)
            self._demoted -= 1
        self._block(node.orelse)
        self._block(node.finalbody)

    def visit_With(self, node: Union[ast.With, ast.AsyncWith]) -> None:
        for item in node.items:
            if isinstance(item.context_expr, ast.Call):
                self._dropped.add(id(item.context_expr))
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.visit(item.optional_vars)
                if isinstance(item.optional_vars, ast.Name) and self._opens(item.context_expr):
                    self._handles.add(item.optional_vars.id)
        self._block(node.body)

    def _opens(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Call) and self.qualify(node.func) in _OPENERS

    def _reads_input(self, node: ast.expr) -> bool:
        """Whether a loop over ``node`` runs once per line or row of some input: its
        trip count grows with the data, which is what makes instances pile up."""
        if isinstance(node, ast.Name):
            return node.id in self._handles
        if isinstance(node, ast.Attribute):
            return self.qualify(node) == "sys.stdin"
        if not isinstance(node, ast.Call):
            return False
        if isinstance(node.func, ast.Attribute) and node.func.attr in _LINE_READERS:
            return True
        callee = self.qualify(node.func)
        if callee in _OPENERS or callee in _ROW_READERS:
            return True
        if callee in ("builtins.enumerate", "builtins.zip", "builtins.reversed") and node.args:
            return self._reads_input(node.args[0])
        return False

    visit_AsyncWith = visit_With

    def _block(self, statements: list[ast.stmt]) -> None:
        """Statements of one block; a block that ends by leaving the loop runs once."""
        last = statements[-1] if statements and self._hot else None
        if isinstance(last, (ast.Return, ast.Raise)):
            saved, self._hot = self._hot, []
        elif isinstance(last, ast.Break) and self._loops and self._loops[-1]:
            saved, self._hot = self._hot, self._hot[:-1]
        else:
            self.visit_all(statements)
            return
        self.visit_all(statements)
        self._hot = saved

    def _loop(self, node: Union[ast.For, ast.AsyncFor, ast.While]) -> None:
        bounded = False
        if isinstance(node, ast.While):
            self.visit(node.test)
        else:
            if isinstance(node.iter, ast.Call):
                self._dropped.add(id(node.iter))
            self.visit(node.iter)
            self.visit(node.target)
            bounded = _is_small_iterable(node.iter)
            self._loop_source(node)
        reads_input = not isinstance(node, ast.While) and self._reads_input(node.iter)
        self._input_loops += reads_input
        if not bounded:
            self._hot.append(INPUT_LOOP if reads_input else LOOP)
        self._loops.append(not bounded)
        self._block(node.body)
        self._loops.pop()
        if not bounded:
            self._hot.pop()
        self._input_loops -= reads_input
        self._block(node.orelse)

    visit_For = _loop
    visit_AsyncFor = _loop
    visit_While = _loop

    def _loop_source(self, node: Union[ast.For, ast.AsyncFor]) -> None:
        """``for child in children`` / ``for child in self.children``: where the loop
        variable comes from (``child.parent = self`` in the body is a back-reference
        when ``children`` is this object's container)."""
        function = self._function_stack[-1] if self._function_stack else None
        if function is None or function.self_name is None or not function.is_method:
            return
        target, source = node.target, node.iter
        if not isinstance(target, ast.Name):
            return
        if isinstance(source, ast.Name):
            function.loop_sources[target.id] = ("name", source.id)
        elif isinstance(source, ast.Attribute) and _is_name(source.value, function.self_name):
            function.loop_sources[target.id] = ("self", source.attr)

    def _exits(self, node: Union[ast.Return, ast.Raise]) -> None:
        # ``return Cls(...)`` in a loop runs once per call, not once per iteration.
        saved, self._hot = self._hot, []
        saved_returning, self._returning = self._returning, isinstance(node, ast.Return)
        if isinstance(node, ast.Return) and node.value is not None:
            self._keep(node.value)
        self.generic(node)
        self._returning = saved_returning
        self._hot = saved

    visit_Return = _exits
    visit_Raise = _exits

    def _yield(self, node: Union[ast.Yield, ast.YieldFrom]) -> None:
        if node.value is not None:
            self._keep(node.value)
            self.visit(node.value)

    visit_Yield = _yield
    visit_YieldFrom = _yield

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Call):
            self._dropped.add(id(node.value))  # ``Cls(x)`` as a statement
        self.visit(node.value)

    def _comprehension(self, node: Comprehension) -> None:
        first, *rest = node.generators
        self.visit(first.iter)
        bounded = all(_is_small_iterable(g.iter) for g in node.generators)
        if not bounded:
            self._hot.append(_COMPREHENSIONS[type(node)])
        self.visit(first.target)
        self.visit_all(first.ifs)
        for generator in rest:
            self.visit(generator)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        if not bounded:
            self._hot.pop()

    visit_ListComp = _comprehension
    visit_SetComp = _comprehension
    visit_GeneratorExp = _comprehension
    visit_DictComp = _comprehension

    def _hot_site(self, context: str, line: int, kept: bool) -> HotSite:
        function = self._function_stack[-1] if self._function_stack else None
        if context == INPUT_LOOP or (self._input_loops and context == LOOP):
            # One object per line or row of the input, wherever the loop is.
            level = max(ONCE, BULK - self._demoted)
        elif function is None or function.main or self._main:
            level = ONCE if context == LOOP and len(self._hot) < 2 else LOOPED
        else:
            level = BULK if context != LOOP or len(self._hot) > 1 else LOOPED
            level = max(ONCE, level - self._demoted) if self._demoted else level
        scope = function.qualname if function is not None else ""
        return (context, line, level, scope, kept)

    def _record_hot(self, callee: str, site: HotSite) -> None:
        known = self.hot_calls.get(callee)
        if known is None or (site[4], site[2]) > (known[4], known[2]):
            self.hot_calls[callee] = site

    def _keep(self, value: ast.expr) -> None:
        """``value`` outlives the statement: locals bound to new objects in it are kept."""
        function = self._function_stack[-1] if self._function_stack else None
        if function is None or not function.pending:
            return
        if isinstance(value, ast.Name):
            for callee, site in function.pending.pop(value.id, ()):
                if site is not None:
                    self._record_hot(callee, (*site[:4], True))
                self._callee(function, callee)
        elif isinstance(value, (ast.Tuple, ast.List, ast.Set)):
            for element in value.elts:
                self._keep(element)
        elif isinstance(value, ast.Dict):
            for item in value.values:
                self._keep(item)
        elif isinstance(value, ast.Starred):
            self._keep(value.value)

    def visit_Call(self, node: ast.Call) -> None:
        callee = self.qualify(node.func)
        function = self._function_stack[-1] if self._function_stack else None
        if callee is not None and not callee.startswith("builtins."):
            self._new_object(node, callee, function)
        if node.args and (callee in _MAP_CALLS or callee in _DEFAULTDICT):
            context = MAP if callee in _MAP_CALLS else DEFAULTDICT
            first = node.args[0]
            mapped = self.qualify(first)
            if mapped is not None and not mapped.startswith("builtins."):
                self._hot.append(context)
                self._record_hot(mapped, self._hot_site(context, node.lineno, True))
                self._hot.pop()
            elif isinstance(first, ast.Lambda):
                self.visit(node.func)
                self._visit_defaults(first.args)
                self._hot.append(context)
                self.visit(first.body)
                self._hot.pop()
                self.visit_all(node.args[1:])
                self.visit_all(node.keywords)
                return
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if callee in _NOT_KEEPING or callee in _WEAKREF_FACTORIES:
            for argument in arguments:
                if isinstance(argument, ast.Call):
                    self._dropped.add(id(argument))
        else:
            for argument in arguments:
                self._keep(argument)
        if function is not None:
            self._call_facts(node, callee, function)
        self.generic(node)

    def _new_object(self, node: ast.Call, callee: str, function: Optional[_FunctionState]) -> None:
        """A call that may build an object: where it is hot, and whether it is kept."""
        bound = self._bound.pop(id(node), None)
        kept = bound is None and id(node) not in self._dropped
        site = self._hot_site(self._hot[-1], node.lineno, kept) if self._hot else None
        if site is not None:
            self._record_hot(callee, site)
        if function is None or _on_self(node.func, function):
            return
        if bound is not None:
            self._fresh.setdefault(bound, []).append((callee, site))
        elif kept:
            self._callee(function, callee)

    def _callee(self, function: _FunctionState, callee: str) -> None:
        """A class-like callee whose new object ``function`` keeps or returns."""
        if _class_like(callee):
            # Only returned: whether it piles up depends on the caller.
            function.callees.add(RETURNED + callee if self._returning else callee)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = node.value
        target = node.targets[0] if len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and isinstance(value, ast.Call):
            self._bound[id(value)] = target.id
        elif not isinstance(target, ast.Name):
            self._keep(value)  # stored in an attribute, an item, or unpacked
        self.visit(value)
        for target in node.targets:
            self._store(target, value)
            self.visit(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            if isinstance(node.target, ast.Name) and isinstance(node.value, ast.Call):
                self._bound[id(node.value)] = node.target.id
            elif not isinstance(node.target, ast.Name):
                self._keep(node.value)
            self.visit(node.value)
        self._store(node.target, node.value)
        self.visit(node.target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._keep(node.value)  # ``items += [node]``
        self.visit(node.value)
        self._store(node.target, None)
        self.visit(node.target)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr == "__dict__":
            self._dict_use(node.value, "__dict__ access")
        if isinstance(node.value, ast.Call):
            self._dropped.add(id(node.value))  # ``Cls(x).run()``: used, then dropped
        self.visit(node.value)

    # -- facts about calls -------------------------------------------------------------

    def _call_facts(self, node: ast.Call, callee: Optional[str], function: _FunctionState) -> None:
        owner = function.owner
        self_name = function.self_name
        args = node.args
        if callee in ("builtins.setattr", "builtins.delattr", "object.__setattr__"):
            if callee == "object.__setattr__":
                callee = "builtins.setattr"
            if len(args) >= 2:
                target, name = args[0], args[1]
                literal = name.value if isinstance(name, ast.Constant) else None
                constant = isinstance(literal, str)
                if owner is not None and _is_name(target, self_name):
                    if isinstance(literal, str):
                        owner.attributes.setdefault(literal, None)
                    else:
                        owner.dynamic.add(f"{callee[9:]}() with a computed name")
                elif not constant:
                    self._dict_use(target, "")
        elif callee == "builtins.vars" and args:
            self._dict_use(args[0], "vars(self)")
        elif callee == "builtins.super" and not args and owner is not None:
            owner.zero_arg_super = True
        elif (callee in _WEAKREF_FACTORIES or callee == "weakref.finalize") and args:
            self._weak_use(args[0], function)
        if not isinstance(node.func, ast.Attribute) or not args:
            return
        method = node.func.attr
        receiver = node.func.value
        if _is_name(receiver, self_name):
            # self.setup_child(child): the helper may store the back-reference.
            function.self_calls.append(
                (method, tuple(a.id if isinstance(a, ast.Name) else None for a in args))
            )
        elif method in _INSERT_METHODS:
            self._insertion(receiver, args[-1], function, node.lineno)
            if owner is not None and _is_name(args[-1], self_name):
                owner.registers_self = True
        elif method == "extend":
            self._insertion(receiver, args[0], function, node.lineno)

    def _weak_use(self, target: ast.expr, function: _FunctionState) -> None:
        owner = function.owner
        if isinstance(target, ast.Attribute):
            # weakref.WeakMethod(self.callback) references ``self`` weakly.
            target = target.value
        if owner is not None and _is_name(target, function.self_name):
            owner.weakref = True
            return
        bound = self._bound_callee(target)
        if bound is not None:
            self.weakly_referenced.add(bound)
        elif isinstance(target, ast.Name) and target.id in function.param_types:
            self.weakly_referenced.add(function.param_types[target.id])

    def _insertion(
        self, receiver: ast.expr, item: ast.expr, function: _FunctionState, line: int
    ) -> None:
        """``<receiver>.append(<item>)``-style insertions relevant to back-references."""
        self_name = function.self_name
        owner = function.owner
        if owner is None or self_name is None:
            return
        base = receiver
        if isinstance(receiver, ast.Name) and receiver.id in function.aliases:
            name, attribute = function.aliases[receiver.id]
            base = ast.Attribute(value=ast.Name(id=name), attr=attribute)
        if not isinstance(base, ast.Attribute):
            return
        holder = base.value
        container = base.attr
        if _is_name(holder, self_name):
            # self.children.append(<item>)
            if isinstance(item, ast.Name):
                function.container_inserts[item.id] = container  # the last one wins
                bound = function.locals_from_calls.get(item.id)
                if bound is not None and bound[1] is not None:
                    self.constructions.append(
                        Construction(bound[0], bound[1], container, owner.qualname, line)
                    )
            else:
                self._constructions_in(item, container, function, line)
        elif _is_name(item, self_name):
            if isinstance(holder, ast.Name) and holder.id in function.params:
                # parent.children.append(self)
                function.param_inserts_self.setdefault(holder.id, container)
            elif isinstance(holder, ast.Attribute) and _is_name(holder.value, self_name):
                # self.parent.children.append(self)
                owner.attr_inserts_self.setdefault(holder.attr, container)

    def _constructions_in(
        self, item: ast.expr, container: str, function: _FunctionState, line: int
    ) -> None:
        """``Child(self)``, ``[Child(self, x) for x in xs]``, ``(Child(self),)`` stored in
        ``self.<container>``."""
        owner = function.owner
        if owner is None:
            return
        calls: list[ast.expr] = []
        if isinstance(item, ast.Call):
            calls.append(item)
        elif isinstance(item, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            calls.append(item.elt)
        elif isinstance(item, ast.DictComp):
            calls.append(item.value)
        elif isinstance(item, (ast.List, ast.Tuple, ast.Set)):
            calls.extend(item.elts)
        elif isinstance(item, ast.Dict):
            calls.extend(v for v in item.values if v is not None)
        for call in calls:
            if not isinstance(call, ast.Call):
                continue
            child = self.qualify(call.func)
            argument = _self_argument(call, function.self_name)
            if child is not None and argument is not None:
                self.constructions.append(
                    Construction(child, argument, container, owner.qualname, line)
                )

    def _store(self, target: ast.expr, value: Optional[ast.expr]) -> None:
        function = self._function_stack[-1] if self._function_stack else None
        if function is None:
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._store(element, None)
            return
        if isinstance(target, ast.Starred):
            self._store(target.value, None)
            return
        owner = function.owner
        self_name = function.self_name
        on_self = isinstance(target, ast.Attribute) and _is_name(target.value, self_name)
        if owner is not None and _is_name(value, self_name) and not on_self:
            # ``registry[key] = self``, ``other.x = self`` (a Name target is a local)
            owner.registers_self = not isinstance(target, ast.Name) or owner.registers_self
        if isinstance(target, ast.Subscript):
            # self.children[key] = child
            if value is not None:
                self._insertion(target.value, value, function, target.lineno)
            return
        if isinstance(target, ast.Name):
            self._bind_local(target.id, value, function)
            return
        if not isinstance(target, ast.Attribute):
            return
        receiver = target.value
        weak = value is not None and self._is_weak_value(value)
        if owner is not None and _is_name(receiver, self_name):
            self._self_store(owner, function, target, value, weak)
            return
        if not isinstance(receiver, ast.Name):
            return
        # child.parent = self
        if value is not None and self_name is not None and function.is_method:
            stores_self = _is_name(value, self_name)
            if weak:
                stores_self = _weak_of(value, self_name)
            if stores_self:
                function.stores_self_into.setdefault(receiver.id, []).append(
                    (target.attr, self.span(target), weak)
                )
        bound = function.locals_from_calls.get(receiver.id)
        if bound is not None:
            self.external.setdefault(bound[0], {})[target.attr] = None

    def _self_store(
        self,
        owner: _ClassState,
        function: _FunctionState,
        target: ast.Attribute,
        value: Optional[ast.expr],
        weak: bool,
    ) -> None:
        attribute = target.attr
        owner.attributes.setdefault(attribute, None)
        if value is None:
            return
        if _is_weak_container(self.qualify_call(value)):
            owner.weak_containers.add(attribute)
        if weak:
            owner.weak_attributes.add(attribute)
            if function.setter:
                owner.weak_attributes.add(function.name)
        if not function.is_method:
            return
        if isinstance(value, ast.Name):
            function.self_assigned.setdefault(value.id, attribute)
        # self.parent = parent (a parameter), or its weak reference
        stored = _weak_target(value) if weak else value
        if isinstance(stored, ast.Name) and stored.id in function.params[1:]:
            function.self_stores_param.setdefault(stored.id, (attribute, self.span(target), weak))
        elif not weak and not isinstance(value, ast.Call):
            # ``self.children = [Child(self, x) for x in xs]``; a single
            # ``self.helper = Helper(self)`` is a pair, not a container of children.
            self._constructions_in(value, attribute, function, target.lineno)

    def _bind_local(self, name: str, value: Optional[ast.expr], function: _FunctionState) -> None:
        function.aliases.pop(name, None)
        function.locals_from_calls.pop(name, None)
        # The object ``name`` held before is dropped unless it was kept already.
        function.pending.pop(name, None)
        fresh = self._fresh.pop(name, None)
        if fresh:
            function.pending[name] = fresh
        if isinstance(value, ast.Call):
            callee = self.qualify(value.func)
            if callee is not None:
                function.locals_from_calls[name] = (
                    callee,
                    _self_argument(value, function.self_name),
                )
        elif isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
            function.aliases[name] = (value.value.id, value.attr)

    def _is_weak_value(self, value: ast.expr) -> bool:
        if isinstance(value, ast.IfExp):
            # ``weakref.ref(p) if p is not None else None``
            branches = (value.body, value.orelse)
            weak = [self._is_weak_value(b) for b in branches]
            return any(weak) and all(
                w or (isinstance(b, ast.Constant) and b.value is None)
                for w, b in zip(weak, branches)
            )
        return self.qualify_call(value) in _WEAKREF_FACTORIES

    def _bound_callee(self, target: ast.expr) -> Optional[str]:
        """The callee that made ``target``: ``Cls(...)`` itself, or a local bound to it."""
        callee: Optional[str] = None
        if isinstance(target, ast.Call):
            callee = self.qualify(target.func)
        elif isinstance(target, ast.Name) and self._function_stack:
            bound = self._function_stack[-1].locals_from_calls.get(target.id)
            callee = bound[0] if bound is not None else None
        return None if callee is None or callee.startswith("builtins.") else callee

    def _dict_use(self, target: ast.expr, reason: str) -> None:
        function = self._function_stack[-1] if self._function_stack else None
        if function is None:
            return
        owner = function.owner
        if owner is not None and _is_name(target, function.self_name):
            if reason:
                owner.dynamic.add(reason)
            return
        bound = self._bound_callee(target)
        if bound is not None:
            self.dict_used.add(bound)

    # -- classes -----------------------------------------------------------------------

    def _method_facts(
        self,
        owner: _ClassState,
        node: FunctionNode,
        state: _FunctionState,
        decorators: set[Optional[str]],
    ) -> None:
        name = node.name
        owner.methods.append(state)
        owner.method_names.add(name)
        if name in _DYNAMIC_HOOKS:
            owner.dynamic.add(f"defines {name}")
        if name in _PICKLING_HOOKS:
            owner.pickling = True
        for decorator in decorators:
            if decorator is not None and decorator.endswith(_CACHED_PROPERTY_SUFFIXES):
                owner.dynamic.add(decorator.rpartition(".")[2])
        if name == "__init__":
            owner.init_params = state.params[1:]
            self._annotations(node, state)
        elif state.self_name is not None:
            self._annotations(node, state)
        builds = state.cls_name is not None or "builtins.staticmethod" in decorators
        if builds and name != "__new__" and _returns_instance(node, owner.node.name, state):
            owner.factories.append(name)

    def _annotations(self, node: FunctionNode, state: _FunctionState) -> None:
        for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
            if arg.annotation is not None:
                qualified = self._annotation_class(arg.annotation)
                if qualified is not None:
                    state.param_types[arg.arg] = qualified

    def _annotation_class(self, annotation: ast.expr) -> Optional[str]:
        """The class an annotation names (``Node``, ``"Node"``, ``Optional[Node]``...)."""
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            text = annotation.value.strip()
            if not text.replace(".", "").replace("_", "").isalnum():
                return None
            head, _, rest = text.partition(".")
            qualified = self.index.qualify(head)
            if qualified is None:
                return None
            if qualified.startswith("<module>."):
                qualified = f"{self.module}.{qualified[9:]}" if self.module else qualified[9:]
            return f"{qualified}.{rest}" if rest else qualified
        if isinstance(annotation, ast.Subscript) and _dotted(annotation.value).endswith("Optional"):
            return self._annotation_class(annotation.slice)
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            for side in (annotation.left, annotation.right):
                if not (isinstance(side, ast.Constant) and side.value is None):
                    return self._annotation_class(side)
            return None
        if isinstance(annotation, (ast.Name, ast.Attribute)):
            qualified = self.qualify(annotation)
            if qualified is not None and not qualified.startswith(("builtins.", "typing.")):
                return qualified
        return None

    def _back_references(
        self, state: _ClassState, helpers: list[tuple[str, int, str, str]]
    ) -> list[BackReference]:
        found: dict[SpanTuple, BackReference] = {}
        weak_params: set[str] = set()
        methods = {m.name: m for m in state.methods}
        properties = state.method_names
        for method in state.methods:
            inserts = dict(method.container_inserts)
            for name, (kind, source) in method.loop_sources.items():
                # for child in children: child.parent = self  (+ self.children = children)
                container = source if kind == "self" else method.self_assigned.get(source)
                if container is not None and name in method.stores_self_into:
                    inserts.setdefault(name, container)
            # child.parent = self  +  self.children.append(child), possibly with the
            # store in a helper this method calls with the child.
            for name, container in inserts.items():
                if container in state.weak_containers:
                    continue
                stores = list(method.stores_self_into.get(name, ()))
                for helper_name, arguments in method.self_calls:
                    helper = methods.get(helper_name)
                    for position, argument in enumerate(arguments):
                        if argument != name:
                            continue
                        if helper is None:
                            # Maybe a base class's helper: the join looks it up.
                            helpers.append((helper_name, position, container, method.name))
                        elif position + 1 < len(helper.params):
                            parameter = helper.params[position + 1]
                            stores.extend(helper.stores_self_into.get(parameter, ()))
                if name in method.params:
                    # A parameter may be rebound on some paths only: trust its annotation.
                    child = method.param_types.get(name, "")
                else:
                    child = method.locals_from_calls.get(name, ("", None))[0]
                strong = [(attribute, span) for attribute, span, weak in stores if not weak]
                if not strong or strong[0][1] in found:
                    continue
                # One cycle, one finding: further links to the owner ride along.
                attribute, span = strong[0]
                others = tuple(dict.fromkeys(a for a, _ in strong[1:] if a != attribute))
                found[span] = BackReference(
                    "direct",
                    attribute,
                    container,
                    state.qualname,
                    child,
                    "",
                    span,
                    method.name,
                    others,
                )
            # self.parent = parent  +  parent.children.append(self)
            for parameter, (attribute, span, weak) in method.self_stores_param.items():
                if attribute in properties and not method.setter:
                    continue  # a property setter does the storing (and is judged itself)
                if weak:
                    if method.name == "__init__":
                        weak_params.add(parameter)
                    continue
                inserted_into = method.param_inserts_self.get(parameter)
                if inserted_into is None:
                    inserted_into = state.attr_inserts_self.get(attribute)
                if inserted_into is not None:
                    found.setdefault(
                        span,
                        BackReference(
                            "direct",
                            attribute,
                            inserted_into,
                            method.param_types.get(parameter, ""),
                            state.qualname,
                            parameter,
                            span,
                            method.name,
                        ),
                    )
                elif method.name == "__init__":
                    found.setdefault(
                        span,
                        BackReference(
                            "init", attribute, "", "", state.qualname, parameter, span, "__init__"
                        ),
                    )
        state.weak_attributes.update(f"param:{p}" for p in weak_params)
        return list(found.values())

    def _class_facts(self, state: _ClassState) -> Optional[ClassFacts]:
        node = state.node
        bases = tuple(self._base_name(base) for base in node.bases)
        helpers: list[tuple[str, int, str, str]] = []
        back_references = self._back_references(state, helpers)
        param_stores = tuple(
            (method.name, method.params.index(name) - 1, attribute, span)
            for method in state.methods
            for name, stores in method.stores_self_into.items()
            if name in method.params[1:]
            for attribute, span, weak in stores
            if not weak
        )
        weak_init_params = tuple(
            sorted(a[6:] for a in state.weak_attributes if a.startswith("param:"))
        )
        weak_attributes = tuple(sorted(a for a in state.weak_attributes if ":" not in a))
        opaque = any(
            base.startswith(_OPAQUE_BASE_PREFIXES)
            or base in _OPAQUE_BASES
            or (base.startswith("builtins.") and base != "builtins.object")
            for base in bases
        )
        if opaque and not (
            back_references or weak_attributes or weak_init_params or helpers or param_stores
        ):
            return None
        slots: Optional[tuple[str, ...]] = None
        fields: list[str] = []
        valued: list[str] = []
        decorators: list[str] = []
        dataclass_args: Optional[tuple[tuple[str, str], ...]] = None
        attrs: Optional[tuple[str, tuple[tuple[str, str], ...]]] = None
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            qualified = self.qualify(target) or "?"
            decorators.append(qualified)
            arguments = tuple(
                (k.arg, _source_of(k.value))
                for k in (decorator.keywords if isinstance(decorator, ast.Call) else ())
                if k.arg is not None
            )
            if qualified in _DATACLASS:
                dataclass_args = arguments
            elif qualified in _ATTRS:
                attrs = (qualified, arguments)
        for statement in node.body:
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if not isinstance(target, ast.Name):
                        continue
                    if target.id == "__slots__":
                        slots = _slot_names(statement.value)
                    elif attrs is not None and self.qualify_call(statement.value) in _ATTRS_FIELDS:
                        fields.append(target.id)
                    else:
                        valued.append(target.id)
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                name = statement.target.id
                if name == "__slots__":
                    slots = _slot_names(statement.value)
                    continue
                if _is_classvar(statement.annotation):
                    valued.append(name)
                    continue
                fields.append(name)
                if statement.value is not None:
                    valued.append(name)
        attributes = dict.fromkeys(fields)
        attributes.update(state.attributes)
        for name in state.method_names:
            # ``self.x = v`` on a property runs its setter: not an instance attribute.
            attributes.pop(name, None)
        attributes.pop("__class__", None)
        attributes.pop("__dict__", None)
        return ClassFacts(
            qualname=state.qualname,
            span=self.name_span(node),
            bases=bases,
            keywords=tuple(
                f"{k.arg}={self.qualify(k.value) or '?' + _dotted(k.value)}" for k in node.keywords
            ),
            decorators=tuple(decorators),
            dataclass=dataclass_args,
            attrs=attrs,
            slots=slots,
            attributes=tuple(attributes),
            conflicts=tuple(n for n in dict.fromkeys(valued) if n in attributes),
            dynamic=tuple(sorted(state.dynamic)),
            pickling=state.pickling,
            weakref=state.weakref or (state.registers_self and self.uses_weak_containers),
            registers_self=state.registers_self,
            zero_arg_super=state.zero_arg_super,
            factories=tuple(state.factories),
            init_params=state.init_params,
            back_references=tuple(back_references),
            weak_containers=tuple(sorted(state.weak_containers)),
            weak_attributes=weak_attributes,
            weak_init_params=weak_init_params,
            helper_inserts=tuple(helpers),
            param_stores=param_stores,
        )

    def _base_name(self, base: ast.expr) -> str:
        # ``Generic[T]`` and ``Base[int]`` name their class before the brackets.
        target = base.value if isinstance(base, ast.Subscript) else base
        return self.qualify(target) or f"?{_dotted(target)}"


_COMPREHENSIONS: dict[type[ast.AST], str] = {
    ast.ListComp: LISTCOMP,
    ast.SetComp: SETCOMP,
    ast.DictComp: DICTCOMP,
    ast.GeneratorExp: GENEXP,
}

#: Fields that hold only expression contexts and operators.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    fields = _CHILD_FIELDS[kind] = tuple(f for f in kind._fields if f not in _LEAF_FIELDS)
    return fields


def _children(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes`` as a list, without its generators and without the
    fields that only hold contexts and operators (``Load``, ``Add``: nothing to
    record there)."""
    kind = type(node)
    children: list[ast.AST] = []
    for name in _CHILD_FIELDS.get(kind) or _child_fields(kind):
        value = getattr(node, name, None)
        if type(value) is list:
            children.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            children.append(value)
    return children


_DISPATCH: dict[type[ast.AST], Callable[[_Scanner, Any], None]] = {
    ast.ClassDef: _Scanner.visit_ClassDef,
    ast.FunctionDef: _Scanner.visit_FunctionDef,
    ast.AsyncFunctionDef: _Scanner.visit_AsyncFunctionDef,
    ast.Lambda: _Scanner.visit_Lambda,
    ast.If: _Scanner.visit_If,
    ast.Try: _Scanner.visit_Try,
    ast.With: _Scanner.visit_With,
    ast.AsyncWith: _Scanner.visit_AsyncWith,
    ast.Expr: _Scanner.visit_Expr,
    ast.Yield: _Scanner.visit_Yield,
    ast.YieldFrom: _Scanner.visit_YieldFrom,
    ast.For: _Scanner.visit_For,
    ast.AsyncFor: _Scanner.visit_AsyncFor,
    ast.While: _Scanner.visit_While,
    ast.Return: _Scanner.visit_Return,
    ast.Raise: _Scanner.visit_Raise,
    ast.ListComp: _Scanner.visit_ListComp,
    ast.SetComp: _Scanner.visit_SetComp,
    ast.GeneratorExp: _Scanner.visit_GeneratorExp,
    ast.DictComp: _Scanner.visit_DictComp,
    ast.Call: _Scanner.visit_Call,
    ast.Assign: _Scanner.visit_Assign,
    ast.AnnAssign: _Scanner.visit_AnnAssign,
    ast.AugAssign: _Scanner.visit_AugAssign,
    ast.Attribute: _Scanner.visit_Attribute,
}

if sys.version_info >= (3, 11):
    _DISPATCH[ast.TryStar] = _Scanner.visit_Try

#: Leaf expressions with nothing to record inside: skip them without a dispatch.
for _leaf in (ast.Name, ast.Constant, ast.Pass, ast.Import, ast.ImportFrom, ast.Global):
    _DISPATCH[_leaf] = lambda scanner, node: None


def _is_weak_container(callee: Optional[str]) -> bool:
    """``weakref.WeakSet()`` and friends, also a project's own ``WeakSequence()``."""
    return callee is not None and (
        callee in _WEAK_CONTAINERS or callee.rpartition(".")[2].startswith("Weak")
    )


def _is_name(node: Optional[ast.AST], name: Optional[str]) -> bool:
    return name is not None and isinstance(node, ast.Name) and node.id == name


def _weak_target(value: ast.expr) -> Optional[ast.expr]:
    """``p`` in ``weakref.ref(p)`` or ``weakref.ref(p) if p else None``."""
    if isinstance(value, ast.IfExp):
        for branch in (value.body, value.orelse):
            target = _weak_target(branch)
            if target is not None:
                return target
        return None
    if isinstance(value, ast.Call) and value.args:
        return value.args[0]
    return None


def _weak_of(value: ast.expr, name: str) -> bool:
    return _is_name(_weak_target(value), name)


def _on_self(func: ast.expr, function: _FunctionState) -> bool:
    """``self.method(...)``: a method call, never an instantiation one call away."""
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == function.self_name
    )


def _class_like(callee: str) -> bool:
    """``pkg.Node`` or ``pkg.Node.create``: PEP 8 names classes in CapWords."""
    head, _, last = callee.rpartition(".")
    if last[:1].isupper():
        return True
    owner = head.rpartition(".")[2]
    return owner[:1].isupper() and not last.startswith("__")


def _is_missing_check(test: ast.expr) -> bool:
    """``x is None``, ``k not in d``, ``not x``: the test of a get-or-create branch."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, (ast.Name, ast.Attribute, ast.Subscript))
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op, right = test.ops[0], test.comparators[0]
        if isinstance(op, ast.NotIn):
            return True
        return isinstance(op, ast.Is) and isinstance(right, ast.Constant) and right.value is None
    return False


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def _is_small_iterable(node: ast.expr) -> bool:
    """A literal display or a ``range()`` of a small constant: a bounded loop."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return not any(isinstance(e, ast.Starred) for e in node.elts)
    if isinstance(node, ast.Dict):
        return None not in node.keys
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "range"
        and node.args
        and all(isinstance(a, ast.Constant) and isinstance(a.value, int) for a in node.args)
    ):
        values = [a.value for a in node.args]  # type: ignore[attr-defined]
        span = values[0] if len(values) == 1 else values[1] - values[0]
        return bool(span <= _SMALL_RANGE)
    return False


def _self_argument(call: ast.Call, self_name: Optional[str]) -> Union[int, str, None]:
    """Where ``self`` is passed in ``call``: a position, a keyword, or ``None``."""
    if self_name is None:
        return None
    for position, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return None
        if _is_name(arg, self_name):
            return position
    for keyword in call.keywords:
        if keyword.arg is not None and _is_name(keyword.value, self_name):
            return keyword.arg
    return None


def _returns_instance(node: FunctionNode, class_name: str, state: _FunctionState) -> bool:
    """Whether a classmethod/staticmethod builds an instance (``cls(...)``/``Name(...)``).

    Walks the method again, which is fine: class and static methods are few.
    """
    names = {class_name, state.cls_name}
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            func = child.func
            if isinstance(func, ast.Name) and func.id in names:
                return True
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "__new__"
                and isinstance(func.value, ast.Name)
                and func.value.id in ("object", "super", *names)
            ):
                return True
    return False


def _slot_names(value: Optional[ast.expr]) -> tuple[str, ...]:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return (value.value,)
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        names = []
        for element in value.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                names.append(element.value)
            else:
                return ("?",)
        return tuple(names)
    if isinstance(value, ast.Dict):
        keys = [k.value for k in value.keys if isinstance(k, ast.Constant)]
        return tuple(str(k) for k in keys) if len(keys) == len(value.keys) else ("?",)
    return ("?",)


def _is_classvar(annotation: ast.expr) -> bool:
    target = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    if isinstance(target, ast.Constant) and isinstance(target.value, str):
        return target.value.split("[")[0].rpartition(".")[2] in ("ClassVar", "InitVar")
    return _dotted(target).rpartition(".")[2] in ("ClassVar", "InitVar")


def _source_of(node: ast.expr) -> str:
    # Constants cover what dataclass() and attrs decorators take.
    if isinstance(node, ast.Constant):
        return repr(node.value)
    return _dotted(node)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Subscript):
        return _dotted(node.value)
    if isinstance(node, ast.Call):
        return _dotted(node.func) + "()"
    return "?"


def collect_facts(
    tree: ast.Module,
    index: ModuleIndex,
    text: str,
    module: str,
    path: str,
    suppressions: Optional[dict[int, Optional[frozenset[str]]]] = None,
    relative: Optional[str] = None,
) -> ModuleFacts:
    """Record the facts of one module (one ``ast`` pass).

    ``path`` is how findings name the file; ``relative`` (its project-relative
    path, when known) decides whether it is test code, so a checkout that lives
    under some ``tests/`` directory is not taken for a test file.
    """
    kept = {
        line: codes
        for line, codes in (suppressions or {}).items()
        if codes is None or any(code.upper().startswith("MEM") for code in codes)
    }
    if is_test_path(relative or path) or path.endswith(".pyi"):
        # Test code and stubs: nothing they instantiate or define counts (a stub
        # would also shadow its module's real facts).
        return _ignored(module, path, kept)
    scanner = _Scanner(index, text, module)
    try:
        scanner.visit_all(tree.body)
    except RecursionError:
        # Too deeply nested for this thread's stack: judge nothing rather than guess.
        return _ignored(module, path, kept)
    return ModuleFacts(
        module=module,
        path=path,
        imports=dict(index.imports),
        star_imports=index.star_imports,
        classes=tuple(scanner.classes),
        hot_calls=scanner.hot_calls,
        function_calls={k: tuple(sorted(v)) for k, v in scanner.function_calls.items()},
        constructions=tuple(scanner.constructions),
        external_attributes={k: tuple(v) for k, v in scanner.external.items()},
        weakly_referenced=tuple(sorted(scanner.weakly_referenced)),
        dict_used=tuple(sorted(scanner.dict_used)),
        suppressions=kept,
    )


def _ignored(
    module: str, path: str, suppressions: dict[int, Optional[frozenset[str]]]
) -> ModuleFacts:
    return ModuleFacts(module, path, {}, (), (), {}, {}, (), {}, (), (), suppressions, True)
