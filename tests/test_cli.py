"""The command line, through click's runner and through real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from memlint.cli import cli

UNBOUNDED = (
    "import functools\n\n\n"
    "@functools.lru_cache(maxsize=None)\n"
    "def parse(text):\n"
    "    return text.split()\n"
)
CLEAN = (
    "import functools\n\n\n@functools.lru_cache(maxsize=64)\ndef parse(text):\n    return text\n"
)


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run(*args: str, cwd: Path, input: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


# -- exit codes and formats ----------------------------------------------------------


def test_findings_exit_1_and_full_format_shows_source(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/mod.py": UNBOUNDED})
    code, out, err = run("check", ".", cwd=tmp_path)
    assert code == 1
    assert "pkg/mod.py:4:2: MEM002 Unbounded" in out
    assert "4 | @functools.lru_cache(maxsize=None)" in out
    assert "^^^^" in out
    assert "Found 1 finding in 1 file" in out
    assert err == ""


def test_clean_exit_0(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": CLEAN})
    code, out, _ = run("check", cwd=tmp_path)
    assert code == 0
    assert "All checks passed!" in out


def test_exit_zero_keeps_findings_but_exits_0(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": UNBOUNDED})
    code, out, _ = run("check", "--exit-zero", "--output-format", "concise", cwd=tmp_path)
    assert code == 0
    assert out.splitlines()[0].startswith("mod.py:4:2: MEM002 ")


def test_json_schema(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": UNBOUNDED, "bad.py": "def f(:\n"})
    code, out, _ = run("check", "--output-format", "json", cwd=tmp_path)
    assert code == 2  # an unparsable file
    data = json.loads(out)
    assert set(data) == {"version", "findings", "errors", "summary"}
    (finding,) = data["findings"]
    assert finding["code"] == "MEM002" and finding["name"] == "unbounded-cache"
    assert (finding["path"], finding["line"], finding["column"]) == ("mod.py", 4, 2)
    assert finding["end_line"] == 4 and finding["end_column"] == 35
    assert finding["severity"] == "medium" and finding["confidence"] == "high"
    assert finding["fix"]["applicability"] == "unsafe"
    assert finding["url"].startswith("https://")
    (error,) = data["errors"]
    assert error["path"] == "bad.py" and error["line"] == 1
    assert error["reason"].startswith("syntax error")
    assert data["summary"]["files"] == 2


def test_output_file(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": UNBOUNDED})
    code, out, _ = run("check", "-o", "report.txt", "--output-format", "concise", cwd=tmp_path)
    assert code == 1
    assert out == ""
    assert "MEM002" in (tmp_path / "report.txt").read_text()


def test_statistics(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": UNBOUNDED, "b.py": UNBOUNDED})
    code, out, _ = run("check", "--statistics", cwd=tmp_path)
    assert code == 1
    assert out.split() == ["2", "MEM002", "[", "]", "unbounded-cache"]


# -- selection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--select", "MEM002"), 1),
        (("--select", "MEM00"), 1),
        (("--select", "ALL"), 1),
        (("--ignore", "MEM002"), 0),
        (("--ignore", "MEM"), 0),
        (("--select", "MEM002", "--ignore", "MEM"), 1),  # the more specific selector wins
    ],
)
def test_selection(tmp_path: Path, args: tuple[str, ...], expected: int) -> None:
    write(tmp_path, {"mod.py": UNBOUNDED})
    assert run("check", *args, cwd=tmp_path)[0] == expected


def test_unknown_rule_code_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": UNBOUNDED})
    code, out, err = run("check", "--select", "MEM999", cwd=tmp_path)
    assert code == 2
    assert "unknown rule selector 'MEM999'" in err
    assert "Traceback" not in out + err


# -- configuration ---------------------------------------------------------------------


def test_pyproject_ignore_and_per_file_ignores(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.memlint]\nper-file-ignores = { "legacy/*.py" = ["MEM002"] }\n',
            "legacy/old.py": UNBOUNDED,
            "new.py": UNBOUNDED,
        },
    )
    code, out, _ = run("check", "--output-format", "concise", cwd=tmp_path)
    assert code == 1
    assert "new.py" in out and "legacy" not in out
    (tmp_path / "pyproject.toml").write_text('[tool.memlint]\nignore = ["MEM002"]\n')
    assert run("check", cwd=tmp_path)[0] == 0


def test_config_found_from_subdirectory_and_cli_wins(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"pyproject.toml": '[tool.memlint]\nignore = ["MEM002"]\n', "src/mod.py": UNBOUNDED},
    )
    assert run("check", "src", cwd=tmp_path)[0] == 0
    assert run("check", "src", "--select", "MEM002", cwd=tmp_path)[0] == 1
    assert run("check", "src", "--extend-select", "MEM002", cwd=tmp_path)[0] == 1
    assert run("check", "src", "--select", "MEM002", "--ignore", "MEM", cwd=tmp_path)[0] == 1
    assert run("check", "src", "--select", "MEM", "--ignore", "MEM002", cwd=tmp_path)[0] == 0


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[tool.memlint\n", "invalid TOML"),
        ('[tool.memlint]\nselekt = ["MEM001"]\n', "unknown key 'selekt'"),
        ('[tool.memlint]\nselect = ["MEM404"]\n', "unknown rule selector 'MEM404'"),
        ('[tool.memlint]\nselect = "MEM001"\n', "select must be a list of strings"),
        ('[tool.memlint]\ntarget-version = "py27"\n', "target version 'py27'"),
        ('[tool.memlint.MEM002]\nfix-maxsize = "big"\n', "must be int"),
        ("[tool.memlint.MEM002]\nsize = 1\n", "unknown option 'size'"),
    ],
)
def test_bad_config_is_one_line_exit_2(tmp_path: Path, config: str, message: str) -> None:
    write(tmp_path, {"pyproject.toml": config, "mod.py": CLEAN})
    code, out, err = run("check", cwd=tmp_path)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_explicit_config_file(tmp_path: Path) -> None:
    write(tmp_path, {"memlint.toml": 'ignore = ["MEM002"]\n', "mod.py": UNBOUNDED})
    assert run("check", "--config", "memlint.toml", cwd=tmp_path)[0] == 0
    code, _, err = run("check", "--config", "missing.toml", cwd=tmp_path)
    assert code == 2 and "does not exist" in err


def test_excludes_and_gitignore(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "generated/\n*_pb2.py\n",
            "generated/mod.py": UNBOUNDED,
            "api_pb2.py": UNBOUNDED,
            "build/mod.py": UNBOUNDED,  # excluded by default
            "vendor/mod.py": UNBOUNDED,
            "keep.py": UNBOUNDED,
            "pyproject.toml": '[tool.memlint]\nextend-exclude = ["vendor"]\n',
        },
    )
    code, out, _ = run("check", "--output-format", "concise", cwd=tmp_path)
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines() if "MEM002" in line] == ["keep.py"]
    # Named explicitly, an excluded file is checked, unless --force-exclude.
    assert run("check", "vendor/mod.py", cwd=tmp_path)[0] == 1
    assert run("check", "vendor/mod.py", "--force-exclude", cwd=tmp_path)[0] == 0
    assert run("check", "api_pb2.py", "--force-exclude", cwd=tmp_path)[0] == 0
    # A directory the user names is checked even if a .gitignore above ignores it.
    assert run("check", "generated", cwd=tmp_path)[0] == 1


# -- suppressions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        ("  # noqa", True),
        ("  # noqa: MEM002", True),
        ("  # noqa: E501, MEM002", True),
        ("  # NOQA:MEM002", True),
        ("  # noqa: MEM001", False),
        ("  # noqa: E501", False),
        ("  # memlint: ignore[MEM002]", True),
        ("  # memlint: ignore", True),
        ("  # memlint: ignore[MEM003]", False),
        ("  # type: ignore  # noqa: MEM002", True),
    ],
)
def test_inline_suppressions(tmp_path: Path, comment: str, suppressed: bool) -> None:
    source = UNBOUNDED.replace("(maxsize=None)\n", f"(maxsize=None){comment}\n")
    write(tmp_path, {"mod.py": source})
    assert run("check", cwd=tmp_path)[0] == (0 if suppressed else 1)


def test_noqa_inside_a_string_does_not_suppress(tmp_path: Path) -> None:
    source = (
        "import functools\ndef parse(t):\n    return t\ng = functools.cache(parse) or '# noqa'\n"
    )
    write(tmp_path, {"mod.py": source})
    assert run("check", cwd=tmp_path)[0] == 1


def test_skip_file(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": "# memlint: skip-file\n" + UNBOUNDED})
    assert run("check", cwd=tmp_path)[0] == 0


@pytest.mark.parametrize(
    ("text", "skips"),
    [
        ("# memlint: skip-file\n", True),
        ("x = 1\n\t \f#MEMLINT :Skip-File\n", True),
        ("x = 1\r\n# memlint: skip-file\r\n", True),
        ("x = 1  # memlint: skip-file\n", False),  # only a comment line of its own
        ("x = '# memlint: skip-file'\n", False),
        ("x = 1\r# memlint: skip-file\n", False),  # a lone \r is no line start here
        ("# memlint: skip-files\n", False),
        ("y = 2  # memlint: skip-file\n  # memlint: skip-file\n", True),
    ],
)
def test_skip_file_directive_is_a_comment_line_of_its_own(text: str, skips: bool) -> None:
    import re

    from memlint.suppress import skips_file

    # The line-anchored pattern it replaced (kept as the reference).
    anchored = re.compile(r"^[ \t\f]*#\s*memlint\s*:\s*skip-file\b", re.M | re.I)
    assert skips_file(text) is skips
    assert (anchored.search(text) is not None) is skips


# -- standard input --------------------------------------------------------------------


def test_stdin_with_filename(tmp_path: Path) -> None:
    code, out, _ = run(
        "check",
        "-",
        "--stdin-filename",
        "pkg/mod.py",
        "--output-format",
        "concise",
        cwd=tmp_path,
        input=UNBOUNDED,
    )
    assert code == 1
    assert out.startswith("pkg/mod.py:4:2: MEM002")


def test_stdin_respects_per_file_ignores(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.memlint.per-file-ignores]\n"gen/*" = ["MEM"]\n'})
    code, _, _ = run("check", "-", "--stdin-filename", "gen/x.py", cwd=tmp_path, input=UNBOUNDED)
    assert code == 0


def test_stdin_fix_writes_source_to_stdout(tmp_path: Path) -> None:
    code, out, _ = run(
        "check",
        "-",
        "--fix",
        "--unsafe-fixes",
        "--output-format",
        "json",
        cwd=tmp_path,
        input=UNBOUNDED,
    )
    assert "@functools.lru_cache(maxsize=1024)" in out
    assert code == 0


# -- fixes -----------------------------------------------------------------------------


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": UNBOUNDED})
    code, out, _ = run("check", "--diff", "--unsafe-fixes", cwd=tmp_path)
    assert code == 1
    assert "-@functools.lru_cache(maxsize=None)" in out
    assert "+@functools.lru_cache(maxsize=1024)" in out
    assert (tmp_path / "mod.py").read_text() == UNBOUNDED


def test_fix_applies_only_safe_fixes_unless_unsafe(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": UNBOUNDED})
    code, _, _ = run("check", "--fix", cwd=tmp_path)
    assert code == 1 and (tmp_path / "mod.py").read_text() == UNBOUNDED
    code, out, _ = run("check", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert code == 0, out
    assert "maxsize=1024" in (tmp_path / "mod.py").read_text()
    assert "Fixed 1 finding." in out


# -- bad input -------------------------------------------------------------------------


def test_bad_files_are_reported_and_others_still_checked(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "good.py": UNBOUNDED,
            "syntax.py": "def f(:\n    pass\n",
            "py2.py": 'print "hello"\n',
            "binary.py": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "latin.py": "x = 'caf\xe9'\n".encode("latin-1"),
            "cookie.py": b"# -*- coding: klingon -*-\nx = 1\n",
        },
    )
    code, out, err = run("check", "--output-format", "concise", cwd=tmp_path)
    assert code == 2
    assert "good.py:4:2: MEM002" in out
    lines = err.strip().splitlines()
    assert len(lines) == 5, err
    assert any(line.startswith("error: syntax.py:1") for line in lines)
    assert any("py2.py" in line and "print" in line for line in lines)
    assert any("binary.py" in line and "NUL" in line for line in lines)
    assert any("latin.py" in line and "utf-8" in line for line in lines)
    assert any("cookie.py" in line and "coding" in line for line in lines)
    assert "Traceback" not in out + err


def test_missing_path(tmp_path: Path) -> None:
    code, _, err = run("check", "nope.py", cwd=tmp_path)
    assert code == 2
    assert "nope.py: no such file or directory" in err


# -- other commands --------------------------------------------------------------------


def test_rules_and_explain(tmp_path: Path) -> None:
    code, out, _ = run("rules", cwd=tmp_path)
    assert code == 0 and "MEM002" in out and "unbounded-cache" in out
    code, out, _ = run("explain", "MEM002", cwd=tmp_path)
    assert code == 0
    for section in ("What it does", "Why is this bad?", "Fix safety", "Memory cost"):
        assert section in out
    code, _, err = run("explain", "MEM404", cwd=tmp_path)
    assert code == 2 and "unknown rule" in err


def test_version(tmp_path: Path) -> None:
    code, out, _ = run("--version", cwd=tmp_path)
    assert code == 0 and out.startswith("memlint, version ")


# -- real subprocesses -----------------------------------------------------------------


def _memlint(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "memlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_subprocess_end_to_end(tmp_path: Path) -> None:
    write(tmp_path, {"mod.py": UNBOUNDED, "bad.py": b"\xff\xfe\x00x"})
    proc = _memlint("check", ".", "--output-format", "concise", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout.startswith("mod.py:4:2: MEM002")
    assert "bad.py" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    # On a pipe: no colour codes, no progress bar.
    assert "\x1b[" not in proc.stdout + proc.stderr


def test_subprocess_stdin(tmp_path: Path) -> None:
    proc = _memlint("check", "-", "--output-format", "json", cwd=tmp_path, stdin=UNBOUNDED)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["findings"][0]["path"] == "-"


def test_subprocess_usage_error(tmp_path: Path) -> None:
    proc = _memlint("check", "--output-format", "xml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_subprocess_many_files_uses_workers(tmp_path: Path) -> None:
    files = {f"pkg/m{i}.py": UNBOUNDED if i % 10 == 0 else CLEAN for i in range(60)}
    write(tmp_path, files)
    proc = _memlint("check", "--jobs", "2", "--output-format", "json", cwd=tmp_path)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["summary"]["files"] == 60
    assert sorted(f["path"] for f in data["findings"]) == sorted(
        f"pkg/m{i}.py" for i in range(0, 60, 10)
    )


# -- estimates ---------------------------------------------------------------------------

HOT = (
    "class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n\n\n"
    "def points(n):\n    return [Point(i, i) for i in range(n)]\n"
)


@pytest.mark.parametrize(("target", "saved"), [("py39", 104), ("py311", 40), ("py312", 32)])
def test_target_version_selects_the_cost_model(tmp_path: Path, target: str, saved: int) -> None:
    write(tmp_path, {"geo.py": HOT})
    code, out, _ = run("check", "--output-format", "json", "--target-version", target, cwd=tmp_path)
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert finding["code"] == "MEM004"
    estimate = finding["estimate"]
    assert estimate["python"] == f"3.{target[3:]}"
    assert (estimate["bytes_saved"], estimate["unit"], estimate["method"]) == (
        saved,
        "instance",
        "modelled",
    )
    assert estimate["resident_bytes_saved"] % 16 == 0


def test_target_version_from_config_and_text_output(tmp_path: Path) -> None:
    write(tmp_path, {"geo.py": HOT, "pyproject.toml": '[tool.memlint]\ntarget-version = "py310"\n'})
    code, out, _ = run("check", cwd=tmp_path)
    assert code == 1
    assert "= saves ~104 B per instance (modelled, CPython 3.10)" in out


def test_explain_prints_the_cost_table_for_a_version(tmp_path: Path) -> None:
    code, out, _ = run("explain", "MEM004", "--python", "3.12", cwd=tmp_path)
    assert code == 0
    assert "Instance bytes by attribute count, CPython 3.12" in out
    assert ["1", "72", "40", "32", "44.4"] in [line.split() for line in out.splitlines()]
    code, _, err = run("explain", "MEM004", "--python", "2.7", cwd=tmp_path)
    assert code == 2 and "target version" in err
