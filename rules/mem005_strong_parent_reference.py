"""MEM005 strong-parent-reference."""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence

from memlint.cstutil import (
    append_items,
    body_statements,
    class_path,
    docstring_statement,
    dotted_name,
    find_class,
    quote_of,
)
from memlint.facts import BackReference, ClassFacts
from memlint.finding import Applicability, Confidence, Estimate, Finding, Severity, Span
from memlint.model import (
    CostTable,
    compare_parent_references,
    format_version,
    parent_reference_table,
    pymalloc_resident,
)
from memlint.project import Project
from memlint.rule import (
    Change,
    FixPlan,
    InsertStatements,
    Invalid,
    ProjectReport,
    Replace,
    Rule,
    RuleContext,
    Valid,
)
from memlint.walk import Visitor, visit_batched

if TYPE_CHECKING:
    import libcst as cst
else:
    from memlint.lazy import libcst as cst

#: The reference workload of the static estimate: trees built and dropped.
_TREES, _NODES = 10_000, 10
#: What the collector model gives for that workload on each supported version
#: (``compare_parent_references(version, _NODES, _TREES)``): peak bytes, collections
#: and objects examined saved. Simulating it takes ~40 ms, on every run with a
#: MEM005 finding (cached ones too); tests/test_project_rules.py checks these
#: numbers against the model, so a change to the model must update them.
_WORKLOAD_SAVINGS: dict[tuple[int, int], tuple[int, int, int]] = {
    (3, 8): (149432, 348, 309099),
    (3, 9): (149432, 348, 309099),
    (3, 10): (149432, 348, 309099),
    (3, 11): (109680, 255, 203892),
    (3, 12): (104160, 255, 203892),
    (3, 13): (192880, 96, 201528),
    (3, 14): (192880, 96, 201528),
}


def workload_savings(python: tuple[int, int]) -> tuple[int, int, int]:
    """Peak bytes, collections and objects examined saved on the reference workload."""
    known = _WORKLOAD_SAVINGS.get(python)
    if known is not None:
        return known
    saving = compare_parent_references(python, _NODES, _TREES)
    return saving.peak_bytes_saved, saving.collections_saved, saving.objects_examined_saved


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
            self.parent = None
            self.children = []

        def add(self, child):
            child.parent = self
            self.children.append(child)

        @property
        def parent(self):
            ref = self._parent_ref
            return None if ref is None else ref()

        @parent.setter
        def parent(self, value):
            self._parent_ref = None if value is None else weakref.ref(value)
    ```

    ## Fix safety
    The fix is always unsafe. It keeps the back-reference behind a property of the
    same name on the child's class (the "Use instead" code): the getter returns the
    parent, or `None` once it is gone; the setter stores `weakref.ref(value)` in
    `_<name>_ref`. Existing stores (`child.parent = self`) and reads (`node.parent`)
    keep working; `import weakref` is added when the file has no import of it. What
    changes: a child no longer keeps its parent alive, so code that holds only a leaf
    (and expects `leaf.parent.parent` to work) must keep the root alive itself;
    `del child.parent` and `vars(child)` see `_parent_ref`, not `parent`; pickling
    and `copy.deepcopy()` of a node fail (a weak reference cannot be pickled); the
    parent's class must allow weak references. If the child's class has `__slots__`,
    the attribute's slot becomes `_<name>_ref`, and a slotted parent class in the
    same file gets `"__weakref__"`. Further back-references of the same store
    (`child.root = self`) get the same fix.

    No fix is offered when the child's class is in another file than the store, or
    not known; when it is a dataclass, attrs class, NamedTuple or Enum, defines
    `__setattr__` or `__getattribute__`, or already declares, assigns or defines the
    name in its class body; when the store is in a property setter (change the setter
    instead); when the name `weakref` means something else in the file; or when the
    parent's class cannot be weakly referenced without changes elsewhere (slots
    declared in a base or another file, a builtin base).

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
            "        child.parent = self  # MEM005:9\n        self.children.append(child)\n",
            unsafe_fixed="import weakref\n"
            "\n"
            "\n"
            "class Node:\n"
            "    def __init__(self):\n"
            "        self.parent = None\n"
            "        self.children = []\n"
            "    def add(self, child):\n"
            "        child.parent = self  # MEM005:9\n"
            "        self.children.append(child)\n"
            "\n"
            "    @property\n"
            "    def parent(self):\n"
            "        ref = self._parent_ref\n"
            "        return None if ref is None else ref()\n"
            "\n"
            "    @parent.setter\n"
            "    def parent(self, value):\n"
            "        self._parent_ref = None if value is None else weakref.ref(value)\n",
        ),
        Invalid(
            "class Node:\n    def __init__(self, parent=None):\n"
            "        self.parent = parent  # MEM005\n        self.children = []\n"
            "        if parent is not None:\n            parent.children.append(self)\n",
            unsafe_fixed="import weakref\n"
            "\n"
            "\n"
            "class Node:\n"
            "    def __init__(self, parent=None):\n"
            "        self.parent = parent  # MEM005\n"
            "        self.children = []\n"
            "        if parent is not None:\n"
            "            parent.children.append(self)\n"
            "\n"
            "    @property\n"
            "    def parent(self):\n"
            "        ref = self._parent_ref\n"
            "        return None if ref is None else ref()\n"
            "\n"
            "    @parent.setter\n"
            "    def parent(self, value):\n"
            "        self._parent_ref = None if value is None else weakref.ref(value)\n",
        ),
        # Dict and set insertions. No fix: the child's class is not known.
        Invalid(
            "class Dir:\n    def __init__(self):\n        self.entries = {}\n"
            "    def add(self, name, entry):\n        entry.dir = self  # MEM005\n"
            "        self.entries[name] = entry\n",
        ),
        Invalid(
            "class Graph:\n    def __init__(self):\n        self.nodes = set()\n"
            "    def adopt(self, node):\n        node.graph = self  # MEM005\n"
            "        self.nodes.add(node)\n",
        ),
        # The store in a helper method the inserting method calls.
        Invalid(
            "class Element:\n    def __init__(self):\n        self.children = []\n"
            "    def setup_child(self, child):\n        child.parent = self  # MEM005\n"
            "    def append(self, item):\n        self.setup_child(item)\n"
            "        self.children.append(item)\n",
        ),
        # A property setter that stores the parent and registers with it. No fix: the
        # setter is the place to change.
        Invalid(
            "class Node:\n    def __init__(self):\n        self._parent = None\n"
            "        self.children = []\n    @property\n    def parent(self):\n"
            "        return self._parent\n    @parent.setter\n    def parent(self, value):\n"
            "        self._parent = value  # MEM005\n        value.children.append(self)\n",
        ),
        # The constructor shape: the child's __init__ keeps the parent it is given.
        Invalid(
            "class Child:\n    def __init__(self, parent, name):\n"
            "        self.parent = parent  # MEM005\n        self.name = name\nclass Parent:\n"
            "    def __init__(self):\n        self.children = []\n    def add(self, name):\n"
            "        self.children.append(Child(self, name))\n",
            unsafe_fixed="import weakref\n"
            "\n"
            "\n"
            "class Child:\n"
            "    def __init__(self, parent, name):\n"
            "        self.parent = parent  # MEM005\n"
            "        self.name = name\n"
            "\n"
            "    @property\n"
            "    def parent(self):\n"
            "        ref = self._parent_ref\n"
            "        return None if ref is None else ref()\n"
            "\n"
            "    @parent.setter\n"
            "    def parent(self, value):\n"
            "        self._parent_ref = None if value is None else weakref.ref(value)\n"
            "class Parent:\n"
            "    def __init__(self):\n"
            "        self.children = []\n"
            "    def add(self, name):\n"
            "        self.children.append(Child(self, name))\n",
        ),
        Invalid(
            "class Item:\n    def __init__(self, name, owner=None):\n"
            "        self.owner = owner  # MEM005\nclass Basket:\n"
            "    def __init__(self, names):\n"
            "        self.items = [Item(n, owner=self) for n in names]\n",
            unsafe_fixed="import weakref\n"
            "\n"
            "\n"
            "class Item:\n"
            "    def __init__(self, name, owner=None):\n"
            "        self.owner = owner  # MEM005\n"
            "\n"
            "    @property\n"
            "    def owner(self):\n"
            "        ref = self._owner_ref\n"
            "        return None if ref is None else ref()\n"
            "\n"
            "    @owner.setter\n"
            "    def owner(self, value):\n"
            "        self._owner_ref = None if value is None else weakref.ref(value)\n"
            "class Basket:\n"
            "    def __init__(self, names):\n"
            "        self.items = [Item(n, owner=self) for n in names]\n",
        ),
        # Further links to the owner ride along; an existing `weakref` import is used.
        Invalid(
            '"""Trees."""\n'
            "import sys\nimport weakref as wr\n\nclass Node:\n    def __init__(self):\n"
            "        self.parent = None\n        self.root = None\n        self.children = []\n"
            "\n    def add(self, child):\n        child.parent = self  # MEM005\n"
            "        child.root = self\n        self.children.append(child)\n",
            unsafe_fixed='"""Trees."""\n'
            "import sys\n"
            "import weakref as wr\n"
            "\n"
            "class Node:\n"
            "    def __init__(self):\n"
            "        self.parent = None\n"
            "        self.root = None\n"
            "        self.children = []\n"
            "\n"
            "    def add(self, child):\n"
            "        child.parent = self  # MEM005\n"
            "        child.root = self\n"
            "        self.children.append(child)\n"
            "\n"
            "    @property\n"
            "    def parent(self):\n"
            "        ref = self._parent_ref\n"
            "        return None if ref is None else ref()\n"
            "\n"
            "    @parent.setter\n"
            "    def parent(self, value):\n"
            "        self._parent_ref = None if value is None else wr.ref(value)\n"
            "\n"
            "    @property\n"
            "    def root(self):\n"
            "        ref = self._root_ref\n"
            "        return None if ref is None else ref()\n"
            "\n"
            "    @root.setter\n"
            "    def root(self, value):\n"
            "        self._root_ref = None if value is None else wr.ref(value)\n",
        ),
        # A slotted child: the slot holds the weak reference; a slotted owner needs "__weakref__".
        Invalid(
            "import weakref\n\n\nclass Tree:\n    __slots__ = ('children',)\n\n"
            "    def __init__(self):\n        self.children = []\n\n    def add(self, name):\n"
            "        self.children.append(Leaf(self, name))\n\n\nclass Leaf:\n"
            "    __slots__ = ('parent', 'name')\n\n    def __init__(self, parent, name):\n"
            "        self.parent = parent  # MEM005\n        self.name = name\n",
            unsafe_fixed="import weakref\n"
            "\n"
            "\n"
            "class Tree:\n"
            "    __slots__ = ('children', '__weakref__')\n"
            "\n"
            "    def __init__(self):\n"
            "        self.children = []\n"
            "\n"
            "    def add(self, name):\n"
            "        self.children.append(Leaf(self, name))\n"
            "\n"
            "\n"
            "class Leaf:\n"
            "    __slots__ = ('_parent_ref', 'name')\n"
            "\n"
            "    def __init__(self, parent, name):\n"
            "        self.parent = parent  # MEM005\n"
            "        self.name = name\n"
            "\n"
            "    @property\n"
            "    def parent(self):\n"
            "        ref = self._parent_ref\n"
            "        return None if ref is None else ref()\n"
            "\n"
            "    @parent.setter\n"
            "    def parent(self, value):\n"
            "        self._parent_ref = None if value is None else weakref.ref(value)\n",
        ),
        Invalid(
            '"""Trees."""\n'
            "\n\nclass Node:\n"
            '    __slots__ = ("parent", "children")\n'
            "\n    def __init__(self):\n        self.parent = None\n        self.children = []\n"
            "\n    def add(self, child):\n        child.parent = self  # MEM005\n"
            "        self.children.append(child)\n",
            unsafe_fixed='"""Trees."""\n'
            "\n"
            "import weakref\n"
            "\n"
            "\n"
            "class Node:\n"
            '    __slots__ = ("_parent_ref", "children", "__weakref__")\n'
            "\n"
            "    def __init__(self):\n"
            "        self.parent = None\n"
            "        self.children = []\n"
            "\n"
            "    def add(self, child):\n"
            "        child.parent = self  # MEM005\n"
            "        self.children.append(child)\n"
            "\n"
            "    @property\n"
            "    def parent(self):\n"
            "        ref = self._parent_ref\n"
            "        return None if ref is None else ref()\n"
            "\n"
            "    @parent.setter\n"
            "    def parent(self, value):\n"
            "        self._parent_ref = None if value is None else weakref.ref(value)\n",
        ),
        # No fix: the child class declares the attribute at class level.
        Invalid(
            "class Node:\n    parent: 'Node'\n    def __init__(self, parent=None):\n"
            "        self.parent = parent  # MEM005\n        self.children = []\n"
            "        if parent is not None:\n            parent.children.append(self)\n",
        ),
    )

    @classmethod
    def estimate(cls, finding: Finding, python: tuple[int, int]) -> Optional[Estimate]:
        peak, collections, examined = workload_savings(python)
        return Estimate(
            bytes_saved=peak,
            resident_bytes_saved=pymalloc_resident(peak, python) if peak > 0 else peak,
            unit="run",
            method="modelled",
            python=format_version(python),
            note=(
                f"for {_TREES:,} trees of {_NODES} nodes built and dropped: mostly collector "
                f"work ({collections:,} collections and "
                f"{examined:,} objects examined fewer), little memory"
            ),
            extra=(
                ("collections_saved", collections),
                ("objects_examined_saved", examined),
                ("workload", f"{_TREES} trees x {_NODES} nodes"),
            ),
        )

    @classmethod
    def cost_table(cls, python: tuple[int, int]) -> Optional[CostTable]:
        return parent_reference_table(python)

    @classmethod
    def project_fix(cls, finding: Finding, context: RuleContext) -> Optional[FixPlan]:
        changes = _plan(finding, context)
        if changes is None:
            return None
        names = ", ".join(
            f"`{name}`"
            for name in (finding.detail("attribute"), *(finding.detail("also", ()) or ()))
        )
        return FixPlan(
            f"Store {names} as a `weakref.ref` behind a property",
            Applicability.UNSAFE,
            changes,
        )

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
    # The fix weakly references the owner (one class on both sides when unknown);
    # said only when that needs a change to its slots or cannot be done.
    support = _weakref_support(project, ref.owner or ref.child)
    extra = (("owner_weakref", support),) if support != "yes" else ()
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
            *extra,
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


# -- the fix ------------------------------------------------------------------------------

#: Bases whose instances have no layout of their own (``__slots__ = ()`` or ``object``).
_EMPTY_LAYOUT_BASES = frozenset({"builtins.object", "typing.Generic", "abc.ABC"})
_EMPTY_LAYOUT_PREFIXES = ("collections.abc.", "typing.")
_NOT_PLAIN_CLASSES = ("dataclasses.", "attr.", "attrs.", "enum.")
_NOT_PLAIN_BASES = frozenset(
    {"typing.NamedTuple", "typing_extensions.NamedTuple", "typing.TypedDict", "builtins.tuple"}
)


def _weakref_support(project: Project, qualname: str) -> str:
    """Whether instances of ``qualname`` can be weakly referenced: ``"yes"``;
    ``"slot"`` when every class of its MRO is slotted and none has ``__weakref__``
    (the class's own ``__slots__`` needs it); ``"unknown"`` when a base is outside
    the project (a builtin like ``tuple`` or ``int`` never allows it)."""
    cls = project.class_facts(qualname) if qualname else None
    if cls is None:
        return "unknown"
    slotted = True
    for current in project.mro(cls):
        for base, facts in project.bases(current):
            if facts is None and not (
                base in _EMPTY_LAYOUT_BASES or base.startswith(_EMPTY_LAYOUT_PREFIXES)
            ):
                return "unknown"
        slots = _declared_slots(current)
        if slots is None:
            slotted = False  # a class without __slots__ gets __weakref__
        elif "__weakref__" in slots:
            return "yes"
        elif "?" in slots:
            return "unknown"
    return "slot" if slotted else "yes"


def _declared_slots(cls: ClassFacts) -> Optional[tuple[str, ...]]:
    """The slots a class declares, or makes through ``dataclass``/attrs."""
    if cls.slots is not None:
        return cls.slots
    if cls.dataclass is not None:
        arguments = dict(cls.dataclass)
        if arguments.get("slots") == "True":
            return ("__weakref__",) if arguments.get("weakref_slot") == "True" else ()
    if cls.attrs is not None:
        decorator, pairs = cls.attrs
        arguments = dict(pairs)
        slotted = arguments.get("slots", "True" if decorator.startswith("attrs.") else "False")
        if decorator.endswith((".define", ".mutable", ".frozen")) and "slots" not in arguments:
            slotted = "True"
        if slotted == "True":
            return () if arguments.get("weakref_slot") == "False" else ("__weakref__",)
    return None


def _plan(finding: Finding, context: RuleContext) -> Optional[tuple[Change, ...]]:
    """The tree changes of the MEM005 fix, or ``None`` where it cannot be made."""
    attribute = str(finding.detail("attribute", ""))
    names = [attribute, *(str(a) for a in finding.detail("also", ()) or ())]
    owner_name = str(finding.detail("owner_class", "") or "")
    child_name = str(finding.detail("child_class", "") or "")
    module = context.module
    owner = _class_of(module, owner_name, context) if owner_name else None
    child = _class_of(module, child_name, context) if child_name else None
    # One class on both sides is the common tree: take the unknown side to be it,
    # but only when that class really holds the attribute (or the container).
    if not child_name and owner is not None and _assigns_on_self(owner, attribute):
        child, child_name = owner, owner_name
    container = str(finding.detail("container", ""))
    if not owner_name and child is not None and _assigns_on_self(child, container):
        owner, owner_name = child, child_name
    if child is None or not owner_name or not attribute:
        return None  # the child class is in another file (or unknown)
    if _is_setter(child, str(finding.detail("method", ""))):
        return None  # a property already wraps the store: its author should change it
    if not _plain_class(child, context):
        return None
    storage = {name: _storage_name(name) for name in names}
    if not _free_names(child, names, list(storage.values())):
        return None
    weakref_name = _weakref_alias(context)
    if weakref_name == "":
        return None
    needs_slot = finding.detail("owner_weakref") == "slot"
    if finding.detail("owner_weakref") == "unknown":
        return None
    new_child = _with_properties(child, names, storage, weakref_name or "weakref", module)
    if new_child is None:
        return None
    changes: list[Change] = []
    slots = _slots_statement(child)
    if slots is not None:
        extra = ["__weakref__"] if needs_slot and owner is child else []
        updated = _replace_slots(slots, storage, extra)
        if updated is None:
            return None
        new_child = _replace_in_body(new_child, slots, updated)
    elif needs_slot and owner is child:
        return None  # slotted only through a base we must not edit
    if needs_slot and owner is not child:
        owner_slots = _slots_statement(owner) if owner is not None else None
        if owner is None or owner_slots is None or _nested(owner, child) or _nested(child, owner):
            return None  # the owner's slots are elsewhere (a base, another file)
        updated_owner = _replace_slots(owner_slots, {}, ["__weakref__"])
        if updated_owner is None:
            return None
        changes.append(Replace(owner_slots, updated_owner))
    if weakref_name is None:
        insert = _import_weakref(module, child, new_child)
        if insert is None:
            return None
        new_child, import_changes = insert
        changes.extend(import_changes)
    changes.append(Replace(child, new_child))
    return tuple(changes)


def _class_of(module: cst.Module, qualname: str, context: RuleContext) -> Optional[cst.ClassDef]:
    path = class_path(qualname, context.index.module)
    return find_class(module, path) if path else None


#: Nodes a class statement can sit in (as far as the facts record classes).
@functools.cache
def _blocks() -> tuple[type[cst.CSTNode], ...]:
    return (cst.BaseSuite, cst.BaseCompoundStatement, cst.ExceptHandler, cst.Else, cst.Finally)


def _nested(outer: cst.CSTNode, inner: cst.CSTNode) -> bool:
    """Whether ``inner`` sits inside ``outer`` (a change to both would collide)."""
    if outer is inner:
        return False
    stack: list[cst.CSTNode] = [outer]
    while stack:
        node = stack.pop()
        if node is inner:
            return True
        if isinstance(node, _blocks()) and not isinstance(node, cst.FunctionDef):
            stack.extend(node.children)
    return False


def is_setter(decorator: cst.Decorator) -> bool:
    target = decorator.decorator
    return isinstance(target, cst.Attribute) and target.attr.value in ("setter", "deleter")


def _is_setter(cls: cst.ClassDef, method: str) -> bool:
    return any(
        isinstance(statement, cst.FunctionDef)
        and statement.name.value == method
        and any(is_setter(d) for d in statement.decorators)
        for statement in body_statements(cls)
    )


def _plain_class(cls: cst.ClassDef, context: RuleContext) -> bool:
    """Not a dataclass, attrs class, NamedTuple or Enum (they make their own
    attributes, which a property of the same name would break), and no custom
    attribute access."""
    for decorator in cls.decorators:
        target = decorator.decorator
        if isinstance(target, cst.Call):
            target = target.func
        qualified = context.qualified_name(target) or ""
        if qualified.startswith(_NOT_PLAIN_CLASSES):
            return False
    for base in cls.bases:
        if base.keyword is not None:
            continue
        value = base.value.value if isinstance(base.value, cst.Subscript) else base.value
        qualified = context.qualified_name(value) or ""
        if qualified in _NOT_PLAIN_BASES or qualified.startswith(_NOT_PLAIN_CLASSES):
            return False
    # A custom ``__setattr__`` may write around the property's setter.
    return not any(
        isinstance(s, cst.FunctionDef) and s.name.value in ("__setattr__", "__getattribute__")
        for s in body_statements(cls)
    )


def _storage_name(attribute: str) -> str:
    # ``_parent`` keeps one underscore: two would be name-mangled.
    return f"{attribute}_ref" if attribute.startswith("_") else f"_{attribute}_ref"


class _Names(Visitor):
    """Every name and attribute name used in a class (cheap: one class only)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def _free_names(cls: cst.ClassDef, attributes: Sequence[str], storage: Sequence[str]) -> bool:
    """No attribute is declared, assigned or defined in the class body (a class
    attribute or method of that name would clash with the property), and the
    storage names are used nowhere in the class."""
    for statement in body_statements(cls):
        if any(bound in attributes for bound in _bound_names(statement)):
            return False
    collector = _Names()
    visit_batched(cls.body, [collector])
    return not any(name in collector.names for name in storage)


def _bound_names(statement: cst.BaseStatement) -> list[str]:
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return [statement.name.value]
    names: list[str] = []
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign):
                names.extend(
                    t.target.value for t in small.targets if isinstance(t.target, cst.Name)
                )
            elif isinstance(small, (cst.AnnAssign, cst.AugAssign)) and isinstance(
                small.target, cst.Name
            ):
                names.append(small.target.value)
    return names


def _assigns_on_self(cls: cst.ClassDef, attribute: str) -> bool:
    """Whether a method of ``cls`` stores ``self.<attribute>``."""
    if not attribute:
        return False
    for statement in body_statements(cls):
        if not isinstance(statement, cst.FunctionDef) or not statement.params.params:
            continue
        finder = _SelfStore(statement.params.params[0].name.value, attribute)
        visit_batched(statement.body, [finder])
        if finder.found:
            return True
    return False


class _SelfStore(Visitor):
    def __init__(self, self_name: str, attribute: str) -> None:
        self.self_name = self_name
        self.attribute = attribute
        self.found = False

    def _target(self, node: cst.BaseExpression) -> None:
        if (
            isinstance(node, cst.Attribute)
            and node.attr.value == self.attribute
            and isinstance(node.value, cst.Name)
            and node.value.value == self.self_name
        ):
            self.found = True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)


def _weakref_alias(context: RuleContext) -> Optional[str]:
    """The module-level name ``weakref`` is imported as; ``None`` when it is not
    imported (the fix adds ``import weakref``); ``""`` when the name ``weakref``
    means something else here."""
    index = context.index
    for name, target in sorted(index.imports.items()):
        if target == "weakref" and not index.is_rebound(name):
            return name
    if "weakref" in index.imports or "weakref" in index.defined:
        return ""
    return None


def _with_properties(
    cls: cst.ClassDef,
    names: Sequence[str],
    storage: Mapping[str, str],
    weakref_name: str,
    module: cst.Module,
) -> Optional[cst.ClassDef]:
    body = cls.body
    if not isinstance(body, cst.IndentedBlock):
        return None
    added: list[cst.BaseStatement] = []
    for name in names:
        code = (
            f"@property\ndef {name}(self):\n    ref = self.{storage[name]}\n"
            "    return None if ref is None else ref()\n\n"
            f"@{name}.setter\ndef {name}(self, value):\n"
            f"    self.{storage[name]} = None if value is None else {weakref_name}.ref(value)\n"
        )
        parsed = cst.parse_module(code, config=module.config_for_parsing)
        for statement in parsed.body:
            added.append(statement.with_changes(leading_lines=(cst.EmptyLine(indent=False),)))
    return cls.with_changes(body=body.with_changes(body=(*body.body, *added)))


def _slots_statement(cls: Optional[cst.ClassDef]) -> Optional[cst.SimpleStatementLine]:
    """The ``__slots__ = ...`` statement of a class body, if it has one."""
    if cls is None:
        return None
    for statement in body_statements(cls):
        if isinstance(statement, cst.SimpleStatementLine) and "__slots__" in _bound_names(
            statement
        ):
            return statement
    return None


def _replace_slots(
    statement: cst.SimpleStatementLine, renamed: Mapping[str, str], extra: Sequence[str]
) -> Optional[cst.SimpleStatementLine]:
    """``statement`` with slot names renamed and ``extra`` names added; ``None``
    unless ``__slots__`` is a literal string, tuple or list of strings."""
    if len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, (cst.Assign, cst.AnnAssign)) or small.value is None:
        return None
    value = small.value
    if isinstance(value, cst.SimpleString):
        value = cst.Tuple(elements=[cst.Element(value, comma=cst.Comma())])
    if not isinstance(value, (cst.Tuple, cst.List)):
        return None
    elements: list[cst.Element] = []
    present: list[str] = []
    for element in value.elements:
        if not isinstance(element, cst.Element) or not isinstance(element.value, cst.SimpleString):
            return None
        text = element.value.evaluated_value
        if not isinstance(text, str):
            return None
        if text in renamed:
            mark = element.value.quote
            element = element.with_changes(value=cst.SimpleString(f"{mark}{renamed[text]}{mark}"))
            text = renamed[text]
        present.append(text)
        elements.append(element)
    quote = quote_of(value)
    missing = [n for n in (*renamed.values(), *extra) if n not in present]
    new = [cst.Element(cst.SimpleString(f"{quote}{name}{quote}")) for name in missing]
    if isinstance(value, cst.List):
        opening: Optional[cst.BaseParenthesizableWhitespace] = value.lbracket.whitespace_after
    else:
        opening = value.lpar[0].whitespace_after if value.lpar else None
    items = append_items(elements, new, opening)
    if (
        isinstance(value, cst.Tuple)
        and len(items) == 1
        and not isinstance(items[0].comma, cst.Comma)
    ):
        items = [items[0].with_changes(comma=cst.Comma())]
    new_value = value.with_changes(elements=items)
    if not value.lpar and isinstance(value, cst.Tuple):
        new_value = new_value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return statement.with_changes(body=[small.with_changes(value=new_value)])


def _replace_in_body(
    cls: cst.ClassDef, old: cst.BaseStatement, new: cst.BaseStatement
) -> cst.ClassDef:
    body = cls.body
    assert isinstance(body, cst.IndentedBlock)
    statements = tuple(new if s is old else s for s in body.body)
    return cls.with_changes(body=body.with_changes(body=statements))


def _import_weakref(
    module: cst.Module, child: cst.ClassDef, new_child: cst.ClassDef
) -> Optional[tuple[cst.ClassDef, list[Change]]]:
    """Changes that add ``import weakref`` where isort would put it among the
    top-level imports above the child class: in alphabetical order among the plain
    ``import x`` lines, else before the first ``from x import y`` (after
    ``__future__``), else after the module docstring, else first. Returns the child
    class to use (with blank lines before it when the import lands right above it)."""
    top = next((s for s in module.body if s is child or _nested(s, child)), None)
    if top is None:
        return None
    line = cst.parse_statement("import weakref\n", config=module.config_for_parsing)
    plain: list[tuple[cst.SimpleStatementLine, str]] = []
    froms: list[cst.SimpleStatementLine] = []
    others: list[cst.SimpleStatementLine] = []
    last: Optional[cst.SimpleStatementLine] = None
    for statement in module.body:
        if statement is top:
            break
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                name = cst_dotted(small.names[0].name)
                if _stdlib(name):
                    plain.append((statement, name))
                others.append(statement)
                last = statement
            elif isinstance(small, cst.ImportFrom):
                name = cst_dotted(small.module) if small.module is not None else ""
                if name != "__future__":
                    (froms if _stdlib(name) else others).append(statement)
                last = statement
    earlier = [statement for statement, name in plain if name < "weakref"]
    if earlier:
        return new_child, [InsertStatements(earlier[-1], (line,), before=False)]
    if plain or froms or others:
        following = plain[0][0] if plain else (froms or others)[0]
        return new_child, _insert_before(following, line)
    if last is not None:
        return new_child, [InsertStatements(last, (line,), before=False)]
    first = module.body[0]
    if docstring_statement(cst.IndentedBlock(body=[first])) is not None and first is not top:
        blank = line.with_changes(leading_lines=(cst.EmptyLine(),))
        return new_child, [InsertStatements(first, (blank,), before=False)]
    if first is child:
        # The import goes right above the class: keep two blank lines between.
        lines = (cst.EmptyLine(), cst.EmptyLine(), *new_child.leading_lines)
        return new_child.with_changes(leading_lines=lines), [InsertStatements(first, (line,))]
    return new_child, [InsertStatements(first, (line,))]


def _insert_before(statement: cst.SimpleStatementLine, line: cst.BaseStatement) -> list[Change]:
    """``line`` right before ``statement``, below the comments and blank lines that
    lead it (a ``# stdlib`` heading stays above both)."""
    moved = line.with_changes(leading_lines=statement.leading_lines)
    return [
        InsertStatements(statement, (moved,)),
        Replace(statement, statement.with_changes(leading_lines=())),
    ]


def cst_dotted(node: cst.BaseExpression) -> str:
    return dotted_name(node) or ""


#: Standard library modules (3.10+; on 3.9 every module counts as one).
_STDLIB: Optional[frozenset[str]] = getattr(sys, "stdlib_module_names", None)


def _stdlib(name: str) -> bool:
    """Whether isort puts ``name`` in the standard library section (with ``weakref``)."""
    return _STDLIB is None or name.partition(".")[0] in _STDLIB
