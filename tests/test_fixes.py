"""Writing fixes: bytes, encodings, newlines, modes, atomicity, and --diff/--fix flows."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from memlint.engine import EngineOptions, fix_source
from memlint.finding import Applicability, Edit, Fix
from memlint.fixes import apply_edits, diff_edits, split_lines
from memlint.rules import RULES

CACHE = "import functools\n@functools.lru_cache(maxsize=None)\ndef f(x):\n    return x\n"
FIXED = CACHE.replace("maxsize=None", "maxsize=1024")


def memlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "memlint", *args, "--no-cache"],
        cwd=cwd,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        ("lf", CACHE.encode(), FIXED.encode()),
        ("crlf", CACHE.replace("\n", "\r\n").encode(), FIXED.replace("\n", "\r\n").encode()),
        ("cr", CACHE.replace("\n", "\r").encode(), FIXED.replace("\n", "\r").encode()),
        ("bom", b"\xef\xbb\xbf" + CACHE.encode(), b"\xef\xbb\xbf" + FIXED.encode()),
        (
            "latin1",
            b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n" + CACHE.encode(),
            b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n" + FIXED.encode(),
        ),
        (
            "utf16-cookie",  # an exotic cookie: the text is re-encoded the same way
            b"# coding: cp1252\ns = '\x80'\n" + CACHE.encode(),
            b"# coding: cp1252\ns = '\x80'\n" + FIXED.encode(),
        ),
        ("no-final-newline", CACHE.rstrip("\n").encode(), FIXED.rstrip("\n").encode()),
        # LibCST drops a line-leading form feed; the fix must keep it.
        (
            "form-feed",
            CACHE.replace("\n@", "\n\x0c@").encode(),
            FIXED.replace("\n@", "\n\x0c@").encode(),
        ),
    ],
)
def test_fix_keeps_bytes_encoding_and_newlines(
    tmp_path: Path, name: str, before: bytes, after: bytes
) -> None:
    path = tmp_path / f"{name}.py"
    path.write_bytes(before)
    proc = memlint("check", "--fix", "--unsafe-fixes", path.name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert path.read_bytes() == after


def test_fix_keeps_file_mode_and_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_text(CACHE)
    real.chmod(0o751)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    proc = memlint("check", "--fix", "--unsafe-fixes", "link.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink()
    assert real.read_text() == FIXED
    assert stat.S_IMODE(real.stat().st_mode) == 0o751
    # No temporary files are left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "real.py"]


def test_fix_is_idempotent_and_diff_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(CACHE)
    diff = memlint("check", "--diff", "--unsafe-fixes", "m.py", cwd=tmp_path)
    assert diff.returncode == 1
    assert b"+@functools.lru_cache(maxsize=1024)" in diff.stdout
    assert path.read_text() == CACHE
    assert memlint("check", "--fix", "--unsafe-fixes", "m.py", cwd=tmp_path).returncode == 0
    assert path.read_text() == FIXED
    second = memlint("check", "--fix", "--unsafe-fixes", "m.py", cwd=tmp_path)
    assert second.returncode == 0 and path.read_text() == FIXED
    assert memlint("check", "--diff", "--unsafe-fixes", "m.py", cwd=tmp_path).stdout == b""


def test_fix_never_touches_unparsable_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    data = (CACHE + "def oops(:\n").encode()
    broken.write_bytes(data)
    proc = memlint("check", "--fix", "--unsafe-fixes", "broken.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert broken.read_bytes() == data


def test_read_only_directory_reports_and_keeps_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write into read-only directories")
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "m.py"
    path.write_text(CACHE)
    folder.chmod(0o555)
    try:
        proc = memlint("check", "--fix", "--unsafe-fixes", "ro/m.py", cwd=tmp_path)
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 2
    assert b"not written" in proc.stderr
    assert path.read_text() == CACHE


# -- the text-edit machinery ------------------------------------------------------------


def test_diff_edits_round_trip_with_mixed_newlines() -> None:
    old = "a\r\nb\rc\nd"
    new = "a\r\nB\rc\nd\nextra"
    assert apply_edits(old, [Fix("t", Applicability.SAFE, tuple(diff_edits(old, new)))])[0] == new
    assert split_lines(old) == ["a\r\n", "b\r", "c\n", "d"]


def test_overlapping_fixes_are_applied_one_round_at_a_time() -> None:
    first = Fix("one", Applicability.SAFE, (Edit(1, 1, 1, 4, "xyz"),))
    overlapping = Fix("two", Applicability.SAFE, (Edit(1, 2, 1, 3, "Q"),))
    separate = Fix("three", Applicability.SAFE, (Edit(2, 1, 2, 2, "B"),))
    text, applied = apply_edits("abc\nb\n", [first, overlapping, separate])
    assert (text, applied) == ("xyz\nB\n", 2)


def test_fix_source_keeps_the_text_when_fixes_together_would_not_parse() -> None:
    options = EngineOptions(target_version=(3, 12))
    text, result, applied = fix_source(CACHE, "m.py", RULES, options, unsafe=True)
    assert (text, applied) == (FIXED, 1)
    assert not result.findings
