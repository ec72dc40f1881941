"""Hostile input: every case gets a one-line message, the rest is still checked, exit 2.

Each case runs through a real ``memlint`` subprocess next to a good file with a
known finding, so a traceback, a hang or a lost finding shows up here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable, Optional

import pytest

GOOD = "import functools\n@functools.lru_cache(maxsize=None)\ndef f(x):\n    return x\n"
NESTED_DEPTH = 20_000


def memlint(
    *args: str, cwd: Path, env: Optional[dict[str, str]] = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "memlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def check_json(root: Path, *extra: str, timeout: float = 120) -> tuple[int, dict, str]:
    proc = memlint(
        "check", ".", "--output-format", "json", "--no-cache", *extra, cwd=root, timeout=timeout
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def _mkfifo(path: Path) -> None:
    os.mkfifo(path)


# name -> (how to create the bad entry, substring of the expected reason)
CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "syntax-error": (lambda p: p.write_text("def f(:\n"), "syntax error"),
    "python2": (lambda p: p.write_text('print "hi"\n'), "print"),
    "invalid-utf8": (lambda p: p.write_bytes(b"x = '\xff\xfe'\n"), "cannot decode as utf-8"),
    "unknown-cookie": (
        lambda p: p.write_bytes(b"# -*- coding: no-such-codec -*-\nx = 1\n"),
        "coding cookie",
    ),
    "nul-bytes": (lambda p: p.write_bytes(b"x = 1\n\x00\n"), "NUL"),
    "binary": (lambda p: p.write_bytes(bytes(range(256)) * 4), "NUL"),
    "deep-unary": (lambda p: p.write_text("x = " + "-" * NESTED_DEPTH + "1\n"), "nested"),
    "deep-parens": (lambda p: p.write_text("x = " + "(" * 5000 + ")" * 5000 + "\n"), "nest"),
    # Python accepts it; a rule's gate lets it in (the unbounded cache), so the depth
    # limit must keep it away from LibCST's parser (minutes at this depth).
    "deep-subscript": (
        lambda p: p.write_text(
            "import functools\nx = a" + "[0]" * 3000 + "\n@functools.cache\ndef f(y): ...\n"
        ),
        "nested",
    ),
    "symlink-loop": (
        lambda p: (p.symlink_to(p.with_name("loop2.py")), p.with_name("loop2.py").symlink_to(p)),
        "symbolic link loop",
    ),
    "dangling-symlink": (lambda p: p.symlink_to(p.with_name("gone.py")), "no such file"),
    "fifo": (_mkfifo, "not a regular file"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_entry_is_reported_and_good_file_still_checked(tmp_path: Path, case: str) -> None:
    make, reason = CASES[case]
    (tmp_path / "good.py").write_text(GOOD)
    make(tmp_path / "bad.py")
    code, report, stderr = check_json(tmp_path)
    assert code == 2
    assert [f["path"] for f in report["findings"]] == ["good.py"]
    bad = [e for e in report["errors"] if e["path"].startswith("bad.py")]
    assert len(bad) == 1, report["errors"]
    assert reason.lower() in bad[0]["reason"].lower(), bad[0]
    assert "\n" not in bad[0]["reason"]
    assert stderr == ""


@pytest.mark.parametrize("fmt", ["full", "concise"])
def test_text_formats_print_one_line_per_bad_file(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "a.py").write_bytes(b"\x00\x01")
    (tmp_path / "b.py").write_text("def (:\n")
    proc = memlint("check", ".", "--output-format", fmt, "--no-cache", cwd=tmp_path)
    assert proc.returncode == 2
    errors = proc.stderr.strip().splitlines()
    assert [line.split(":")[1].strip() for line in errors] == ["a.py", "b.py"]
    assert "good.py:2:2: MEM002" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


# -- inputs that must simply work --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "line", "column"),
    [
        ("bom", b"\xef\xbb\xbf" + GOOD.encode(), 2, 2),
        ("crlf", GOOD.replace("\n", "\r\n").encode(), 2, 2),
        ("cr-only", GOOD.replace("\n", "\r").encode(), 2, 2),
        ("form-feed", b"\x0c\n" + GOOD.encode(), 3, 2),
        (
            "form-feed-indent",
            b"import functools\n\x0c@functools.lru_cache(maxsize=None)\ndef f(x):\n    return x\n",
            2,
            3,
        ),
        ("latin1-cookie", b"# -*- coding: latin-1 -*-\ns = '\xe9'\n" + GOOD.encode(), 4, 2),
        (
            "non-ascii-before",
            "x = 'é' ; import functools\n@functools.lru_cache(maxsize=None)\n"
            "def f(x):\n    return x\n".encode(),
            2,
            2,
        ),
    ],
)
def test_encodings_and_newlines(
    tmp_path: Path, name: str, data: bytes, line: int, column: int
) -> None:
    (tmp_path / f"{name}.py").write_bytes(data)
    code, report, _ = check_json(tmp_path)
    assert code == 1, report
    (finding,) = report["findings"]
    assert (finding["line"], finding["column"]) == (line, column)


def test_cr_only_noqa(tmp_path: Path) -> None:
    source = GOOD.replace("(maxsize=None)\n", "(maxsize=None)  # noqa: MEM002\n")
    (tmp_path / "m.py").write_bytes(source.replace("\n", "\r").encode())
    code, report, _ = check_json(tmp_path)
    assert code == 0, report


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "blank.py").write_bytes(b"\n\n   \n")
    (tmp_path / "comment.py").write_bytes(b"# just a comment")
    code, report, _ = check_json(tmp_path)
    assert code == 0 and report["errors"] == [] and report["summary"]["files"] == 3


def test_large_file_and_long_line(tmp_path: Path) -> None:
    # LibCST parses about 10k lines a second here, so keep it at 2 MB; no hang,
    # no recursion trouble, and the finding at the end is still found.
    body = "".join(f"value_{i} = {i}\n" for i in range(100_000))
    (tmp_path / "big.py").write_text("import functools\n" + body + GOOD)
    (tmp_path / "wide.py").write_text("x = '" + "a" * 2_000_000 + "'\n" + GOOD)
    code, report, _ = check_json(tmp_path, timeout=600)
    assert code == 1
    assert sorted(f["path"] for f in report["findings"]) == ["big.py", "wide.py"]


def test_directory_named_like_a_python_file(tmp_path: Path) -> None:
    (tmp_path / "pkg.py").mkdir()
    (tmp_path / "pkg.py" / "inner.py").write_text(GOOD)
    code, report, _ = check_json(tmp_path)
    assert code == 1
    assert [f["path"] for f in report["findings"]] == ["pkg.py/inner.py"]


def test_fifo_named_explicitly_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    proc = memlint("check", "pipe.py", "--no-cache", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert "not a regular file" in proc.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission")
def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD)
    secret = tmp_path / "secret.py"
    secret.write_text("x = 1\n")
    secret.chmod(0)
    try:
        code, report, _ = check_json(tmp_path)
    finally:
        secret.chmod(0o644)
    assert code == 2
    assert "permission denied" in report["errors"][0]["reason"]


def test_vanished_file_is_reported(tmp_path: Path) -> None:
    from memlint.engine import EngineOptions
    from memlint.rules import RULES
    from memlint.runner import RunOptions, Task, check_task

    task = Task(str(tmp_path / "gone.py"), "gone.py", RULES, "gone", False)
    outcome = check_task(task, EngineOptions((3, 12)), RunOptions())
    assert outcome.result.error is not None
    assert outcome.result.error.kind == "io"
    assert "no such file" in outcome.result.error.reason


# -- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[tool.memlint\nselect=[", "invalid TOML"),
        ("[tool.memlint]\nbogus = 1\n", "unknown key 'bogus'"),
        ("[tool.memlint]\nignore = ['MEM999']\n", "unknown rule selector 'MEM999'"),
        ("[tool.memlint]\nper-file-ignores = 3\n", "per-file-ignores must be a table"),
    ],
)
def test_bad_configuration(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(config)
    (tmp_path / "good.py").write_text(GOOD)
    proc = memlint("check", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stdout == ""


# -- never executes the code it reads -------------------------------------------------


@pytest.mark.parametrize("how", ["module", "script"])
def test_check_never_imports_or_runs_the_code(tmp_path: Path, how: str) -> None:
    marker = tmp_path / "EXECUTED"
    payload = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "__init__.py").write_text(payload)
    (project / "pkg" / "mod.py").write_text(payload + GOOD)
    (project / "conftest.py").write_text(payload)
    (project / "setup.py").write_text(payload)
    # Files that shadow memlint's own dependencies if the cwd were on sys.path.
    for name in ("click", "rich", "libcst", "pathspec", "sarif_om", "attr", "typing_extensions"):
        (project / f"{name}.py").write_text(payload)
    (project / "pyproject.toml").write_text("[tool.memlint]\n")
    if how == "module":
        command = [sys.executable, "-m", "memlint"]
    else:
        command = [str(Path(sys.executable).with_name("memlint"))]
        if not Path(command[0]).exists():
            pytest.skip("the memlint console script is not installed next to python")
    for args in (
        ("check", "."),
        ("check", ".", "--fix", "--unsafe-fixes"),
        ("check", ".", "--diff"),
        ("check", ".", "--output-format", "sarif"),
        ("check", ".", "--output-format", "json", "--select", "ALL"),
    ):
        proc = subprocess.run(
            [*command, *args], cwd=project, capture_output=True, text=True, timeout=120
        )
        assert proc.returncode in (0, 1), proc.stderr
    assert not marker.exists(), marker.read_text()


# -- a crashing worker ----------------------------------------------------------------


def test_worker_crash_is_contained(tmp_path: Path) -> None:
    """A worker killed by a signal: its file is reported, every other file is checked."""
    project = tmp_path / "project"
    project.mkdir()
    for i in range(30):
        (project / f"m{i:02}.py").write_text(GOOD)
    (project / "crash_me.py").write_text(GOOD)
    # Simulate a native crash (e.g. a parser segfault) in the worker processes
    # only: the patch is applied in the parent before the pool forks.
    driver = tmp_path / "driver.py"
    driver.write_text(
        textwrap.dedent(
            """
            import os, signal, sys
            import memlint.engine as engine
            import memlint.runner as runner
            original = engine.check_source
            def check_source(data, path, *args, **kwargs):
                if "crash_me" in path:
                    os.kill(os.getpid(), signal.SIGSEGV)
                return original(data, path, *args, **kwargs)
            runner.check_source = check_source
            from memlint.cli import main
            main(sys.argv[1:])
            """
        )
    )
    proc = subprocess.run(
        [
            sys.executable,
            str(driver),
            "check",
            ".",
            "--output-format",
            "json",
            "--no-cache",
            "--jobs",
            "2",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    report = json.loads(proc.stdout)
    assert len(report["findings"]) == 30
    (error,) = report["errors"]
    assert error["path"] == "crash_me.py" and error["kind"] == "crash"
    assert "crashed" in error["reason"]


# -- fixes never write a file that changed ---------------------------------------------


def test_fix_does_not_write_a_file_changed_during_the_run(tmp_path: Path) -> None:
    from memlint.writer import WriteError, write_if_unchanged

    path = tmp_path / "m.py"
    path.write_text("original\n")
    import hashlib

    digest = hashlib.sha256(b"original\n").hexdigest()
    path.write_text("edited by the user meanwhile\n")
    with pytest.raises(WriteError, match="changed on disk"):
        write_if_unchanged(path, b"fixed\n", digest)
    assert path.read_text() == "edited by the user meanwhile\n"
