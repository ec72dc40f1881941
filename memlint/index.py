"""A cheap, per-module index built from :mod:`ast`: imports, module names, triggers.

Two jobs, one ``ast`` walk (``ast.parse`` costs about 7% of a LibCST parse):

* **Name resolution.** An import alias table and the set of names the module
  binds itself give the same answers as LibCST's ``QualifiedNameProvider`` for
  the names rules care about (``import functools as ft``, ``from functools import
  lru_cache as memo``, a user's own ``cache`` function) at a fraction of its cost.
* **Triggers.** Which attribute names, called names and default-value shapes
  occur at all, so the engine can skip the LibCST parse for files no rule could
  match. Rules read these in ``Rule.applies_to``; a trigger only has to be a
  superset of what the rule flags.

The index is plain, picklable data so it can be cached and sent between processes.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from typing import Optional, Union

import libcst as cst

from memlint._compat import SLOTS

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


def _maybe_mutable(node: Optional[ast.expr], names: set[str], classes: set[str]) -> bool:
    """Could ``node`` (a default or class-level value) be a mutable object? A cheap
    superset of what MEM001 flags: containers, factory calls, calls of the module's
    own classes, and module-level names bound to one of those."""
    if isinstance(node, _CONTAINERS):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
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
    attributes: frozenset[str]
    called: frozenset[str]
    has_candidate_defaults: bool
    has_class_level_containers: bool
    #: Deepest nesting of the ``ast`` tree (real code stays below ~40).
    depth: int = 0

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
    parts: list[str] = []
    current: object = node
    while True:
        if isinstance(current, cst.Attribute):
            parts.append(current.attr.value)
            current = current.value
        elif isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        elif isinstance(current, cst.Name):
            head = index.qualify(current.value)
            break
        elif isinstance(current, ast.Name):
            head = index.qualify(current.id)
            break
        else:
            return None
    if head is None:
        return None
    return ".".join([head, *reversed(parts)])


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


def build_index(tree: ast.Module, module: str = "", is_package: bool = False) -> ModuleIndex:
    """Walk ``tree`` once and build its :class:`ModuleIndex`."""
    imports: dict[str, str] = {}
    star_imports: list[str] = []
    defined: set[str] = set()
    # name -> the distinct things bound to it; ``import os`` and ``import os.path``
    # bind ``os`` to the same module twice, which is not a rebinding.
    bound: dict[str, set[str]] = {}
    global_names: set[str] = set()
    attributes: set[str] = set()
    called: set[str] = set()
    candidate_defaults = False
    class_containers = False
    # Module-level names bound to something that may be a mutable container, and
    # the module's classes (instances of its own dataclasses are mutable too).
    mutable_names: set[str] = set()
    classes: set[str] = set()

    def bind(name: str, value: str) -> None:
        bound.setdefault(name, set()).add(value)

    def bind_target(target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            defined.add(target.id)
            bind(target.id, f"@{target.lineno}:{target.col_offset}")
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                bind_target(element)
        elif isinstance(target, ast.Starred):
            bind_target(target.value)

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
                if isinstance(target, ast.Name) and isinstance(
                    stmt.value, (*_CONTAINERS, ast.Call)
                ):
                    mutable_names.add(target.id)
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                continue
            bind_target(stmt.target)
            if isinstance(stmt.target, ast.Name) and isinstance(
                stmt.value, (*_CONTAINERS, ast.Call)
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

    # One walk over every node for the triggers, ``global`` declarations and the
    # nesting depth (LibCST's parser and visitors recurse per level).
    depth = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if level > depth:
            depth = level
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
        if isinstance(node, ast.Attribute):
            attributes.add(node.attr)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                called.add(func.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if not candidate_defaults:
                args = node.args
                candidate_defaults = any(
                    _maybe_mutable(default, mutable_names, classes)
                    for default in (*args.defaults, *args.kw_defaults)
                )
        elif isinstance(node, ast.ClassDef):
            if not class_containers:
                for stmt in node.body:
                    value = getattr(stmt, "value", None)
                    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and _maybe_mutable(
                        value, mutable_names, classes
                    ):
                        class_containers = True
                        break
        elif isinstance(node, ast.Global):
            global_names.update(node.names)

    rebound = {name for name, values in bound.items() if len(values) > 1}
    rebound.update(name for name in global_names if name in defined)
    return ModuleIndex(
        module=module,
        imports=imports,
        star_imports=tuple(star_imports),
        defined=frozenset(defined),
        rebound=frozenset(rebound),
        attributes=frozenset(attributes),
        called=frozenset(called),
        has_candidate_defaults=candidate_defaults,
        has_class_level_containers=class_containers,
        depth=depth,
    )
