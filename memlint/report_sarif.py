"""The SARIF 2.1.0 report, for GitHub code scanning and other SARIF readers.

The log is built from sarif-om's classes and serialized here, not with
sarif-om's ``to_json``: that drops every value equal to the schema's default
(``level: "warning"``, ``kind: "fail"``, ...), and readers that do not apply
the defaults then show a different severity. Here an attribute is written if
and only if memlint set it: objects are made with :func:`_make`, which leaves
every attribute it is not given as ``None`` (sarif-om would otherwise fill in
defaults such as ``rank: -1`` or ``language: "en-US"``), and the serializer
drops only ``None``.

What a log holds (one run):

- ``tool.driver``: name, version, semanticVersion, informationUri and every
  enabled rule, described from the rule's own docs (``Rule.summary()``, the
  "What it does" section, the whole docs as ``help``), ``helpUri``,
  ``defaultConfiguration.level`` and ``properties`` ``tags``, ``precision`` and
  ``problem.severity`` (no ``security-severity``: memory findings are not
  security alerts).
- ``results`` (``[]`` when clean; suppressed findings are never in it): rule
  id and index, an explicit ``level`` (high ``error``, medium ``warning``, low
  ``note``), the message, one location, GitHub's
  ``partialFingerprints.primaryLocationLineHash``, ``fixes`` when the finding
  has one (its ``applicability`` in the fix's properties) and ``properties``
  with ``severity``, ``confidence`` and the ``estimate`` when there is one.
- Locations: a URI relative to ``%SRCROOT%``, which ``originalUriBaseIds``
  maps to the root of the git work tree that holds the project (GitHub reads
  relative URIs from the repository root and ignores ``uriBaseId``; a project
  in a sub-directory of a monorepo would otherwise point at the wrong files),
  or to the project root when it is not in a git work tree. Files outside that
  root get an absolute ``file:`` URI. Regions have all four of startLine,
  startColumn, endLine and endColumn, 1-based with the end exclusive, and the
  run declares ``columnKind: "utf16CodeUnits"`` (what GitHub counts in):
  columns are converted from memlint's code points with the file's text.
- ``invocations[0]``: ``executionSuccessful`` (false when some file could not
  be analysed) and one ``toolExecutionNotifications`` entry, level ``error``,
  per such file.
- ``automationDetails.id``: ``memlint/``, the category ``memlint``. The
  ``MEMLINT_SARIF_CATEGORY`` environment variable replaces the category (for
  uploads through the API with several memlint runs per commit; the
  upload-sarif action's ``category`` input does the same for Actions).

The source of a finding is re-read from disk for its fingerprint and UTF-16
columns. Findings read from standard input name a file that may not hold
what was checked; when that file cannot be read, columns stay in code points
(equal for text without characters beyond U+FFFF) and the fingerprint is left
for the upload action to compute.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

import attr
import sarif_om as om  # type: ignore[import-untyped]

from memlint import __version__
from memlint._compat import SLOTS
from memlint.finding import Edit, FileError, Finding, Fix, Severity
from memlint.fingerprint import line_hashes
from memlint.rule import Rule
from memlint.runner import CheckRun, read_file
from memlint.source import LineIndex, SourceError, decode_source, utf16_column

__all__ = ["build_log", "render", "to_json"]

SARIF_VERSION = "2.1.0"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/memlint/memlint"
SRCROOT = "%SRCROOT%"
CATEGORY_ENV = "MEMLINT_SARIF_CATEGORY"
DEFAULT_CATEGORY = "memlint"

#: SARIF ``level`` of a result (and a rule's default) for each severity.
LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
#: GitHub's ``problem.severity`` rule property (error, warning or recommendation).
PROBLEM_SEVERITIES = {
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "recommendation",
}
#: GitHub rejects an upload with more tags on one rule.
MAX_TAGS = 20
#: GitHub's limit for ``shortDescription.text`` and ``fullDescription.text``.
MAX_DESCRIPTION = 1024

# -- serialization ----------------------------------------------------------------------


def _make(cls: Any, **values: Any) -> Any:
    """An instance of sarif-om class ``cls`` with exactly ``values`` set.

    Every other attribute is ``None``, so it is left out of the JSON instead of
    taking sarif-om's default.
    """
    names = {field.name for field in attr.fields(cls)}
    unknown = set(values) - names
    if unknown:
        raise TypeError(f"{cls.__name__} has no attribute(s) {sorted(unknown)}")
    return cls(**{name: values.get(name) for name in names})


def to_json(value: Any) -> Any:
    """JSON-able data for a sarif-om object tree, dropping only ``None`` attributes.

    Attribute names become their SARIF property names (``schema_property_name``);
    dictionaries (property bags, ``partialFingerprints``, ...) and lists are
    converted item by item and keep ``null`` values, which are data there.
    """
    if attr.has(type(value)):
        data: dict[str, Any] = {}
        for field in attr.fields(type(value)):
            item = getattr(value, field.name)
            if item is not None:
                data[field.metadata["schema_property_name"]] = to_json(item)
        return data
    if isinstance(value, Enum):
        return to_json(value.value)
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot serialize {type(value).__name__} in a SARIF log")


def render(run: CheckRun) -> str:
    data = to_json(build_log(run))
    # sarif-om declares ``runs`` first; readers skimming the file expect these on top.
    ordered = {key: data.pop(key) for key in ("$schema", "version") if key in data}
    ordered.update(data)
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"


# -- the log ----------------------------------------------------------------------------


def build_log(run: CheckRun, *, cwd: Optional[Path] = None) -> Any:
    """The SARIF log (a ``sarif_om.SarifLog``) for a finished run."""
    base = Path.cwd() if cwd is None else cwd
    srcroot = source_root(run.settings.root)
    rules = list(run.rules)
    index = {rule.code: number for number, rule in enumerate(rules)}
    sources = _Sources(base)
    results = [
        _result(finding, index.get(finding.code), sources, srcroot, base)
        for finding in run.findings
    ]
    notifications = [_notification(error, sources, srcroot, base) for error in run.errors]
    invocation = _make(
        om.Invocation,
        execution_successful=not run.errors,
        tool_execution_notifications=notifications,
    )
    driver = _make(
        om.ToolComponent,
        name="memlint",
        version=__version__,
        semantic_version=__version__,
        information_uri=INFORMATION_URI,
        rules=[_descriptor(rule) for rule in rules],
    )
    sarif_run = _make(
        om.Run,
        tool=_make(om.Tool, driver=driver),
        automation_details=_make(om.RunAutomationDetails, id=f"{_category()}/"),
        column_kind="utf16CodeUnits",
        original_uri_base_ids={SRCROOT: _make(om.ArtifactLocation, uri=_directory_uri(srcroot))},
        invocations=[invocation],
        results=results,
        properties={
            "files": run.files,
            "suppressed": run.suppressed,
            "python": "{}.{}".format(*run.settings.python),
        },
    )
    return _make(om.SarifLog, version=SARIF_VERSION, schema_uri=SCHEMA_URI, runs=[sarif_run])


def _category() -> str:
    category = os.environ.get(CATEGORY_ENV, "").strip().strip("/")
    return category or DEFAULT_CATEGORY


# -- rules ------------------------------------------------------------------------------


def _descriptor(rule: type[Rule]) -> Any:
    docs = rule.docs()
    return _make(
        om.ReportingDescriptor,
        id=rule.code,
        name=rule.name,
        short_description=_make(
            om.MultiformatMessageString, text=_limit(_unwrap(rule.summary() or rule.name))
        ),
        full_description=_make(om.MultiformatMessageString, text=_full_description(rule)),
        help=_make(
            om.MultiformatMessageString,
            text=_help_text(rule),
            markdown=f"# {rule.code} {rule.name}\n\n{docs.markdown()}",
        ),
        help_uri=rule.url(),
        default_configuration=_make(om.ReportingConfiguration, level=LEVELS[rule.severity]),
        properties={
            "tags": list(rule.tags)[:MAX_TAGS],
            "precision": rule.precision,
            "problem.severity": PROBLEM_SEVERITIES[rule.severity],
        },
    )


def _unwrap(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph (docstrings wrap at 100 columns)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def _limit(text: str) -> str:
    if len(text) <= MAX_DESCRIPTION:
        return text
    cut = text[: MAX_DESCRIPTION - 1]
    sentence = cut.rfind(". ")
    return cut[: sentence + 1] if sentence > 0 else cut.rstrip() + "…"


def _full_description(rule: type[Rule]) -> str:
    """What the rule does and why, as far as GitHub's 1024 characters allow."""
    docs = rule.docs()
    what = _unwrap(docs.section("What it does")) or rule.summary()
    why = _unwrap(docs.section("Why is this bad?"))
    both = f"{what}\n\n{why}" if why else what
    return both if len(both) <= MAX_DESCRIPTION else _limit(what)


def _help_text(rule: type[Rule]) -> str:
    sections = rule.docs().sections
    parts = [f"{rule.code} {rule.name}"]
    parts.extend(f"{title}\n\n{body}" for title, body in sections.items() if body)
    parts.append(f"Documentation: {rule.url()}")
    return "\n\n".join(parts)


# -- results ----------------------------------------------------------------------------


def _result(
    finding: Finding, rule_index: Optional[int], sources: _Sources, srcroot: Path, cwd: Path
) -> Any:
    source = sources.get(finding.path)
    artifact = _artifact(finding.path, srcroot, cwd)
    region = _region(source, finding.line, finding.column, finding.end_line, finding.end_column)
    properties: dict[str, Any] = {
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
    }
    if finding.estimate is not None:
        properties["estimate"] = finding.estimate.to_dict()
    fingerprints = None
    if source is not None and 1 <= finding.line <= len(source.hashes):
        fingerprints = {"primaryLocationLineHash": source.hashes[finding.line - 1]}
    return _make(
        om.Result,
        rule_id=finding.code,
        rule_index=rule_index,
        kind="fail",
        level=LEVELS[finding.severity],
        message=_make(om.Message, text=finding.message),
        locations=[
            _make(
                om.Location,
                physical_location=_make(
                    om.PhysicalLocation, artifact_location=artifact, region=region
                ),
            )
        ],
        partial_fingerprints=fingerprints,
        fixes=None if finding.fix is None else [_fix(finding.fix, source, artifact)],
        properties=properties,
    )


def _fix(fix: Fix, source: Optional[_Source], artifact: Any) -> Any:
    return _make(
        om.Fix,
        description=_make(om.Message, text=fix.title),
        artifact_changes=[
            _make(
                om.ArtifactChange,
                artifact_location=artifact,
                replacements=[_replacement(edit, source) for edit in fix.edits],
            )
        ],
        properties={"applicability": fix.applicability.value},
    )


def _replacement(edit: Edit, source: Optional[_Source]) -> Any:
    return _make(
        om.Replacement,
        deleted_region=_region(source, edit.line, edit.column, edit.end_line, edit.end_column),
        inserted_content=_make(om.ArtifactContent, text=edit.content),
    )


def _region(
    source: Optional[_Source], line: int, column: int, end_line: int, end_column: int
) -> Any:
    if source is not None:
        column = utf16_column(source.lines.line_text(line), column)
        end_column = utf16_column(source.lines.line_text(end_line), end_column)
    return _make(
        om.Region,
        start_line=line,
        start_column=column,
        end_line=end_line,
        end_column=end_column,
    )


def _notification(error: FileError, sources: _Sources, srcroot: Path, cwd: Path) -> Any:
    region = None
    if error.line is not None:
        column = error.column
        if column is not None:
            source = sources.get(error.path)
            if source is not None:
                column = utf16_column(source.lines.line_text(error.line), column)
        region = _make(om.Region, start_line=error.line, start_column=column)
    location = _make(
        om.Location,
        physical_location=_make(
            om.PhysicalLocation,
            artifact_location=_artifact(error.path, srcroot, cwd),
            region=region,
        ),
    )
    return _make(
        om.Notification,
        level="error",
        message=_make(om.Message, text=f"{error.path}: {error.reason}"),
        locations=[location],
        properties={"kind": error.kind},
    )


# -- paths ------------------------------------------------------------------------------


def source_root(project_root: Path) -> Path:
    """What ``%SRCROOT%`` stands for: the git work tree holding the project, else the project.

    GitHub resolves relative URIs against the repository root, whatever
    ``uriBaseId`` says. ``.git`` is a directory in a clone and a file in a
    worktree or submodule.
    """
    root = project_root.resolve()
    for directory in (root, *root.parents):
        if (directory / ".git").exists():
            return directory
    return root


def _artifact(path: str, srcroot: Path, cwd: Path) -> Any:
    absolute = Path(os.path.realpath(cwd / path))
    try:
        relative = absolute.relative_to(srcroot)
    except ValueError:
        return _make(om.ArtifactLocation, uri=absolute.as_uri())
    return _make(om.ArtifactLocation, uri=quote(relative.as_posix(), safe="/"), uri_base_id=SRCROOT)


def _directory_uri(directory: Path) -> str:
    uri = directory.as_uri()
    return uri if uri.endswith("/") else uri + "/"


# -- the analysed files, read once each -------------------------------------------------


@dataclass(frozen=True, **SLOTS)
class _Source:
    lines: LineIndex
    hashes: list[str]


class _Sources:
    """The text and line hashes of each reported file, read on first use."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd
        self._cache: dict[str, Optional[_Source]] = {}

    def get(self, path: str) -> Optional[_Source]:
        if path not in self._cache:
            self._cache[path] = self._read(path)
        return self._cache[path]

    def _read(self, path: str) -> Optional[_Source]:
        try:
            data = read_file(str(self._cwd / path))
        except OSError:
            return None
        try:
            text = decode_source(data).text
        except SourceError:
            return None
        return _Source(LineIndex(text), line_hashes(data))
