"""Safe fixes never change what a program does: run it before and after ``--fix``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent / "behaviour"


def _run(path: Path) -> str:
    proc = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=True
    )
    return proc.stdout


def _memlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "memlint", "check", "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_safe_fixes_keep_the_output(tmp_path: Path) -> None:
    program = tmp_path / "inventory_app.py"
    shutil.copy(HERE / "inventory_app.py", program)
    before = _run(program)
    original = program.read_text()
    proc = _memlint("--fix", program.name, cwd=tmp_path)
    fixed = program.read_text()
    assert fixed != original, proc.stdout
    # What the safe fixes did, and what they left alone.
    assert "labels=None" in fixed and "if labels is None:" in fixed
    assert "seen=[]" in fixed  # mutated and relied upon: unsafe, not applied
    assert "lru_cache(maxsize=None)" in fixed  # unsafe, not applied
    assert '__slots__ = ("x", "y")' in fixed
    assert "for line in f.readlines():  # the body reads" in fixed  # no safe fix
    assert "[len(line) for line in f]" in fixed
    assert _run(program) == before
    # Idempotent: a second run changes nothing.
    _memlint("--fix", program.name, cwd=tmp_path)
    assert program.read_text() == fixed
    # The findings left are the ones without a safe fix.
    remaining = _memlint("--output-format", "concise", program.name, cwd=tmp_path).stdout
    codes = sorted(line.split()[1] for line in remaining.splitlines() if ": MEM" in line)
    assert codes == ["MEM001", "MEM002", "MEM003"], remaining


def test_unsafe_fixes_change_what_they_say(tmp_path: Path) -> None:
    program = tmp_path / "inventory_app.py"
    shutil.copy(HERE / "inventory_app.py", program)
    before = _run(program).splitlines()
    _memlint("--fix", "--unsafe-fixes", program.name, cwd=tmp_path)
    after = _run(program).splitlines()
    # Only the line that relied on the shared default changes: each call now
    # starts from a fresh list.
    assert before[1] == "[1, 2, 3, 4]" and after[1] == "[1, 1, 1, 1]"
    assert [b for i, b in enumerate(before) if i != 1] == [a for i, a in enumerate(after) if i != 1]
