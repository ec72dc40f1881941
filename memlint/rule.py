"""The rule framework: one class per rule holds its docs, examples, checks and fix.

A rule is a read-only LibCST visitor (:class:`memlint.walk.Visitor`): the engine
runs every rule that could match a file in one batched pass over its tree. Its
docstring is its documentation, in fixed Markdown sections (the same text feeds
``memlint explain``, SARIF rule metadata and the README); its ``VALID`` and
``INVALID`` examples are its tests (``tests/test_rules.py``); expected findings
are marked in ``INVALID`` code by a trailing ``# MEM001`` comment on the
offending line. Rule modules use libcst only inside functions (see
:mod:`memlint.lazy`): loading the rules must not load libcst.

Rules never import the engine, the CLI or rich: they look at nodes and call
:meth:`Rule.report`.
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Optional, Sequence, Union

from memlint._compat import SLOTS
from memlint.finding import Applicability, Confidence, Estimate, Finding, Severity, Span
from memlint.index import ModuleIndex, qualified_name
from memlint.model import CostTable
from memlint.project import Project
from memlint.walk import Visitor

if TYPE_CHECKING:
    import libcst as cst
else:
    from memlint.lazy import libcst as cst

#: The sections every rule's docstring must have, in this order.
DOC_SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix safety",
    "Memory cost",
    "References",
)

DOCS_URL = "https://github.com/memlint/memlint/blob/main/docs/rules.md#{code}"


@dataclass(frozen=True, **SLOTS)
class Valid:
    """Code the rule must not flag."""

    code: str
    options: Mapping[str, Any] = field(default_factory=dict)
    target_version: Optional[tuple[int, int]] = None
    path: str = "example.py"


@dataclass(frozen=True, **SLOTS)
class Invalid:
    """Code the rule must flag exactly where ``# MEMxxx`` markers say.

    ``fixed`` is the exact code after applying the safe fixes (``None``: the
    rule offers no safe fix here); ``unsafe_fixed`` the code after applying
    unsafe fixes as well.
    """

    code: str
    fixed: Optional[str] = None
    unsafe_fixed: Optional[str] = None
    options: Mapping[str, Any] = field(default_factory=dict)
    target_version: Optional[tuple[int, int]] = None
    path: str = "example.py"


Example = Union[Valid, Invalid]


@dataclass(frozen=True, **SLOTS)
class RuleDocs:
    """A rule's documentation, split into its sections (Markdown text)."""

    sections: Mapping[str, str]

    def section(self, title: str) -> str:
        return self.sections.get(title, "")

    def code_block(self, title: str) -> str:
        """The first fenced code block of a section (``Example``, ``Use instead``)."""
        match = re.search(r"```(?:python|py)?\n(.*?)```", self.section(title), re.S)
        return match.group(1) if match else ""

    @property
    def summary(self) -> str:
        """First sentence of "What it does", for one-line listings."""
        text = " ".join(self.section("What it does").split())
        match = re.match(r"(.+?\.)(\s|$)", text)
        return match.group(1) if match else text

    def markdown(self) -> str:
        return "\n\n".join(f"## {title}\n\n{body}" for title, body in self.sections.items())


def parse_docs(docstring: str) -> RuleDocs:
    """Split a rule docstring into its ``## Section`` parts."""
    text = inspect.cleandoc(docstring or "")
    sections: dict[str, str] = {}
    current: Optional[str] = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current = line[3:].strip()
            lines = []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return RuleDocs(sections)


# -- what rules hand to the engine --------------------------------------------------


@dataclass(frozen=True, **SLOTS)
class Replace:
    """Replace ``node`` with ``new`` in the fixed tree."""

    node: cst.CSTNode
    new: cst.CSTNode


@dataclass(frozen=True, **SLOTS)
class InsertStatements:
    """Insert statements before or after statement ``anchor`` in its block."""

    anchor: cst.CSTNode
    statements: tuple[cst.BaseStatement, ...]
    before: bool = True


Change = Union[Replace, InsertStatements]


@dataclass(frozen=True, **SLOTS)
class FixPlan:
    """A fix described as tree changes; the engine turns it into text edits."""

    title: str
    applicability: Applicability
    changes: tuple[Change, ...]


@dataclass(**SLOTS)
class Report:
    """A finding as a rule reports it, before positions are known."""

    node: cst.CSTNode
    message: str
    severity: Severity
    confidence: Confidence
    fix: Optional[FixPlan]
    details: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, **SLOTS)
class ProjectReport:
    """A finding from the project-wide join, with its place in a file."""

    path: str
    span: Span
    message: str
    severity: Severity
    confidence: Confidence = Confidence.HIGH
    details: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, **SLOTS)
class RuleContext:
    """What a rule may know about the file it is looking at."""

    path: str
    index: ModuleIndex
    module: cst.Module
    target_version: tuple[int, int]
    options: Mapping[str, Any]

    @property
    def is_stub(self) -> bool:
        return self.path.endswith(".pyi")

    def qualified_name(self, node: cst.CSTNode) -> Optional[str]:
        return qualified_name(self.index, node)


class Rule(Visitor):
    """Base class of every memlint rule."""

    code: ClassVar[str]
    name: ClassVar[str]
    #: Default severity, also SARIF's ``defaultConfiguration.level``.
    severity: ClassVar[Severity] = Severity.MEDIUM
    #: How precise the rule is on real code, for SARIF's ``precision`` property.
    precision: ClassVar[str] = "high"
    #: Tags for SARIF (``properties.tags``) and the rules table.
    tags: ClassVar[tuple[str, ...]] = ("memory",)
    #: Per-rule options and their defaults (``[tool.memlint.MEM002]`` in config).
    options: ClassVar[Mapping[str, Any]] = {}
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()
    #: Project rules judge the joined facts of every file (``check_project``)
    #: instead of visiting one file's tree.
    project: ClassVar[bool] = False

    def __init__(self, context: RuleContext) -> None:
        super().__init__()
        self.context = context
        self.reports: list[Report] = []

    # -- gate ---------------------------------------------------------------------

    @classmethod
    def applies_to(cls, index: ModuleIndex, text: str, tree: ast.Module) -> bool:
        """Cheap pre-check: could this rule flag anything in this file?

        Must be a superset of what the rule flags; ``False`` skips the LibCST
        parse for files no selected rule could match. Check the index's triggers
        first; walk ``tree`` (the file's ``ast``, ~5% of a LibCST parse) only
        when they pass, to rule out files whose candidates cannot match.
        """
        return True

    @classmethod
    def check_project(
        cls, project: Project, options: Mapping[str, Any], target_version: tuple[int, int]
    ) -> Sequence[ProjectReport]:
        """Findings of a project rule over the joined facts of the whole run."""
        return ()

    @classmethod
    def project_fix(cls, finding: Finding, context: RuleContext) -> Optional[FixPlan]:
        """The fix for a project finding, from the tree of the file it is in."""
        return None

    # -- reporting ----------------------------------------------------------------

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        severity: Optional[Severity] = None,
        confidence: Confidence = Confidence.HIGH,
        fix: Optional[FixPlan] = None,
        details: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self.reports.append(
            Report(
                node=node,
                message=message,
                severity=severity or self.severity,
                confidence=confidence,
                fix=fix,
                details=tuple((details or {}).items()),
            )
        )

    # -- estimates ----------------------------------------------------------------

    @classmethod
    def estimate(cls, finding: Finding, python: tuple[int, int]) -> Optional[Estimate]:
        """What the finding costs on ``python``, from static facts (the model)."""
        return None

    @classmethod
    def cost_table(cls, python: tuple[int, int]) -> Optional[CostTable]:
        """What the pattern costs on ``python``, for ``memlint explain``."""
        return None

    # -- documentation ------------------------------------------------------------

    @classmethod
    def docs(cls) -> RuleDocs:
        cached = cls.__dict__.get("_docs")
        if cached is None:
            cached = parse_docs(cls.__doc__ or "")
            cls._docs = cached  # type: ignore[attr-defined]
        return cached

    @classmethod
    def summary(cls) -> str:
        return cls.docs().summary

    @classmethod
    def url(cls) -> str:
        return DOCS_URL.format(code=cls.code.lower())

    @classmethod
    def option(cls, context: RuleContext, name: str) -> Any:
        return context.options.get(name, cls.options.get(name))
