"""The engine: source text and a tuple of rules in, findings out. No I/O, no config.

For one file:

1. decode the bytes as Python would (PEP 263) — or report why not;
2. ``ast.parse`` it (about 7% of a LibCST parse) and build the module index
   from its statements: imports, module-level names, and triggers;
3. ask each rule whether it could match (``Rule.applies_to``: text searches,
   then an ``ast`` walk); when none can, stop — on the stdlib 9 files in 10
   never need a LibCST tree;
4. otherwise parse once with LibCST and run the rules that could match in one
   batched visitor pass, noting which top-level statement each report came from;
5. give the reported nodes positions (code generation of just those top-level
   statements), drop suppressed findings, and turn fix plans into text edits.

Project rules (MEM004, MEM005) report after the join over every file's facts;
their fixes come from a second parse of a file, reduced to what they can need.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import re
import sys
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence, Union

from memlint._compat import SLOTS
from memlint.cstutil import class_path
from memlint.facts import ModuleFacts, collect_facts
from memlint.finding import Applicability, Edit, FileError, FileResult, Finding, Fix
from memlint.fixes import apply_edits, materialize, parses, plan_nodes
from memlint.index import ModuleIndex, ast_nodes, build_index
from memlint.project import Project
from memlint.rule import Report, Rule, RuleContext
from memlint.source import LineIndex, SourceError, SourceText, decode_source
from memlint.suppress import Suppressions, scan, skips_file
from memlint.walk import visit_batched

# libcst, and memlint.positions (built on libcst's code generation), are imported
# when a file is analysed: a run served from the cache never needs them.
if TYPE_CHECKING:
    import libcst as cst

    from memlint.positions import Rendering
else:
    from memlint.lazy import libcst as cst


@dataclass(frozen=True, **SLOTS)
class EngineOptions:
    """What the engine needs to know beyond the file itself."""

    target_version: tuple[int, int]
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Turn fix plans into edits (needed for --fix, --diff, JSON and SARIF).
    materialize_fixes: bool = True


def check_source(
    data: Union[bytes, str],
    path: str,
    rules: Sequence[type[Rule]],
    options: EngineOptions,
    *,
    module: str = "",
    is_package: bool = False,
    relative: Optional[str] = None,
) -> FileResult:
    """Analyse one file's contents with ``rules``; never raises for bad input.

    ``module``/``is_package`` name the module (for relative imports and the
    project join); ``relative`` is the project-relative path when known.
    """
    try:
        source = decode_source(data) if isinstance(data, bytes) else _text_source(data)
    except SourceError as exc:
        return FileResult(path, error=FileError(path, exc.reason, "decode", exc.line))
    text = source.text
    if skips_file(text):
        return FileResult(path, skipped=True)

    tree, syntax_error = _parse_ast(text, path)
    facts: Optional[ModuleFacts] = None
    file_rules = [rule for rule in rules if not rule.project]
    if tree is not None:
        index = build_index(tree, module, is_package, text)
        if len(file_rules) < len(rules):
            facts = collect_facts(
                tree, index, text, module, path, scan(text).lines, relative=relative
            )
        wanted = [rule for rule in file_rules if rule.applies_to(index, text, tree)]
        if not wanted:
            return FileResult(path, facts=facts)
        depth = ast_nodes(tree).depth
        if depth > MAX_DEPTH:
            # LibCST's parser slows down sharply and can exhaust the C stack on
            # expressions nested this deep; no real program gets near it.
            reason = f"too deeply nested to analyse (depth {depth}, limit {MAX_DEPTH})"
            return FileResult(path, error=FileError(path, reason, "limit"), facts=facts)
    else:
        # Python rejected the file. Only when it targets a newer Python than
        # the one running memlint can LibCST (which knows newer grammar) still
        # analyse it; otherwise the syntax error is the finding.
        assert syntax_error is not None
        if syntax_error.kind != "syntax" or options.target_version <= _RUNNING or not file_rules:
            return FileResult(path, error=syntax_error)
        wanted = file_rules

    try:
        cst_module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        if syntax_error is not None:
            return FileResult(path, error=syntax_error)
        # Python accepts the file but LibCST does not (a LibCST limitation).
        reason = f"LibCST cannot parse this file: {_first_line(exc.message)}"
        error = FileError(path, reason, "parser", exc.raw_line, exc.raw_column + 1)
        return FileResult(path, error=error, facts=facts)
    except (RecursionError, MemoryError):
        return FileResult(path, error=_too_deep(path))
    if tree is None:
        # Newer syntax than the running interpreter understands, but LibCST does:
        # index what we can from the module's top-level statements.
        index = _index_from_cst(cst_module, module, is_package)

    try:
        reported = _run_rules(cst_module, path, index, wanted, options)
        result = _findings(path, text, source, cst_module, tree, reported, options)
    except RecursionError:
        return FileResult(path, error=_too_deep(path))
    return dataclasses.replace(result, facts=facts) if facts is not None else result


#: Deepest ``ast`` nesting handed to LibCST (stdlib maximum: 33).
MAX_DEPTH = 500
_RUNNING = (sys.version_info[0], sys.version_info[1])


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else "unknown error"


def _text_source(text: str) -> SourceText:
    if text.startswith("\ufeff"):
        text = text[1:]
    data = text.encode("utf-8", "surrogatepass")
    if b"\x00" in data:
        raise SourceError("file contains NUL bytes (is it a binary file?)")
    newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")
    return SourceText(text=text, encoding="utf-8", bom=False, newline=newline)


def _parse_ast(text: str, path: str) -> tuple[Optional[ast.Module], Optional[FileError]]:
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences and the like are the user's business here.
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=path), None
    except SyntaxError as exc:
        message = exc.msg or "invalid syntax"
        column = exc.offset if exc.offset and exc.offset > 0 else None
        if message.startswith("too many"):
            # CPython's nesting limits (parentheses, blocks, indentation): no
            # Python runs this file, and LibCST's recursive parser must not try.
            reason = f"too deeply nested to analyse ({message})"
            return None, FileError(path, reason, "limit", exc.lineno, column)
        return None, FileError(path, f"syntax error: {message}", "syntax", exc.lineno, column)
    except (RecursionError, MemoryError):
        return None, _too_deep(path)
    except ValueError as exc:  # e.g. "source code string cannot contain null bytes"
        return None, FileError(path, str(exc), "syntax")


def _too_deep(path: str) -> FileError:
    return FileError(path, "too deeply nested to analyse (expression or block nesting)", "limit")


def _index_from_cst(module: cst.Module, name: str, is_package: bool) -> ModuleIndex:
    """Build the index from the top-level simple statements the running ast accepts."""
    lines = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            code = module.code_for_node(statement)
            try:
                ast.parse(code)
            except SyntaxError:
                continue
            lines.append(code)
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError:  # pragma: no cover - each line parsed on its own
        tree = ast.Module(body=[], type_ignores=[])
    return build_index(tree, name, is_package)


def _run_rules(
    module: cst.Module,
    path: str,
    index: ModuleIndex,
    rules: Sequence[type[Rule]],
    options: EngineOptions,
) -> list[_Reported]:
    visitors = []
    for rule in rules:
        context = RuleContext(
            path=path,
            index=index,
            module=module,
            target_version=options.target_version,
            options=options.rule_options.get(rule.code, {}),
        )
        visitors.append(rule(context))
    # How many reports each visitor had when the walk entered each top-level
    # statement: a report belongs to the statement being walked when it was made.
    counts: list[list[int]] = []
    visit_batched(module, visitors, lambda _: counts.append([len(v.reports) for v in visitors]))
    found = []
    for number, visitor in enumerate(visitors):
        tops = [row[number] for row in counts]
        for position, report in enumerate(visitor.reports):
            top = bisect.bisect_right(tops, position) - 1
            found.append(_Reported(type(visitor), report, top))
    return found


@dataclass(frozen=True, **SLOTS)
class _Reported:
    rule: type[Rule]
    report: Report
    #: Index in ``module.body`` of the statement walked when it was reported (a hint).
    top: int


def _findings(
    path: str,
    text: str,
    source: SourceText,
    module: cst.Module,
    tree: Optional[ast.Module],
    reported: list[_Reported],
    options: EngineOptions,
) -> FileResult:
    if not reported:
        return FileResult(path)
    wanted = [r.report.node for r in reported]
    tops = {r.top for r in reported}
    if options.materialize_fixes:
        statements = {id(statement): i for i, statement in enumerate(module.body)}
        for r in reported:
            if r.report.fix is not None:
                for node in plan_nodes(r.report.fix):
                    wanted.append(node)
                    top = statements.get(id(node))
                    if top is not None:
                        tops.add(top)  # e.g. an import inserted after another
    from memlint.positions import node_spans

    rendering = node_spans(module, wanted, text, tree=tree, tops=tops)
    spans = rendering.spans
    suppressions = scan(text)
    findings: list[Finding] = []
    suppressed = 0
    seen: set[tuple[str, int, int]] = set()
    for r in reported:
        rule, report = r.rule, r.report
        span = spans.get(id(report.node))
        if span is None:  # pragma: no cover - every reported node is in the tree
            continue
        if suppressions.suppresses(rule.code, span.line, span.end_line):
            suppressed += 1
            continue
        key = (rule.code, span.line, span.column)
        if key in seen:  # the same node reached twice (e.g. nested visits)
            continue
        seen.add(key)
        fix = None
        if report.fix is not None and options.materialize_fixes:
            fix = materialize(module, report.fix, rendering)
            if fix is not None and not rendering.exact:
                fix = _remap(fix, rendering, text)
        findings.append(
            Finding(
                code=rule.code,
                name=rule.name,
                path=path,
                line=span.line,
                column=span.column,
                end_line=span.end_line,
                end_column=span.end_column,
                message=report.message,
                severity=report.severity,
                confidence=report.confidence,
                fix=fix,
                details=report.details,
            )
        )
    findings.sort(key=lambda f: f.sort_key)
    return FileResult(path, findings=tuple(findings), suppressed=suppressed)


def _remap(fix: Fix, rendering: Rendering, text: str) -> Optional[Fix]:
    """Move a fix's edits from LibCST's rendering of the file to the file itself."""
    generated_lines = LineIndex(rendering.generated)
    source_lines = LineIndex(text)
    edits = []
    for edit in fix.edits:
        start = rendering.to_source(generated_lines.offset(edit.line, edit.column))
        end = rendering.to_source(generated_lines.offset(edit.end_line, edit.end_column))
        if start is None or end is None:
            return None  # LibCST rewrote more than it dropped: no fix rather than damage
        edits.append(Edit(*source_lines.position(start), *source_lines.position(end), edit.content))
    return dataclasses.replace(fix, edits=tuple(edits))


def fix_source(
    text: str,
    path: str,
    rules: Sequence[type[Rule]],
    options: EngineOptions,
    *,
    unsafe: bool = False,
    module: str = "",
    is_package: bool = False,
    relative: Optional[str] = None,
    max_rounds: int = 10,
) -> tuple[str, FileResult, int]:
    """Apply fixes until none applies: the new text, its final result, fixes applied.

    Overlapping fixes are applied over several rounds (each round lints the text
    again), so every fix is computed against the text it edits.
    """
    result = check_source(
        text, path, rules, options, module=module, is_package=is_package, relative=relative
    )
    total = 0
    for _ in range(max_rounds):
        fixes = [
            finding.fix
            for finding in result.findings
            if finding.fix is not None
            and (unsafe or finding.fix.applicability is Applicability.SAFE)
        ]
        if not fixes:
            break
        new_text, applied = apply_edits(text, fixes)
        # Each fix parsed on its own; together they must too, or none is kept.
        if applied == 0 or new_text == text or not parses(new_text):
            break
        total += applied
        text = new_text
        result = check_source(
            text, path, rules, options, module=module, is_package=is_package, relative=relative
        )
    return text, result, total


def check_project(
    results: Sequence[FileResult], rules: Sequence[type[Rule]], options: EngineOptions
) -> list[Finding]:
    """Run the project rules over the joined facts of ``results`` (phase two)."""
    project_rules = [rule for rule in rules if rule.project]
    facts = [r.facts for r in results if isinstance(r.facts, ModuleFacts)]
    if not project_rules or not facts:
        return []
    project = Project(facts)
    suppressions = {f.path: Suppressions(f.suppressions) for f in facts}
    findings = []
    for rule in project_rules:
        reports = rule.check_project(
            project, options.rule_options.get(rule.code, {}), options.target_version
        )
        for report in reports:
            span = report.span
            file_suppressions = suppressions.get(report.path)
            if file_suppressions is not None and file_suppressions.suppresses(
                rule.code, span.line, span.end_line
            ):
                continue
            findings.append(
                Finding(
                    code=rule.code,
                    name=rule.name,
                    path=report.path,
                    line=span.line,
                    column=span.column,
                    end_line=span.end_line,
                    end_column=span.end_column,
                    message=report.message,
                    severity=report.severity,
                    confidence=report.confidence,
                    details=report.details,
                )
            )
    findings.sort(key=lambda f: f.sort_key)
    return findings


def fix_project_findings(
    text: str,
    path: str,
    findings: Sequence[Finding],
    rules: Sequence[type[Rule]],
    options: EngineOptions,
    *,
    module: str = "",
    is_package: bool = False,
) -> list[Finding]:
    """``findings`` (made by project rules in ``text``) with their fixes attached.

    Project findings come from the join, not from a visit of the file's tree, so
    the file is parsed here (once) and each rule builds its fix from the tree.
    """
    tree, _ = _parse_ast(text, path)
    if tree is None:
        return list(findings)
    index = build_index(tree, module, is_package, text)
    reduced = _reduced_for_fixes(text, tree, findings, module)
    if reduced is not None:
        fixed = _fix_project_findings(
            text, reduced[0], reduced[1], index, path, findings, rules, options
        )
        if fixed is not None:
            return fixed
    fixed = _fix_project_findings(text, text, tree, index, path, findings, rules, options)
    return fixed if fixed is not None else list(findings)


def _fix_project_findings(
    text: str,
    parsed: str,
    tree: ast.Module,
    index: ModuleIndex,
    path: str,
    findings: Sequence[Finding],
    rules: Sequence[type[Rule]],
    options: EngineOptions,
) -> Optional[list[Finding]]:
    """Fixes for ``findings`` from a LibCST parse of ``parsed``: ``text`` itself, or
    ``text`` with top-level definitions the fixes do not need blanked out (``tree``
    is then the ``ast`` of what is left). ``None`` when ``parsed`` does not parse,
    or on the reduced text when positions or an edit could not be made there (the
    caller then uses the whole file)."""
    reduced = parsed is not text
    by_code = {rule.code: rule for rule in rules}
    try:
        cst_module = cst.parse_module(parsed)
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return None
    plans = []
    for finding in findings:
        rule = by_code.get(finding.code)
        plan = None
        if rule is not None:
            context = RuleContext(
                path=path,
                index=index,
                module=cst_module,
                target_version=options.target_version,
                options=options.rule_options.get(rule.code, {}),
            )
            try:
                plan = rule.project_fix(finding, context)
            except Exception:  # a fix is a convenience: never let it fail the run
                plan = None
        plans.append(plan)
    nodes = [node for plan in plans if plan is not None for node in plan_nodes(plan)]
    if not nodes:
        return list(findings)
    # Hints for the statements to generate: the ones holding each finding, and
    # top-level statements a fix inserts next to.
    statements = {id(statement): i for i, statement in enumerate(cst_module.body)}
    tops = {statements[id(node)] for node in nodes if id(node) in statements}
    from memlint.positions import node_spans, top_index_of_line, top_lines

    starts = top_lines(cst_module, tree)
    for finding in findings:
        top = top_index_of_line(starts, finding.line) if starts is not None else None
        if top is not None:
            tops.add(top)
    rendering = node_spans(cst_module, nodes, text, tree=tree, tops=tops)
    if reduced and rendering.generated is not text:
        return None  # positions only from the statements the two texts share
    fixed = []
    for finding, plan in zip(findings, plans):
        fix = materialize(cst_module, plan, rendering) if plan is not None else None
        if fix is None and reduced and plan is not None:
            return None
        if fix is not None and not rendering.exact:
            fix = _remap(fix, rendering, text)
        fixed.append(dataclasses.replace(finding, fix=fix) if fix is not None else finding)
    return fixed


#: Code that may open up some instance's ``__dict__`` (MEM004's fix looks for it
#: in the whole module): top-level definitions holding it are never left out.
_WHOLE_MODULE = re.compile(r"__dict__|\b(?:vars|setattr|delattr)\s*\(|__class__\s*=(?!=)")
#: Detail keys of project findings that name a class the fix edits or reads.
_CLASS_DETAILS = ("class", "owner_class", "child_class")


def _reduced_for_fixes(
    text: str, tree: ast.Module, findings: Sequence[Finding], module: str
) -> Optional[tuple[str, ast.Module]]:
    """``text`` with the top-level functions and classes a project fix cannot need
    replaced by empty parentheses over the same lines (lines and columns of the
    rest unchanged), and its ``ast``; ``None`` when nothing would be left out.

    Kept: every statement up to the last top-level import (fixes insert imports
    there) and up to the first block (LibCST takes the default indentation from
    it), the statements holding a finding, every top-level definition named like
    a class a finding names or whose text may touch some ``__dict__``
    (``_WHOLE_MODULE``), and all statements that are not plain ``def``/``class``
    (``if``/``try`` blocks may define classes).
    """
    names: set[str] = set()
    for finding in findings:
        for key in _CLASS_DETAILS:
            qualname = str(finding.detail(key, "") or "")
            path = class_path(qualname, module) if qualname else None
            if path:
                names.add(path[0])
    from memlint.positions import first_line

    # Lines as Python counts them (``str.splitlines`` also splits on form feeds).
    lines = _LINE.findall(text)
    body = tree.body
    # Up to the last import, and up to the first block LibCST takes the file's
    # indentation from, everything stays.
    last_import = max(
        (i for i, s in enumerate(body) if isinstance(s, (ast.Import, ast.ImportFrom))), default=0
    )
    first_block = next((i for i, s in enumerate(body) if hasattr(s, "body")), len(body))
    keep_through = max(last_import, first_block)
    spans: list[tuple[int, int]] = []
    for position, statement in enumerate(body):
        definition = isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        first = first_line(statement)
        last = statement.end_lineno or statement.lineno
        holds = any(first <= f.line <= last for f in findings)
        if (
            not definition
            or position <= keep_through
            or holds
            or getattr(statement, "name", None) in names
            or _WHOLE_MODULE.search("".join(lines[first - 1 : last]))
        ):
            continue
        spans.append((first, last))
    if not spans:
        return None
    # Each left-out statement becomes ``(`` ... ``)`` over the same lines: one cheap
    # statement, so the comments and blank lines before the next one stay its own.
    for first, last in spans:
        last = min(last, len(lines))
        for number in range(first - 1, last):
            line = lines[number]
            ending = line[len(line.rstrip("\r\n")) :] or "\n"
            opening = "(" if number == first - 1 else ""
            closing = ")" if number == last - 1 else ""
            lines[number] = opening + closing + ending
    reduced = "".join(lines)
    try:
        return reduced, ast.parse(reduced)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # pragma: no cover
        return None


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
