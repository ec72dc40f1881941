"""Project rules (MEM004, MEM005) over multi-file projects, plus facts/join unit tests.

Each directory under ``tests/projects/`` is one project: every ``.py`` file in it
is linted as part of one run (module names from the directory layout), and the
findings must match the ``# MEM00X`` markers in every file. The first file (in
path order) starts with a comment saying what the case covers. The cases test the
join, not how sure MEM004 is, so they run with ``min-confidence = "low"`` (a single
loop counts); what the default leaves out is tested below.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import pickle
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from memlint.facts import BULK, LOOPED, ONCE, ModuleFacts, collect_facts, is_test_path
from memlint.finding import Confidence, FileResult, Finding
from memlint.index import build_index
from memlint.model import SUPPORTED_VERSIONS, compare_parent_references, format_version
from memlint.project import Project
from memlint.rule import Rule
from memlint.rules.mem004_missing_slots import MissingSlots
from memlint.rules.mem005_strong_parent_reference import StrongParentReference
from memlint.testing import expected_markers, lint, lint_project, module_name

from .conftest import rules_under_test

PROJECTS = Path(__file__).parent / "projects"
FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in PROJECTS.iterdir() if p.is_dir())
RULES: tuple[type[Rule], ...] = tuple(
    sorted({*rules_under_test(), MissingSlots, StrongParentReference}, key=lambda r: r.code)
)


def _files(case: Path) -> dict[str, str]:
    return {
        p.relative_to(case).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(case.rglob("*.py"))
    }


#: Every hot class, however weak the evidence (the default hides single loops).
ALL_CONFIDENCES = {"MEM004": {"min-confidence": "low"}}


def _lint_case(name: str) -> list[FileResult]:
    return lint_project(_files(PROJECTS / name), RULES, rule_options=ALL_CONFIDENCES)


def _findings(results: list[FileResult], code: str) -> list[Finding]:
    return [f for r in results for f in r.findings if f.code == code]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_project_findings_match_markers(case: Path) -> None:
    files = _files(case)
    assert next(iter(files.values())).startswith("#"), "the first file says what the case covers"
    results = lint_project(files, RULES, rule_options=ALL_CONFIDENCES)
    codes = {rule.code for rule in RULES}
    for result in results:
        assert result.error is None, result.error
    got = sorted((r.path, f.line, f.code) for r in results for f in r.findings)
    expected = sorted(
        (path, line, code)
        for path, text in files.items()
        for line, code, _ in expected_markers(text)
        if code in codes
    )
    assert got == expected, "\n".join(
        f"{r.path}:{f.line}:{f.column} {f.code} {f.message}" for r in results for f in r.findings
    )
    for result in results:
        for finding in result.findings:
            assert finding.message[0].isupper() and finding.message.endswith(".")


# -- what the findings say ---------------------------------------------------------------


def _details(finding: Finding) -> dict[str, Any]:
    return dict(finding.details)


DETAIL_CHECKS: dict[str, Callable[[list[FileResult]], None]] = {}


def _check(name: str) -> Callable[[Callable[[list[FileResult]], None]], None]:
    def register(function: Callable[[list[FileResult]], None]) -> None:
        DETAIL_CHECKS[name] = function

    return register


@_check("alias_import")
def _alias(results: list[FileResult]) -> None:
    (finding,) = _findings(results, "MEM004")
    details = _details(finding)
    assert details["class"] == "pkg.a.Point"
    assert details["attributes"] == ["x", "y"] and details["k"] == 2
    # One plain loop is weak evidence of bulk (set-up code loops too).
    assert finding.confidence is Confidence.LOW
    assert details["hot_path"] == "pkg/b.py" and details["hot_line"] == 10
    assert "pkg/b.py:10" in finding.message and '__slots__ = ("x", "y")' in finding.message


@_check("factory_classmethod")
def _factory(results: list[FileResult]) -> None:
    (finding,) = _findings(results, "MEM004")
    details = _details(finding)
    assert details["hot_via"] == "lex.token.Token.from_text"
    assert details["subclasses_without_slots"] == ["Keyword"]
    assert finding.confidence is Confidence.HIGH
    assert "`Token.from_text()`" in finding.message and "`Keyword`" in finding.message


@_check("function_in_loop")
def _function(results: list[FileResult]) -> None:
    (finding,) = _findings(results, "MEM004")
    assert _details(finding)["hot_via"] == "geo.shapes.make_circle"
    assert finding.confidence is Confidence.LOW
    assert "`make_circle()`, called in a loop at geo/scene.py:7" in finding.message


@_check("elevation")
def _elevation(results: list[FileResult]) -> None:
    (finding,) = _findings(results, "MEM004")
    assert finding.confidence is Confidence.HIGH


@_check("cross_file_parent")
def _cross(results: list[FileResult]) -> None:
    (finding,) = _findings(results, "MEM005")
    details = _details(finding)
    assert finding.path == "tree/child.py"
    assert (finding.line, finding.column) == (3, 9)
    assert finding.confidence is Confidence.MEDIUM
    assert details == {
        "attribute": "parent",
        "container": "children",
        "owner_class": "tree.owner.Tree",
        "child_class": "tree.child.Child",
        "shape": "constructor",
        "method": "__init__",
        "also": [],
    }
    message = finding.message
    assert "`Child.parent`" in message and "`Tree`" in message and "`children`" in message
    assert "garbage collector" in message and "reference counting" in message
    assert "callers must hold the root" in message


@_check("cross_file_mirror")
def _mirror(results: list[FileResult]) -> None:
    (finding,) = _findings(results, "MEM005")
    details = _details(finding)
    assert details["owner_class"] == "dom.document.Document"
    assert details["child_class"] == "dom.element.Element"
    assert finding.confidence is Confidence.HIGH


@_check("cross_file_weak")
def _weak(results: list[FileResult]) -> None:
    by_class = {_details(f)["class"]: _details(f) for f in _findings(results, "MEM004")}
    assert by_class["tree2.owner.Tree"]["weakref"] is True
    assert by_class["tree2.child.Child"]["weakref"] is False


@_check("weakref_cross")
def _weakref(results: list[FileResult]) -> None:
    (finding,) = _findings(results, "MEM004")
    assert _details(finding)["weakref"] is True
    assert '"__weakref__"' in finding.message


@_check("external_use")
def _external(results: list[FileResult]) -> None:
    (finding,) = _findings(results, "MEM004")
    assert _details(finding)["attributes"] == ["key", "seen"]


@_check("slotted_base")
def _slotted(results: list[FileResult]) -> None:
    (finding,) = _findings(results, "MEM004")
    assert _details(finding)["attributes"] == ["side"]


def test_every_detail_check_names_a_case() -> None:
    assert set(DETAIL_CHECKS) <= {c.name for c in CASES}


@pytest.mark.parametrize("name", sorted(DETAIL_CHECKS))
def test_project_finding_details(name: str) -> None:
    DETAIL_CHECKS[name](_lint_case(name))


# -- the details a later fix needs, from single files ------------------------------------


def test_confidence_follows_the_evidence() -> None:
    head = "class P:\n    def __init__(self, x):\n        self.x = x\n"
    cases = {
        "def f(xs):\n    return [P(x) for x in xs]\n": Confidence.HIGH,
        "def f(rows):\n    out = []\n    for r in rows:\n        for x in r:\n"
        "            out.append(P(x))\n    return out\n": Confidence.HIGH,
        "def make(x):\n    return P(x)\ndef f(xs):\n    return [make(x) for x in xs]\n": (
            Confidence.MEDIUM
        ),
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(P(x))\n"
        "    return out\n": Confidence.LOW,
        "OUT = []\nfor x in range(100):\n    OUT.append(P(x))\n": Confidence.LOW,
    }
    for code, confidence in cases.items():
        (finding,) = lint(head + code, [MissingSlots], rule_options=ALL_CONFIDENCES).findings
        assert finding.confidence is confidence, code
        default = lint(head + code, [MissingSlots]).findings
        assert len(default) == (confidence is not Confidence.LOW), code


def test_get_or_create_and_error_paths_are_demoted() -> None:
    head = "class P:\n    def __init__(self, x):\n        self.x = x\n"
    code = (
        "def f(rows):\n    seen = {}\n    for r in rows:\n        for x in r:\n"
        "            if x not in seen:\n                seen[x] = P(x)\n    return seen\n"
    )
    (finding,) = lint(head + code, [MissingSlots], rule_options=ALL_CONFIDENCES).findings
    assert finding.confidence is Confidence.LOW
    code = (
        "def f(rows):\n    out = []\n    for r in rows:\n        for x in r:\n"
        "            try:\n                out.append(int(x))\n            except ValueError:\n"
        "                out.append(P(x))\n    return out\n"
    )
    (finding,) = lint(head + code, [MissingSlots], rule_options=ALL_CONFIDENCES).findings
    assert finding.confidence is Confidence.LOW


def test_module_level_and_main_loops_are_low_confidence() -> None:
    code = (FIXTURES / "MEM004" / "module_level_and_main.py").read_text(encoding="utf-8")
    assert lint(code, [MissingSlots]).findings == ()
    found = lint(code, [MissingSlots], rule_options=ALL_CONFIDENCES).findings
    assert [(_details(f)["class"], f.confidence) for f in found] == [
        ("Arg", Confidence.LOW),
        ("Job", Confidence.LOW),
        ("Task", Confidence.LOW),
    ]


def test_dataclass_details_follow_the_target_version() -> None:
    code = (
        "from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n    y: int = 0\n"
        "def load(xs):\n    return [P(x) for x in xs]\n"
    )
    new = lint(code, [MissingSlots], target_version=(3, 12)).findings[0]
    old = lint(code, [MissingSlots], target_version=(3, 9)).findings[0]
    assert _details(new)["dataclass_slots"] is True and "slots=True)`" in new.message
    assert _details(old)["dataclass_slots"] is False
    assert _details(old)["conflicts"] == ["y"]
    assert "needs Python 3.10" in old.message and "defaults" in old.message


def test_class_level_defaults_are_reported_as_conflicts() -> None:
    code = (
        "class P:\n    size = 0\n    def __init__(self, x):\n        self.x = x\n"
        "        self.size = 1\n"
        "def load(xs):\n    return [P(x) for x in xs]\n"
    )
    (finding,) = lint(code, [MissingSlots]).findings
    assert _details(finding)["conflicts"] == ["size"]
    assert "class-level values of `size`" in finding.message


def test_properties_are_not_instance_attributes() -> None:
    code = (
        "class P:\n    def __init__(self, x):\n        self.x = x\n        self._y = 0\n"
        "    @property\n    def x(self):\n        return self._x\n"
        "    @x.setter\n    def x(self, value):\n        self._x = value\n"
        "def load(xs):\n    return [P(x) for x in xs]\n"
    )
    (finding,) = lint(code, [MissingSlots]).findings
    assert _details(finding)["attributes"] == ["_y", "_x"]


def test_pickling_hooks_and_zero_arg_super_are_noted() -> None:
    code = (
        "from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n"
        "    def __getstate__(self):\n        return {'x': self.x}\n"
        "    def __repr__(self):\n        return super().__repr__()\n"
        "def load(xs):\n    return [P(x) for x in xs]\n"
    )
    details = _details(lint(code, [MissingSlots]).findings[0])
    assert details["pickling_hooks"] is True and details["zero_arg_super"] is True


def test_noqa_on_the_class_line_suppresses_project_findings() -> None:
    code = (
        "class P:  # noqa: MEM004\n    def __init__(self, x):\n        self.x = x\n"
        "def load(xs):\n    return [P(x) for x in xs]\n"
    )
    result = lint(code, [MissingSlots])
    assert result.findings == ()


def test_details_are_json_values() -> None:
    code = (
        "class P:\n    def __init__(self, x):\n        self.x = x\n"
        "    def add(self, child):\n        child.parent = self\n        self.kids.append(child)\n"
        "def load(xs):\n    return [P(x) for x in xs]\n"
    )
    findings = lint(code, [MissingSlots, StrongParentReference]).findings
    assert {f.code for f in findings} == {"MEM004", "MEM005"}
    for finding in findings:
        for _, value in finding.details:
            assert isinstance(value, (str, int, bool, list))
            if isinstance(value, list):
                assert all(isinstance(v, str) for v in value)


# -- facts ---------------------------------------------------------------------------------


def _facts(code: str, path: str = "mod.py") -> ModuleFacts:
    tree = ast.parse(code)
    module, is_package = module_name(path)
    return collect_facts(tree, build_index(tree, module, is_package), code, module, path)


def test_hot_levels() -> None:
    facts = _facts(
        "import lib\n"
        "for x in xs:\n    lib.A(x)\n"
        "def main():\n    for x in xs:\n        lib.B(x)\n"
        "def f(xs):\n    for x in xs:\n        lib.C(x)\n"
        "        for y in x:\n            lib.D(y)\n"
        "    return [lib.E(x) for x in xs]\n"
        "if __name__ == '__main__':\n    for x in xs:\n        lib.F(x)\n"
        "G = [lib.G(x) for x in xs]\n"
    )
    levels = {callee: site[2] for callee, site in facts.hot_calls.items()}
    assert levels == {
        "lib.A": ONCE,
        "lib.B": ONCE,
        "lib.C": LOOPED,
        "lib.D": BULK,
        "lib.E": BULK,
        "lib.F": ONCE,
        "lib.G": LOOPED,
    }
    assert facts.hot_calls["lib.C"][3] == "mod.f"


def test_small_literal_loops_and_exits_are_not_hot() -> None:
    facts = _facts(
        "import lib\n"
        "def f(xs):\n"
        "    for name in ('a', 'b'):\n        lib.A(name)\n"
        "    for i in range(3):\n        lib.B(i)\n"
        "    for x in xs:\n        if x:\n            return lib.C(x)\n        raise lib.D(x)\n"
        "    for i in range(1000):\n        lib.E(i)\n"
    )
    assert set(facts.hot_calls) == {"lib.E"}


def test_test_files_and_stubs_have_no_facts() -> None:
    assert is_test_path("tests/unit/helpers.py") and is_test_path("pkg/test_x.py")
    assert is_test_path("x_test.py") and is_test_path("conftest.py")
    assert not is_test_path("pkg/testing_utils.py") and not is_test_path("contest.py")
    code = "class P:\n    def __init__(self):\n        self.x = 1\n"
    assert _facts(code, "tests/helpers.py").classes == ()
    assert _facts(code, "pkg/mod.pyi").ignored
    assert [c.qualname for c in _facts(code, "pkg/mod.py").classes] == ["pkg.mod.P"]


def test_classes_no_rule_can_judge_are_left_out() -> None:
    facts = _facts(
        "import enum\nclass E(enum.Enum):\n    A = 1\nclass X(Exception):\n    pass\n"
        "class D(dict):\n    pass\nclass U(unknown_base()):\n    pass\nclass K:\n    pass\n"
    )
    assert [c.name for c in facts.classes] == ["K"]


def test_facts_stay_small() -> None:
    # The biggest stdlib modules should cost a few kilobytes of facts, not tens.
    path = Path(argparse.__file__)
    facts = _facts(path.read_text(encoding="utf-8"), "argparse.py")
    assert facts.classes
    assert len(pickle.dumps(facts)) < 10_000


def test_deep_nesting_gives_empty_facts_not_an_error() -> None:
    # Deeper than the recursion limit allows (the runner gives analysis a big
    # stack; hostile files go deeper still): no facts rather than a crash or a guess.
    code = "x = " + "-" * 600 + "1\nclass P:\n    def __init__(self):\n        self.a = 1\n"
    tree = ast.parse(code)
    index = build_index(tree, "mod", False)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 200)
    try:
        facts = collect_facts(tree, index, code, "mod", "mod.py")
    finally:
        sys.setrecursionlimit(limit)
    assert facts.ignored and facts.classes == ()
    assert _facts(code).classes  # with room to recurse, the same file has facts


# -- the join ------------------------------------------------------------------------------


def test_a_class_name_defined_twice_resolves_to_nothing() -> None:
    code = "class Node:\n    def __init__(self):\n        self.v = 1\n"
    use = "from utils import Node\ndef f(xs):\n    return [Node() for x in xs]\n"
    one = _facts(code, "utils.py")
    two = _facts(code.replace("self.v", "self.w"), "utils.py")
    project = Project([one, two, _facts(use, "app.py")])
    assert project.resolve("utils.Node") is None
    assert project.hot_classes() == {}
    single = Project([one, _facts(use, "app.py")])
    assert set(single.hot_classes()) == {"utils.Node"}


def test_resolution_follows_reexports_and_is_cached() -> None:
    models = _facts("class Node:\n    pass_ = 1\n", "pkg/models.py")
    init = _facts("from .models import Node as N\n", "pkg/__init__.py")
    project = Project([models, init])
    assert project.resolve("pkg.N") == "pkg.models.Node"
    assert project.resolve("pkg.Missing") is None
    assert project.canonical("pkg.N.create") == "pkg.models.Node.create"


def test_a_rebound_local_drops_the_object_it_held() -> None:
    facts = _facts(
        "import lib\n"
        "def f(rows):\n    out = []\n    for r in rows:\n        for x in r:\n"
        "            a = lib.A(x)\n            a = a.value\n            out.append(a)\n"
        "            b = lib.B(x)\n            b = wrap(b)\n            out.append(b)\n"
        "    return out\n"
    )
    assert facts.hot_calls["lib.A"][4] is False
    assert facts.hot_calls["lib.B"][4] is True


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=format_version)
def test_mem005_workload_table_matches_the_collector_model(version: tuple[int, int]) -> None:
    """MEM005's static estimate reads a table instead of simulating on every run: it
    must hold what the model gives (update it when the model changes)."""
    from memlint.rules import mem005_strong_parent_reference as mem005

    saving = compare_parent_references(version, mem005._NODES, mem005._TREES)
    expected = (saving.peak_bytes_saved, saving.collections_saved, saving.objects_examined_saved)
    assert mem005._WORKLOAD_SAVINGS[version] == expected
    assert mem005.workload_savings(version) == expected


def test_mem005_workload_outside_the_table_is_simulated(monkeypatch: pytest.MonkeyPatch) -> None:
    from memlint.rules import mem005_strong_parent_reference as mem005

    monkeypatch.setattr(mem005, "_WORKLOAD_SAVINGS", {})
    saving = compare_parent_references((3, 12), mem005._NODES, mem005._TREES)
    assert mem005.workload_savings((3, 12)) == (
        saving.peak_bytes_saved,
        saving.collections_saved,
        saving.objects_examined_saved,
    )
