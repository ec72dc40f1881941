"""GitHub Actions workflow commands, so findings show inline on pull requests.

One line per finding::

    ::warning file=/repo/app.py,line=3,col=2,endLine=3,endColumn=21,title=MEM002 unbounded-cache::…

- The command is the severity: high ``error``, medium ``warning``, low ``notice``.
- ``file`` is absolute: the runner turns a path inside the workspace into a
  repository-relative one, which a path relative to the current directory
  would not be when a step runs in a sub-directory (``working-directory``).
- Lines and columns are memlint's: 1-based, columns in code points with
  ``endColumn`` exclusive (as ruff writes them). A finding that spans lines
  gets ``line``/``endLine`` only: the runner drops columns when the lines
  differ.
- Escaping follows ``@actions/core`` (``toolkit/packages/core/src/command.ts``):
  in the message ``%``, ``\\r`` and ``\\n`` become ``%25``, ``%0D`` and ``%0A``;
  property values also escape ``:`` and ``,`` as ``%3A`` and ``%2C``.
- A file that could not be analysed is an ``::error file=…::reason`` (with its
  line and column when known).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Optional

from memlint.finding import FileError, Finding, Severity
from memlint.runner import CheckRun

__all__ = ["command", "render"]

#: Workflow command for each severity.
COMMANDS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: Mapping[str, object], message: str) -> str:
    """One workflow command line: ``::name key=value,...::message``."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def render(run: CheckRun) -> str:
    lines = [_error_line(error) for error in run.errors]
    lines.extend(_finding_line(finding) for finding in run.findings)
    return "".join(f"{line}\n" for line in lines)


def _finding_line(finding: Finding) -> str:
    properties: dict[str, object] = {"file": _absolute(finding.path), "line": finding.line}
    same_line = finding.end_line == finding.line
    if same_line:
        properties["col"] = finding.column
    properties["endLine"] = finding.end_line
    if same_line:
        properties["endColumn"] = finding.end_column
    properties["title"] = f"{finding.code} {finding.name}"
    return command(COMMANDS[finding.severity], properties, finding.message)


def _error_line(error: FileError) -> str:
    properties: dict[str, object] = {"file": _absolute(error.path)}
    properties.update(_position(error.line, error.column))
    return command("error", properties, error.reason)


def _position(line: Optional[int], column: Optional[int]) -> Iterable[tuple[str, int]]:
    if line is not None:
        yield "line", line
        if column is not None:
            yield "col", column


def _absolute(path: str) -> str:
    return os.path.abspath(path)
