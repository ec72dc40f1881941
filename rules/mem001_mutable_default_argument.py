"""MEM001 mutable-default-argument."""

from __future__ import annotations

import ast
import functools
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Sequence, Union, cast

from memlint._compat import SLOTS
from memlint.cstutil import (
    all_params,
    call_argument,
    cst_visitor,
    defaulted_params,
    docstring_statement,
    dotted_name,
    is_none,
    module_bindings,
)
from memlint.finding import Applicability, Confidence, Estimate, Finding, Severity
from memlint.index import ModuleIndex, ast_nodes, iter_statements, name_chain, qualified_name
from memlint.model import CostTable, dict_size, format_version, list_size, list_table, set_size
from memlint.rule import (
    Change,
    FixPlan,
    InsertStatements,
    Invalid,
    Replace,
    Rule,
    RuleContext,
    Valid,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from memlint.lazy import libcst as cst

# -- what is mutable ------------------------------------------------------------------

#: Calls that build a new mutable container, by qualified name -> type shown to users.
_CONTAINER_CALLS = {
    "builtins.list": "list",
    "builtins.dict": "dict",
    "builtins.set": "set",
    "builtins.bytearray": "bytearray",
    "builtins.dict.fromkeys": "dict",
    "collections.defaultdict": "defaultdict",
    "collections.OrderedDict": "OrderedDict",
    "collections.Counter": "Counter",
    "collections.deque": "deque",
    "collections.ChainMap": "ChainMap",
    "collections.UserDict": "UserDict",
    "collections.UserList": "UserList",
}
#: Container displays and comprehensions, by LibCST node type name.
_LITERAL_TYPES: dict[str, str] = {
    "List": "list",
    "ListComp": "list",
    "Dict": "dict",
    "DictComp": "dict",
    "Set": "set",
    "SetComp": "set",
}
#: What `field(default_factory=...)` to suggest for an empty container of a type.
_FACTORIES = {"list": "list", "dict": "dict", "set": "set", "bytearray": "bytearray"}
#: Container types `dataclasses` rejects as field defaults on every version (they are
#: list/dict/set or subclasses); the rest are accepted before 3.11 and shared.
_REJECTED_BY_DATACLASSES = frozenset(
    {"list", "dict", "set", "defaultdict", "OrderedDict", "Counter"}
)

#: Methods that change a list, dict, set, deque, Counter or bytearray in place.
_MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "pop",
        "remove",
        "clear",
        "sort",
        "reverse",
        "update",
        "setdefault",
        "popitem",
        "add",
        "discard",
        "appendleft",
        "extendleft",
        "popleft",
        "rotate",
        "move_to_end",
        "subtract",
        "intersection_update",
        "difference_update",
        "symmetric_difference_update",
        "__setitem__",
        "__delitem__",
        "__iadd__",
        "__imul__",
        "__ior__",
        "__iand__",
        "__isub__",
        "__ixor__",
    }
)
#: Functions that mutate their first argument.
_MUTATING_FUNCTIONS = frozenset(
    {
        "heapq.heappush",
        "heapq.heappop",
        "heapq.heapify",
        "heapq.heappushpop",
        "heapq.heapreplace",
        "random.shuffle",
        "bisect.insort",
        "bisect.insort_left",
        "bisect.insort_right",
    }
)
#: Methods that keep a reference to an argument (``container.append(x)``).
_STORING_METHODS = frozenset(
    {"append", "appendleft", "add", "insert", "setdefault", "put", "put_nowait", "push"}
)
#: Methods that copy the items of an argument: harmless for the default itself, but a
#: fresh container holding the default (``out.extend([x])``) keeps it.
_COPYING_METHODS = frozenset(
    {
        "extend",
        "extendleft",
        "update",
        "union",
        "intersection",
        "difference",
        "symmetric_difference",
        "intersection_update",
        "difference_update",
        "symmetric_difference_update",
        "issubset",
        "issuperset",
        "isdisjoint",
        "join",
        "writelines",
    }
)
#: Methods that only read an argument.
_READING_METHODS = frozenset(
    {"count", "index", "startswith", "endswith", "format", "get", "write", "__contains__"}
)
#: Functions that only read (or copy) an argument.
_READING_FUNCTIONS = frozenset(
    {
        "builtins.all",
        "builtins.any",
        "builtins.bool",
        "builtins.bytearray",
        "builtins.bytes",
        "builtins.callable",
        "builtins.dict",
        "builtins.enumerate",
        "builtins.filter",
        "builtins.format",
        "builtins.frozenset",
        "builtins.getattr",
        "builtins.hasattr",
        "builtins.hash",
        "builtins.id",
        "builtins.isinstance",
        "builtins.issubclass",
        "builtins.iter",
        "builtins.len",
        "builtins.list",
        "builtins.map",
        "builtins.max",
        "builtins.min",
        "builtins.print",
        "builtins.repr",
        "builtins.reversed",
        "builtins.set",
        "builtins.sorted",
        "builtins.str",
        "builtins.sum",
        "builtins.tuple",
        "builtins.type",
        "builtins.zip",
        "copy.copy",
        "copy.deepcopy",
        "itertools.chain",
        "itertools.islice",
        "itertools.product",
        "json.dump",
        "json.dumps",
        "pprint.pformat",
        "pprint.pprint",
    }
)
#: Calls whose result depends only on their arguments: a default built from them can be
#: evaluated on every call instead of once without changing what the function sees.
_PURE_CALLS = frozenset(
    {
        *_CONTAINER_CALLS,
        "builtins.bool",
        "builtins.bytes",
        "builtins.complex",
        "builtins.float",
        "builtins.frozenset",
        "builtins.int",
        "builtins.range",
        "builtins.str",
        "builtins.tuple",
    }
)


@functools.cache
def _pure_shapes() -> tuple[type[cst.CSTNode], ...]:
    """Expressions that compute nothing but their parts."""
    return (
        cst.BaseNumber,
        cst.BaseString,
        cst.Ellipsis,
        cst.List,
        cst.Tuple,
        cst.Set,
        cst.Dict,
        cst.ListComp,
        cst.SetComp,
        cst.DictComp,
        cst.GeneratorExp,
        cst.UnaryOperation,
        cst.BinaryOperation,
        cst.BooleanOperation,
        cst.Comparison,
        cst.IfExp,
        cst.Subscript,
    )


# -- what is exempt -------------------------------------------------------------------

_OVERLOAD = frozenset({"typing.overload", "typing_extensions.overload"})
_PROTOCOL = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
_CLASSVAR = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
_DATACLASS = "dataclasses.dataclass"
_DATACLASS_FIELD = "dataclasses.field"
_NOT_INSTANCE_METHOD = frozenset({"builtins.staticmethod", "builtins.classmethod"})
#: Methods whose first parameter is the class, without a decorator saying so.
_IMPLICIT_CLASS_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
#: Annotations that promise the function will not change the object.
_READ_ONLY_TYPES = frozenset(
    {
        "AbstractSet",
        "Collection",
        "Container",
        "ItemsView",
        "Iterable",
        "KeysView",
        "Mapping",
        "Reversible",
        "Sequence",
        "ValuesView",
    }
)
#: Libraries whose classes copy, validate or otherwise manage class-level defaults,
#: or whose "attributes" are not instance state at all.
_MANAGED_PREFIXES = (
    "attr",
    "attrs",
    "beanie",
    "django",
    "enum",
    "flask_sqlalchemy",
    "marshmallow",
    "mongoengine",
    "msgspec",
    "odmantic",
    "param",
    "peewee",
    "pydantic",
    "sqlalchemy",
    "sqlmodel",
    "tortoise",
    "traitlets",
    "typing.NamedTuple",
    "typing.Protocol",
    "typing.TypedDict",
    "typing_extensions.NamedTuple",
    "typing_extensions.Protocol",
    "typing_extensions.TypedDict",
)
#: Base class names that mark a managed class even when the import cannot be resolved
#: (``from .db import Base``, ``db.Model`` from flask-sqlalchemy).
_MANAGED_BASE_NAMES = frozenset(
    {
        "Base",
        "BaseModel",
        "BaseSettings",
        "Configurable",
        "DeclarativeBase",
        "Document",
        "EmbeddedDocument",
        "Enum",
        "Flag",
        "Form",
        "HasTraits",
        "IntEnum",
        "IntFlag",
        "Model",
        "ModelForm",
        "ModelSerializer",
        "NamedTuple",
        "Parameterized",
        "Protocol",
        "SQLModel",
        "Schema",
        "Serializer",
        "StrEnum",
        "Struct",
        "TypedDict",
    }
)
_PLAIN_METACLASSES = frozenset({"abc.ABCMeta", "builtins.type"})
#: Top-level packages of the standard library (``builtins`` included).
_STDLIB: frozenset[str] = frozenset(
    getattr(
        sys,
        "stdlib_module_names",
        # Python 3.9 has no list of its own: the modules classes most often derive from.
        {
            "abc",
            "argparse",
            "asyncio",
            "collections",
            "contextlib",
            "enum",
            "io",
            "json",
            "logging",
            "socketserver",
            "string",
            "threading",
            "typing",
            "unittest",
        },
    )
) | {"builtins"}

# -- message pieces ---------------------------------------------------------------------

_MUTATED = "mutated"
_ESCAPES = "escapes"
_PASSED = "passed"
_READ = "read"
_UNUSED = "unused"

_EMPTY = object()


@dataclass(frozen=True, **SLOTS)
class _Mutable:
    """A default (or class-level) value that is a mutable container."""

    node: cst.BaseExpression
    type_name: str  # "list", "dict", "deque", ...
    #: "literal" (``[]``, comprehensions), "call" (``dict()``) or "name" (a module
    #: constant bound to one of those).
    kind: str
    #: Empty when built: ``x or []`` then never yields the default itself.
    empty: bool
    #: For ``kind == "name"``: the name.
    name: str = ""


class _State:
    """Which local names may refer to the default (or to a container holding it)."""

    __slots__ = ("aliases", "holders")

    def __init__(self, aliases: set[str], holders: set[str]) -> None:
        self.aliases = aliases
        self.holders = holders

    def copy(self) -> _State:
        return _State(set(self.aliases), set(self.holders))

    def union(self, other: _State) -> _State:
        return _State(self.aliases | other.aliases, self.holders | other.holders)

    def become(self, other: _State) -> None:
        self.aliases = other.aliases
        self.holders = other.holders

    def without(self, names: set[str]) -> _State:
        return _State(self.aliases - names, self.holders - names)

    def forget(self, name: str) -> None:
        self.aliases.discard(name)
        self.holders.discard(name)

    def __bool__(self) -> bool:
        return bool(self.aliases or self.holders)


class _Program:
    """The module's own functions and classes, so that a default handed to one of them
    can be followed into its body."""

    #: How many calls deep to follow a default.
    DEPTH = 3

    def __init__(self, module: cst.Module, index: ModuleIndex) -> None:
        self.module = module
        self.index = index
        self.functions: dict[str, cst.FunctionDef] = {}
        self.classes: dict[str, cst.ClassDef] = {}
        for statement in module.body:
            if isinstance(statement, cst.FunctionDef):
                self.functions[statement.name.value] = statement
            elif isinstance(statement, cst.ClassDef):
                self.classes[statement.name.value] = statement
        for name in index.rebound:
            self.functions.pop(name, None)
            self.classes.pop(name, None)
        self._owners = {
            id(statement): name
            for name, node in self.classes.items()
            for statement in node.body.body
            if isinstance(statement, cst.FunctionDef)
        }
        self._memo: dict[tuple[int, str, str, bool, str], _Uses] = {}

    def forget(self) -> None:
        """Drop the memo of followed calls (its entries point back at this program)."""
        self._memo.clear()

    def bases(self, cls: str) -> list[str]:
        node = self.classes.get(cls)
        if node is None:
            return []
        return [
            base.value.value
            for base in node.bases
            if isinstance(base.value, cst.Name) and base.value.value in self.classes
        ]

    def method(
        self, cls: str, name: str, *, bound: bool, label: str
    ) -> Optional[tuple[cst.FunctionDef, int, str]]:
        """The method ``name`` that ``cls`` (or a base defined here) provides."""
        seen: set[str] = set()
        pending = [cls]
        while pending:
            current = pending.pop(0)
            node = self.classes.get(current)
            if current in seen or node is None:
                continue
            seen.add(current)
            for statement in node.body.body:
                if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
                    kinds = {dotted_name(d.decorator) for d in statement.decorators}
                    if "staticmethod" in kinds:
                        return statement, 0, label
                    if "classmethod" in kinds:
                        return statement, 1, label
                    return statement, 1 if bound else 0, label
            pending.extend(self.bases(current))
        if bound:
            # A mixin calls a method that a sibling class of the same module provides
            # (``self._options`` in a geometry-manager mixin): follow it when only one
            # class defines it.
            found = [
                statement
                for node in self.classes.values()
                for statement in node.body.body
                if isinstance(statement, cst.FunctionDef) and statement.name.value == name
            ]
            if len(found) == 1:
                kinds = {dotted_name(d.decorator) for d in found[0].decorators}
                return found[0], 0 if "staticmethod" in kinds else 1, label
        return None

    def owner_of(self, function: cst.FunctionDef) -> Optional[str]:
        return self._owners.get(id(function))

    def follow(
        self, function: cst.FunctionDef, parameter: str, ref: str, caller: _Uses
    ) -> Optional[_Uses]:
        """What ``function`` does with ``parameter``, bound to the default (``ref`` is
        ``"alias"``) or to a container holding it (``"holder"``: ``*args``, ``**kw``).
        ``None``: too deep to follow."""
        if caller.depth >= self.DEPTH:
            return None
        key = (id(function), parameter, ref, caller.empty, caller.type_name)
        if key in self._memo:
            return self._memo[key]
        owner = self.owner_of(function)
        positional = [*function.params.posonly_params, *function.params.params]
        self_name = positional[0].name.value if owner is not None and positional else None
        uses = _Uses(self, caller.empty, caller.type_name, owner, self_name, caller.depth + 1)
        # A recursive call finds this (still empty) entry: recursion adds no use of its
        # own, the rest of the body decides.
        self._memo[key] = uses
        state = _State({parameter}, set()) if ref == "alias" else _State(set(), {parameter})
        uses.function_body(function.body, state)
        return uses


class _Uses:
    """What a function body does with the object a parameter's default names.

    A small may-alias analysis over one function: it follows the parameter and the
    local names bound to it (``y = x``) through straight-line code and branches, and
    stops following a name when it is rebound to something else (``x = list(x)``,
    ``x = x or []`` for an empty default). It records the first mutation in place, the
    first way the object escapes the call (returned, yielded, stored, captured), and
    the first call it is handed to that memlint cannot see into.
    """

    def __init__(
        self,
        program: _Program,
        empty: bool,
        type_name: str,
        owner: Optional[str] = None,
        self_name: Optional[str] = None,
        depth: int = 0,
    ) -> None:
        self.program = program
        self.index = program.index
        self.module = program.module
        self.empty = empty
        # Reading a missing key of a defaultdict inserts it.
        self.inserts_on_read = type_name == "defaultdict"
        self.type_name = type_name
        #: The class whose method this is (module-level classes only), and the name of
        #: its instance parameter: ``self.helper(x)`` can then be followed.
        self.owner = owner
        self.self_name = self_name
        self.depth = depth
        #: For a default that names a module-level object: that name.
        self.sentinel: Optional[str] = None
        self.mutation: Optional[str] = None
        self.escape: Optional[str] = None
        self.passed: Optional[str] = None
        self.used = False
        self.none_checked = False
        #: Every name the body binds (a fix must not move the default expression
        #: into a body that rebinds the names it uses).
        self.bound: set[str] = set()
        self.outer: set[str] = set()  # global/nonlocal declarations
        self.imports: dict[str, str] = {}  # the function's own imports

    @property
    def usage(self) -> str:
        if self.mutation:
            return _MUTATED
        if self.escape:
            return _ESCAPES
        if self.passed:
            return _PASSED
        return _READ if self.used else _UNUSED

    # -- results ------------------------------------------------------------------------

    def _mutated(self, how: str) -> None:
        self.used = True
        if self.mutation is None:
            self.mutation = how

    def _escaped(self, how: str) -> None:
        self.used = True
        if self.escape is None:
            self.escape = how

    def _passed(self, callee: cst.BaseExpression) -> None:
        self.used = True
        if self.passed is None:
            name = dotted_name(callee)
            if name is None:
                code = self.module.code_for_node(callee)
                name = code if len(code) <= 40 and "\n" not in code else "another function"
            self.passed = name

    def _absorb(self, inner: _Uses, captured: str) -> None:
        """Take in what a nested function, lambda or class does with the object."""
        if inner.mutation:
            self._mutated(inner.mutation)
        if inner.escape:
            self._escaped(inner.escape)
        if inner.passed and self.passed is None:
            self.used = True
            self.passed = inner.passed
        if inner.used and captured:
            self._escaped(captured)
        self.none_checked = self.none_checked or inner.none_checked
        self.used = self.used or inner.used

    def _child(self) -> _Uses:
        child = _Uses(
            self.program, self.empty, self.type_name, self.owner, self.self_name, self.depth
        )
        child.sentinel = self.sentinel
        return child

    # -- statements ---------------------------------------------------------------------

    def function_body(self, body: cst.BaseSuite, state: _State) -> None:
        self._suite(body, state)

    def _suite(self, suite: cst.BaseSuite, state: _State) -> None:
        if isinstance(suite, cst.SimpleStatementSuite):
            for small in suite.body:
                self._small(small, state)
        elif isinstance(suite, cst.IndentedBlock):
            for statement in suite.body:
                self._statement(statement, state)

    def _statement(self, node: cst.BaseStatement, state: _State) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self._small(small, state)
        elif isinstance(node, cst.If):
            self._expr(node.test, state)
            then = state.copy()
            other = state.copy()
            identity = self._identity_test(node.test, state)
            if identity is not None:
                # ``if x is DEFAULT:`` ... ``else:`` x is not the default there.
                name, is_default = identity
                (other if is_default else then).forget(name)
            self._suite(node.body, then)
            if isinstance(node.orelse, cst.If):
                self._statement(node.orelse, other)
            elif node.orelse is not None:
                self._suite(node.orelse.body, other)
            state.become(then.union(other))
        elif isinstance(node, (cst.For, cst.While)):
            self._loop(node, state)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self._try(node, state)
        elif isinstance(node, cst.With):
            for item in node.items:
                self._expr(item.item, state)
                if item.asname is not None:
                    self._assign(item.asname.name, None, state)
            self._suite(node.body, state)
        elif isinstance(node, cst.FunctionDef):
            self._nested_function(node, state)
        elif isinstance(node, cst.ClassDef):
            self._nested_class(node, state)
        else:  # match statements and whatever later Pythons add
            self._generic(node, state)

    def _identity_test(self, test: cst.BaseExpression, state: _State) -> Optional[tuple[str, bool]]:
        """``(x, True)`` for ``x is NAME`` and ``(x, False)`` for ``x is not NAME``,
        where NAME is the module-level object the default names."""
        if (
            self.sentinel is None
            or not isinstance(test, cst.Comparison)
            or len(test.comparisons) != 1
            or not self._is_alias(test.left, state)
        ):
            return None
        comparison = test.comparisons[0]
        right = comparison.comparator
        if not (isinstance(right, cst.Name) and right.value == self.sentinel):
            return None
        assert isinstance(test.left, cst.Name)
        if isinstance(comparison.operator, cst.Is):
            return test.left.value, True
        if isinstance(comparison.operator, cst.IsNot):
            return test.left.value, False
        return None

    def _loop(self, node: Union[cst.For, cst.While], state: _State) -> None:
        entry = state.copy()
        if isinstance(node, cst.For):
            self._expr(node.iter, state)
            entry = state.copy()
            # Iterating a container that holds the default yields the default.
            element = "alias" if self._refers(node.iter, state) == "holder" else None
            self._assign(node.target, None, entry, element)
        else:
            self._expr(node.test, state)
        # Twice: what the end of one iteration binds is seen by the next one.
        first = entry.copy()
        self._suite(node.body, first)
        second = entry.union(first)
        self._suite(node.body, second)
        after = state.union(second)
        if node.orelse is not None:
            self._suite(node.orelse.body, after)
        state.become(after)

    def _try(self, node: Union[cst.Try, cst.TryStar], state: _State) -> None:
        body = state.copy()
        self._suite(node.body, body)
        entry = state.union(body)
        outcomes = []
        for handler in node.handlers:
            branch = entry.copy()
            if handler.type is not None:
                self._expr(handler.type, branch)
            if handler.name is not None:
                self._assign(handler.name.name, None, branch)
            self._suite(handler.body, branch)
            outcomes.append(branch)
        if node.orelse is not None:
            self._suite(node.orelse.body, body)
        merged = body
        for outcome in outcomes:
            merged = merged.union(outcome)
        if node.finalbody is not None:
            merged = merged.union(entry)
            self._suite(node.finalbody.body, merged)
        state.become(merged)

    def _small(self, node: cst.BaseSmallStatement, state: _State) -> None:
        if isinstance(node, cst.Expr):
            self._expr(node.value, state)
        elif isinstance(node, cst.Assign):
            self._expr(node.value, state)
            for target in node.targets:
                self._assign(target.target, node.value, state)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self._expr(node.value, state)
                self._assign(node.target, node.value, state)
        elif isinstance(node, cst.AugAssign):
            self._expr(node.value, state)
            self._augmented(node.target, state)
        elif isinstance(node, cst.Return):
            if node.value is not None:
                if self._refers(node.value, state):
                    self._escaped("returns it")
                self._expr(node.value, state)
        elif isinstance(node, cst.Del):
            self._delete(node.target, state)
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            self.outer.update(item.name.value for item in node.names)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            self._import(node, state)
        else:
            self._generic(node, state)

    def _import(self, node: Union[cst.Import, cst.ImportFrom], state: _State) -> None:
        if not isinstance(node.names, Sequence):
            return
        source = None
        if isinstance(node, cst.ImportFrom):
            source = dotted_name(node.module) if node.module and not node.relative else None
        for alias in node.names:
            name = alias.evaluated_name
            local = alias.evaluated_alias or name.split(".")[0]
            self._bind(local, None, state)
            if isinstance(node, cst.Import):
                self.imports[local] = name if alias.asname else local
            elif source is not None:
                self.imports[local] = f"{source}.{name}"

    def _qualified(self, node: cst.BaseExpression) -> Optional[str]:
        """The qualified name of ``node``, seeing the function's own imports."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in self.imports:
            return f"{self.imports[head]}.{rest}" if rest else self.imports[head]
        if head in self.bound:
            return None
        return qualified_name(self.index, node)

    # -- bindings -----------------------------------------------------------------------

    def _bind(self, name: str, ref: Optional[str], state: _State) -> None:
        self.bound.add(name)
        state.forget(name)
        if ref == "alias":
            state.aliases.add(name)
        elif ref == "holder":
            state.holders.add(name)

    def _assign(
        self,
        target: cst.BaseExpression,
        value: Optional[cst.BaseExpression],
        state: _State,
        ref: Optional[str] = None,
    ) -> None:
        """Bind ``target`` to ``value`` (or, without a value, to what ``ref`` says)."""
        if value is not None:
            ref = self._refers(value, state)
        if isinstance(target, cst.Name):
            if ref and target.value in self.outer:
                self._escaped(f"stores it in the global `{target.value}`")
            self._bind(target.value, ref, state)
        elif isinstance(target, cst.Attribute):
            self._expr(target.value, state)
            if ref:
                where = dotted_name(target)
                self._escaped(f"stores it in `{where}`" if where else "stores it in an attribute")
        elif isinstance(target, cst.Subscript):
            if self._is_alias(target.value, state):
                self._mutated("item assignment")
            self._expr(target, state)
            if ref:
                self._escaped("stores it in a container")
        elif isinstance(target, (cst.Tuple, cst.List)):
            values = _unpacked(value, len(target.elements))
            # ``a, b = holder`` may bind the default itself.
            unpacked = "alias" if ref == "holder" and values[0] is None else None
            for element, element_value in zip(target.elements, values):
                self._assign(element.value, element_value, state, unpacked)
        elif isinstance(target, cst.StarredElement):
            self._assign(target.value, None, state, ref)
        else:
            self._expr(target, state)

    def _augmented(self, target: cst.BaseExpression, state: _State) -> None:
        if isinstance(target, cst.Name):
            # ``x += ...`` on a list, dict, set or deque changes it in place.
            if target.value in state.aliases:
                self._mutated("augmented assignment")
            self.bound.add(target.value)
        elif isinstance(target, cst.Subscript):
            if self._is_alias(target.value, state):
                self._mutated("item assignment")
            self._expr(target, state)
        else:
            self._expr(target, state)

    def _delete(self, target: cst.BaseExpression, state: _State) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, None, state)
        elif isinstance(target, cst.Subscript):
            if self._is_alias(target.value, state):
                self._mutated("item deletion")
            self._expr(target, state)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._delete(element.value, state)
        else:
            self._expr(target, state)

    # -- expressions --------------------------------------------------------------------

    def _is_alias(self, node: cst.BaseExpression, state: _State) -> bool:
        return isinstance(node, cst.Name) and node.value in state.aliases

    def _is_default_name(self, node: cst.BaseExpression, state: _State) -> bool:
        return self.empty and self._is_alias(node, state)

    def _refers(self, node: cst.BaseExpression, state: _State) -> Optional[str]:
        """``"alias"`` if ``node`` may evaluate to the default, ``"holder"`` if to a new
        container that holds it, else ``None``."""
        if isinstance(node, cst.Name):
            if node.value in state.aliases:
                return "alias"
            return "holder" if node.value in state.holders else None
        if isinstance(node, cst.BooleanOperation):
            if isinstance(node.operator, cst.Or) and self._is_default_name(node.left, state):
                # An empty default is falsy: ``x or []`` is a new list for it.
                return self._refers(node.right, state)
            return _strongest(self._refers(node.left, state), self._refers(node.right, state))
        if isinstance(node, cst.IfExp):
            if self._is_default_name(node.test, state) and self._is_default_name(node.body, state):
                return self._refers(node.orelse, state)
            return _strongest(self._refers(node.body, state), self._refers(node.orelse, state))
        if isinstance(node, cst.NamedExpr):
            return self._refers(node.value, state)
        if isinstance(node, cst.Subscript) and self._refers(node.value, state) == "holder":
            return "alias"  # ``args[0]``, ``kwargs["cnf"]``
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            for element in node.elements:
                if isinstance(element, cst.Element) and self._refers(element.value, state):
                    return "holder"
            return None
        if isinstance(node, cst.Dict):
            for item in node.elements:
                if isinstance(item, cst.DictElement) and self._refers(item.value, state):
                    return "holder"
        return None

    def _expr(self, node: cst.CSTNode, state: _State) -> None:
        if isinstance(node, cst.Name):
            if node.value in state.aliases or node.value in state.holders:
                self.used = True
        elif isinstance(node, cst.Attribute):
            if self._is_alias(node.value, state) and node.attr.value in _MUTATORS:
                self._mutated(f"`.{node.attr.value}()`")
            self._expr(node.value, state)
        elif isinstance(node, cst.Call):
            self._call(node, state)
        elif isinstance(node, cst.Comparison):
            self._comparison(node, state)
        elif isinstance(node, cst.Yield):
            if isinstance(node.value, cst.From):
                self._expr(node.value.item, state)
            elif node.value is not None:
                if self._refers(node.value, state):
                    self._escaped("yields it")
                self._expr(node.value, state)
        elif isinstance(node, cst.Lambda):
            self._nested_lambda(node, state, keeps=True)
        elif isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            self._comprehension(node, state)
        elif isinstance(node, cst.NamedExpr):
            self._expr(node.value, state)
            if isinstance(node.target, cst.Name):
                self._bind(node.target.value, self._refers(node.value, state), state)
        elif isinstance(node, cst.Arg):
            self._expr(node.value, state)
        elif isinstance(node, cst.Subscript):
            if self.inserts_on_read and self._is_alias(node.value, state):
                self._mutated("a read of a missing key")
            self._generic(node, state)
        else:
            self._generic(node, state)

    def _generic(self, node: cst.CSTNode, state: _State) -> None:
        for child in node.children:
            if isinstance(child, cst.BaseSuite):
                branch = state.copy()
                self._suite(child, branch)
                state.become(state.union(branch))
            elif isinstance(child, cst.BaseStatement):
                self._statement(child, state)
            elif isinstance(child, cst.BaseSmallStatement):
                self._small(child, state)
            else:
                self._expr(child, state)

    def _comparison(self, node: cst.Comparison, state: _State) -> None:
        left = node.left
        for target in node.comparisons:
            right = target.comparator
            if isinstance(target.operator, (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual)) and (
                (self._is_alias(left, state) and is_none(right))
                or (self._is_alias(right, state) and is_none(left))
            ):
                self.none_checked = True
            left = right
        self._generic(node, state)

    def _call(self, node: cst.Call, state: _State) -> None:
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        on_default = isinstance(func, cst.Attribute) and self._is_alias(func.value, state)
        callee = self._qualified(func)
        if (
            callee in _MUTATING_FUNCTIONS
            and node.args
            and node.args[0].keyword is None
            and not node.args[0].star
            and self._is_alias(node.args[0].value, state)
        ):
            self._mutated(f"`{callee}()`")
        self._expr(func, state)
        position: Optional[int] = 0
        for arg in node.args:
            value = arg.value
            ref = None if arg.star else self._refers(value, state)
            if arg.star:
                position = None  # positions after ``*args`` are unknown
            elif arg.keyword is None and position is not None:
                position += 1
            if ref and not on_default:
                if method in _STORING_METHODS or (method == "update" and arg.keyword):
                    self._escaped("stores it in a container")
                elif method in _COPYING_METHODS:
                    if ref == "holder":
                        self._escaped("stores it in a container")
                elif method in _READING_METHODS or callee in _READING_FUNCTIONS:
                    pass
                elif callee not in _MUTATING_FUNCTIONS:
                    self._handed_to(func, arg, position, ref)
            if isinstance(value, cst.Lambda):
                # A lambda handed to a call (``sorted(..., key=lambda v: ...)``) runs
                # while the call does, unless the call is one that keeps it.
                self._nested_lambda(value, state, keeps=method in _STORING_METHODS)
            else:
                self._expr(value, state)

    def _handed_to(
        self, func: cst.BaseExpression, arg: cst.Arg, position: Optional[int], ref: str
    ) -> None:
        """The default is an argument of a call: follow it into the callee when that is
        a function or method of this module, else note that it was handed over."""
        target = self._callee(func)
        if target is None:
            self._passed(func)
            return
        function, offset, label = target
        index = None if arg.keyword is not None or position is None else position - 1 + offset
        bound = _parameter_for(function, arg, index)
        inner = None
        if bound is not None:
            parameter, packed = bound
            inner = self.program.follow(function, parameter, "holder" if packed else ref, self)
        if inner is None:
            self._passed(func)
        elif inner.mutation:
            self._mutated(f"passes it to `{label}`, which mutates it")
        elif inner.escape:
            self._escaped(f"passes it to `{label}`, which {inner.escape}")
        elif inner.passed:
            self._passed(func)
        else:
            self.used = True
            self.none_checked = self.none_checked or inner.none_checked

    def _callee(self, func: cst.BaseExpression) -> Optional[tuple[cst.FunctionDef, int, str]]:
        """``(function, how many parameters the call fills implicitly, label)``."""
        program = self.program
        if isinstance(func, cst.Name):
            name = func.value
            if name in self.bound:
                return None
            function = program.functions.get(name)
            return (function, 0, name) if function is not None else None
        if not isinstance(func, cst.Attribute):
            return None
        receiver, name = func.value, func.attr.value
        if isinstance(receiver, cst.Name):
            if self.owner is not None and receiver.value == self.self_name:
                return program.method(self.owner, name, bound=True, label=f"self.{name}")
            if receiver.value in program.classes and receiver.value not in self.bound:
                return program.method(
                    receiver.value, name, bound=False, label=f"{receiver.value}.{name}"
                )
            return None
        if (
            isinstance(receiver, cst.Call)
            and isinstance(receiver.func, cst.Name)
            and receiver.func.value == "super"
            and not receiver.args
            and self.owner is not None
        ):
            for base in program.bases(self.owner):
                found = program.method(base, name, bound=True, label=f"super().{name}")
                if found is not None:
                    return found
        return None

    def _comprehension(
        self,
        node: Union[cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp],
        state: _State,
    ) -> None:
        # The first iterable is evaluated in the enclosing scope; the loop variables
        # are the comprehension's own.
        self._expr(node.for_in.iter, state)
        inner = state.copy()
        current: Optional[cst.CompFor] = node.for_in
        first = True
        while current is not None:
            if not first:
                self._expr(current.iter, inner)
            first = False
            yields_default = self._refers(current.iter, inner) == "holder"
            for name in _target_names(current.target):
                inner.forget(name)
                if yields_default:
                    inner.aliases.add(name)
            for condition in current.ifs:
                self._expr(condition.test, inner)
            current = current.inner_for_in
        if isinstance(node, cst.DictComp):
            self._expr(node.key, inner)
            self._expr(node.value, inner)
        else:
            self._expr(node.elt, inner)

    # -- nested scopes ------------------------------------------------------------------

    def _defaults_and_decorators(
        self,
        params: cst.Parameters,
        decorators: Sequence[cst.Decorator],
        state: _State,
        captured: str,
    ) -> None:
        for decorator in decorators:
            self._expr(decorator.decorator, state)
        for param in defaulted_params(params):
            assert param.default is not None
            if self._refers(param.default, state):
                self._escaped(captured)
            self._expr(param.default, state)

    def _nested_function(self, node: cst.FunctionDef, state: _State) -> None:
        captured = "lets a nested function keep it"
        self._defaults_and_decorators(node.params, node.decorators, state, captured)
        inner = state.without({param.name.value for param in all_params(node.params)})
        if inner:
            child = self._child()
            child.function_body(node.body, inner)
            self._absorb(child, captured)
        self._bind(node.name.value, None, state)

    def _nested_lambda(self, node: cst.Lambda, state: _State, *, keeps: bool) -> None:
        captured = "lets a lambda keep it" if keeps else ""
        self._defaults_and_decorators(node.params, (), state, "lets a lambda keep it")
        inner = state.without({param.name.value for param in all_params(node.params)})
        if inner:
            child = self._child()
            child._expr(node.body, inner)
            self._absorb(child, captured)

    def _nested_class(self, node: cst.ClassDef, state: _State) -> None:
        for decorator in node.decorators:
            self._expr(decorator.decorator, state)
        for arg in (*node.bases, *node.keywords):
            self._expr(arg.value, state)
        child = self._child()
        child.function_body(node.body, state.copy())
        self._absorb(child, "lets a nested class keep it")
        self._bind(node.name.value, None, state)


def _parameter_for(
    function: cst.FunctionDef, arg: cst.Arg, index: Optional[int]
) -> Optional[tuple[str, bool]]:
    """The parameter of ``function`` that ``arg`` binds, and whether it is packed into
    ``*args`` or ``**kwargs`` (``None``: cannot tell)."""
    params = function.params
    if arg.keyword is not None:
        for param in (*params.params, *params.kwonly_params):
            if param.name.value == arg.keyword.value:
                return param.name.value, False
        return (params.star_kwarg.name.value, True) if params.star_kwarg else None
    if index is None:
        return None
    positional = [*params.posonly_params, *params.params]
    if index < len(positional):
        return positional[index].name.value, False
    if isinstance(params.star_arg, cst.Param):
        return params.star_arg.name.value, True
    return None


def _strongest(a: Optional[str], b: Optional[str]) -> Optional[str]:
    if "alias" in (a, b):
        return "alias"
    return a or b


def _unpacked(
    value: Optional[cst.BaseExpression], count: int
) -> Sequence[Optional[cst.BaseExpression]]:
    """The values ``a, b = x, y`` assigns element by element, when it is that simple."""
    if (
        isinstance(value, (cst.Tuple, cst.List))
        and len(value.elements) == count
        and all(isinstance(element, cst.Element) for element in value.elements)
    ):
        return [element.value for element in value.elements]
    return [None] * count


def _target_names(node: cst.CSTNode) -> list[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)):
        return [name for element in node.elements for name in _target_names(element.value)]
    if isinstance(node, cst.StarredElement):
        return _target_names(node.value)
    return []


def _expression_names(node: cst.CSTNode) -> tuple[set[str], set[str]]:
    """(names an expression reads, names its comprehensions bind)."""
    reads: set[str] = set()
    local: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Name):
            reads.add(current.value)
        elif isinstance(current, (cst.Attribute, cst.Arg)):
            pending.append(current.value)
        else:
            if isinstance(current, cst.CompFor):
                local.update(_target_names(current.target))
            if isinstance(current, cst.Lambda):
                local.update(param.name.value for param in all_params(current.params))
            pending.extend(current.children)
    return reads - local, local


def _class_bindings(node: cst.ClassDef) -> set[str]:
    """Names a class body binds at its top level (invisible to its methods' bodies)."""
    names: set[str] = set()
    for statement in node.body.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        names.update(_target_names(target.target))
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    names.update(_target_names(small.target))
                elif isinstance(small, (cst.Import, cst.ImportFrom)) and isinstance(
                    small.names, Sequence
                ):
                    for alias in small.names:
                        names.add(alias.evaluated_alias or alias.evaluated_name.split(".")[0])
        else:
            # Bindings inside class-level if/for/try blocks: rare; be conservative.
            names.update(_BindingNames.of(statement))
    return names


class _BindingNames:
    """Names a block binds (assignment targets, loops, imports, definitions), not
    descending into nested scopes."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    @classmethod
    def of(cls, node: cst.CSTNode) -> set[str]:
        visitor = cst_visitor(cls)()
        node.visit(cast("cst.CSTVisitor", visitor))
        return visitor.names

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.names.update(_target_names(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.names.update(_target_names(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.names.update(_target_names(node.target))

    def visit_For(self, node: cst.For) -> None:
        self.names.update(_target_names(node.target))

    def visit_AsName(self, node: cst.AsName) -> None:
        self.names.update(_target_names(node.name))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.names.update(_target_names(node.target))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        self.names.add(node.evaluated_alias or node.evaluated_name.split(".")[0])


@dataclass(**SLOTS)
class _ClassInfo:
    """A class being visited, and what its methods do with ``self.<name>``."""

    node: cst.ClassDef
    protocol: bool
    #: Class-level containers that would be shared if a method changed them in place.
    watched: dict[str, _Mutable] = field(default_factory=dict)
    #: Attributes some method assigns through ``self`` (they are per-instance then).
    assigned: set[str] = field(default_factory=set)
    #: Attributes some method changes in place through ``self``, and the first method.
    mutated: dict[str, str] = field(default_factory=dict)
    #: Containers that get ``self`` put into them: registries of instances, shared on
    #: purpose.
    registries: set[str] = field(default_factory=set)
    #: ``setattr(self, name, ...)`` or ``self.__dict__``: assignments memlint cannot see.
    dynamic: bool = False


@dataclass(frozen=True, **SLOTS)
class _Self:
    """Inside an instance method (or a closure in one): the instance's name."""

    name: str
    method: str
    owner: _ClassInfo


_Scope = Union[_ClassInfo, "cst.FunctionDef", "cst.Lambda"]


class MutableDefaultArgument(Rule):
    """
    ## What it does
    Flags mutable default values: a list, dict or set (literal, comprehension or
    `list()`/`dict()`/`set()`/`bytearray()` call) or a `collections` container as the
    default of a `def`, `async def` or `lambda` parameter (positional-only, regular or
    keyword-only), and a module-level name bound once to one of those when the function
    changes it or lets it escape. It also flags a class attribute holding such a
    container that a method changes in place through `self` without ever giving the
    instance its own, and a mutable default of a dataclass field.

    ## Why is this bad?
    A default is evaluated once, when the `def` runs, and the same object is handed
    to every call that does not pass the argument. A function that appends to, stores
    or returns its default therefore carries state from one call into the next: a
    list grows with every call, and objects built with the default share it. The same
    holds for a class attribute changed through `self.items.append(...)`: there is one
    list for the whole class, not one per instance.

    The finding says which case it is. A default the function mutates, returns,
    yields, stores or lets a nested function keep is a real bug (high severity); one
    handed to code memlint cannot see into is medium; one that is only read is a
    latent bug (low). Calls to functions and methods of the same module are followed
    (three calls deep, through `*args`/`**kwargs` and mixins), so a default handed to
    a helper that only reads it is low. A
    parameter rebound before it is changed (`items = list(items)`,
    `items = items or []`) does not count as changing the default.

    Not flagged: `tuple`, `frozenset`, `types.MappingProxyType`, `None` and other
    constants, `dataclasses.field(default_factory=...)`, `.pyi` stubs, `@overload`
    signatures and `Protocol` classes; a default only read whose annotation is a
    read-only type (`Mapping`, `Sequence`, ...); a module-level name bound as a
    default and left alone, or bound under its own name (`_cache=_cache`), or only
    compared by identity (`if mapping is _sentinel:`) (deliberate idioms); class
    attributes annotated `ClassVar`, ones whose name says they are shared on purpose
    (private names, caches, registries) or that collect the instances themselves
    (`self._all.append(self)`), Enum members, metaclasses and classes whose library
    manages their defaults (pydantic, attrs, msgspec, SQLAlchemy, Django and the like).

    ## Example
    ```python
    def add(item, items=[]):
        items.append(item)
        return items
    ```

    ## Use instead
    ```python
    def add(item, items=None):
        if items is None:
            items = []
        items.append(item)
        return items
    ```

    ## Fix safety
    The fix makes the default `None` and inserts `if items is None: items = <the
    original expression>` as the first statement after the docstring, one per
    parameter in parameter order. An annotation becomes optional in the form the
    target version supports (`list[int] | None` from Python 3.10 or with
    `from __future__ import annotations`, otherwise `Optional[list[int]]`, importing
    `Optional` from `typing` when the module has no name for it); an annotation that
    already admits `None` is kept, and a parameter is never left as `x: T = None`.

    The fix is safe when the function only reads the default, the default expression
    gives the same value when evaluated on every call (literals, containers,
    module-level names), and the function never compares the parameter with `None`:
    then the only visible difference is that a caller passing `None` explicitly now
    gets the default. It is unsafe when the default is mutated, returned, stored or
    handed to other code (a program may rely on the sharing, although that is rarely
    intended), when the body already treats `None` specially, and when the default
    expression calls other code. There is no fix for lambdas, for defaults that name a
    module-level object (copying it would change identity, keeping it would keep the
    sharing), for defaults that use names the function body or the enclosing class
    rebinds, for annotations that cannot be made optional, and for class attributes
    and dataclass fields (use `field(default_factory=list)` or assign the container in
    `__init__`).

    ## Memory cost
    What leaks is what the calls put in the shared object: every element appended to
    a default list stays reachable for as long as the function exists, which for a
    module-level function is the life of the process. On 64-bit CPython a list costs
    56 + 8·capacity bytes plus its elements (capacity grows by about 1/8 over the
    length), a dict 64 bytes empty and about 184–232 bytes for up to five keys; a
    set starts at 216 bytes. `memlint run` measures how much the default grew across
    calls. The main cost is correctness, not bytes: state leaks between calls and
    between instances.

    ## References
    - https://docs.python.org/3/tutorial/controlflow.html#default-argument-values
    - B006: https://docs.astral.sh/ruff/rules/mutable-argument-default/
    - W0102: https://pylint.readthedocs.io/en/stable/user_guide/messages/warning/dangerous-default-value.html
    """

    code = "MEM001"
    name = "mutable-default-argument"
    severity = Severity.MEDIUM
    tags = ("memory", "correctness", "leak")

    VALID = (
        Valid("def add(item, items=None):\n    return [item]\n"),
        Valid(
            "import types\n"
            "def f(a=(), b=frozenset(), c=types.MappingProxyType({}), d=1, e='s', g=None):\n"
            "    return a, b, c, d, e, g\n"
        ),
        # A user's own `list` is not the builtin.
        Valid("def list():\n    return ()\ndef f(x=list()):\n    return x\n"),
        Valid("class dict:\n    pass\ndef f(x=dict()):\n    return x\n"),
        # Stubs and overload signatures only describe a signature.
        Valid("def f(x: list = []) -> None: ...\n", path="example.pyi"),
        Valid(
            "import typing_extensions as te\n@te.overload\ndef f(x: list = []) -> list: ...\n"
            "@te.overload\ndef f(x: int = 0) -> int: ...\ndef f(x=None):\n    return x\n"
        ),
        Valid(
            "from typing import Protocol, TypeVar\nT = TypeVar('T')\n"
            "class P(Protocol[T]):\n    def f(self, x: list = []) -> None: ...\n"
        ),
        # Module-level names: only a name bound once to a mutable container.
        Valid("SIZE = 10\ndef f(x=SIZE):\n    return x\n"),
        # A module-level object bound as a default and left alone: a deliberate idiom.
        Valid("_TABLE = {'a': 1}\ndef f(key, table=_TABLE):\n    return table.get(key)\n"),
        Valid("DEFAULTS = {}\nDEFAULTS = {'a': 1}\ndef f(opts=DEFAULTS):\n    return opts\n"),
        Valid(
            "DEFAULTS = {}\nclass A:\n    DEFAULTS = ()\n    def f(self, x=DEFAULTS):\n"
            "        return x\n"
        ),
        Valid("callbacks = [lambda i=i: i for i in range(3)]\n"),
        # Class attributes: per-instance, intentionally shared, or only read.
        Valid(
            "class Cart:\n    items = []\n    def __init__(self):\n        self.items = []\n"
            "    def add(self, x):\n        self.items.append(x)\n"
        ),
        Valid(
            "from typing import ClassVar\nclass Registry:\n    plugins: ClassVar[list] = []\n"
            "    def register(self, p):\n        self.plugins.append(p)\n"
        ),
        Valid(
            "class Registry:\n    plugins = []\n    @classmethod\n    def register(cls, p):\n"
            "        cls.plugins.append(p)\n"
        ),
        Valid(
            "class Table:\n    rows = {}\n    def get(self, k):\n        return self.rows.get(k)\n"
        ),
        Valid(
            "class Base:\n    def __init__(self):\n        self.items = []\n"
            "class Cart(Base):\n    items = []\n    def add(self, x):\n"
            "        self.items.append(x)\n"
        ),
        Valid(
            "import enum\nclass Color(enum.Enum):\n    RED = []\n    def tag(self, x):\n"
            "        self.RED.append(x)\n"
        ),
        Valid(
            "from pydantic import BaseModel\nclass User(BaseModel):\n    tags: list = []\n"
            "    def tag(self, x):\n        self.tags.append(x)\n"
        ),
        # Dataclass fields with a factory, ClassVar, or an immutable default.
        Valid(
            "from dataclasses import dataclass, field\nfrom typing import ClassVar\n@dataclass\n"
            "class D:\n    tags: list = field(default_factory=list)\n"
            "    registry: ClassVar[dict] = {}\n    name: str = ''\n    dims: tuple = ()\n"
        ),
        Valid(
            "from dataclasses import dataclass\n@dataclass(frozen=True)\nclass Point:\n"
            "    x: int = 0\n@dataclass\nclass Shape:\n    origin: Point = Point()\n"
        ),
    )
    INVALID = (
        Invalid(
            "def add(item, items=[]):  # MEM001\n    items.append(item)\n    return items\n",
            unsafe_fixed="def add(item, items=None):  # MEM001\n    if items is None:\n"
            "        items = []\n    items.append(item)\n    return items\n",
        ),
        # Only read: the fix is safe. Positional-only, keyword-only and async.
        Invalid(
            "def f(x=[], /):  # MEM001\n    return len(x)\n",
            fixed="def f(x=None, /):  # MEM001\n    if x is None:\n        x = []\n"
            "    return len(x)\n",
        ),
        Invalid(
            "def f(*, x={}):  # MEM001\n    return x.get('a')\n",
            fixed="def f(*, x=None):  # MEM001\n    if x is None:\n        x = {}\n"
            "    return x.get('a')\n",
        ),
        Invalid(
            "async def f(x=set()):  # MEM001\n    for y in x:\n        print(y)\n",
            fixed="async def f(x=None):  # MEM001\n    if x is None:\n        x = set()\n"
            "    for y in x:\n        print(y)\n",
        ),
        # After the docstring; a docstring-only body; decorators.
        Invalid(
            'def f(x=[]):  # MEM001\n    """Doc."""\n\n    return len(x)\n',
            fixed='def f(x=None):  # MEM001\n    """Doc."""\n    if x is None:\n        x = []\n'
            "\n    return len(x)\n",
        ),
        Invalid(
            "import abc\nclass A(abc.ABC):\n    @abc.abstractmethod\n"
            '    def f(self, x=[]):  # MEM001\n        """Doc."""\n',
            fixed="import abc\nclass A(abc.ABC):\n    @abc.abstractmethod\n"
            '    def f(self, x=None):  # MEM001\n        """Doc."""\n        if x is None:\n'
            "            x = []\n",
        ),
        # Annotations: `| None` from 3.10 or with postponed annotations ...
        Invalid(
            "def f(x: list[int] = []):  # MEM001\n    return len(x)\n",
            fixed="def f(x: list[int] | None = None):  # MEM001\n    if x is None:\n"
            "        x = []\n    return len(x)\n",
        ),
        Invalid(
            "from __future__ import annotations\ndef f(x: list[int] = []):  # MEM001\n"
            "    return len(x)\n",
            fixed="from __future__ import annotations\n"
            "def f(x: list[int] | None = None):  # MEM001\n    if x is None:\n"
            "        x = []\n    return len(x)\n",
            target_version=(3, 9),
        ),
        # ... `Optional[...]` before, through an existing import or a new one.
        Invalid(
            "import typing as t\ndef f(x: t.List[int] = []):  # MEM001\n    return len(x)\n",
            fixed="import typing as t\ndef f(x: t.Optional[t.List[int]] = None):  # MEM001\n"
            "    if x is None:\n        x = []\n    return len(x)\n",
            target_version=(3, 9),
        ),
        Invalid(
            '"""Module."""\nimport os\n\n\ndef f(x: dict = {}):  # MEM001\n'
            "    return os.fspath(x['p'])\n",
            fixed='"""Module."""\nimport os\nfrom typing import Optional\n\n\n'
            "def f(x: Optional[dict] = None):  # MEM001\n    if x is None:\n        x = {}\n"
            "    return os.fspath(x['p'])\n",
            target_version=(3, 9),
        ),
        # An annotation that already admits None is kept.
        Invalid(
            "from typing import Optional\ndef f(x: Optional[list] = []):  # MEM001\n"
            "    return len(x or ())\n",
            fixed="from typing import Optional\ndef f(x: Optional[list] = None):  # MEM001\n"
            "    if x is None:\n        x = []\n    return len(x or ())\n",
            target_version=(3, 9),
        ),
        # CRLF newlines and tab indentation are kept.
        Invalid(
            "def f(x=[]):  # MEM001\r\n    return len(x)\r\n",
            fixed="def f(x=None):  # MEM001\r\n    if x is None:\r\n        x = []\r\n"
            "    return len(x)\r\n",
        ),
        Invalid(
            "class A:\n\tdef f(self, x={}):  # MEM001\n\t\treturn len(x)\n",
            fixed="class A:\n\tdef f(self, x=None):  # MEM001\n\t\tif x is None:\n"
            "\t\t\tx = {}\n\t\treturn len(x)\n",
        ),
        # Nested functions and decorated methods.
        Invalid(
            "def outer():\n    def inner(x=[]):  # MEM001\n        return len(x)\n"
            "    return inner\n",
            fixed="def outer():\n    def inner(x=None):  # MEM001\n        if x is None:\n"
            "            x = []\n        return len(x)\n    return inner\n",
        ),
        Invalid(
            "class A:\n    @staticmethod\n    def f(x=dict()):  # MEM001\n"
            "        # Look it up.\n        return x.get(1)\n",
            fixed="class A:\n    @staticmethod\n    def f(x=None):  # MEM001\n"
            "        if x is None:\n            x = dict()\n        # Look it up.\n"
            "        return x.get(1)\n",
        ),
        # Several parameters: one guard each, in parameter order; safe and unsafe apart.
        Invalid(
            "def f(a=[], b={}, c=[]):  # MEM001, MEM001, MEM001\n    c.append(len(a) + len(b))\n",
            fixed="def f(a=None, b=None, c=[]):  # MEM001, MEM001, MEM001\n    if a is None:\n"
            "        a = []\n    if b is None:\n        b = {}\n    c.append(len(a) + len(b))\n",
            unsafe_fixed="def f(a=None, b=None, c=None):  # MEM001, MEM001, MEM001\n"
            "    if a is None:\n        a = []\n    if b is None:\n        b = {}\n"
            "    if c is None:\n        c = []\n    c.append(len(a) + len(b))\n",
        ),
        # Rebound before it is changed: only read.
        Invalid(
            "def f(x=[]):  # MEM001\n    x = list(x)\n    x.append(1)\n    return x\n",
            fixed="def f(x=None):  # MEM001\n    if x is None:\n        x = []\n"
            "    x = list(x)\n    x.append(1)\n    return x\n",
        ),
        # Escapes: returned, stored on self, kept by a closure (unsafe fix).
        Invalid(
            "class A:\n    def __init__(self, items=[]):  # MEM001\n        self.items = items\n",
            unsafe_fixed="class A:\n    def __init__(self, items=None):  # MEM001\n"
            "        if items is None:\n            items = []\n        self.items = items\n",
        ),
        Invalid(
            "def f(seen=set()):  # MEM001\n    def check(x):\n        return x in seen\n"
            "    return check\n",
            unsafe_fixed="def f(seen=None):  # MEM001\n    if seen is None:\n        seen = set()\n"
            "    def check(x):\n        return x in seen\n    return check\n",
        ),
        # Only read, but the body treats None specially: unsafe.
        Invalid(
            "def f(x=[]):  # MEM001\n    if x is None:\n        return 0\n    return len(x)\n",
            unsafe_fixed="def f(x=None):  # MEM001\n    if x is None:\n        x = []\n"
            "    if x is None:\n        return 0\n    return len(x)\n",
        ),
        # A one-line body becomes a block.
        Invalid(
            "def f(x=[]): return len(x)  # MEM001\n",
            fixed="def f(x=None):  # MEM001\n    if x is None:\n        x = []\n"
            "    return len(x)\n",
        ),
        # collections containers in any import form; bytearray; comprehensions.
        Invalid(
            "from collections import defaultdict as dd\nimport collections as co\n"
            "def f(a=dd(list), b=co.deque(maxlen=3), c=bytearray()):  # MEM001, MEM001, MEM001\n"
            "    a['k'].append(1)\n    b.append(2)\n    c.extend(b'x')\n",
            unsafe_fixed="from collections import defaultdict as dd\nimport collections as co\n"
            "def f(a=None, b=None, c=None):  # MEM001, MEM001, MEM001\n    if a is None:\n"
            "        a = dd(list)\n    if b is None:\n        b = co.deque(maxlen=3)\n"
            "    if c is None:\n        c = bytearray()\n"
            "    a['k'].append(1)\n    b.append(2)\n    c.extend(b'x')\n",
        ),
        Invalid(
            "def f(x=[i * i for i in range(3)]):  # MEM001\n    return x\n",
            unsafe_fixed="def f(x=None):  # MEM001\n    if x is None:\n"
            "        x = [i * i for i in range(3)]\n    return x\n",
        ),
        # No fix: lambdas, module-level names, names the class body binds.
        Invalid("f = lambda v, acc=[]: acc.append(v) or acc  # MEM001\n"),
        Invalid("DEFAULTS = {}\ndef f(opts=DEFAULTS):  # MEM001\n    opts['seen'] = True\n"),
        Invalid(
            "class A:\n    KIND = 1\n    def f(self, kinds=[KIND]):  # MEM001\n"
            "        return len(kinds)\n"
        ),
        # Class attributes shared between instances, and dataclass fields.
        Invalid(
            "class Cart:\n    items = []  # MEM001\n    def add(self, x):\n"
            "        self.items.append(x)\n"
        ),
        Invalid(
            "class Index:\n    table: dict = {}  # MEM001\n    def put(self, k, v):\n"
            "        self.table[k] = v\n"
        ),
        Invalid(
            "import collections\nfrom dataclasses import dataclass, field\n@dataclass\nclass D:\n"
            "    tags: list = field(default=[])  # MEM001\n"
            "    queue: collections.deque = collections.deque()  # MEM001\n"
        ),
        Invalid(
            "from dataclasses import dataclass\n@dataclass\nclass Inner:\n    n: int = 0\n"
            "@dataclass\nclass Outer:\n    inner: Inner = Inner()  # MEM001\n"
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._active = not context.is_stub
        self._scopes: list[_Scope] = []
        self._bindings: Optional[dict[str, cst.BaseExpression]] = None
        self._scope_names: dict[int, set[str]] = {}
        #: Module-level classes by name, to look up base classes defined here.
        self._classes: dict[str, _ClassInfo] = {}
        self._selves: list[Optional[_Self]] = []
        self._program: Optional[_Program] = None
        #: Module-level dataclasses that are not frozen: their instances are mutable.
        self._mutable_dataclasses: set[str] = set()

    @classmethod
    def applies_to(cls, index: ModuleIndex, text: str, tree: ast.Module) -> bool:
        if index.has_candidate_defaults:
            return True
        return index.has_class_level_containers and _may_share_class_attribute(index, tree, text)

    @classmethod
    def estimate(cls, finding: Finding, python: tuple[int, int]) -> Optional[Estimate]:
        """Bytes the shared object grows by per element the calls leave in it."""
        usage = str(finding.detail("usage", ""))
        kind = str(finding.detail("type", ""))
        if usage not in ("mutated", "escapes"):
            return Estimate(
                bytes_saved=0,
                resident_bytes_saved=0,
                unit="call",
                method="modelled",
                python=format_version(python),
                note="only read, so the shared default never grows; the risk is a future edit",
            )
        per_element = _container_bytes_per_element(kind, python)
        if per_element is None:
            return None
        return Estimate(
            bytes_saved=per_element,
            resident_bytes_saved=per_element,
            unit="element",
            method="modelled",
            python=format_version(python),
            note=f"per element left in the shared {kind or 'container'}, plus the element "
            "itself; it stays reachable for the life of the function",
        )

    @classmethod
    def cost_table(cls, python: tuple[int, int]) -> Optional[CostTable]:
        return list_table(python)

    def leave_Module(self, original_node: cst.Module) -> None:
        if self._program is not None:
            # Its memo holds analyses that point back at it: drop the cycle with the file.
            self._program.forget()

    # -- scopes -------------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not self._active:
            return
        protocol = any(self._base_name(base.value) in _PROTOCOL for base in node.bases)
        info = _ClassInfo(node, protocol)
        top_level = not self._scopes
        self._scopes.append(info)
        self._selves.append(None)
        if not protocol:
            self._check_class(info, top_level)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if not self._active:
            return
        self._selves.pop()
        info = self._scopes.pop()
        assert isinstance(info, _ClassInfo)
        if info.watched:
            self._report_shared_attributes(info)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self._active:
            return
        self._check_function(node)
        self._enter_function(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self._active:
            self._scopes.pop()
            self._selves.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        if not self._active:
            return
        self._check_function(node)
        self._enter_function(node)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        if self._active:
            self._scopes.pop()
            self._selves.pop()

    def _enter_function(self, node: Union[cst.FunctionDef, cst.Lambda]) -> None:
        enclosing = self._scopes[-1] if self._scopes else None
        current = self._selves[-1] if self._selves else None
        names = [param.name.value for param in all_params(node.params)]
        inner: Optional[_Self] = None
        if isinstance(enclosing, _ClassInfo):
            # A method; a lambda assigned in a class body is one too.
            positional = [*node.params.posonly_params, *node.params.params]
            if isinstance(node, cst.FunctionDef):
                method = node.name.value
                decorators = self._decorator_names(node.decorators)
            else:
                method, decorators = "<lambda>", []
            if (
                positional
                and method not in _IMPLICIT_CLASS_METHODS
                and not _NOT_INSTANCE_METHOD.intersection(decorators)
            ):
                inner = _Self(positional[0].name.value, method, enclosing)
        elif current is not None and current.name not in names:
            inner = current  # a closure still sees the method's ``self``
        self._scopes.append(node)
        self._selves.append(inner)

    # -- what methods do with self.<name> -------------------------------------------------

    def _self_attribute(self, node: cst.CSTNode, me: _Self) -> Optional[str]:
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == me.name
        ):
            return node.attr.value
        return None

    def _current_self(self) -> Optional[_Self]:
        return self._selves[-1] if self._selves else None

    def _self_target(
        self,
        target: cst.BaseExpression,
        me: _Self,
        value: Optional[cst.BaseExpression] = None,
    ) -> None:
        name = self._self_attribute(target, me)
        if name is not None:
            me.owner.assigned.add(name)
        elif isinstance(target, cst.Subscript):
            inner = self._self_attribute(target.value, me)
            if inner is not None:
                me.owner.mutated.setdefault(inner, me.method)
                # Keyed by the instance (``self``, ``id(self)``, ``type(self).__name__``)
                # or holding it: a class-wide registry, shared on purpose.
                keys = [element.slice for element in target.slice]
                if _mentions(me.name, value) or any(_refers_to(me.name, key) for key in keys):
                    me.owner.registries.add(inner)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._self_target(element.value, me)
        elif isinstance(target, cst.StarredElement):
            self._self_target(target.value, me)

    def visit_Assign(self, node: cst.Assign) -> None:
        me = self._current_self()
        if me is not None:
            for target in node.targets:
                self._self_target(target.target, me, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        me = self._current_self()
        if me is not None and node.value is not None:
            self._self_target(node.target, me)

    def visit_For(self, node: cst.For) -> None:
        me = self._current_self()
        if me is not None:
            self._self_target(node.target, me)

    def visit_AsName(self, node: cst.AsName) -> None:
        me = self._current_self()
        if me is not None:
            self._self_target(node.name, me)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        me = self._current_self()
        if me is None:
            return
        # ``self.items += [x]`` extends the shared list in place before it binds the
        # instance attribute to that same list.
        name = self._self_attribute(node.target, me)
        if name is not None:
            me.owner.mutated.setdefault(name, me.method)
        else:
            self._self_target(node.target, me)

    def visit_Del(self, node: cst.Del) -> None:
        me = self._current_self()
        if me is None:
            return
        target = node.target
        targets = [e.value for e in target.elements] if isinstance(target, cst.Tuple) else [target]
        for item in targets:
            if isinstance(item, cst.Subscript):
                name = self._self_attribute(item.value, me)
                if name is not None:
                    me.owner.mutated.setdefault(name, me.method)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        me = self._current_self()
        if me is None:
            return
        attr = node.attr.value
        if attr in _MUTATORS:
            name = self._self_attribute(node.value, me)
            if name is not None:
                me.owner.mutated.setdefault(name, me.method)
        elif (
            attr == "__dict__" and isinstance(node.value, cst.Name) and node.value.value == me.name
        ):
            me.owner.dynamic = True

    def visit_Call(self, node: cst.Call) -> None:
        me = self._current_self()
        if me is None or not node.args:
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _MUTATORS:
            name = self._self_attribute(func.value, me)
            if name is not None and _mentions(me.name, *(arg.value for arg in node.args)):
                me.owner.registries.add(name)  # ``self._instances.append(self)``
        first = node.args[0].value
        if isinstance(first, cst.Attribute):
            name = self._self_attribute(first, me)
            if name is not None and self.context.qualified_name(node.func) in _MUTATING_FUNCTIONS:
                me.owner.mutated.setdefault(name, me.method)
        elif isinstance(first, cst.Name) and first.value == me.name:
            callee = self.context.qualified_name(func)
            if callee in ("builtins.setattr", "builtins.vars") or (
                isinstance(func, cst.Attribute) and func.attr.value == "__setattr__"
            ):
                second = node.args[1].value if len(node.args) > 1 else None
                if isinstance(second, cst.SimpleString):
                    me.owner.assigned.add(str(second.evaluated_value))
                else:
                    me.owner.dynamic = True

    # -- classifying values ---------------------------------------------------------------

    def _mutable(self, node: cst.BaseExpression, *, names: bool) -> Optional[_Mutable]:
        """Describe ``node`` if it evaluates to a new mutable container."""
        literal = _LITERAL_TYPES.get(type(node).__name__)
        if literal is not None:
            empty = isinstance(node, (cst.List, cst.Dict, cst.Set)) and not node.elements
            return _Mutable(node, literal, "literal", empty)
        if isinstance(node, cst.Call):
            callee = self.context.qualified_name(node.func)
            type_name = _CONTAINER_CALLS.get(callee or "")
            if type_name is None:
                return None
            return _Mutable(node, type_name, "call", _empty_call(node, type_name))
        if names and isinstance(node, cst.Name):
            return self._mutable_name(node)
        return None

    def _mutable_name(self, node: cst.Name) -> Optional[_Mutable]:
        name = node.value
        index = self.context.index
        if name not in index.defined or index.is_rebound(name) or name in index.imports:
            return None
        if any(name in self._names_bound_by(scope) for scope in self._scopes):
            return None  # the default reads an enclosing scope's own binding
        if self._bindings is None:
            self._bindings = module_bindings(self.context.module)
        value = self._bindings.get(name)
        if value is None:
            return None
        bound = self._mutable(value, names=False)
        if bound is None:
            return None
        # What the name holds by the time a call runs is unknown: never "empty".
        return _Mutable(node, bound.type_name, "name", False, name)

    def _names_bound_by(self, scope: _Scope) -> set[str]:
        key = id(scope)
        cached = self._scope_names.get(key)
        if cached is None:
            if isinstance(scope, _ClassInfo):
                cached = _class_bindings(scope.node)
            else:
                cached = {param.name.value for param in all_params(scope.params)}
                if isinstance(scope, cst.FunctionDef):
                    cached |= _BindingNames.of(scope.body)
            self._scope_names[key] = cached
        return cached

    def _base_name(self, node: cst.BaseExpression) -> Optional[str]:
        if isinstance(node, cst.Subscript):  # Protocol[T], Generic[T]
            node = node.value
        return self.context.qualified_name(node)

    def _decorator_names(self, decorators: Sequence[cst.Decorator]) -> list[Optional[str]]:
        names = []
        for decorator in decorators:
            expr = decorator.decorator
            if isinstance(expr, cst.Call):
                expr = expr.func
            names.append(self.context.qualified_name(expr))
        return names

    # -- function defaults --------------------------------------------------------------

    def _check_function(self, node: Union[cst.FunctionDef, cst.Lambda]) -> None:
        params = list(defaulted_params(node.params))
        if not params:
            return
        enclosing = self._scopes[-1] if self._scopes else None
        if isinstance(enclosing, _ClassInfo) and enclosing.protocol:
            return
        if isinstance(node, cst.FunctionDef) and _OVERLOAD.intersection(
            self._decorator_names(node.decorators)
        ):
            return
        for param in params:
            assert param.default is not None
            mutable = self._mutable(param.default, names=True)
            if mutable is not None:
                self._report_default(node, param, mutable, enclosing)

    def _report_default(
        self,
        node: Union[cst.FunctionDef, cst.Lambda],
        param: cst.Param,
        mutable: _Mutable,
        enclosing: Optional[_Scope],
    ) -> None:
        name = param.name.value
        if self._program is None:
            self._program = _Program(self.context.module, self.context.index)
        owner = self_name = None
        if isinstance(node, cst.FunctionDef) and isinstance(enclosing, _ClassInfo):
            owner = self._program.owner_of(node)
            positional = [*node.params.posonly_params, *node.params.params]
            if owner is not None and positional:
                self_name = positional[0].name.value
        uses = _Uses(self._program, mutable.empty, mutable.type_name, owner, self_name)
        if mutable.kind == "name":
            if mutable.name == name:
                return  # ``def f(x, _cache=_cache)``: binding a global as a fast local
            uses.sentinel = mutable.name
        state = _State({name}, set())
        if isinstance(node, cst.FunctionDef):
            uses.function_body(node.body, state)
            label = node.name.value
            if isinstance(enclosing, _ClassInfo):
                label = f"{enclosing.node.name.value}.{label}"
            where = who = f"`{label}`"
        else:
            if uses._refers(node.body, state):
                uses._escaped("returns it")
            uses._expr(node.body, state)
            label = "<lambda>"
            where, who = "a lambda", "the lambda"
        usage = uses.usage
        if (
            usage in (_READ, _UNUSED)
            and param.annotation is not None
            and self._read_only_annotation(param.annotation.annotation)
        ):
            # ``x: Mapping[str, int] = {}`` that is only read: the type says the shared
            # object is not to be changed, and a type checker holds callers to it.
            return
        if mutable.kind == "name" and usage not in (_MUTATED, _ESCAPES):
            # Binding a module-level object as a default is a deliberate idiom (a fast
            # local, a sentinel, a table that survives interpreter shutdown) as long as
            # the function leaves the object alone.
            return
        shown = _short(self.context.module.code_for_node(mutable.node), mutable)
        if mutable.kind == "name":
            opening = (
                f"Default `{shown}` for parameter `{name}` of {where} is the module-level "
                f"{mutable.type_name} `{mutable.name}`, shared by every call"
            )
        else:
            opening = (
                f"Mutable default `{shown}` for parameter `{name}` of {where} is shared by "
                "every call"
            )
        if usage == _MUTATED:
            if mutable.kind == "name":
                tail = (
                    f", and {who} mutates it, so every call that uses the default changes "
                    f"`{mutable.name}` for the whole module."
                )
            else:
                tail = f", and {who} mutates it, so values leak from one call to the next."
            severity = Severity.HIGH
        elif usage == _ESCAPES:
            tail = (
                f", and {who} {uses.escape}, so callers that rely on the default share one "
                "object and changes to it outlive the call."
            )
            severity = Severity.HIGH
        elif usage == _PASSED:
            tail = f", and {who} passes it to `{uses.passed}`, which may keep or mutate it."
            severity = Severity.MEDIUM
        else:
            verb = "only reads it" if usage == _READ else "never uses it"
            tail = f"; {who} {verb}, so this is a latent bug rather than a leak."
            severity = Severity.LOW
        fix = None
        if isinstance(node, cst.FunctionDef) and mutable.kind != "name":
            fix = self._fix(node, param, uses, enclosing)
        self.report(
            mutable.node,
            opening + tail,
            severity=severity,
            confidence=Confidence.MEDIUM if mutable.kind == "name" else Confidence.HIGH,
            fix=fix,
            details={
                "parameter": name,
                "function": label,
                "default": shown,
                "type": mutable.type_name,
                "kind": mutable.kind,
                "usage": usage,
                "evidence": uses.mutation or uses.escape or uses.passed,
            },
        )

    # -- the fix ------------------------------------------------------------------------

    def _fix(
        self,
        node: cst.FunctionDef,
        param: cst.Param,
        uses: _Uses,
        enclosing: Optional[_Scope],
    ) -> Optional[FixPlan]:
        default = param.default
        assert default is not None
        name = param.name.value
        reads, comprehension_names = _expression_names(default)
        params = [p.name.value for p in all_params(node.params)]
        if reads & (set(params) | uses.bound):
            return None  # the body would see its own binding, not the one the def saw
        if isinstance(enclosing, _ClassInfo) and reads & self._names_bound_by(enclosing):
            return None  # class-level names are invisible inside the method body
        changes: list[Change] = [Replace(default, cst.Name("None"))]
        if param.annotation is not None:
            annotation = self._optional_annotation(param.annotation.annotation)
            if annotation is None:
                return None
            changes.extend(annotation)
        guard = cst.If(
            test=cst.Comparison(
                left=cst.Name(name),
                comparisons=[cst.ComparisonTarget(operator=cst.Is(), comparator=cst.Name("None"))],
            ),
            body=cst.IndentedBlock(
                body=[
                    cst.SimpleStatementLine(
                        body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=default)]
                    )
                ]
            ),
        )
        body = node.body
        if isinstance(body, cst.SimpleStatementSuite):
            changes.append(
                Replace(
                    body,
                    cst.IndentedBlock(
                        header=body.trailing_whitespace,
                        body=[guard, cst.SimpleStatementLine(body=body.body)],
                    ),
                )
            )
        else:
            assert isinstance(body, cst.IndentedBlock)
            changes.append(_guard_insertion(body, guard, params[: params.index(name)]))
        pure = self._pure(default, comprehension_names)
        safe = uses.usage in (_READ, _UNUSED) and not uses.none_checked and pure
        return FixPlan(
            f"Default `{name}` to `None` and build a new object on each call",
            Applicability.SAFE if safe else Applicability.UNSAFE,
            tuple(changes),
        )

    def _pure(self, node: cst.CSTNode, local: set[str]) -> bool:
        """Whether evaluating ``node`` on every call gives what evaluating it once did."""
        if isinstance(node, cst.Name):
            if node.value in local or node.value in ("None", "True", "False"):
                return True
            return self.context.index.qualify(node.value) is not None
        if isinstance(node, cst.Attribute):
            return self._pure(node.value, local)
        if isinstance(node, cst.Call):
            callee = self.context.qualified_name(node.func)
            return callee in _PURE_CALLS and all(self._pure(arg.value, local) for arg in node.args)
        if isinstance(node, cst.BaseExpression) and not isinstance(node, _pure_shapes()):
            return False
        # Elements, comprehension clauses, operators and whitespace: look inside.
        return all(self._pure(child, local) for child in node.children)

    def _optional_annotation(self, annotation: cst.BaseExpression) -> Optional[list[Change]]:
        """Changes that make ``annotation`` admit ``None``; ``None`` when memlint cannot."""
        if self._admits_none(annotation):
            return []
        index = self.context.index
        pep604 = (
            self.context.target_version >= (3, 10)
            or index.imports.get("annotations") == "__future__.annotations"
        )
        if pep604:
            if isinstance(annotation, cst.SimpleString):
                quote = annotation.quote
                if annotation.prefix or len(quote) != 1:
                    return None
                inner = annotation.raw_value
                return [
                    Replace(
                        annotation, annotation.with_changes(value=f"{quote}{inner} | None{quote}")
                    )
                ]
            if isinstance(annotation, (cst.Name, cst.Attribute, cst.Subscript)) or (
                isinstance(annotation, cst.BinaryOperation)
                and isinstance(annotation.operator, cst.BitOr)
            ):
                return [
                    Replace(
                        annotation,
                        cst.BinaryOperation(
                            left=annotation, operator=cst.BitOr(), right=cst.Name("None")
                        ),
                    )
                ]
            return None
        changes: list[Change] = []
        optional = self._optional_reference()
        if optional is None:
            insertion = self._optional_import()
            if insertion is None:
                return None
            changes.append(insertion)
            optional = cst.Name("Optional")
        changes.append(
            Replace(
                annotation,
                cst.Subscript(
                    value=optional, slice=[cst.SubscriptElement(slice=cst.Index(annotation))]
                ),
            )
        )
        return changes

    def _read_only_annotation(self, annotation: cst.BaseExpression) -> bool:
        if isinstance(annotation, cst.BinaryOperation) and isinstance(
            annotation.operator, cst.BitOr
        ):
            sides = (annotation.left, annotation.right)
            return all(is_none(side) or self._read_only_annotation(side) for side in sides)
        target = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        qualified = self.context.qualified_name(target) or dotted_name(target) or ""
        short = qualified.rsplit(".", 1)[-1]
        if short in ("Optional", "Union") and isinstance(annotation, cst.Subscript):
            return all(
                isinstance(element.slice, cst.Index)
                and (
                    is_none(element.slice.value) or self._read_only_annotation(element.slice.value)
                )
                for element in annotation.slice
            )
        return short in _READ_ONLY_TYPES

    def _admits_none(self, annotation: cst.BaseExpression) -> bool:
        if is_none(annotation):
            return True
        if isinstance(annotation, cst.SimpleString):
            text = str(annotation.evaluated_value)
            return "None" in text or "Optional" in text or text in ("Any", "object")
        if isinstance(annotation, cst.BinaryOperation) and isinstance(
            annotation.operator, cst.BitOr
        ):
            return self._admits_none(annotation.left) or self._admits_none(annotation.right)
        target = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        qualified = self.context.qualified_name(target) or dotted_name(target) or ""
        short = qualified.rsplit(".", 1)[-1]
        if short in ("Optional", "Any") or qualified == "builtins.object":
            return True
        if short == "Union" and isinstance(annotation, cst.Subscript):
            return any(
                isinstance(element.slice, cst.Index) and self._admits_none(element.slice.value)
                for element in annotation.slice
            )
        return False

    def _optional_reference(self) -> Optional[cst.BaseExpression]:
        index = self.context.index
        for local, target in index.imports.items():
            if target in ("typing.Optional", "typing_extensions.Optional") and not index.is_rebound(
                local
            ):
                return cst.Name(local)
        for local, target in index.imports.items():
            if target in ("typing", "typing_extensions") and not index.is_rebound(local):
                return cst.Attribute(value=cst.Name(local), attr=cst.Name("Optional"))
        return None

    def _optional_import(self) -> Optional[InsertStatements]:
        """``from typing import Optional`` after the module's leading imports."""
        index = self.context.index
        if "Optional" in index.imports or "Optional" in index.defined or index.star_imports:
            return None
        statement = cst.SimpleStatementLine(
            body=[
                cst.ImportFrom(
                    module=cst.Name("typing"), names=[cst.ImportAlias(name=cst.Name("Optional"))]
                )
            ]
        )
        body = self.context.module.body
        last_import: Optional[cst.BaseStatement] = None
        for top in body:
            # Only imports that run before any definition: the annotation is evaluated
            # when the ``def`` runs.
            if not isinstance(top, cst.SimpleStatementLine):
                break
            if any(isinstance(small, (cst.Import, cst.ImportFrom)) for small in top.body):
                last_import = top
        if last_import is not None:
            return InsertStatements(last_import, (statement,), before=False)
        docstring = docstring_statement(cst.IndentedBlock(body=body))
        if docstring is not None:
            return InsertStatements(docstring, (statement,), before=False)
        return InsertStatements(body[0], (statement,), before=True)

    # -- classes ------------------------------------------------------------------------

    def _check_class(self, info: _ClassInfo, top_level: bool) -> None:
        node = info.node
        decorators = self._decorator_names(node.decorators)
        dataclass_decorator = _DATACLASS in decorators
        managed = any(
            _is_managed(name) for name in decorators if name and name != _DATACLASS
        ) or any(self._is_managed_base(base.value) for base in node.bases)
        if top_level:
            self._classes[node.name.value] = info
            if dataclass_decorator and not _is_frozen(node, self.context):
                self._mutable_dataclasses.add(node.name.value)
        watch = not managed and self._plain_metaclass(node)
        for statement in node.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and small.value is not None:
                    if self._is_classvar(small.annotation.annotation):
                        continue
                    if dataclass_decorator and not managed:
                        self._check_field(node, small)
                    elif watch and isinstance(small.target, cst.Name):
                        mutable = self._mutable(small.value, names=False)
                        if mutable is not None:
                            info.watched[small.target.value] = mutable
                elif watch and isinstance(small, cst.Assign):
                    mutable = self._mutable(small.value, names=False)
                    if mutable is None:
                        continue
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            info.watched[target.target.value] = mutable

    def _is_managed_base(self, base: cst.BaseExpression) -> bool:
        if isinstance(base, cst.Subscript):
            base = base.value
        qualified = self.context.qualified_name(base)
        if qualified is not None and (_is_managed(qualified) or qualified == "builtins.type"):
            return True  # a framework's class, or a metaclass (its instances are classes)
        if isinstance(base, cst.Call):  # declarative_base(), with_metaclass(...)
            return True
        short = (dotted_name(base) or "").rsplit(".", 1)[-1]
        return short in _MANAGED_BASE_NAMES

    def _plain_metaclass(self, node: cst.ClassDef) -> bool:
        for keyword in node.keywords:
            if keyword.keyword is not None and keyword.keyword.value == "metaclass":
                return self.context.qualified_name(keyword.value) in _PLAIN_METACLASSES
        return True

    def _is_classvar(self, annotation: cst.BaseExpression) -> bool:
        if isinstance(annotation, cst.SimpleString):
            return "ClassVar" in str(annotation.evaluated_value)
        target = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        qualified = self.context.qualified_name(target) or dotted_name(target) or ""
        return qualified in _CLASSVAR or qualified.rsplit(".", 1)[-1] == "ClassVar"

    def _check_field(self, owner: cst.ClassDef, node: cst.AnnAssign) -> None:
        if not isinstance(node.target, cst.Name) or node.value is None:
            return
        value = node.value
        if (
            isinstance(value, cst.Call)
            and self.context.qualified_name(value.func) == _DATACLASS_FIELD
        ):
            argument = call_argument(value, None, "default")
            if argument is None:
                return
            value = argument.value
        field_name = node.target.value
        cls = owner.name.value
        mutable = self._mutable(value, names=True)
        confidence = Confidence.HIGH
        if mutable is None:
            instance = self._mutable_instance(value)
            if instance is None:
                return
            mutable = instance
            confidence = Confidence.MEDIUM
        elif mutable.kind == "name":
            confidence = Confidence.MEDIUM
        shown = _short(self.context.module.code_for_node(value), mutable)
        if mutable.kind == "instance":
            what = f"one `{mutable.type_name}` object"
            factory = mutable.type_name if mutable.empty else ""
        else:
            what = f"one {mutable.type_name}"
            factory = ""
            if mutable.empty and mutable.kind != "name":
                factory = _FACTORIES.get(mutable.type_name) or self.context.module.code_for_node(
                    cst.ensure_type(value, cst.Call).func
                )
        advice = (
            f"`field(default_factory={factory})`" if factory else "a `field(default_factory=...)`"
        )
        severity = (
            Severity.HIGH if mutable.type_name in _REJECTED_BY_DATACLASSES else Severity.MEDIUM
        )
        self.report(
            value,
            f"Default `{shown}` of dataclass field `{field_name}` in `{cls}` is {what} shared by "
            f"every `{cls}`; use {advice} to give each instance its own.",
            severity=severity,
            confidence=confidence,
            details={
                "field": field_name,
                "class": cls,
                "default": shown,
                "type": mutable.type_name,
                "kind": mutable.kind,
            },
        )

    def _mutable_instance(self, value: cst.BaseExpression) -> Optional[_Mutable]:
        """``Inner()`` where ``Inner`` is a mutable dataclass defined in this module."""
        if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Name):
            return None
        name = value.func.value
        if name not in self._mutable_dataclasses or self.context.index.is_rebound(name):
            return None
        return _Mutable(value, name, "instance", not value.args)

    def _report_shared_attributes(self, info: _ClassInfo) -> None:
        if info.dynamic:
            return  # setattr(self, name, ...) or self.__dict__: cannot tell
        shared = [
            (attribute, mutable, info.mutated[attribute])
            for attribute, mutable in info.watched.items()
            if attribute in info.mutated
            and attribute not in info.assigned
            and attribute not in info.registries
            and not _deliberately_shared(attribute)
        ]
        if not shared:
            return
        inherited, known_bases = self._inherited_attributes(info.node)
        if not known_bases:
            # A base class memlint cannot see may give each instance its own copy
            # (``self.items = self.items.copy()`` in its ``__init__``).
            return
        cls = info.node.name.value
        for attribute, mutable, method in shared:
            if attribute in inherited:
                continue
            self.report(
                mutable.node,
                f"Class attribute `{attribute}` of `{cls}` is one {mutable.type_name} shared "
                f"by every instance, and `{cls}.{method}` mutates it through "
                f"`self.{attribute}`, so a change made through one instance shows up in all "
                "of them.",
                severity=Severity.HIGH,
                details={
                    "attribute": attribute,
                    "class": cls,
                    "method": method,
                    "type": mutable.type_name,
                },
            )

    def _inherited_attributes(self, node: cst.ClassDef) -> tuple[set[str], bool]:
        """Attributes the base classes defined in this module set through ``self``, and
        whether every base is known: ``object``, a class of this module, or a class of
        the standard library (which does not copy class attributes per instance)."""
        attributes: set[str] = set()
        known = True
        pending: list[cst.BaseExpression] = [base.value for base in node.bases]
        seen: set[str] = set()
        while pending:
            expr = pending.pop()
            base = dotted_name(expr) or ""
            if base in seen or base == "object":
                continue
            seen.add(base)
            info = self._classes.get(base)
            if info is None or self.context.index.is_rebound(base):
                qualified = self.context.qualified_name(expr) or ""
                if qualified.split(".")[0] not in _STDLIB or qualified.startswith("<"):
                    known = False
                continue
            if info.dynamic:
                return attributes, False
            attributes |= info.assigned
            pending.extend(b.value for b in info.node.bases)
        return attributes, known


def _refers_to(name: str, node: cst.CSTNode) -> bool:
    """Whether ``name`` occurs anywhere in ``node`` (``id(self)``, ``self.key``)."""
    if isinstance(node, cst.Name):
        return node.value == name
    if isinstance(node, cst.Attribute):
        return _refers_to(name, node.value)
    return any(_refers_to(name, child) for child in node.children)


def _mentions(name: str, *nodes: Optional[cst.CSTNode]) -> bool:
    """Whether ``name`` appears in any of ``nodes`` (as itself, or in a tuple, list or
    set display)."""
    for node in nodes:
        if isinstance(node, cst.Name) and node.value == name:
            return True
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)) and _mentions(
            name, *(element.value for element in node.elements)
        ):
            return True
        if isinstance(node, cst.Index) and _mentions(name, node.value):
            return True
    return False


def _may_share_class_attribute(index: ModuleIndex, tree: ast.Module, text: str) -> bool:
    """Gate for the class-level checks: a dataclass field whose default is a display,
    a call or a name (``_check_field``), or a class-level container (a display, a
    comprehension or a container call, as ``_mutable`` sees them) that some code
    mutates through an attribute (``x.items.append(...)``, ``x.items[k] = v``,
    ``x.items += ...``, ``heapq.heappush(x.items, ...)``)."""
    watched: set[str] = set()
    for statement in iter_statements(tree):
        if not isinstance(statement, ast.ClassDef):
            continue
        dataclass = any(
            qualified_name(index, d.func if isinstance(d, ast.Call) else d) == _DATACLASS
            for d in statement.decorator_list
        )
        for small in statement.body:
            if isinstance(small, ast.AnnAssign) and small.value is not None:
                if _is_classvar(index, small.annotation):
                    continue
                if dataclass and _may_be_mutable_field(index, small.value):
                    return True
                targets: list[ast.expr] = [small.target]
            elif isinstance(small, ast.Assign):
                targets = small.targets
            else:
                continue
            value = small.value
            if isinstance(value, _AST_CONTAINERS) or (
                isinstance(value, ast.Call)
                and qualified_name(index, value.func) in _CONTAINER_CALLS
            ):
                watched.update(t.id for t in targets if isinstance(t, ast.Name))
    # The rule leaves names shared on purpose alone, and ``<x>.N`` must occur in the
    # text before a walk looks for mutations.
    watched = {
        name
        for name in watched
        if not _deliberately_shared(name) and re.search(r"\.\s*" + name + r"\b", text)
    }
    return bool(watched) and not watched.isdisjoint(_mutated_attributes(tree))


def _is_classvar(index: ModuleIndex, annotation: ast.expr) -> bool:
    """``ClassVar`` or ``ClassVar[...]``, by the rule's own test (``_is_classvar``).
    A quoted annotation is never skipped here: ``ast`` joins ``"Class" "Var"``,
    which the rule does not read as one."""
    target = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    chain = name_chain(target)
    if chain is None:
        return False
    qualified = qualified_name(index, target) or ".".join(chain)
    return qualified in _CLASSVAR or qualified.rsplit(".", 1)[-1] == "ClassVar"


def _may_be_mutable_field(index: ModuleIndex, value: ast.expr) -> bool:
    """Could a dataclass field with this default be flagged (``_check_field``)? A
    display, a call or a name; ``field(...)`` only through its ``default=``."""
    if isinstance(value, ast.Call) and qualified_name(index, value.func) == _DATACLASS_FIELD:
        default = next((k.value for k in value.keywords if k.arg == "default"), None)
        return default is not None and _may_be_mutable_field(index, default)
    return isinstance(value, (*_AST_CONTAINERS, ast.Call, ast.Name))


def _mutated_attributes(tree: ast.Module) -> set[str]:
    """Names ``N`` of every ``<name>.N`` that the code mutates in place (the rule
    looks for ``self.N``, whatever the method calls its ``self``)."""
    nodes = ast_nodes(tree)
    found: list[Optional[str]] = [
        _attribute_of_name(attribute.value)
        for attribute in nodes.of(ast.Attribute)
        if attribute.attr in _MUTATORS
    ]
    found.extend(
        _attribute_of_name(subscript.value)
        for subscript in nodes.of(ast.Subscript)
        if not isinstance(subscript.ctx, ast.Load)
    )
    found.extend(_attribute_of_name(augmented.target) for augmented in nodes.of(ast.AugAssign))
    for call in nodes.of(ast.Call):
        func = call.func
        last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if call.args and last in _MUTATING_LAST_NAMES:
            found.append(_attribute_of_name(call.args[0]))
    return {name for name in found if name is not None}


def _attribute_of_name(node: ast.expr) -> Optional[str]:
    """``N`` when ``node`` is an attribute of a plain name (``x.N``)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr
    return None


_AST_CONTAINERS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
_MUTATING_LAST_NAMES = frozenset(name.rsplit(".", 1)[1] for name in _MUTATING_FUNCTIONS)


def _deliberately_shared(attribute: str) -> bool:
    """Class-level caches and registries are shared on purpose; a private name says the
    class manages the container itself."""
    lowered = attribute.lower()
    return attribute.startswith("_") or any(
        word in lowered for word in ("cache", "registry", "instances", "memo")
    )


def _is_managed(qualified: str) -> bool:
    return any(qualified == p or qualified.startswith(p + ".") for p in _MANAGED_PREFIXES)


def _is_frozen(node: cst.ClassDef, context: RuleContext) -> bool:
    for decorator in node.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call) and context.qualified_name(expr.func) == _DATACLASS:
            frozen = call_argument(expr, None, "frozen")
            if frozen is not None and not (
                isinstance(frozen.value, cst.Name) and frozen.value.value == "False"
            ):
                return True
    return False


def _empty_call(node: cst.Call, type_name: str) -> bool:
    positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
    keywords = [arg for arg in node.args if arg.keyword is not None or arg.star]
    if type_name == "defaultdict":
        return len(positional) <= 1 and not keywords
    if type_name == "deque":
        return not positional and all(
            arg.keyword is not None and arg.keyword.value == "maxlen" for arg in keywords
        )
    return not node.args


def _short(code: str, mutable: _Mutable) -> str:
    """The default as shown in a message: its code when short, else its shape."""
    if len(code) <= 30 and "\n" not in code and "`" not in code:
        return code
    node = mutable.node
    if isinstance(node, (cst.List, cst.Dict, cst.Set)):
        return "[...]" if isinstance(node, cst.List) else "{...}"
    if isinstance(node, (cst.ListComp, cst.SetComp, cst.DictComp)):
        return "[... for ...]" if isinstance(node, cst.ListComp) else "{... for ...}"
    if isinstance(node, cst.Call):
        func = dotted_name(node.func)
        if func is not None and len(func) <= 30:
            return f"{func}(...)"
    return f"{mutable.type_name}(...)"


def _guard_insertion(
    body: cst.IndentedBlock, guard: cst.If, earlier: Sequence[str]
) -> InsertStatements:
    """Where the ``if x is None`` guard goes: after the docstring and after the guards
    of earlier parameters (so several fixes, applied one by one, keep parameter order)."""
    statements = body.body
    position = 1 if docstring_statement(body) is not None else 0
    while position < len(statements) and _is_guard(statements[position], earlier):
        position += 1
    if position < len(statements):
        return InsertStatements(statements[position], (guard,), before=True)
    return InsertStatements(statements[position - 1], (guard,), before=False)


def _is_guard(statement: cst.BaseStatement, names: Sequence[str]) -> bool:
    if not isinstance(statement, cst.If):
        return False
    test = statement.test
    return (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and test.left.value in names
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Is)
        and is_none(test.comparisons[0].comparator)
    )


def _container_bytes_per_element(kind: str, python: tuple[int, int]) -> Optional[int]:
    """Amortised container bytes per element for 1,000 elements grown one at a time."""
    n = 1000
    if kind in ("list", "deque", "UserList", "bytearray"):
        total = list_size(n, python, grown_by_append=True)
    elif kind in ("dict", "defaultdict", "OrderedDict", "Counter", "UserDict", "ChainMap"):
        total = dict_size(n, python, str_keys=False)
    elif kind == "set":
        total = set_size(n, python)
    else:
        return None
    return round(total / n)
