"""MEM002 unbounded-cache."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from memlint._compat import SLOTS
from memlint.cstutil import call_argument, is_none, module_bindings, module_functions, param_count
from memlint.finding import Applicability, Confidence, Estimate, Finding, Severity
from memlint.index import ModuleIndex, ast_nodes
from memlint.model import (
    CostTable,
    format_version,
    lru_cache_entry_size,
    lru_cache_table,
    lru_link_size,
    pymalloc_resident,
)
from memlint.rule import FixPlan, Invalid, Replace, Rule, RuleContext, Valid

if TYPE_CHECKING:
    import libcst as cst
else:
    from memlint.lazy import libcst as cst

_LRU_CACHE = "functools.lru_cache"
_CACHE = "functools.cache"
_APIS = frozenset({_LRU_CACHE, _CACHE})
_API_NAMES = frozenset({"lru_cache", "cache"})
_ENUM_BASES = frozenset(
    f"enum.{name}" for name in ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum")
)
_NOT_INSTANCE_METHOD = frozenset({"builtins.staticmethod", "builtins.classmethod"})
_DEFAULT_MAXSIZE = 128
#: Methods Python calls with the class, not an instance, as first argument.
_IMPLICIT_CLASSMETHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})


@dataclass(frozen=True, **SLOTS)
class _Cache:
    """What a cache decorator or call builds."""

    api: str  # "functools.cache" or "functools.lru_cache"
    maxsize: Optional[int]  # None: unbounded
    typed: bool
    #: The ``None`` argument that makes an lru_cache unbounded (fix target).
    none_arg: Optional[cst.Arg] = None

    @property
    def unbounded(self) -> bool:
        return self.maxsize is None


@dataclass(frozen=True, **SLOTS)
class _Scope:
    node: Union[cst.ClassDef, cst.FunctionDef, cst.Lambda]

    @property
    def is_class(self) -> bool:
        return isinstance(self.node, cst.ClassDef)


class UnboundedCache(Rule):
    """
    ## What it does
    Flags `functools.cache` and `functools.lru_cache(maxsize=None)` on functions that
    take arguments, and any `lru_cache`/`cache` on an instance method.

    ## Why is this bad?
    An unbounded cache keeps every distinct argument tuple and every result alive for
    as long as the function exists, which for a module-level function is the life of
    the process: memory grows with the number of distinct calls and is never given
    back. On an instance method the cache key includes `self`, so the cache also keeps
    every instance it has seen alive (with everything they reference), even when the
    cache is bounded (until the entry is evicted).

    Calls with no arguments are not flagged (such a cache holds at most one entry),
    nor are `staticmethod`/`classmethod` caches for the instance-method part, Enum
    members' methods without other parameters, `functools.cached_property`, and caches
    on nested functions (they die with their closure).

    ## Example
    ```python
    import functools

    @functools.lru_cache(maxsize=None)
    def parse(text):
        return text.split()
    ```

    ## Use instead
    ```python
    import functools

    @functools.lru_cache(maxsize=1024)
    def parse(text):
        return text.split()
    ```

    ## Fix safety
    The fix replaces `maxsize=None` with a bound (option `fix-maxsize`, default 1024),
    or `cache` with `lru_cache(maxsize=...)` when `lru_cache` is reachable without a
    new import. It is unsafe: a bounded cache evicts entries, which changes timing and
    can change behaviour when callers rely on getting the identical result object
    back. Method caches get no automatic fix: move the cache off the instance (a
    module-level function, or `functools.cached_property` for argument-less methods).

    ## Memory cost
    The cache's own bookkeeping per entry is small: about 37 bytes for one int or str
    argument (the argument itself is the key; the rest is the cache dict's share), about
    93 bytes for two arguments (a key tuple) on 64-bit CPython 3.8–3.13; a bounded cache
    adds a 56-byte link per entry but caps the count. The real cost is what each entry
    keeps alive: the argument objects and the result, for the life of the process, and
    on a method the instance itself. `memlint run` reads `cache_info()` at the peak to
    count the entries; `memlint explain MEM002 --python 3.12` prints the table.

    ## References
    - https://docs.python.org/3/library/functools.html#functools.lru_cache
    - https://docs.python.org/3/faq/programming.html#how-do-i-cache-method-calls
    - https://github.com/PyCQA/flake8-bugbear#list-of-warnings (B019)
    """

    code = "MEM002"
    name = "unbounded-cache"
    severity = Severity.MEDIUM
    options = {"fix-maxsize": 1024}
    tags = ("memory", "cache", "leak")

    VALID = (
        Valid("import functools\n@functools.lru_cache\ndef f(x):\n    return x\n"),
        Valid("import functools\n@functools.lru_cache()\ndef f(x):\n    return x\n"),
        Valid("from functools import lru_cache\n@lru_cache(256)\ndef f(x):\n    return x\n"),
        Valid(
            "from functools import lru_cache\n@lru_cache(maxsize=64, typed=True)\ndef f(x): ...\n"
        ),
        # A user's own ``cache`` is not functools.cache.
        Valid("def cache(f):\n    return f\n@cache\ndef g(x):\n    return x\n"),
        # No arguments: at most one entry.
        Valid("import functools\n@functools.cache\ndef settings():\n    return {}\n"),
        # staticmethod/classmethod caches do not keep instances alive; bounded here.
        Valid(
            "import functools\nclass A:\n    @staticmethod\n    @functools.lru_cache(maxsize=32)\n"
            "    def f(x):\n        return x\n"
        ),
        Valid(
            "import functools\nclass A:\n    @functools.lru_cache(maxsize=32)\n    @classmethod\n"
            "    def f(cls, x):\n        return x\n"
        ),
        # Enum members live forever and are finite.
        Valid(
            "import enum, functools\nclass Color(enum.Enum):\n    RED = 1\n"
            "    @functools.cache\n    def label(self):\n        return self.name.lower()\n"
        ),
        Valid(
            "import functools\nclass A:\n    @functools.cached_property\n    def f(self):\n"
            "        return 1\n"
        ),
        # A cache on a nested function dies with the closure.
        Valid(
            "import functools\ndef outer():\n    @functools.cache\n    def inner(x):\n"
            "        return x\n    return inner\n"
        ),
        Valid("import functools\nwrapped = functools.lru_cache(maxsize=10)(len)\n"),
        # ``__new__`` receives the class, not an instance.
        Valid(
            "import functools\nclass P:\n    @functools.lru_cache()\n"
            "    def __new__(cls, root):\n        return super().__new__(cls)\n"
        ),
        Valid("import functools\nSIZE = 100\n@functools.lru_cache(maxsize=SIZE)\ndef f(x): ...\n"),
    )
    INVALID = (
        Invalid(
            "import functools\n@functools.lru_cache(maxsize=None)  # MEM002\ndef f(x):\n"
            "    return x\n",
            unsafe_fixed="import functools\n@functools.lru_cache(maxsize=1024)  # MEM002\n"
            "def f(x):\n    return x\n",
        ),
        Invalid(
            "import functools as ft\n@ft.lru_cache(None)  # MEM002\ndef f(x):\n    return x\n",
            unsafe_fixed="import functools as ft\n@ft.lru_cache(1024)  # MEM002\ndef f(x):\n"
            "    return x\n",
        ),
        Invalid(
            "from functools import lru_cache as memo\n@memo(maxsize=None, typed=True)  # MEM002\n"
            "def f(x):\n    return x\n",
            unsafe_fixed="from functools import lru_cache as memo\n"
            "@memo(maxsize=1024, typed=True)  # MEM002\ndef f(x):\n    return x\n",
        ),
        Invalid(
            "import functools\n@functools.cache  # MEM002\nasync def fetch(url):\n    return url\n",
            unsafe_fixed="import functools\n@functools.lru_cache(maxsize=1024)  # MEM002\n"
            "async def fetch(url):\n    return url\n",
        ),
        Invalid(
            "from functools import cache\n@cache  # MEM002\ndef f(x, /, *, y=1):\n    return x\n"
        ),
        Invalid(
            "import functools\nNO_LIMIT = None\n@functools.lru_cache(maxsize=NO_LIMIT)  # MEM002\n"
            "def f(x):\n    return x\n"
        ),
        # Call forms.
        Invalid("import functools\ndef f(x):\n    return x\ng = functools.cache(f)  # MEM002\n"),
        Invalid(
            "import functools\ndef f(x):\n    return x\n"
            "g = functools.lru_cache(maxsize=None)(f)  # MEM002\n",
            unsafe_fixed="import functools\ndef f(x):\n    return x\n"
            "g = functools.lru_cache(maxsize=1024)(f)  # MEM002\n",
        ),
        # Methods: unbounded (high), bounded (low: keeps self alive until evicted).
        Invalid(
            "import functools\nclass A:\n    @functools.cache  # MEM002\n    def f(self):\n"
            "        return 1\n"
        ),
        Invalid(
            "import functools\nclass A:\n    @functools.lru_cache  # MEM002\n    def f(self, x):\n"
            "        return x\n"
        ),
        Invalid(
            "import functools\nclass A:\n    @property\n    @functools.lru_cache()  # MEM002\n"
            "    def f(self):\n        return 1\n"
        ),
        # Static methods with an unbounded cache are still unbounded.
        Invalid(
            "import functools\nclass A:\n    @staticmethod\n    @functools.cache  # MEM002\n"
            "    def f(x):\n        return x\n",
            unsafe_fixed="import functools\nclass A:\n    @staticmethod\n"
            "    @functools.lru_cache(maxsize=1024)  # MEM002\n    def f(x):\n        return x\n",
        ),
        Invalid(
            "import enum, functools\nclass Color(enum.Enum):\n    RED = 1\n"
            "    @functools.cache  # MEM002\n    def mix(self, other):\n        return other\n",
            unsafe_fixed="import enum, functools\nclass Color(enum.Enum):\n    RED = 1\n"
            "    @functools.lru_cache(maxsize=1024)  # MEM002\n    def mix(self, other):\n"
            "        return other\n",
        ),
    )

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._scopes: list[_Scope] = []
        self._decorator_calls: set[int] = set()
        self._bindings: Optional[dict[str, cst.BaseExpression]] = None

    @classmethod
    def applies_to(cls, index: ModuleIndex, text: str, tree: ast.Module) -> bool:
        if "functools" not in text:
            return False
        if "functools" in index.star_imports:
            return True  # ``from functools import *``
        if index.module == "functools" and not _API_NAMES.isdisjoint(index.defined):
            return True  # functools itself
        names = {name: target for name, target in index.imports.items() if target in _APIS}
        modules = {name for name, target in index.imports.items() if target == "functools"}
        if not names and not modules:
            return False
        return _may_flag(tree, names, modules)

    # -- scope tracking -------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._scopes.append(_Scope(node))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._scopes.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._scopes.append(_Scope(node))

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._check_function(node)
        self._scopes.append(_Scope(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scopes.pop()

    # -- decorator form -------------------------------------------------------------

    def _check_function(self, node: cst.FunctionDef) -> None:
        nested = any(not scope.is_class for scope in self._scopes)
        if nested:
            return
        enclosing = self._scopes[-1].node if self._scopes else None
        qualified = [
            self.context.qualified_name(_decorator_callee(d.decorator)) for d in node.decorators
        ]
        for decorator in node.decorators:
            if isinstance(decorator.decorator, cst.Call):
                self._decorator_calls.add(id(decorator.decorator))
            cache = self._classify(decorator.decorator)
            if cache is None:
                continue
            kinds = _NOT_INSTANCE_METHOD.intersection(qualified)
            if node.name.value in _IMPLICIT_CLASSMETHODS:
                kinds = kinds | {"builtins.classmethod"}
            nparams = param_count(node.params)
            if isinstance(enclosing, cst.ClassDef) and not kinds:
                self._check_method(node, decorator, cache, enclosing, nparams)
            elif cache.unbounded and nparams > (1 if "builtins.classmethod" in kinds else 0):
                # A classmethod's ``cls`` does not vary; every other argument can.
                nargs = nparams - (1 if "builtins.classmethod" in kinds else 0)
                self._report_unbounded(decorator, cache, _function_label(node, enclosing), nargs)

    def _check_method(
        self,
        node: cst.FunctionDef,
        decorator: cst.Decorator,
        cache: _Cache,
        owner: cst.ClassDef,
        nparams: int,
    ) -> None:
        label = _function_label(node, owner)
        if self._is_enum(owner) and nparams <= 1:
            return  # keyed on a finite set of immortal members
        if self._is_enum(owner):
            if cache.unbounded:
                self._report_unbounded(decorator, cache, label, nparams - 1)
            return
        if cache.unbounded:
            self.report(
                decorator.decorator,
                f"Unbounded `{_api_name(cache)}` on method `{label}` keys its entries on "
                "`self`, so it keeps every instance it has seen alive for the life of the "
                "class and grows without limit.",
                severity=Severity.HIGH,
                details=_details(label, None, True, cache, nparams - 1),
            )
        else:
            self.report(
                decorator.decorator,
                f"Bounded `{_api_name(cache)}` on method `{label}` keys its entries on `self`, "
                f"so up to {cache.maxsize} instances stay alive until they are evicted; cache "
                "outside the instance or use `functools.cached_property`.",
                severity=Severity.LOW,
                confidence=Confidence.MEDIUM,
                details=_details(label, cache.maxsize, True, cache, nparams - 1),
            )

    def _report_unbounded(self, node: cst.Decorator, cache: _Cache, label: str, nargs: int) -> None:
        self.report(
            node.decorator,
            f"Unbounded `{_api_name(cache)}` on `{label}` keeps every distinct argument "
            "and result alive for the life of the process; give it a `maxsize`.",
            fix=self._fix(node.decorator, cache),
            details=_details(label, None, False, cache, nargs),
        )

    # -- call form: cache(f), lru_cache(maxsize=None)(f) ------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if id(node) in self._decorator_calls:
            return
        if any(not scope.is_class for scope in self._scopes):
            return
        if not node.args or node.args[0].keyword is not None:
            return
        wrapped = node.args[0].value
        func = node.func
        if isinstance(func, cst.Call):
            cache = self._classify(func)
            if cache is None or not cache.unbounded:
                return
        elif self.context.qualified_name(func) == _CACHE and len(node.args) == 1:
            cache = _Cache(_CACHE, None, False)
        else:
            return
        nargs = 1
        if isinstance(wrapped, cst.Name):
            target = module_functions(self.context.module).get(wrapped.value)
            if target is not None:
                nargs = param_count(target.params)
                if nargs == 0:
                    return
            label = wrapped.value
        else:
            label = "the wrapped function"
        self.report(
            node,
            f"Unbounded `{_api_name(cache)}` around `{label}` keeps every distinct argument "
            "and result alive for the life of the process; give it a `maxsize`.",
            fix=self._fix(func, cache) if isinstance(func, cst.Call) else None,
            details=_details(label, None, False, cache, nargs),
        )

    # -- cost -----------------------------------------------------------------------

    @classmethod
    def estimate(cls, finding: Finding, python: tuple[int, int]) -> Optional[Estimate]:
        nargs = max(int(finding.detail("nargs", 1)), 1)
        typed = bool(finding.detail("typed", False))
        method = bool(finding.detail("method", False))
        if finding.detail("maxsize") is None:
            entry = lru_cache_entry_size(python, bounded=False, typed=typed, nargs=nargs)
            note = "per entry beyond the bound a maxsize would set, plus the arguments and "
            note += "result each entry keeps alive (unknown statically)"
        else:
            entry = lru_cache_entry_size(python, bounded=True, typed=typed, nargs=nargs)
            note = "per entry, plus the instance (`self`) and arguments each entry keeps alive"
        if method:
            note += "; entries also pin the instances they were called on"
        # The entry is a key tuple (when there is more than one argument) plus a
        # share of the cache dict; round each allocated block as pymalloc would.
        link = lru_link_size(python) if finding.detail("maxsize") is not None else 0
        resident = pymalloc_resident(entry - link, python) + (
            pymalloc_resident(link, python) if link else 0
        )
        return Estimate(
            bytes_saved=entry,
            resident_bytes_saved=resident,
            unit="entry",
            method="modelled",
            python=format_version(python),
            note=note,
        )

    @classmethod
    def cost_table(cls, python: tuple[int, int]) -> Optional[CostTable]:
        return lru_cache_table(python)

    # -- classification -------------------------------------------------------------

    def _classify(self, expr: cst.BaseExpression) -> Optional[_Cache]:
        """Describe the cache ``expr`` (a decorator expression) builds, if any."""
        if isinstance(expr, cst.Call):
            name = self.context.qualified_name(expr.func)
            if name == _CACHE:
                return None  # cache(f) inside a decorator position is not a decorator
            if name != _LRU_CACHE:
                return None
            typed_arg = call_argument(expr, 1, "typed")
            typed = typed_arg is not None and _is_true(typed_arg.value)
            maxsize_arg = call_argument(expr, 0, "maxsize")
            if maxsize_arg is None:
                return _Cache(_LRU_CACHE, _DEFAULT_MAXSIZE, typed)
            value = maxsize_arg.value
            if is_none(value):
                return _Cache(_LRU_CACHE, None, typed, maxsize_arg)
            if isinstance(value, cst.Integer):
                return _Cache(_LRU_CACHE, int(value.evaluated_value), typed)
            if isinstance(value, cst.Name) and self._module_constant_is_none(value.value):
                return _Cache(_LRU_CACHE, None, typed)
            # A callable passed positionally (``lru_cache(f)``) or a value we cannot
            # resolve: bounded as far as we can tell.
            return _Cache(_LRU_CACHE, _DEFAULT_MAXSIZE, typed)
        name = self.context.qualified_name(expr)
        if name == _CACHE:
            return _Cache(_CACHE, None, False)
        if name == _LRU_CACHE:
            return _Cache(_LRU_CACHE, _DEFAULT_MAXSIZE, False)
        return None

    def _module_constant_is_none(self, name: str) -> bool:
        index = self.context.index
        if name not in index.defined or index.is_rebound(name):
            return False
        if self._bindings is None:
            self._bindings = module_bindings(self.context.module)
        return is_none(self._bindings.get(name))

    def _is_enum(self, node: cst.ClassDef) -> bool:
        return any(self.context.qualified_name(base.value) in _ENUM_BASES for base in node.bases)

    # -- fix ------------------------------------------------------------------------

    def _fix(self, expr: cst.BaseExpression, cache: _Cache) -> Optional[FixPlan]:
        maxsize = int(self.option(self.context, "fix-maxsize"))
        bound = cst.Integer(str(maxsize))
        title = f"Bound the cache with maxsize={maxsize}"
        if cache.none_arg is not None:
            return FixPlan(
                title,
                Applicability.UNSAFE,
                (Replace(cache.none_arg.value, bound),),
            )
        if cache.api != _CACHE or isinstance(expr, cst.Call):
            return None
        lru = self._lru_cache_reference(expr)
        if lru is None:
            return None
        new = cst.Call(
            func=lru,
            args=[cst.Arg(keyword=cst.Name("maxsize"), value=bound, equal=_equal())],
        )
        return FixPlan(title, Applicability.UNSAFE, (Replace(expr, new),))

    def _lru_cache_reference(self, expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """An expression naming functools.lru_cache in this module, if one exists."""
        if isinstance(expr, cst.Attribute):
            return expr.with_changes(attr=cst.Name("lru_cache"))
        for local, target in self.context.index.imports.items():
            if target == _LRU_CACHE and not self.context.index.is_rebound(local):
                return cst.Name(local)
        for local, target in self.context.index.imports.items():
            if target == "functools" and not self.context.index.is_rebound(local):
                return cst.Attribute(value=cst.Name(local), attr=cst.Name("lru_cache"))
        return None


def _equal() -> cst.AssignEqual:
    """``=`` without spaces, as in ``maxsize=128``."""
    return cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
    )


def _details(
    label: str, maxsize: Optional[int], method: bool, cache: _Cache, nargs: int
) -> dict[str, object]:
    return {
        "function": label,
        "maxsize": maxsize,
        "method": method,
        "typed": cache.typed,
        "nargs": max(nargs, 0),
    }


def _decorator_callee(expr: cst.BaseExpression) -> cst.BaseExpression:
    return expr.func if isinstance(expr, cst.Call) else expr


def _is_true(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def _may_flag(tree: ast.Module, names: dict[str, str], modules: set[str]) -> bool:
    """The gate's ``ast`` pass: could the rule flag some use of ``lru_cache``/``cache``
    (imported under one of ``names``, or reached through a ``functools`` module named
    in ``modules``)? Only a bounded ``lru_cache`` (no ``maxsize``, or an integer) on a
    function outside a class body, or wrapping a function (``lru_cache(64)(f)``), is
    certainly harmless; any other use lets the file in."""
    nodes = ast_nodes(tree)
    references: dict[int, str] = {}
    for name in nodes.of(ast.Name):
        api = names.get(name.id)
        if api is not None:
            references[id(name)] = api
    if modules:
        for attribute in nodes.of(ast.Attribute):
            value = attribute.value
            if attribute.attr in _API_NAMES and isinstance(value, ast.Name) and value.id in modules:
                references[id(attribute)] = f"functools.{attribute.attr}"
    if any(api != _LRU_CACHE for api in references.values()):
        return True
    harmless: set[int] = set()
    in_class = {id(statement) for cls in nodes.of(ast.ClassDef) for statement in cls.body}
    functions: list[Union[ast.FunctionDef, ast.AsyncFunctionDef]] = [
        *nodes.of(ast.FunctionDef),
        *nodes.of(ast.AsyncFunctionDef),
    ]
    for function in functions:
        if id(function) in in_class:
            continue  # a method: even a bounded cache keeps instances alive
        for decorator in function.decorator_list:
            if id(decorator) in references:
                harmless.add(id(decorator))  # @lru_cache: maxsize 128
            elif isinstance(decorator, ast.Call) and _bounded(decorator, references):
                harmless.add(id(decorator.func))
    for call in nodes.of(ast.Call):
        inner = call.func
        if isinstance(inner, ast.Call) and _bounded(inner, references):
            harmless.add(id(inner.func))
    return len(harmless) < len(references)


def _bounded(call: ast.Call, references: dict[int, str]) -> bool:
    """Is ``call`` ``lru_cache(...)`` with no ``maxsize`` or an integer one?"""
    if id(call.func) not in references:
        return False
    if any(isinstance(arg, ast.Starred) for arg in call.args):
        return False
    if any(keyword.arg is None for keyword in call.keywords):
        return False  # **options
    maxsize = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "maxsize":
            maxsize = keyword.value
    return maxsize is None or (isinstance(maxsize, ast.Constant) and type(maxsize.value) is int)


def _api_name(cache: _Cache) -> str:
    if cache.api == _CACHE:
        return "functools.cache"
    return "lru_cache(maxsize=None)" if cache.unbounded else "lru_cache"


def _function_label(
    node: cst.FunctionDef, owner: Optional[Union[cst.ClassDef, cst.FunctionDef, cst.Lambda]]
) -> str:
    if isinstance(owner, cst.ClassDef):
        return f"{owner.name.value}.{node.name.value}"
    return node.name.value
