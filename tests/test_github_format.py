"""The ``github`` output format: workflow commands, read back as the Actions runner reads them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from memlint.cli import cli
from memlint.config import Settings
from memlint.finding import Confidence, FileError, Finding, Severity
from memlint.report_github import command, escape_data, escape_property, render
from memlint.rules import RULES
from memlint.runner import CheckRun

# Escaping in the runner (actions/runner src/Runner.Worker/ActionCommandManager.cs): unescaped
# in this order, so a literal "%0A" written as "%250A" comes back intact.
_DATA_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_PROPERTY_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def _unescape(text: str, mappings: tuple[tuple[str, str], ...]) -> str:
    for escaped, token in mappings:
        text = text.replace(escaped, token)
    return text


def parse_command(line: str) -> Optional[tuple[str, dict[str, str], str]]:
    """``ActionCommand.TryParseV2``: ``(command, properties, data)``, or None if not one."""
    line = line.lstrip()
    if not line.startswith("::"):
        return None
    end = line.find("::", 2)
    if end < 0:
        return None
    info = line[2:end]
    name, _, rest = info.partition(" ")
    properties: dict[str, str] = {}
    for item in rest.strip().split(","):
        key, sep, value = item.partition("=")
        if item and sep and key and value:
            properties[key] = _unescape(value, _PROPERTY_UNESCAPES)
    return name, properties, _unescape(line[end + 2 :], _DATA_UNESCAPES)


# -- escaping ---------------------------------------------------------------------------------


def test_escaping_matches_actions_core() -> None:
    # The expectations of @actions/core's command.test.ts.
    assert command("some-command", {}, "") == "::some-command::"
    assert (
        command("some-command", {}, "percent % percent % cr \r cr \r lf \n lf \n")
        == "::some-command::percent %25 percent %25 cr %0D cr %0D lf %0A lf %0A"
    )
    assert (
        command("some-command", {}, "%25 %25 %0D %0D %0A %0A")
        == "::some-command::%2525 %2525 %250D %250D %250A %250A"
    )
    assert (
        command(
            "some-command",
            {"name": "percent % percent % cr \r cr \r lf \n lf \n colon : colon : comma , comma ,"},
            "",
        )
        == "::some-command name=percent %25 percent %25 cr %0D cr %0D lf %0A lf %0A "
        "colon %3A colon %3A comma %2C comma %2C::"
    )
    assert escape_data("a: b, c") == "a: b, c"
    assert escape_property("a: b, c") == "a%3A b%2C c"


@given(
    message=st.text(),
    path=st.text(min_size=1).map(lambda p: "/" + p),
    title=st.text(min_size=1).filter(lambda t: t == t.rstrip()),
)
def test_every_command_is_one_line_the_runner_reads_back(
    message: str, path: str, title: str
) -> None:
    line = command("warning", {"file": path, "line": 3, "title": title}, message)
    assert "\n" not in line and "\r" not in line
    assert parse_command(line) == ("warning", {"file": path, "line": "3", "title": title}, message)


# -- whole runs ---------------------------------------------------------------------------------

CACHE_PY = """\
import functools


@functools.lru_cache(maxsize=None)
def parse(text):
    return text.split()


class Store:
    @functools.cache
    def load(self, key):
        return key


class Bounded:
    @functools.lru_cache(maxsize=32)
    def get(self, key):
        return key


@functools.cache  # noqa: MEM002
def quiet(x):
    return x
"""


def _project(root: Path, files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _run(project: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> tuple[int, str]:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--output-format", fmt, "."])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


_COMMANDS = {"high": "error", "medium": "warning", "low": "notice"}


def test_findings_and_errors_as_workflow_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(
        tmp_path / "project",
        {
            "pkg/cache.py": CACHE_PY.encode(),
            "pkg/broken, really: yes.py": b"def f(:\n",
        },
    )
    code, text = _run(project, monkeypatch, "github")
    json_code, report_text = _run(project, monkeypatch, "json")
    report = json.loads(report_text)
    assert code == json_code == 2
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == len(report["errors"]) + len(report["findings"])
    parsed = [parse_command(line) for line in lines]
    assert all(p is not None for p in parsed)
    errors, findings = parsed[: len(report["errors"])], parsed[len(report["errors"]) :]

    (error_command,) = errors
    (error,) = report["errors"]
    assert error_command is not None
    name, props, data = error_command
    assert name == "error"
    assert props == {
        "file": os.path.abspath(error["path"]),
        "line": str(error["line"]),
        "col": str(error["column"]),
    }
    assert props["file"].endswith("broken, really: yes.py")
    assert data == error["reason"]

    for item, finding in zip(findings, report["findings"]):
        assert item is not None
        name, props, data = item
        assert name == _COMMANDS[finding["severity"]]
        assert props == {
            "file": str(project / finding["path"]),
            "line": str(finding["line"]),
            "col": str(finding["column"]),
            "endLine": str(finding["end_line"]),
            "endColumn": str(finding["end_column"]),
            "title": f"{finding['code']} {finding['name']}",
        }
        assert data == finding["message"]
    mem002 = [f for f in report["findings"] if f["code"] == "MEM002"]
    assert {_COMMANDS[f["severity"]] for f in mem002} == {"error", "warning", "notice"}
    assert not any(f["line"] == 21 for f in mem002), "the suppressed finding is left out"
    first = lines[len(report["errors"])]
    assert first.startswith("::warning file=")
    assert ",line=4,col=2,endLine=4,endColumn=35,title=MEM002 unbounded-cache::Unbounded" in first


def test_clean_run_prints_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path / "project", {"app.py": b"x = 1\n"})
    assert _run(project, monkeypatch, "github") == (0, "")


def _finding(severity: Severity, line: int, end_line: int, message: str) -> Finding:
    return Finding(
        code="MEM002",
        name="unbounded-cache",
        path="src/app.py",
        line=line,
        column=5,
        end_line=end_line,
        end_column=9,
        message=message,
        severity=severity,
        confidence=Confidence.HIGH,
    )


def test_multi_line_findings_have_no_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = CheckRun(settings=Settings(root=tmp_path), rules=RULES)
    run.findings = [
        _finding(Severity.LOW, 3, 7, "Spans lines: 100% sure,\nreally."),
        _finding(Severity.HIGH, 9, 9, "One line."),
    ]
    run.errors = [FileError("gone.py", "no such file or directory", "io")]
    assert render(run).splitlines() == [
        f"::error file={tmp_path}/gone.py::no such file or directory",
        f"::notice file={tmp_path}/src/app.py,line=3,endLine=7,title=MEM002 unbounded-cache"
        "::Spans lines: 100%25 sure,%0Areally.",
        f"::error file={tmp_path}/src/app.py,line=9,col=5,endLine=9,endColumn=9,"
        "title=MEM002 unbounded-cache::One line.",
    ]
