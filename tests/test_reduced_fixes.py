"""Project fixes from a reduced parse: the file with unrelated top-level definitions
left out must give exactly the fixes the whole file gives.

Project findings (MEM004, MEM005) get their fixes after the join, from a second
LibCST parse of the file. Parsing only what the fixes can need (imports, the
classes named, the statements holding the findings) is a large saving on big
modules; these tests hold it to the same result as the whole parse.
"""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest

from memlint.engine import (
    _fix_project_findings,
    _reduced_for_fixes,
    check_project,
    check_source,
    fix_project_findings,
)
from memlint.index import build_index
from memlint.testing import module_name, options_for

from .conftest import rules_under_test

RULES = rules_under_test()
FIXES = Path(__file__).parent / "fixes"

FILLER_BEFORE = '''
import os


def helper(x):
    """A function the fix does not need."""
    return os.path.join(x, "y")


class Unrelated:
    def method(self):
        return [
            1,
            2,
        ]
'''
FILLER_AFTER = '''

# a comment that leads the next definition
@staticmethod
def decorated():  # a trailing comment
    return """a
multi-line string"""


def last():
    pass
'''


def _project(name: str, before: str, after: str) -> dict[str, str]:
    files = {p.name: p.read_text(encoding="utf-8") for p in (FIXES / name).glob("*.py")}
    models = files["models.py"]
    head, _, rest = models.partition("\n\n\n")
    files["models.py"] = head + "\n" + before + "\n\n" + rest + after
    return files


def _fixed(files: dict[str, str], path: str, reduce: bool) -> list[object]:
    options = options_for(RULES, (3, 11), None)
    results = []
    for name, code in files.items():
        module, is_package = module_name(name)
        results.append(
            check_source(code, name, RULES, options, module=module, is_package=is_package)
        )
    found = [f for f in check_project(results, RULES, options) if f.path == path]
    assert found, "the project has no finding to fix"
    module, is_package = module_name(path)
    text = files[path]
    tree = ast.parse(text)
    index = build_index(tree, module, is_package, text)
    if reduce:
        reduced = _reduced_for_fixes(text, tree, found, module)
        assert reduced is not None, "nothing was left out"
        fixed = _fix_project_findings(
            text, reduced[0], reduced[1], index, path, found, RULES, options
        )
        # The public entry point takes the same path.
        public = fix_project_findings(
            text, path, found, RULES, options, module=module, is_package=is_package
        )
        assert fixed == public
    else:
        fixed = _fix_project_findings(text, text, tree, index, path, found, RULES, options)
    assert fixed is not None
    return [(f.code, f.line, f.fix) for f in fixed]


@pytest.mark.parametrize("name", ["slots", "tree"])
@pytest.mark.parametrize(
    ("before", "after"), [(FILLER_BEFORE, FILLER_AFTER), ("", FILLER_AFTER), (FILLER_BEFORE, "")]
)
def test_reduced_parse_gives_the_whole_file_s_fixes(name: str, before: str, after: str) -> None:
    files = _project(name, before, after)
    reduced = _fixed(files, "models.py", reduce=True)
    whole = _fixed(files, "models.py", reduce=False)
    assert reduced == whole
    assert any(fix is not None for _, _, fix in reduced)


def test_reduced_text_keeps_every_line_and_the_kept_statements() -> None:
    text = "import os\n\nclass A:\n    pass\n\n\ndef f():\n    return 1\r\n\n\ndef g(): pass\n"
    tree = ast.parse(text)
    reduced = _reduced_for_fixes(text, tree, [], "m")
    assert reduced is not None
    new, new_tree = reduced
    assert new.count("\n") == text.count("\n")
    assert new.splitlines()[:4] == text.splitlines()[:4]
    assert "def" not in new and "return" not in new
    assert len(new_tree.body) == len(tree.body)


@pytest.mark.parametrize(
    "use",
    ["return x.__dict__", "return vars (x)", "setattr(x, n, 1)", "x.__class__ = A"],
)
def test_definitions_that_may_open_up_instances_are_kept(use: str) -> None:
    # MEM004's fix looks for such code in the whole module (it makes the fix unsafe).
    code = f"import os\nclass A:\n    pass\ndef f(x, n):\n    {use}\ndef g():\n    return 1\n"
    reduced = _reduced_for_fixes(code, ast.parse(code), [], "m")
    assert reduced is not None
    assert use in reduced[0] and "return 1" not in reduced[0]


FILLER_OPENING_UP = (
    FILLER_BEFORE
    + """

def dump(obj):
    return dict(obj.__dict__)
"""
)


@pytest.mark.parametrize("name", ["slots", "tree"])
def test_a_module_opening_up_instances_gives_the_same_unsafe_fixes(name: str) -> None:
    files = _project(name, FILLER_OPENING_UP, FILLER_AFTER)
    reduced = _fixed(files, "models.py", reduce=True)
    assert reduced == _fixed(files, "models.py", reduce=False)
    if name == "slots":
        fixes = [fix for _, _, fix in reduced if fix is not None]
        assert fixes and all(fix.applicability.value == "unsafe" for fix in fixes)


def _stdlib_modules() -> list[str]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return [str(root / name) for name in ("cgi.py", "symtable.py", "http/cookiejar.py")]


@pytest.mark.parametrize("path", _stdlib_modules())
def test_reduced_text_parses_and_keeps_line_numbers(path: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    tree = ast.parse(text)
    reduced = _reduced_for_fixes(text, tree, [], "m")
    if reduced is None:
        pytest.skip("this version of the module is never reduced")
    new, new_tree = reduced
    assert len(new.splitlines()) == len(text.splitlines())
    kept = {ast.dump(s) for s in new_tree.body if not isinstance(s, ast.Expr)}
    assert kept <= {ast.dump(s) for s in tree.body}
