"""A cheap, per-module index built from :mod:`ast`: imports, module names, triggers.

Two jobs, from the tree's statements only (``ast.parse`` costs about 7% of a
LibCST parse; walking statements, a few percent of the nodes, costs less still):

* **Name resolution.** An import alias table and the set of names the module
  binds itself give the same answers as LibCST's ``QualifiedNameProvider`` for
  the names rules care about (``import functools as ft``, ``from functools import
  lru_cache as memo``, a user's own ``cache`` function) at a fraction of its cost.
* **Triggers.** Which default-value and class-attribute shapes occur at all, so
  the engine can skip the LibCST parse for files no rule could match. Rules read
  these, the text and the ``ast`` tree in ``Rule.applies_to``; a gate only has to
  be a superset of what the rule flags.

The index is plain, picklable data so it can be cached and sent between processes.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Mapping, Optional, TypeVar, Union

from memlint._compat import SLOTS

if TYPE_CHECKING:
    import libcst as cst
else:
    from memlint.lazy import libcst as cst

_BUILTINS = frozenset(dir(builtins))

#: Displays and comprehensions: always a new mutable container.
_CONTAINERS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
#: Last names of calls that may build a mutable container (``list()``,
#: ``collections.deque()``, ``dict.fromkeys()``, dataclasses' ``field(default=[])``).
_CONTAINER_FACTORIES = frozenset(
    {
        *("list", "dict", "set", "bytearray", "fromkeys", "field"),
        *("defaultdict", "OrderedDict", "Counter", "deque", "ChainMap", "UserDict", "UserList"),
    }
)


_NONE: frozenset[str] = frozenset()


def _maybe_mutable(
    node: Optional[ast.expr],
    names: Union[set[str], frozenset[str]],
    classes: Union[set[str], frozenset[str]],
    imports: Mapping[str, str],
) -> bool:
    """Could ``node`` (a default or class-level value) be a mutable object? A cheap
    superset of what MEM001 flags: containers, factory calls (also under an import
    alias: ``from collections import deque as dq``), calls of the module's own
    classes, and module-level names bound to one of those."""
    if isinstance(node, _CONTAINERS):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr in _CONTAINER_FACTORIES
        name = getattr(func, "id", "")
        imported = imports.get(name)
        if imported is not None and imported.rsplit(".", 1)[-1] in _CONTAINER_FACTORIES:
            return True
        return name in _CONTAINER_FACTORIES or name in classes
    if isinstance(node, ast.Name):
        return node.id in names
    return False


@dataclass(frozen=True, **SLOTS)
class ModuleIndex:
    """What a module imports and binds, plus the triggers rules gate on."""

    module: str
    imports: dict[str, str]
    star_imports: tuple[str, ...]
    defined: frozenset[str]
    rebound: frozenset[str]
    #: Some function or lambda has a default that may be a mutable container.
    has_candidate_defaults: bool
    #: Some class body binds a name to something that may be a mutable container.
    has_class_level_containers: bool

    def qualify(self, name: str) -> Optional[str]:
        """The qualified name a module-level ``name`` refers to, if known.

        Imports win, then the module's own definitions (``<module>.name``), then
        builtins (``builtins.name``). A name bound more than once is unknown.
        """
        target = self.imports.get(name)
        if target is not None:
            return None if name in self.rebound else target
        if name in self.defined:
            return None if name in self.rebound else f"{self.module or '<module>'}.{name}"
        if self.star_imports and name not in _BUILTINS:
            # ``from functools import *`` could bind it; the last star import wins.
            return f"{self.star_imports[-1]}.{name}"
        if name in _BUILTINS:
            return f"builtins.{name}"
        return None

    def is_rebound(self, name: str) -> bool:
        return name in self.rebound


def qualified_name(index: ModuleIndex, node: Union[cst.CSTNode, ast.AST]) -> Optional[str]:
    """Qualified name of a dotted-name expression (LibCST or ast), else ``None``."""
    chain = name_chain(node)
    if chain is None:
        return None
    head = index.qualify(chain[0])
    if head is None:
        return None
    return ".".join([head, *chain[1:]])


def name_chain(node: Union[cst.CSTNode, ast.AST]) -> Optional[list[str]]:
    """``["a", "b", "c"]`` for ``a.b.c`` (LibCST or ast), else ``None``.

    An ``ast`` node never touches LibCST's classes: the facts pass and the gates
    name things on every file, and testing against ``cst.Name`` would import
    libcst in runs that parse nothing with it.
    """
    parts: list[str] = []
    if isinstance(node, ast.AST):
        current: ast.AST = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name):
            return None
        parts.append(current.id)
    else:
        other: cst.CSTNode = node
        while isinstance(other, cst.Attribute):
            parts.append(other.attr.value)
            other = other.value
        if not isinstance(other, cst.Name):
            return None
        parts.append(other.value)
    parts.reverse()
    return parts


def resolve_relative(module: str, is_package: bool, level: int, target: Optional[str]) -> str:
    """Absolute module name of ``from <level dots><target> import ...`` in ``module``."""
    if level == 0:
        return target or ""
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    base = ".".join(parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


def iter_statements(tree: ast.AST) -> Iterator[ast.stmt]:
    """Every statement in ``tree``, at any depth, without visiting expressions.

    Statements are a few percent of an ``ast`` tree's nodes, so a gate that only
    needs definitions and assignments walks a fraction of what ``ast.walk`` does.
    """
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        for name in _BLOCK_FIELDS:
            block = getattr(node, name, None)
            if block:
                pending.extend(reversed(block))
        if isinstance(node, ast.stmt):
            yield node


class AstNodes:
    """Every node of a module's ``ast`` by exact type, and the tree's depth, from
    one walk: the gates that need expressions share it instead of each walking
    the whole tree (``ast.walk`` is several times slower than this loop).

    Contexts and operators (``Load``, ``Add``: leaves without fields) are left
    out, but counted in the depth as ``ast.iter_child_nodes`` would.
    """

    __slots__ = ("_by_type", "depth")

    def __init__(self, tree: ast.AST) -> None:
        by_type: dict[type, list[ast.AST]] = {}
        leaf, node_type = _LEAF_NODES, ast.AST
        depth = 0
        level: list[ast.AST] = [tree]
        while level:  # one level of the tree at a time
            depth += 1
            below: list[ast.AST] = []
            push = below.append
            leaves_below = False
            for node in level:
                kind = type(node)
                found = by_type.get(kind)
                if found is None:
                    found = by_type[kind] = []
                found.append(node)
                for name in kind._fields:
                    value = getattr(node, name, None)
                    if type(value) is list:
                        for item in value:
                            if isinstance(item, node_type):
                                if isinstance(item, leaf):
                                    leaves_below = True
                                else:
                                    push(item)
                    elif isinstance(value, node_type):
                        if isinstance(value, leaf):
                            leaves_below = True
                        else:
                            push(value)
            if leaves_below and not below:
                depth += 1
            level = below
        self._by_type = by_type
        self.depth = depth

    def of(self, *kinds: type[_Node]) -> list[_Node]:
        """The nodes of exactly these types (no subclasses), in no particular order."""
        if len(kinds) == 1:
            return self._by_type.get(kinds[0], [])  # type: ignore[return-value]
        return [node for kind in kinds for node in self._by_type.get(kind, ())]  # type: ignore[misc]


_Node = TypeVar("_Node", bound=ast.AST)
_LEAF_NODES = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
_LAST: Optional[tuple[ast.AST, AstNodes]] = None


def ast_nodes(tree: ast.AST) -> AstNodes:
    """The :class:`AstNodes` of ``tree``, built on first use for the file being
    checked (the gates of several rules and the engine's depth check ask for it)."""
    global _LAST
    last = _LAST
    if last is not None and last[0] is tree:
        return last[1]
    nodes = AstNodes(tree)
    _LAST = (tree, nodes)  # holds the tree: its id cannot be reused meanwhile
    return nodes


#: ``lambda`` followed by ``=`` before its colon: a lambda that may have a default
#: (a default's own colons, as in ``{1: 2}``, come after its ``=``). No ``\b`` in
#: front: the search could not skip ahead to an ``l`` (30x slower), and a match
#: inside a longer name only costs a walk that finds the real lambdas.
_LAMBDA_DEFAULT = re.compile(r"lambda\b[^:]*=")
#: The fields of statements (and handlers, match cases) that hold statement blocks.
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def build_index(
    tree: ast.Module, module: str = "", is_package: bool = False, text: Optional[str] = None
) -> ModuleIndex:
    """Build the :class:`ModuleIndex` of ``tree`` from its statements.

    ``text`` (the source) lets the index skip the expression walk that finds
    lambdas when the text has no lambda with a default.
    """
    imports: dict[str, str] = {}
    star_imports: list[str] = []
    defined: set[str] = set()
    # name -> the distinct things bound to it; ``import os`` and ``import os.path``
    # bind ``os`` to the same module twice, which is not a rebinding.
    bound: dict[str, set[str]] = {}
    global_names: set[str] = set()
    class_containers = False
    # Module-level names bound to a container or a container call, and the
    # module's classes (instances of its own dataclasses are mutable too).
    mutable_names: set[str] = set()
    classes: set[str] = set()

    def bind(name: str, value: str) -> None:
        bound.setdefault(name, set()).add(value)

    def bind_target(target: ast.expr) -> None:
        # A loop, not recursion: a recursive closure is a reference cycle.
        pending = [target]
        while pending:
            target = pending.pop()
            if isinstance(target, ast.Name):
                defined.add(target.id)
                bind(target.id, f"@{target.lineno}:{target.col_offset}")
            elif isinstance(target, (ast.Tuple, ast.List)):
                pending.extend(target.elts)
            elif isinstance(target, ast.Starred):
                pending.append(target.value)

    # Module-level statements, including those nested in if/try/with/for blocks
    # (``if TYPE_CHECKING:``, ``try: import x except ImportError: ...``).
    pending: list[ast.stmt] = list(reversed(tree.body))

    def push(stmts: list[ast.stmt]) -> None:
        pending.extend(reversed(stmts))

    while pending:
        stmt = pending.pop()
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                    bind(alias.asname, alias.name)
                else:
                    top = alias.name.split(".")[0]
                    imports[top] = top
                    bind(top, top)
        elif isinstance(stmt, ast.ImportFrom):
            source = resolve_relative(module, is_package, stmt.level, stmt.module)
            for alias in stmt.names:
                if alias.name == "*":
                    star_imports.append(source)
                    continue
                local = alias.asname or alias.name
                imports[local] = f"{source}.{alias.name}" if source else alias.name
                bind(local, imports[local])
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(stmt.name)
            bind(stmt.name, f"@{stmt.lineno}")
            if isinstance(stmt, ast.ClassDef):
                classes.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                bind_target(target)
                if isinstance(target, ast.Name) and _maybe_mutable(
                    stmt.value, _NONE, _NONE, imports
                ):
                    mutable_names.add(target.id)
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                continue
            bind_target(stmt.target)
            if isinstance(stmt.target, ast.Name) and _maybe_mutable(
                stmt.value, _NONE, _NONE, imports
            ):
                mutable_names.add(stmt.target.id)
            if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
                bind(stmt.target.id, "augmented")
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            bind_target(stmt.target)
            bind_target(stmt.target)  # a loop variable takes many values
            push(stmt.body)
            push(stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    bind_target(item.optional_vars)
            push(stmt.body)
        elif isinstance(stmt, (ast.If, ast.While)):
            push(stmt.body)
            push(stmt.orelse)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            push(stmt.body)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                push(handler.body)
            push(stmt.orelse)  # type: ignore[attr-defined]
            push(stmt.finalbody)  # type: ignore[attr-defined]

    # The triggers and ``global`` declarations, from the statements alone (a few
    # percent of the tree's nodes); lambdas are expressions, so they are looked for
    # only when the text has a lambda with a default.
    functions: list[Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]] = []
    for node in iter_statements(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(node)
        elif isinstance(node, ast.ClassDef):
            if not class_containers:
                for stmt in node.body:
                    value = getattr(stmt, "value", None)
                    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and _maybe_mutable(
                        value, mutable_names, classes, imports
                    ):
                        class_containers = True
                        break
        elif isinstance(node, ast.Global):
            global_names.update(node.names)
    if text is None or _LAMBDA_DEFAULT.search(text):
        functions.extend(ast_nodes(tree).of(ast.Lambda))
    # MEM001 flags containers, container calls and module-level names bound to
    # one; instances of the module's classes only as fields.
    candidate_defaults = any(
        _maybe_mutable(default, mutable_names, _NONE, imports)
        for function in functions
        for default in (*function.args.defaults, *function.args.kw_defaults)
    )

    rebound = {name for name, values in bound.items() if len(values) > 1}
    rebound.update(name for name in global_names if name in defined)
    return ModuleIndex(
        module=module,
        imports=imports,
        star_imports=tuple(star_imports),
        defined=frozenset(defined),
        rebound=frozenset(rebound),
        has_candidate_defaults=candidate_defaults,
        has_class_level_containers=class_containers,
    )
