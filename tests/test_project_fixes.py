"""Fixes of the project rules (MEM004, MEM005) through the real CLI, and what they do.

Each case copies a two-file program from ``tests/fixes/`` (the class in
``models.py``, the loop in ``app.py``) into a temporary directory, runs it with this
interpreter, applies the fixes with ``python -m memlint check --fix``, and checks that
the fixed file parses, that a second ``--fix`` changes nothing, that the finding is
gone, and that the program prints exactly what it printed before.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROGRAMS = Path(__file__).parent / "fixes"
#: Fixes depend on the target (``slots=True`` needs 3.10): target the interpreter
#: that runs the fixed program.
TARGET = f"py3{sys.version_info[1]}"
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

SLOTS_LINE = '    __slots__ = ("sensor", "value", "flags", "note", "__weakref__")\n'
PROPERTY = (
    "    @property\n"
    "    def parent(self):\n"
    "        ref = self._parent_ref\n"
    "        return None if ref is None else ref()\n"
    "\n"
    "    @parent.setter\n"
    "    def parent(self, value):\n"
    "        self._parent_ref = None if value is None else weakref.ref(value)\n"
)


def memlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "memlint", *args, "--no-cache", "--target-version", TARGET],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )


def findings(cwd: Path, *args: str) -> list[dict[str, Any]]:
    proc = memlint("check", ".", "--output-format", "json", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    found: list[dict[str, Any]] = json.loads(proc.stdout)["findings"]
    return found


def program(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(PROGRAMS / name, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def run(cwd: Path, script: str = "app.py") -> str:
    proc = subprocess.run(
        [sys.executable, script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip(), "the program prints its result"
    return proc.stdout


def snapshot(cwd: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(cwd.glob("*.py"))}


def test_missing_slots_safe_fix(tmp_path: Path) -> None:
    cwd = program("slots", tmp_path)
    before = run(cwd)
    found = {f["details"]["class"]: f for f in findings(cwd) if f["code"] == "MEM004"}
    assert set(found) == {"models.Reading", "models.Point"}
    reading = found["models.Reading"]
    assert reading["fix"]["applicability"] == "safe"
    # Stored from outside the class (app.py), so it must be a slot too.
    assert reading["details"]["attributes"] == ["sensor", "value", "flags", "note"]
    app = (cwd / "app.py").read_bytes()

    proc = memlint("check", "--fix", ".", cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    text = (cwd / "models.py").read_text(encoding="utf-8")
    ast.parse(text)
    # The docstring stays first; weak references taken in app.py on a loop variable
    # keep working because "__weakref__" is a slot.
    assert '    """One sensor reading."""\n\n' + SLOTS_LINE + "\n    def __init__" in text
    dataclass_fixed = sys.version_info >= (3, 11)  # weakly referenced: weakref_slot=True
    if dataclass_fixed:
        assert "@dataclass(frozen=True, slots=True, weakref_slot=True)\n" in text
    else:
        assert "@dataclass(frozen=True)\n" in text
    assert (cwd / "app.py").read_bytes() == app

    fixed = snapshot(cwd)
    again = memlint("check", "--fix", ".", cwd=cwd)
    assert again.returncode in (0, 1), again.stderr
    assert snapshot(cwd) == fixed, "a second --fix changes nothing"
    left = {f["details"]["class"] for f in findings(cwd) if f["code"] == "MEM004"}
    assert left == (set() if dataclass_fixed else {"models.Point"})
    assert run(cwd) == before


def test_strong_parent_reference_unsafe_fix(tmp_path: Path) -> None:
    cwd = program("tree", tmp_path)
    before = run(cwd)
    original = snapshot(cwd)
    (finding,) = findings(cwd, "--select", "MEM005")
    assert finding["path"] == "models.py"
    assert finding["fix"]["applicability"] == "unsafe"

    # --fix alone applies safe fixes only.
    proc = memlint("check", "--fix", "--select", "MEM005", ".", cwd=cwd)
    assert proc.returncode == 1, proc.stderr
    assert snapshot(cwd) == original

    proc = memlint("check", "--fix", "--unsafe-fixes", "--select", "MEM005", ".", cwd=cwd)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (cwd / "models.py").read_text(encoding="utf-8")
    ast.parse(text)
    assert "import weakref\nfrom typing import Optional\n" in text
    assert text.endswith('        return "/".join(reversed(parts))\n\n' + PROPERTY)
    fixed = snapshot(cwd)
    again = memlint("check", "--fix", "--unsafe-fixes", "--select", "MEM005", ".", cwd=cwd)
    assert again.returncode == 0, again.stderr
    assert snapshot(cwd) == fixed
    assert findings(cwd, "--select", "MEM005") == []
    # Parents are read through the property: same paths, same moves, same output.
    assert run(cwd) == before


CYCLE_PROBE = """\
import gc
import weakref

from app import build

gc.disable()
root, leaves = build(3, 2)
probe = weakref.ref(leaves[0].parent)
del root, leaves
print("freed" if probe() is None else "kept")
"""


def test_strong_parent_reference_fix_breaks_the_cycle(tmp_path: Path) -> None:
    cwd = program("tree", tmp_path)
    (cwd / "probe.py").write_text(CYCLE_PROBE, encoding="utf-8")
    # With the collector off, a tree of strong parent links outlives its last name.
    assert run(cwd, "probe.py") == "kept\n"
    proc = memlint("check", "--fix", "--unsafe-fixes", "--select", "MEM005", "models.py", cwd=cwd)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert run(cwd, "probe.py") == "freed\n"


def test_both_fixes_on_one_class_converge(tmp_path: Path) -> None:
    """``Node`` is hot (MEM004) and holds a strong parent link (MEM005). Slotting
    ``parent`` and making it a property in one run would build a class that fails;
    MEM004 waits until MEM005's fix is in, then slots its storage and ``__weakref__``."""
    cwd = program("tree", tmp_path)
    before = run(cwd)
    codes = sorted(f["code"] for f in findings(cwd))
    assert codes == ["MEM004", "MEM005"]
    states = [snapshot(cwd)]
    for _ in range(4):
        proc = memlint("check", "--fix", "--unsafe-fixes", ".", cwd=cwd)
        assert proc.returncode in (0, 1), proc.stderr
        ast.parse((cwd / "models.py").read_text(encoding="utf-8"))
        assert run(cwd) == before, "every intermediate state runs the same"
        states.append(snapshot(cwd))
        if states[-1] == states[-2]:
            break
    assert states[-1] == states[-2], "the fixes converge"
    assert len(states) == 4, "MEM005 first, MEM004 on the next run, then nothing"
    text = (cwd / "models.py").read_text(encoding="utf-8")
    assert '    __slots__ = ("name", "children", "_parent_ref", "__weakref__")\n' in text
    assert PROPERTY in text
    assert findings(cwd) == []


def test_diff_shows_project_fixes_without_writing(tmp_path: Path) -> None:
    cwd = program("slots", tmp_path)
    original = snapshot(cwd)
    proc = memlint("check", "--diff", ".", cwd=cwd)
    assert proc.returncode == 1, proc.stderr
    assert "--- models.py\n+++ models.py\n" in proc.stdout
    assert "+" + SLOTS_LINE in proc.stdout
    assert snapshot(cwd) == original

    tree = program("tree", tmp_path)
    original = snapshot(tree)
    proc = memlint("check", "--diff", "--unsafe-fixes", "--select", "MEM005", ".", cwd=tree)
    assert proc.returncode == 1, proc.stderr
    assert "+import weakref\n" in proc.stdout
    assert "+    @parent.setter\n" in proc.stdout
    assert snapshot(tree) == original


CROSS_FILE = {
    "owner.py": (
        "from child import Child\n\n\n"
        "class Tree:\n"
        "    __slots__ = ('children',)\n\n"
        "    def __init__(self):\n"
        "        self.children = []\n\n"
        "    def add(self, name):\n"
        "        self.children.append(Child(self, name))\n"
    ),
    "child.py": (
        "class Child:\n"
        "    def __init__(self, parent, name):\n"
        "        self.parent = parent\n"
        "        self.name = name\n"
    ),
}


@pytest.mark.parametrize("slotted_owner", [False, True], ids=["plain-owner", "slotted-owner"])
def test_cross_file_owner(tmp_path: Path, slotted_owner: bool) -> None:
    """The child's class is fixed in its own file; a slotted owner elsewhere would
    need ``"__weakref__"`` in a file the fix does not touch: then there is no fix."""
    files = dict(CROSS_FILE)
    if not slotted_owner:
        files["owner.py"] = files["owner.py"].replace("    __slots__ = ('children',)\n\n", "")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (finding,) = findings(tmp_path, "--select", "MEM005")
    assert finding["path"] == "child.py"
    assert (finding["fix"] is None) is slotted_owner
    proc = memlint("check", "--fix", "--unsafe-fixes", "--select", "MEM005", ".", cwd=tmp_path)
    assert proc.returncode == (1 if slotted_owner else 0), proc.stdout + proc.stderr
    assert (tmp_path / "owner.py").read_text(encoding="utf-8") == files["owner.py"]
    child = (tmp_path / "child.py").read_text(encoding="utf-8")
    if slotted_owner:
        assert child == files["child.py"]
    else:
        assert child == "import weakref\n\n\n" + files["child.py"] + "\n" + PROPERTY


def test_child_in_another_file_gets_no_fix(tmp_path: Path) -> None:
    """``child.parent = self`` in the owner's file, the child's class elsewhere: the
    property would have to go into a file the finding is not in."""
    (tmp_path / "leaf.py").write_text(
        "class Leaf:\n    def __init__(self, name):\n        self.name = name\n",
        encoding="utf-8",
    )
    owner = (
        "from leaf import Leaf\n\n\n"
        "class Branch:\n"
        "    def __init__(self):\n"
        "        self.leaves = []\n\n"
        "    def add(self, leaf: Leaf):\n"
        "        leaf.branch = self\n"
        "        self.leaves.append(leaf)\n"
    )
    (tmp_path / "branch.py").write_text(owner, encoding="utf-8")
    (finding,) = findings(tmp_path, "--select", "MEM005")
    assert finding["path"] == "branch.py"
    assert finding["details"]["child_class"] == "leaf.Leaf"
    assert finding["fix"] is None


def test_one_pool_serves_the_analysis_and_the_project_fixes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Enough files for a pool, and enough project findings for fixes in a pool:
    # the fixes reuse the analysis' workers (libcst already loaded there).
    import concurrent.futures

    from memlint.config import Settings
    from memlint.rules import RULES
    from memlint.runner import RunOptions, check_paths

    for number in range(20):
        (tmp_path / f"m{number}.py").write_text(
            f"class Point{number}:\n    def __init__(self, x):\n        self.x = x\n\n"
            f"def build():\n    return [Point{number}(i) for i in range(1000)]\n"
        )
    started: list[object] = []
    real = concurrent.futures.ProcessPoolExecutor

    class Counted(real):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            started.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counted)
    settings = Settings(root=tmp_path)
    run = check_paths([str(tmp_path)], settings, settings.enabled_rules(RULES), RunOptions(jobs=2))
    assert len(run.findings) == 20
    assert all(f.code == "MEM004" and f.fix is not None for f in run.findings)
    assert len(started) == 1
