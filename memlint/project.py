"""The project-wide join of per-file facts (phase two of MEM004/MEM005).

Every file's :class:`~memlint.facts.ModuleFacts` is indexed once by module and
class qualified name; names are resolved through each module's imports, so a
class defined in ``pkg/models.py``, re-exported by ``pkg/__init__.py`` and
imported under an alias in ``app/load.py`` is still the same class. The rules
ask questions of the :class:`Project`, never of files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Optional

from memlint._compat import SLOTS
from memlint.facts import ClassFacts, ModuleFacts


@dataclass(frozen=True, **SLOTS)
class HotUse:
    """Why a class counts as hot: how and where it is instantiated in bulk."""

    context: str  # "loop", "comprehension", "map"
    path: str
    line: int
    via: str = ""  # a factory or function one call away, if any


class Project:
    """All facts of one run, joined."""

    def __init__(self, modules: Iterable[ModuleFacts]) -> None:
        self.modules: dict[str, ModuleFacts] = {}
        self.classes: dict[str, tuple[ClassFacts, ModuleFacts]] = {}
        for facts in modules:
            self.modules[facts.module] = facts
            for cls in facts.classes:
                self.classes[cls.qualname] = (cls, facts)
        self._hot: Optional[dict[str, HotUse]] = None

    def resolve(self, name: str, _depth: int = 0) -> Optional[str]:
        """The qualified name of the class ``name`` refers to, following re-exports."""
        if name in self.classes:
            return name
        if _depth > 8:
            return None
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.modules.get(".".join(parts[:cut]))
            if module is None:
                continue
            target = module.imports.get(parts[cut])
            if target is None:
                return None
            return self.resolve(".".join([target, *parts[cut + 1 :]]), _depth + 1)
        return None

    def class_facts(self, name: str) -> Optional[ClassFacts]:
        resolved = self.resolve(name)
        return self.classes[resolved][0] if resolved is not None else None

    def module_of(self, qualname: str) -> ModuleFacts:
        return self.classes[qualname][1]

    # -- hot classes -------------------------------------------------------------------

    def hot_classes(self) -> dict[str, HotUse]:
        """Classes instantiated in loops, comprehensions or ``map`` (directly, or
        through a factory classmethod or a function called from such a place)."""
        if self._hot is None:
            self._hot = self._find_hot()
        return self._hot

    def _find_hot(self) -> dict[str, HotUse]:
        hot: dict[str, HotUse] = {}
        factories = {
            f"{qualname}.{factory}": qualname
            for qualname, (cls, _) in self.classes.items()
            for factory in cls.factories
        }
        functions: dict[str, tuple[str, ...]] = {}
        for facts in self.modules.values():
            functions.update(facts.function_calls)
        for facts in self.modules.values():
            for callee, (context, line) in facts.hot_calls.items():
                use = HotUse(context, facts.path, line)
                target = self.resolve(callee)
                if target is not None:
                    hot.setdefault(target, use)
                    continue
                factory = factories.get(self._resolve_member(callee) or "")
                if factory is not None:
                    hot.setdefault(factory, HotUse(context, facts.path, line, callee))
                    continue
                # A function called in bulk: the classes it instantiates are hot.
                for inner in functions.get(self._resolve_function(callee), ()):
                    target = self.resolve(inner)
                    if target is not None:
                        hot.setdefault(target, HotUse(context, facts.path, line, callee))
        return hot

    def _resolve_member(self, name: str) -> Optional[str]:
        """``pkg.Cls.factory`` with ``pkg.Cls`` resolved through re-exports."""
        owner, _, member = name.rpartition(".")
        resolved = self.resolve(owner) if owner else None
        return f"{resolved}.{member}" if resolved else None

    def _resolve_function(self, name: str, depth: int = 0) -> str:
        if depth > 8:
            return name
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.modules.get(".".join(parts[:cut]))
            if module is None:
                continue
            target = module.imports.get(parts[cut])
            if target is None:
                return name
            return self._resolve_function(".".join([target, *parts[cut + 1 :]]), depth + 1)
        return name

    # -- attributes used from outside --------------------------------------------------

    def external_attributes(self, qualname: str) -> tuple[str, ...]:
        names: dict[str, None] = {}
        for facts in self.modules.values():
            for callee, attributes in facts.external_attributes.items():
                if self.resolve(callee) == qualname:
                    names.update(dict.fromkeys(attributes))
        return tuple(names)

    def weakly_referenced(self, qualname: str) -> bool:
        cls = self.classes[qualname][0]
        if cls.weakref_self:
            return True
        return any(
            self.resolve(callee) == qualname
            for facts in self.modules.values()
            for callee in facts.weakly_referenced
        )

    def dict_used(self, qualname: str) -> bool:
        return any(
            self.resolve(callee) == qualname
            for facts in self.modules.values()
            for callee in facts.dict_used
        )

    def subclasses(self, qualname: str) -> Iterator[ClassFacts]:
        for cls, _ in self.classes.values():
            if any(self.resolve(base.lstrip("?")) == qualname for base in cls.bases):
                yield cls
