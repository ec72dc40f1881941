"""Per-file program facts for the project-wide rules (MEM004, MEM005).

A class defined in one module is often instantiated in a loop in another, and a
child class may store its parent while the parent's class, elsewhere, keeps the
child in a list. So these rules work in two phases: here, one ``ast`` pass per
file records small, picklable facts about what the code *does* (classes, their
attributes and ``__slots__``, where they are instantiated and in what context,
back-references and container insertions); :mod:`memlint.project` joins the
facts of every file by qualified name and the rules decide what is *wrong*.

Facts hold names and spans only, never AST nodes, so they can be computed in
worker processes, cached per file, and joined once.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from memlint._compat import SLOTS
from memlint.finding import Span
from memlint.index import ModuleIndex, qualified_name
from memlint.source import LineIndex

#: Where an instantiation happens.
LOOP = "loop"
COMPREHENSION = "comprehension"
MAP = "map"

_MUTATORS_INSERT = frozenset({"append", "add", "insert", "appendleft", "extend", "setdefault"})
_WEAKREF_FACTORIES = frozenset({"weakref.ref", "weakref.proxy", "weakref.WeakMethod"})
_WEAK_CONTAINERS = frozenset(
    {"weakref.WeakSet", "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary"}
)
_PICKLING_HOOKS = frozenset({"__getstate__", "__setstate__", "__reduce__", "__reduce_ex__"})
_DYNAMIC_HOOKS = frozenset({"__getattr__", "__getattribute__"})

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]


@dataclass(frozen=True, **SLOTS)
class BackReference:
    """An object storing its owner while the owner keeps it in a container.

    ``kind`` is ``"direct"`` when one method shows both halves (``child.parent =
    self`` + ``self.children.append(child)``, or ``self.parent = parent`` +
    ``parent.children.append(self)``), or ``"init"`` for an ``__init__`` that
    stores a parameter (``self.parent = parent``) which only a caller elsewhere
    may pass its ``self`` to (resolved in the project join).
    """

    kind: str
    attribute: str
    container: str
    owner_class: str
    child_class: str
    parameter: str
    span: Span
    method: str


@dataclass(frozen=True, **SLOTS)
class Construction:
    """``self.<container>.append(Child(..., self, ...))`` or the same via a local."""

    child: str
    argument: Union[int, str]
    container: str
    owner_class: str
    line: int


@dataclass(frozen=True, **SLOTS)
class ClassFacts:
    qualname: str
    name: str
    span: Span
    bases: tuple[str, ...]
    keywords: tuple[str, ...]
    decorators: tuple[str, ...]
    #: ``dataclasses.dataclass`` keyword arguments, or ``None`` for other classes.
    dataclass: Optional[tuple[tuple[str, str], ...]]
    #: Names in ``__slots__`` (``("?",)`` when not a literal), ``None`` when absent.
    slots: Optional[tuple[str, ...]]
    attributes: tuple[str, ...]
    fields: tuple[str, ...]
    #: Names assigned in the class body (class attributes, methods excluded).
    class_attributes: tuple[str, ...]
    dynamic: tuple[str, ...]
    weakref_self: bool
    nested: bool
    methods: tuple[str, ...]
    factories: tuple[str, ...]
    init_params: tuple[str, ...]
    back_references: tuple[BackReference, ...]
    weak_containers: tuple[str, ...]


@dataclass(frozen=True, **SLOTS)
class ModuleFacts:
    module: str
    path: str
    imports: dict[str, str]
    classes: tuple[ClassFacts, ...]
    #: Qualified callee -> (context, line) of its first hot use (loop, comprehension, map).
    hot_calls: dict[str, tuple[str, int]]
    #: Function qualname -> qualified callees it calls (for factories one call away).
    function_calls: dict[str, tuple[str, ...]]
    constructions: tuple[Construction, ...]
    #: Attributes stored on instances outside their class: callee -> attribute names.
    external_attributes: dict[str, tuple[str, ...]]
    #: Callees whose instances are weakly referenced here (``weakref.ref(Cls(...))``).
    weakly_referenced: tuple[str, ...]
    #: Callees whose instances' ``__dict__`` is used here (``vars(obj)``, ``obj.__dict__``).
    dict_used: tuple[str, ...]
    #: The file's suppression comments (line -> codes, ``None`` for all), so
    #: findings made in the join can honour ``# noqa`` without the source.
    suppressions: dict[int, Optional[frozenset[str]]] = field(default_factory=dict)


@dataclass(**SLOTS)
class _ClassState:
    node: ast.ClassDef
    qualname: str
    nested: bool
    attributes: dict[str, None] = field(default_factory=dict)
    dynamic: set[str] = field(default_factory=set)
    weakref_self: bool = False
    factories: list[str] = field(default_factory=list)
    init_params: tuple[str, ...] = ()
    back_references: list[BackReference] = field(default_factory=list)
    weak_containers: set[str] = field(default_factory=set)


@dataclass(**SLOTS)
class _FunctionState:
    qualname: str
    params: tuple[str, ...]
    self_name: Optional[str]
    owner: Optional[_ClassState]
    #: Local name -> qualified callee it was bound to (``c = Child(self)``).
    locals_from_calls: dict[str, tuple[str, Union[int, str, None]]] = field(default_factory=dict)
    #: (receiver name, attribute) stores of the receiver's owner: ``child.parent = self``.
    stores_self_into: dict[str, list[tuple[str, Span, bool]]] = field(default_factory=dict)
    #: Container attributes of self that received a name: ``self.children.append(c)``.
    self_container_inserts: dict[str, str] = field(default_factory=dict)
    #: ``p.children.append(self)``: parameter -> container attribute.
    param_inserts_self: dict[str, str] = field(default_factory=dict)
    #: ``self.parent = p``: parameter -> (attribute, span, weak).
    self_stores_param: dict[str, tuple[str, Span, bool]] = field(default_factory=dict)
    callees: set[str] = field(default_factory=set)


class _Scanner:
    def __init__(self, index: ModuleIndex, lines: LineIndex, module: str) -> None:
        self.index = index
        self.lines = lines
        self.module = module
        self.classes: list[ClassFacts] = []
        self.hot_calls: dict[str, tuple[str, int]] = {}
        self.function_calls: dict[str, set[str]] = {}
        self.constructions: list[Construction] = []
        self.external: dict[str, dict[str, None]] = {}
        self.weakly_referenced: set[str] = set()
        self.dict_used: set[str] = set()
        self._class_stack: list[_ClassState] = []
        self._function_stack: list[_FunctionState] = []
        self._hot: list[str] = []  # stack of enclosing hot contexts

    # -- helpers ------------------------------------------------------------------------

    def span(self, node: ast.AST) -> Span:
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        column = self.lines.column_from_utf8(line, getattr(node, "col_offset", 0))
        end_column = self.lines.column_from_utf8(
            end_line, getattr(node, "end_col_offset", None) or 0
        )
        return Span(line, column, end_line, end_column)

    def name_span(self, node: ast.ClassDef) -> Span:
        # ``class Name`` — point at the name, as a user would look for it.
        text = self.lines.line_text(node.lineno)
        start = self.lines.column_from_utf8(node.lineno, node.col_offset)
        found = text.find(node.name, start - 1)
        column = found + 1 if found >= 0 else start
        return Span(node.lineno, column, node.lineno, column + len(node.name))

    def qualify(self, node: ast.AST) -> Optional[str]:
        name = qualified_name(self.index, node)
        if name is None:
            return None
        # Names defined in this module resolve to "<module>.Name"; make them real.
        if name.startswith("<module>."):
            name = f"{self.module}.{name[len('<module>.') :]}" if self.module else name[9:]
        return name

    def _prefix(self) -> str:
        parts = [self.module] if self.module else []
        if self._class_stack:
            parts = [self._class_stack[-1].qualname]
        if self._function_stack:
            parts = [self._function_stack[-1].qualname]
        return ".".join(parts)

    # -- walking ------------------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        method: Optional[Callable[[_Scanner, Any], None]] = _DISPATCH.get(type(node))
        if method is not None:
            method(self, node)
        else:
            self.generic(node)

    def generic(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            self.visit(child)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        prefix = self._prefix()
        qualname = f"{prefix}.{node.name}" if prefix else node.name
        for decorator in node.decorator_list:
            self.visit(decorator)
        for base in node.bases:
            self.visit(base)
        state = _ClassState(node, qualname, nested=bool(self._function_stack))
        self._class_stack.append(state)
        saved_functions, self._function_stack = self._function_stack, []
        saved_hot, self._hot = self._hot, []
        for statement in node.body:
            self.visit(statement)
        self._hot = saved_hot
        self._function_stack = saved_functions
        self._class_stack.pop()
        self.classes.append(self._class_facts(state))

    def visit_FunctionDef(self, node: FunctionNode) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._visit_arguments(node.args)
        owner = self._class_stack[-1] if self._class_stack and not self._function_stack else None
        params = tuple(a.arg for a in (*node.args.posonlyargs, *node.args.args))
        decorators = {self.qualify(d) for d in node.decorator_list}
        is_static = "builtins.staticmethod" in decorators
        self_name = params[0] if owner is not None and params and not is_static else None
        prefix = self._prefix()
        state = _FunctionState(
            qualname=f"{prefix}.{node.name}" if prefix else node.name,
            params=params,
            self_name=self_name,
            owner=owner,
        )
        if owner is not None:
            self._method_facts(owner, node, params, decorators)
        self._function_stack.append(state)
        saved_hot, self._hot = self._hot, []
        for statement in node.body:
            self.visit(statement)
        self._hot = saved_hot
        self._function_stack.pop()
        self.function_calls.setdefault(state.qualname, set()).update(state.callees)
        if owner is not None:
            self._resolve_back_references(owner, state, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _visit_arguments(self, args: ast.arguments) -> None:
        for default in (*args.defaults, *args.kw_defaults):
            if default is not None:
                self.visit(default)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._visit_arguments(node.args)
        self.visit(node.body)

    def _loop(self, node: Union[ast.For, ast.AsyncFor, ast.While]) -> None:
        if isinstance(node, ast.While):
            self.visit(node.test)
        else:
            self.visit(node.iter)
            self.visit(node.target)
        self._hot.append(LOOP)
        for statement in node.body:
            self.visit(statement)
        self._hot.pop()
        for statement in node.orelse:
            self.visit(statement)

    visit_For = _loop
    visit_AsyncFor = _loop
    visit_While = _loop

    def _comprehension(
        self, node: Union[ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp]
    ) -> None:
        first, *rest = node.generators
        self.visit(first.iter)
        self._hot.append(COMPREHENSION)
        self.visit(first.target)
        for condition in first.ifs:
            self.visit(condition)
        for generator in rest:
            self.visit(generator)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self._hot.pop()

    visit_ListComp = _comprehension
    visit_SetComp = _comprehension
    visit_GeneratorExp = _comprehension
    visit_DictComp = _comprehension

    def visit_Call(self, node: ast.Call) -> None:
        callee = self.qualify(node.func)
        function = self._function_stack[-1] if self._function_stack else None
        if callee is not None and not callee.startswith("builtins."):
            if self._hot and callee not in self.hot_calls:
                self.hot_calls[callee] = (self._hot[-1], node.lineno)
            if function is not None:
                function.callees.add(callee)
        if callee == "builtins.map" and node.args:
            mapped = self.qualify(node.args[0])
            if mapped is not None and mapped not in self.hot_calls:
                self.hot_calls[mapped] = (MAP, node.lineno)
        self._call_facts(node, callee, function)
        self.generic(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._store(target, node.value)
        self.generic(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._store(node.target, node.value)
        elif isinstance(node.target, ast.Attribute):
            self._store(node.target, None)
        self.generic(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._store(node.target, None)
        self.generic(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr == "__dict__":
            self._dict_use(node.value)
        self.generic(node)

    # -- facts about calls -------------------------------------------------------------

    def _call_facts(
        self, node: ast.Call, callee: Optional[str], function: Optional[_FunctionState]
    ) -> None:
        owner = self._class_stack[-1] if self._class_stack else None
        self_name = function.self_name if function is not None else None
        if callee in ("builtins.setattr", "builtins.getattr", "builtins.delattr"):
            if len(node.args) >= 2 and not isinstance(node.args[1], ast.Constant):
                target = node.args[0]
                if owner is not None and _is_name(target, self_name):
                    if callee != "builtins.getattr":
                        owner.dynamic.add(f"{callee[9:]}() with a computed name")
                else:
                    self._dynamic_use(target, "setattr")
        elif callee == "builtins.vars" and node.args:
            self._dict_use(node.args[0])
        elif (callee in _WEAKREF_FACTORIES or callee == "weakref.finalize") and node.args:
            target = node.args[0]
            if owner is not None and _is_name(target, self_name):
                owner.weakref_self = True
            else:
                bound = self._bound_callee(target)
                if bound is not None:
                    self.weakly_referenced.add(bound)
        if not isinstance(node.func, ast.Attribute) or function is None:
            return
        method = node.func.attr
        receiver = node.func.value
        if method in _MUTATORS_INSERT and node.args:
            self._insertion(receiver, node.args[-1], function)

    def _insertion(self, receiver: ast.expr, item: ast.expr, function: _FunctionState) -> None:
        """``<receiver>.append(<item>)``-style insertions relevant to back-references."""
        self_name = function.self_name
        # self.children.append(<item>)
        if (
            isinstance(receiver, ast.Attribute)
            and _is_name(receiver.value, self_name)
            and function.owner is not None
        ):
            container = receiver.attr
            if isinstance(item, ast.Name):
                function.self_container_inserts[item.id] = container
                bound = function.locals_from_calls.get(item.id)
                if bound is not None and bound[1] is not None:
                    self.constructions.append(
                        Construction(
                            bound[0], bound[1], container, function.owner.qualname, item.lineno
                        )
                    )
            elif isinstance(item, ast.Call):
                child = self.qualify(item.func)
                argument = _self_argument(item, self_name)
                if child is not None and argument is not None:
                    self.constructions.append(
                        Construction(
                            child, argument, container, function.owner.qualname, item.lineno
                        )
                    )
        # parent.children.append(self)
        elif (
            isinstance(receiver, ast.Attribute)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id in function.params
            and _is_name(item, self_name)
        ):
            function.param_inserts_self[receiver.value.id] = receiver.attr

    def _store(self, target: ast.expr, value: Optional[ast.expr]) -> None:
        function = self._function_stack[-1] if self._function_stack else None
        owner = function.owner if function is not None else None
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._store(element, None)
            return
        if isinstance(target, ast.Subscript) and value is not None and function is not None:
            # self.children[key] = child
            self._insertion(target.value, value, function)
            return
        if isinstance(target, ast.Name):
            if function is not None and isinstance(value, ast.Call):
                callee = self.qualify(value.func)
                if callee is not None:
                    function.locals_from_calls[target.id] = (
                        callee,
                        _self_argument(value, function.self_name),
                    )
            elif function is not None:
                function.locals_from_calls.pop(target.id, None)
            return
        if not isinstance(target, ast.Attribute) or function is None:
            return
        receiver = target.value
        weak = value is not None and self._is_weak_value(value)
        if owner is not None and _is_name(receiver, function.self_name):
            owner.attributes.setdefault(target.attr, None)
            if value is not None and self.qualify_call(value) in _WEAK_CONTAINERS:
                owner.weak_containers.add(target.attr)
            # self.parent = parent (a parameter)
            if isinstance(value, ast.Name) and value.id in function.params[1:]:
                function.self_stores_param[value.id] = (target.attr, self.span(target), weak)
            elif weak and isinstance(value, ast.Call) and value.args:
                inner = value.args[0]
                if isinstance(inner, ast.Name) and inner.id in function.params[1:]:
                    function.self_stores_param[inner.id] = (target.attr, self.span(target), True)
            return
        if isinstance(receiver, ast.Name):
            # child.parent = self
            if value is not None and (
                _is_name(value, function.self_name) or (weak and _weak_of_self(value, function))
            ):
                function.stores_self_into.setdefault(receiver.id, []).append(
                    (target.attr, self.span(target), weak)
                )
            bound = function.locals_from_calls.get(receiver.id)
            if bound is not None:
                self.external.setdefault(bound[0], {})[target.attr] = None

    def qualify_call(self, value: ast.expr) -> Optional[str]:
        return self.qualify(value.func) if isinstance(value, ast.Call) else None

    def _is_weak_value(self, value: ast.expr) -> bool:
        return self.qualify_call(value) in _WEAKREF_FACTORIES

    def _bound_callee(self, target: ast.expr) -> Optional[str]:
        if isinstance(target, ast.Call):
            return self.qualify(target.func)
        if isinstance(target, ast.Name) and self._function_stack:
            bound = self._function_stack[-1].locals_from_calls.get(target.id)
            return bound[0] if bound is not None else None
        return None

    def _dict_use(self, target: ast.expr) -> None:
        function = self._function_stack[-1] if self._function_stack else None
        owner = self._class_stack[-1] if self._class_stack else None
        if owner is not None and function is not None and _is_name(target, function.self_name):
            owner.dynamic.add("__dict__ access")
            return
        bound = self._bound_callee(target)
        if bound is not None:
            self.dict_used.add(bound)

    def _dynamic_use(self, target: ast.expr, reason: str) -> None:
        bound = self._bound_callee(target)
        if bound is not None:
            self.dict_used.add(bound)

    # -- classes -----------------------------------------------------------------------

    def _method_facts(
        self,
        owner: _ClassState,
        node: FunctionNode,
        params: tuple[str, ...],
        decorators: set[Optional[str]],
    ) -> None:
        name = node.name
        if name in _DYNAMIC_HOOKS:
            owner.dynamic.add(f"defines {name}")
        if name in _PICKLING_HOOKS:
            owner.dynamic.add(f"defines {name}")
        if "functools.cached_property" in decorators:
            owner.dynamic.add("functools.cached_property")
        if name == "__init__":
            owner.init_params = params[1:]
        builds = "builtins.classmethod" in decorators or "builtins.staticmethod" in decorators
        if builds and _returns_instance(node, owner.node.name, params[:1]):
            owner.factories.append(name)

    def _resolve_back_references(
        self, owner: _ClassState, function: _FunctionState, method: str
    ) -> None:
        # child.parent = self  +  self.children.append(child)
        for child, stores in function.stores_self_into.items():
            container = function.self_container_inserts.get(child)
            bound = function.locals_from_calls.get(child)
            for attribute, span, weak in stores:
                if weak or container is None:
                    continue
                owner.back_references.append(
                    BackReference(
                        "direct",
                        attribute,
                        container,
                        owner.qualname,
                        bound[0] if bound else "",
                        child,
                        span,
                        method,
                    )
                )
        # self.parent = parent  +  parent.children.append(self)
        for parameter, (attribute, span, weak) in function.self_stores_param.items():
            if weak:
                continue
            container = function.param_inserts_self.get(parameter)
            if container is not None:
                owner.back_references.append(
                    BackReference(
                        "direct", attribute, container, "", owner.qualname, parameter, span, method
                    )
                )
            elif method == "__init__":
                owner.back_references.append(
                    BackReference(
                        "init", attribute, "", "", owner.qualname, parameter, span, method
                    )
                )

    def _class_facts(self, state: _ClassState) -> ClassFacts:
        node = state.node
        slots: Optional[tuple[str, ...]] = None
        fields: list[str] = []
        class_names: list[str] = []
        for statement in node.body:
            targets: list[ast.expr] = []
            value: Optional[ast.expr] = None
            if isinstance(statement, ast.Assign):
                targets, value = statement.targets, statement.value
            elif isinstance(statement, ast.AnnAssign):
                targets, value = [statement.target], statement.value
                if isinstance(statement.target, ast.Name) and not _is_classvar(
                    statement.annotation
                ):
                    fields.append(statement.target.id)
            for target in targets:
                if isinstance(target, ast.Name):
                    class_names.append(target.id)
                    if target.id == "__slots__":
                        slots = _slot_names(value)
                    elif target.id == "__dict__":
                        state.dynamic.add("__dict__ in the class body")
        dataclass_args: Optional[tuple[tuple[str, str], ...]] = None
        decorators = []
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            qualified = self.qualify(target) or "?"
            decorators.append(qualified)
            if qualified == "dataclasses.dataclass":
                arguments = decorator.keywords if isinstance(decorator, ast.Call) else []
                dataclass_args = tuple(
                    (k.arg, _source_of(k.value)) for k in arguments if k.arg is not None
                )
        bases = tuple(self.qualify(base) or f"?{_dotted(base)}" for base in node.bases)
        keywords = tuple(
            f"{k.arg}={self.qualify(k.value) or _dotted(k.value)}" for k in node.keywords
        )
        attributes = dict.fromkeys(fields)
        attributes.update(state.attributes)
        return ClassFacts(
            qualname=state.qualname,
            name=node.name,
            span=self.name_span(node),
            bases=bases,
            keywords=keywords,
            decorators=tuple(decorators),
            dataclass=dataclass_args,
            slots=slots,
            attributes=tuple(attributes),
            fields=tuple(fields),
            class_attributes=tuple(dict.fromkeys(class_names)),
            dynamic=tuple(sorted(state.dynamic)),
            weakref_self=state.weakref_self,
            nested=state.nested,
            methods=tuple(
                s.name for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
            ),
            factories=tuple(state.factories),
            init_params=state.init_params,
            back_references=tuple(state.back_references),
            weak_containers=tuple(sorted(state.weak_containers)),
        )


_DISPATCH: dict[type[ast.AST], Callable[[_Scanner, Any], None]] = {
    ast.ClassDef: _Scanner.visit_ClassDef,
    ast.FunctionDef: _Scanner.visit_FunctionDef,
    ast.AsyncFunctionDef: _Scanner.visit_AsyncFunctionDef,
    ast.Lambda: _Scanner.visit_Lambda,
    ast.For: _Scanner.visit_For,
    ast.AsyncFor: _Scanner.visit_AsyncFor,
    ast.While: _Scanner.visit_While,
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


def _is_name(node: Optional[ast.AST], name: Optional[str]) -> bool:
    return name is not None and isinstance(node, ast.Name) and node.id == name


def _weak_of_self(value: ast.expr, function: _FunctionState) -> bool:
    return (
        isinstance(value, ast.Call)
        and bool(value.args)
        and _is_name(value.args[0], function.self_name)
    )


def _self_argument(call: ast.Call, self_name: Optional[str]) -> Union[int, str, None]:
    """Where ``self`` is passed in ``call``: a position, a keyword, or ``None``."""
    if self_name is None:
        return None
    for position, arg in enumerate(call.args):
        if _is_name(arg, self_name):
            return position
    for keyword in call.keywords:
        if keyword.arg is not None and _is_name(keyword.value, self_name):
            return keyword.arg
    return None


def _returns_instance(node: FunctionNode, class_name: str, first: tuple[str, ...]) -> bool:
    """Whether a classmethod/staticmethod builds an instance (``cls(...)``/``Name(...)``)."""
    names = {class_name, *first}
    for child in ast.walk(node):
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Name)
            and child.func.id in names
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
    return _dotted(target).split(".")[-1] in ("ClassVar", "InitVar")


def _source_of(node: ast.expr) -> str:
    # ast.unparse exists from 3.9; constants cover what dataclass() takes.
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
) -> ModuleFacts:
    """Record the facts of one module (one ``ast`` pass)."""
    scanner = _Scanner(index, LineIndex(text), module)
    for statement in tree.body:
        scanner.visit(statement)
    return ModuleFacts(
        module=module,
        path=path,
        imports=dict(index.imports),
        classes=tuple(scanner.classes),
        hot_calls=scanner.hot_calls,
        function_calls={k: tuple(sorted(v)) for k, v in scanner.function_calls.items() if v},
        constructions=tuple(scanner.constructions),
        external_attributes={k: tuple(v) for k, v in scanner.external.items()},
        weakly_referenced=tuple(sorted(scanner.weakly_referenced)),
        dict_used=tuple(sorted(scanner.dict_used)),
        suppressions=dict(suppressions or {}),
    )
