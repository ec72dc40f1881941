"""MEM005 strong-parent-reference."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from memlint.facts import BackReference, ClassFacts
from memlint.finding import Confidence, Estimate, Finding, Severity, Span
from memlint.model import (
    CostTable,
    compare_parent_references,
    format_version,
    parent_reference_table,
    pymalloc_resident,
)
from memlint.project import Project
from memlint.rule import Invalid, ProjectReport, Rule, Valid

#: The reference workload of the static estimate: trees built and dropped.
_TREES, _NODES = 10_000, 10


class StrongParentReference(Rule):
    """
    ## What it does
    Flags an object that keeps a strong reference to its owner while the owner keeps
    the object in a container: `child.parent = self` together with
    `self.children.append(child)` (or a dict or set insertion), or
    `self.parent = parent` together with `parent.children.append(self)`, also when
    the two halves sit in different methods, in a property setter, or in different
    files (the owner does `self.children.append(Child(self))` and `Child.__init__`
    stores `self.parent = parent`).

    ## Why is this bad?
    Each parent/child pair is a reference cycle, so dropping the last outside
    reference to a tree does not free it: reference counting never reaches zero, and
    the tree waits for the cyclic garbage collector. Until a collection runs the
    memory lingers (with `gc.disable()`, or a large long-lived heap, it piles up), and
    every collection has to traverse all the nodes, which costs time and pauses the
    program; in pre-fork servers it also dirties copy-on-write pages.

    Attribute names are only a hint: the rule looks for the shape (the owner stored on
    the child, the child stored in the owner's container). It is not flagged when the
    back-reference is a `weakref.ref` or `weakref.proxy` (also through a property
    setter that stores one), or when the container is a `weakref.WeakSet` or
    `WeakValueDictionary`.

    ## Example
    ```python
    class Node:
        def __init__(self):
            self.parent = None
            self.children = []

        def add(self, child):
            child.parent = self
            self.children.append(child)
    ```

    ## Use instead
    ```python
    import weakref

    class Node:
        def __init__(self):
            self._parent = None
            self.children = []

        @property
        def parent(self):
            return self._parent() if self._parent is not None else None

        def add(self, child):
            child._parent = weakref.ref(self)
            self.children.append(child)
    ```

    ## Fix safety
    There is no automatic fix yet. A weak back-reference changes behaviour: a child
    no longer keeps its parent alive, so code that holds only a leaf (and expects
    `leaf.parent.parent` to work) must keep the root alive itself, and reading the
    parent needs a call (`weakref.ref`) or may raise `ReferenceError` (`weakref.proxy`)
    once the parent is gone. The parent's class needs `"__weakref__"` among its slots
    if it has `__slots__`.

    ## Memory cost
    Objects in cycles live until a collection reaches them, so the garbage they hold
    is bounded by the collector's thresholds (700 allocations for the youngest
    generation up to 3.12, 2000 from 3.13), not by how many trees a program builds:
    for 100k small trees the traced peak was only about 0.3–0.4 MB above the weakref
    version, but 30–45% of the run time went to the collector. The estimate memlint
    attaches is modelled for a reference workload (10,000 trees of 10 nodes built and
    dropped): collections and objects examined saved, and the peak garbage avoided net
    of the weakref objects the fix adds. With `gc.disable()`
    the garbage grows instead (10k trees held 20–28 MB). `memlint run` counts the
    cycles the collector frees per class.

    ## References
    - https://docs.python.org/3/library/weakref.html
    - https://docs.python.org/3/library/gc.html
    - https://devguide.python.org/internals/garbage-collector/
    """

    code = "MEM005"
    name = "strong-parent-reference"
    severity = Severity.MEDIUM
    precision = "high"
    tags = ("memory", "reference-cycle", "gc")
    project = True

    VALID = (
        Valid(
            "import weakref\nclass Node:\n    def __init__(self):\n        self.children = []\n"
            "    def add(self, child):\n        child.parent = weakref.ref(self)\n"
            "        self.children.append(child)\n"
        ),
        Valid(
            "import weakref\nclass Node:\n    def __init__(self, parent=None):\n"
            "        self.parent = weakref.proxy(parent) if parent is not None else None\n"
            "        self.children = []\n        if parent is not None:\n"
            "            parent.children.append(self)\n"
        ),
        # The owner's container holds its children weakly.
        Valid(
            "import weakref\nclass Owner:\n    def __init__(self):\n"
            "        self.members = weakref.WeakSet()\n"
            "    def add(self, m):\n        m.owner = self\n        self.members.add(m)\n"
        ),
        # A property setter that stores a weak reference.
        Valid(
            "import weakref\nclass Node:\n    def __init__(self):\n        self._parent = None\n"
            "        self.children = []\n    @property\n    def parent(self):\n"
            "        return self._parent and self._parent()\n    @parent.setter\n"
            "    def parent(self, value):\n        self._parent = weakref.ref(value)\n"
            "    def add(self, child):\n        child.parent = self\n"
            "        self.children.append(child)\n"
        ),
        # Only one half of the shape: no container on the owner's side.
        Valid("class Node:\n    def __init__(self, parent=None):\n        self.parent = parent\n"),
        Valid(
            "class Node:\n    def add(self, child):\n        child.parent = self\n"
            "        log.append(child)\n"
        ),
        # A single helper object that points back is a pair, not a tree.
        Valid(
            "class Helper:\n    def __init__(self, owner):\n        self.owner = owner\n"
            "class Owner:\n    def __init__(self):\n        self.helper = Helper(self)\n"
        ),
        # Test code does not count.
        Valid(
            "class Node:\n    def add(self, child):\n        child.parent = self\n"
            "        self.children.append(child)\n",
            path="tests/test_tree.py",
        ),
    )
    INVALID = (
        Invalid(
            "class Node:\n    def __init__(self):\n        self.parent = None\n"
            "        self.children = []\n    def add(self, child):\n"
            "        child.parent = self  # MEM005:9\n        self.children.append(child)\n"
        ),
        Invalid(
            "class Node:\n    def __init__(self, parent=None):\n"
            "        self.parent = parent  # MEM005\n        self.children = []\n"
            "        if parent is not None:\n            parent.children.append(self)\n"
        ),
        # Dict and set insertions.
        Invalid(
            "class Dir:\n    def __init__(self):\n        self.entries = {}\n"
            "    def add(self, name, entry):\n        entry.dir = self  # MEM005\n"
            "        self.entries[name] = entry\n"
        ),
        Invalid(
            "class Graph:\n    def __init__(self):\n        self.nodes = set()\n"
            "    def adopt(self, node):\n        node.graph = self  # MEM005\n"
            "        self.nodes.add(node)\n"
        ),
        # The store in a helper method the inserting method calls.
        Invalid(
            "class Element:\n    def __init__(self):\n        self.children = []\n"
            "    def setup_child(self, child):\n        child.parent = self  # MEM005\n"
            "    def append(self, item):\n        self.setup_child(item)\n"
            "        self.children.append(item)\n"
        ),
        # A property setter that stores the parent and registers with it.
        Invalid(
            "class Node:\n    def __init__(self):\n        self._parent = None\n"
            "        self.children = []\n    @property\n    def parent(self):\n"
            "        return self._parent\n    @parent.setter\n    def parent(self, value):\n"
            "        self._parent = value  # MEM005\n        value.children.append(self)\n"
        ),
        # The constructor shape: the child's __init__ keeps the parent it is given.
        Invalid(
            "class Child:\n    def __init__(self, parent, name):\n"
            "        self.parent = parent  # MEM005\n        self.name = name\n"
            "class Parent:\n    def __init__(self):\n        self.children = []\n"
            "    def add(self, name):\n        self.children.append(Child(self, name))\n"
        ),
        Invalid(
            "class Item:\n    def __init__(self, name, owner=None):\n"
            "        self.owner = owner  # MEM005\n"
            "class Basket:\n    def __init__(self, names):\n"
            "        self.items = [Item(n, owner=self) for n in names]\n"
        ),
    )

    @classmethod
    def estimate(cls, finding: Finding, python: tuple[int, int]) -> Optional[Estimate]:
        saving = compare_parent_references(python, _NODES, _TREES)
        peak = saving.peak_bytes_saved
        return Estimate(
            bytes_saved=peak,
            resident_bytes_saved=pymalloc_resident(peak, python) if peak > 0 else peak,
            unit="run",
            method="modelled",
            python=format_version(python),
            note=(
                f"for {_TREES:,} trees of {_NODES} nodes built and dropped: mostly collector "
                f"work ({saving.collections_saved:,} collections and "
                f"{saving.objects_examined_saved:,} objects examined fewer), little memory"
            ),
            extra=(
                ("collections_saved", saving.collections_saved),
                ("objects_examined_saved", saving.objects_examined_saved),
                ("workload", f"{_TREES} trees x {_NODES} nodes"),
            ),
        )

    @classmethod
    def cost_table(cls, python: tuple[int, int]) -> Optional[CostTable]:
        return parent_reference_table(python)

    @classmethod
    def check_project(
        cls, project: Project, options: Mapping[str, Any], target_version: tuple[int, int]
    ) -> Sequence[ProjectReport]:
        found: dict[tuple[str, tuple[int, int, int, int]], ProjectReport] = {}
        weak_names = {
            name for facts, _ in project.classes.values() for name in facts.weak_attributes
        }
        weak_containers = {
            name for facts, _ in project.classes.values() for name in facts.weak_containers
        }
        for facts, module in project.classes.values():
            for ref in facts.back_references:
                if ref.kind != "direct" or _weak_direct(project, facts, ref, weak_names):
                    continue
                owner = project.class_facts(ref.owner) if ref.owner else None
                if owner is not None and ref.container in owner.weak_containers:
                    continue
                if owner is None and ref.container in weak_containers:
                    continue  # an unknown owner whose container may well be this weak one
                named = BackReference(
                    ref.kind,
                    ref.attribute,
                    ref.container,
                    _class_name(project, ref.owner),
                    _class_name(project, ref.child),
                    ref.parameter,
                    ref.span,
                    ref.method,
                    ref.others,
                )
                key = (module.path, ref.span)
                found.setdefault(key, _report(project, module.path, ref, named, Confidence.HIGH))
            # The store in a base class's helper: Element.append -> Node.setup_child.
            for helper, position, container, method in facts.helper_inserts:
                found_helper = project.inherited_helper(facts, helper, position)
                if found_helper is None:
                    continue
                base, attribute, span = found_helper
                if project.weak_attribute(facts, attribute) or container in facts.weak_containers:
                    continue
                path = project.module_of(base.qualname).path
                ref = BackReference(
                    "direct", attribute, container, facts.qualname, "", "", span, method
                )
                found.setdefault((path, span), _report(project, path, ref, ref, Confidence.HIGH))
        for construction, where in project.constructions():
            child = project.class_facts(construction.child)
            init = project.init_owner(child) if child is not None else None
            if child is None or init is None:
                continue
            parameter = project.parameter_for(init, construction.argument)
            owner = project.class_facts(construction.owner)
            if parameter is None or owner is None:
                continue
            if construction.container in owner.weak_containers:
                continue
            path = project.module_of(init.qualname).path
            for ref in init.back_references:
                if ref.kind != "init" or ref.parameter != parameter:
                    continue
                if project.weak_attribute(child, ref.attribute):
                    continue
                joined = BackReference(
                    "constructor",
                    ref.attribute,
                    construction.container,
                    owner.qualname,
                    child.qualname,
                    parameter,
                    ref.span,
                    ref.method,
                )
                confidence = Confidence.HIGH if where.path == path else Confidence.MEDIUM
                found.setdefault((path, ref.span), _report(project, path, ref, joined, confidence))
        return sorted(found.values(), key=lambda r: (r.path, r.span.line, r.span.column))


def _class_name(project: Project, name: str) -> str:
    """The project class ``name`` refers to, ``""`` when it is none (or unknown)."""
    return (project.resolve(name) or "") if name else ""


def _weak_direct(
    project: Project, facts: ClassFacts, ref: BackReference, weak_names: set[str]
) -> bool:
    """Whether ``child.parent = self`` goes through a setter that stores it weakly."""
    if ref.owner != facts.qualname:
        return False  # ``self.parent = parent``: the facts already saw the value
    child = project.class_facts(ref.child) if ref.child else None
    if child is not None:
        return project.weak_attribute(child, ref.attribute)
    # Unknown child class: most trees are made of one class; failing that, any
    # project class with a weak ``<attribute>`` setter makes the store doubtful.
    return project.weak_attribute(facts, ref.attribute) or ref.attribute in weak_names


def _report(
    project: Project,
    path: str,
    site: BackReference,
    ref: BackReference,
    confidence: Confidence,
) -> ProjectReport:
    line, column, end_line, end_column = site.span
    return ProjectReport(
        path=path,
        span=Span(line, column, end_line, end_column),
        message=_message(ref),
        severity=StrongParentReference.severity,
        confidence=confidence,
        details=(
            ("attribute", ref.attribute),
            ("container", ref.container),
            ("owner_class", ref.owner),
            ("child_class", ref.child),
            ("shape", ref.kind),
            ("method", ref.method),
            ("also", list(ref.others)),
        ),
    )


def _short(qualname: str) -> Optional[str]:
    return qualname.rpartition(".")[2] or None


def _message(ref: BackReference) -> str:
    child = _short(ref.child)
    owner = _short(ref.owner)
    reference = f"`{child}.{ref.attribute}`" if child else f"`{ref.attribute}`"
    if ref.others:
        reference += " (and " + ", ".join(f"`{a}`" for a in ref.others) + ")"
    holder = f"the `{owner}`" if owner else "the owner"
    held = f"the `{child}`" if child else "the object"
    if child and child == owner:
        held = "the node"
    return (
        f"The back-reference {reference} points to {holder} that keeps {held} in "
        f"`{ref.container}`, so every tree is a reference cycle that only the cyclic "
        "garbage collector frees, not reference counting (memory lingers until a "
        "collection runs, and collections cost time); a `weakref.ref` or `weakref.proxy` "
        "breaks the cycle, but then a child no longer keeps its parent alive, so callers "
        "must hold the root."
    )
