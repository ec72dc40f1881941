"""The project-wide join of per-file facts (phase two of MEM004/MEM005).

Every file's :class:`~memlint.facts.ModuleFacts` is indexed once by module and
class qualified name; names are resolved through each module's imports, so a
class defined in ``pkg/models.py``, re-exported by ``pkg/__init__.py`` and
imported under an alias in ``app/load.py`` is still the same class. Everything
the rules ask is precomputed here in one pass over the facts (no per-class scan
of every module); the rules ask questions of the :class:`Project`, never of files.

Test modules and stubs are left out (their facts are empty), and a name two
files define (two scripts both called ``utils.py`` outside any package) resolves
to nothing rather than to a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Optional

from memlint._compat import SLOTS
from memlint.facts import BULK, LOOPED, RETURNED, ClassFacts, Construction, ModuleFacts, SpanTuple

_MAX_HOPS = 8


@dataclass(frozen=True, **SLOTS)
class HotUse:
    """Why a class counts as hot: how and where it is instantiated in bulk."""

    #: ``facts.LOOP``, ``facts.LISTCOMP``, ``facts.MAP``...
    context: str
    path: str
    line: int
    #: ``facts.ONCE``/``LOOPED``/``BULK``: how strongly this suggests many instances.
    level: int
    #: The factory or function called in bulk that builds the instances, if any.
    via: str = ""
    #: Through a function one call away (it may build instances on some paths only).
    indirect: bool = False

    @property
    def sort_key(self) -> tuple[int, bool, bool, str, int]:
        # Strongest evidence first, then a direct instantiation, then by place.
        return (-self.level, self.indirect, bool(self.via), self.path, self.line)


class Project:
    """All facts of one run, joined."""

    def __init__(self, modules: Iterable[ModuleFacts]) -> None:
        self.modules: dict[str, ModuleFacts] = {}
        self.classes: dict[str, tuple[ClassFacts, ModuleFacts]] = {}
        self.facts: list[ModuleFacts] = []
        ambiguous_modules: set[str] = set()
        self._ambiguous: set[str] = set()
        for facts in modules:
            if facts.ignored:
                continue
            self.facts.append(facts)
            if facts.module in self.modules:
                ambiguous_modules.add(facts.module)
            self.modules[facts.module] = facts
            for cls in facts.classes:
                if cls.qualname in self.classes:
                    self._ambiguous.add(cls.qualname)
                self.classes[cls.qualname] = (cls, facts)
        for module in ambiguous_modules:
            del self.modules[module]
        for qualname in self._ambiguous:
            del self.classes[qualname]
        self._searched: dict[tuple[str, int], Optional[str]] = {}
        self._hot: Optional[dict[str, HotUse]] = None
        self._external: Optional[dict[str, tuple[str, ...]]] = None
        self._weak: Optional[set[str]] = None
        self._dict_used: Optional[set[str]] = None
        self._subclasses: Optional[dict[str, list[str]]] = None

    # -- names -------------------------------------------------------------------------

    def resolve(self, name: str) -> Optional[str]:
        """The qualified name of the class ``name`` refers to, following re-exports."""
        return self._resolve(name, 0)

    def _resolve(self, name: str, hops: int) -> Optional[str]:
        if name in self.classes:
            return name
        if hops > _MAX_HOPS or name in self._ambiguous:
            return None
        # Star imports make the search branch (``from .a import *`` in many
        # ``__init__`` files): each name is looked up once per hop count.
        key = (name, hops)
        if key not in self._searched:
            self._searched[key] = self._search(name, hops)
        return self._searched[key]

    def _search(self, name: str, hops: int) -> Optional[str]:
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.modules.get(".".join(parts[:cut]))
            if module is None:
                continue
            rest = parts[cut + 1 :]
            target = module.imports.get(parts[cut])
            if target is not None:
                return self._resolve(".".join([target, *rest]), hops + 1)
            for star in reversed(module.star_imports):
                found = self._resolve(".".join([star, *parts[cut:]]), hops + 1)
                if found is not None:
                    return found
            return None
        return None

    def canonical(self, name: str, _hops: int = 0) -> str:
        """``name`` with imports followed: the function or class it finally names."""
        if _hops > _MAX_HOPS or name in self.classes:
            return name
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.modules.get(".".join(parts[:cut]))
            if module is None:
                continue
            target = module.imports.get(parts[cut])
            if target is None:
                return name
            return self.canonical(".".join([target, *parts[cut + 1 :]]), _hops + 1)
        return name

    def class_facts(self, name: str) -> Optional[ClassFacts]:
        resolved = self.resolve(name)
        return self.classes[resolved][0] if resolved is not None else None

    def module_of(self, qualname: str) -> ModuleFacts:
        return self.classes[qualname][1]

    def bases(self, cls: ClassFacts) -> list[tuple[str, Optional[ClassFacts]]]:
        """Each base's name with its project class, ``None`` when outside the project."""
        return [(base, self.class_facts(base) if base[:1] != "?" else None) for base in cls.bases]

    def mro(self, cls: ClassFacts) -> Iterator[ClassFacts]:
        """``cls`` and its project base classes, depth first (close enough to the MRO)."""
        seen: set[str] = set()
        stack = [cls]
        while stack:
            current = stack.pop()
            if current.qualname in seen:
                continue
            seen.add(current.qualname)
            yield current
            stack.extend(reversed([b for _, b in self.bases(current) if b is not None]))

    def init_owner(self, cls: ClassFacts) -> Optional[ClassFacts]:
        """The class whose ``__init__`` instances of ``cls`` run (itself or a project base)."""
        for current in self.mro(cls):
            if current.init_params is not None:
                return current
        return None

    def factory_class(self, callee: str) -> Optional[str]:
        """The class ``Cls.create`` builds when ``create`` is a factory of ``Cls`` (or
        inherited from a project base, ``cls(...)`` then builds the subclass)."""
        owner, _, member = callee.rpartition(".")
        cls = self.class_facts(owner) if owner else None
        if cls is None:
            return None
        if any(member in base.factories for base in self.mro(cls)):
            return cls.qualname
        return None

    # -- hot classes -------------------------------------------------------------------

    def hot_classes(self) -> dict[str, HotUse]:
        """Classes instantiated in loops, comprehensions or ``map`` (directly, or
        through a factory classmethod or a function called from such a place),
        with the strongest evidence found for each."""
        if self._hot is None:
            self._hot = self._find_hot()
        return self._hot

    def _find_hot(self) -> dict[str, HotUse]:
        functions: dict[str, set[str]] = {}
        for facts in self.facts:
            for function, callees in facts.function_calls.items():
                functions.setdefault(function, set()).update(callees)
        hot_functions = {
            self.canonical(callee)
            for facts in self.facts
            for callee, site in facts.hot_calls.items()
            if site[2] >= LOOPED
        }
        hot: dict[str, HotUse] = {}

        def add(qualname: str, use: HotUse) -> None:
            known = hot.get(qualname)
            if known is None or use.sort_key < known.sort_key:
                hot[qualname] = use

        for facts in self.facts:
            for callee, (context, line, level, scope, kept) in facts.hot_calls.items():
                if level == LOOPED and scope and scope in hot_functions:
                    level = BULK  # a loop in a function that is itself called in bulk
                target = self.resolve(callee) or self.factory_class(callee)
                if target is not None:
                    # An object dropped at once does not pile up, unless it put
                    # itself somewhere (``Node(parent=root)``).
                    if kept or self.classes[target][0].registers_self:
                        via = "" if target == self.resolve(callee) else callee
                        add(target, HotUse(context, facts.path, line, level, via))
                    continue
                # A function called in bulk: the classes it keeps objects of are hot,
                # a little less surely (it may build them only on some paths).
                for inner in functions.get(self.canonical(callee), ()):
                    if inner.startswith(RETURNED):
                        if not kept:
                            continue
                        inner = inner[len(RETURNED) :]
                    target = self.resolve(inner) or self.factory_class(inner)
                    if target is not None:
                        add(target, HotUse(context, facts.path, line, level, callee, True))
        return hot

    # -- how instances are used elsewhere ----------------------------------------------

    def external_attributes(self, qualname: str) -> tuple[str, ...]:
        """Attributes other modules store on instances of ``qualname``."""
        if self._external is None:
            names: dict[str, dict[str, None]] = {}
            for facts in self.facts:
                for callee, attributes in facts.external_attributes.items():
                    target = self.resolve(callee)
                    if target is not None:
                        names.setdefault(target, {}).update(dict.fromkeys(attributes))
            self._external = {k: tuple(v) for k, v in names.items()}
        return self._external.get(qualname, ())

    def weakly_referenced(self, qualname: str) -> bool:
        """Whether instances of ``qualname`` (or of a subclass) are weakly referenced."""
        if self._weak is None:
            self._weak = self._find_weak()
        return qualname in self._weak

    def _find_weak(self) -> set[str]:
        weak: set[str] = set()
        for qualname, (cls, _) in self.classes.items():
            if cls.weakref:
                weak.add(qualname)
        for facts in self.facts:
            for callee in facts.weakly_referenced:
                target = self.resolve(callee)
                if target is not None:
                    weak.add(target)
        # ``Child(self)`` where Child's ``__init__`` keeps a weak reference to it.
        for construction, _ in self.constructions():
            child = self.class_facts(construction.child)
            init = self.init_owner(child) if child is not None else None
            owner = self.resolve(construction.owner)
            if init is None or owner is None or not init.weak_init_params:
                continue
            if self.parameter_for(init, construction.argument) in init.weak_init_params:
                weak.add(owner)
        # A weakly referenced base makes every subclass instance weakly referenced
        # (the weak reference may be taken in the base's own code).
        for qualname, (cls, _) in self.classes.items():
            if any(base.qualname in weak for base in self.mro(cls)):
                weak.add(qualname)
        return weak

    def dict_used(self, qualname: str) -> bool:
        """Whether some module reads or writes instances' ``__dict__`` directly."""
        if self._dict_used is None:
            used: set[str] = set()
            for facts in self.facts:
                for callee in facts.dict_used:
                    target = self.resolve(callee)
                    if target is not None:
                        used.add(target)
            self._dict_used = used
        return qualname in self._dict_used

    def subclasses(self, qualname: str) -> list[str]:
        """Project classes that name ``qualname`` as a direct base."""
        if self._subclasses is None:
            found: dict[str, list[str]] = {}
            for name, (cls, _) in self.classes.items():
                for _base, facts in self.bases(cls):
                    if facts is not None:
                        found.setdefault(facts.qualname, []).append(name)
            self._subclasses = found
        return self._subclasses.get(qualname, [])

    # -- back-references ---------------------------------------------------------------

    def constructions(self) -> Iterator[tuple[Construction, ModuleFacts]]:
        for facts in self.facts:
            for construction in facts.constructions:
                yield construction, facts

    @staticmethod
    def parameter_for(init: ClassFacts, argument: object) -> Optional[str]:
        """The ``__init__`` parameter a positional index or keyword lands in."""
        params = init.init_params or ()
        if isinstance(argument, int):
            return params[argument] if argument < len(params) else None
        return argument if isinstance(argument, str) and argument in params else None

    def inherited_helper(
        self, cls: ClassFacts, helper: str, position: int
    ) -> Optional[tuple[ClassFacts, str, SpanTuple]]:
        """``(base, attribute, span)`` when a base class's method ``helper`` stores
        ``self`` on its argument at ``position`` (``child.parent = self``)."""
        for base in self.mro(cls):
            if base is cls:
                continue
            for method, index, attribute, span in base.param_stores:
                if method == helper and index == position:
                    return base, attribute, span
        return None

    def weak_attribute(self, cls: Optional[ClassFacts], attribute: str) -> bool:
        """Whether ``cls`` (or a base) stores ``attribute`` weakly, e.g. in a setter."""
        if cls is not None:
            return any(attribute in c.weak_attributes for c in self.mro(cls))
        return False
