"""The terminal: the only module that imports rich.

Text reports are built as :class:`rich.text.Text` (never markup strings, so a
``[...]`` in user code is printed as is), printed without soft-wrapping so one
finding stays one line on a pipe, and written as plain text to ``-o FILE``.
Colour and the progress bar appear only on a terminal.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Callable, Optional

from memlint.finding import Applicability, Estimate, FileError, Finding
from memlint.model import CostTable
from memlint.rule import Rule
from memlint.runner import CheckRun
from memlint.source import LineIndex

# rich is imported the first time something is printed through it: a run that
# writes JSON, SARIF or GitHub annotations to a pipe never needs it (~20 ms).
if TYPE_CHECKING:
    import rich.console as _console
    import rich.text as _text

    from memlint.runtime.join import RuntimeSummary
else:
    from memlint.lazy import LazyModule

    _console = LazyModule("rich.console")
    _text = LazyModule("rich.text")

#: Runs with fewer files than this finish before a progress bar is worth drawing.
_PROGRESS_MIN_FILES = 50

_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def stdout() -> _console.Console:
    return _console.Console(highlight=False, soft_wrap=True)


def stderr() -> _console.Console:
    return _console.Console(stderr=True, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    """A one-line error for the user (usage, config, unreadable input)."""
    console = stderr()
    line = _text.Text()
    line.append("error", style="bold red")
    line.append(f": {message}")
    console.print(line)


def warning(message: str) -> None:
    line = _text.Text()
    line.append("warning", style="bold yellow")
    line.append(f": {message}")
    stderr().print(line)


# -- progress --------------------------------------------------------------------------


@contextmanager
def progress_bar() -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """``(on_start(total), advance(n))`` callbacks; a bar only on a terminal."""
    console = None if _surely_no_terminal() else stderr()
    if console is None or not console.is_terminal:
        yield (lambda total: None), (lambda n: None)
        return
    # Imported here: rich.progress (like rich.markdown and rich.table below) adds
    # noticeably to start-up, which pre-commit pays on every commit.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("Checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task_id = None

    def on_start(total: int) -> None:
        nonlocal task_id
        if total >= _PROGRESS_MIN_FILES:
            bar.start()
            task_id = bar.add_task("check", total=total)

    def advance(count: int) -> None:
        if task_id is not None:
            bar.advance(task_id, count)

    try:
        yield on_start, advance
    finally:
        bar.stop()


def _surely_no_terminal() -> bool:
    """Standard error is no terminal and no variable tells rich to act as if it were
    one (answered without importing rich; otherwise rich decides)."""
    if any(name in os.environ for name in _TERMINAL_VARIABLES):
        return False
    try:
        return not sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return True


#: What makes rich treat a stream as a terminal whatever it is.
_TERMINAL_VARIABLES = ("FORCE_COLOR", "FORCE_TERMINAL", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


# -- findings as text ------------------------------------------------------------------


def format_bytes(count: float) -> str:
    units = ["B", "KiB", "MiB", "GiB", "TiB"]
    value = float(count)
    for unit in units:
        if abs(value) < 1024 or unit == units[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover


def describe_estimate(estimate: Estimate) -> str:
    per = f"{format_bytes(estimate.bytes_saved)} per {estimate.unit}"
    if estimate.total_bytes is not None and estimate.count is not None:
        per += f" × {estimate.count:,} = {format_bytes(estimate.total_bytes)}"
    text = f"saves ~{per} ({estimate.method}, CPython {estimate.python})"
    if estimate.note:
        text += f"; {estimate.note}"
    return text


def _headline(finding: Finding) -> _text.Text:
    line = _text.Text()
    line.append(finding.path, style="bold")
    line.append(f":{finding.line}:{finding.column}: ")
    line.append(finding.code, style=_SEVERITY_STYLE.get(finding.severity.value, "red"))
    if finding.fix is not None and finding.fix.applicability is Applicability.SAFE:
        line.append(" [*]", style="cyan")
    line.append(f" {finding.message}")
    return line


def _snippet(finding: Finding, lines: LineIndex) -> list[_text.Text]:
    number = str(finding.line)
    gutter = " " * len(number)
    source = lines.line_text(finding.line).expandtabs(1)
    start = max(finding.column - 1, 0)
    if finding.end_line == finding.line:
        width = max(finding.end_column - finding.column, 1)
    else:
        width = max(len(source) - start, 1)
    out = [_text.Text(f"{gutter} |", style="blue")]
    row = _text.Text()
    row.append(f"{number} | ", style="blue")
    row.append(source)
    out.append(row)
    marker = _text.Text()
    marker.append(f"{gutter} | ", style="blue")
    marker.append(" " * start + "^" * width + f" {finding.code}", style="red")
    out.append(marker)
    out.append(_text.Text(f"{gutter} |", style="blue"))
    if finding.fix is not None:
        kind = "fix" if finding.fix.applicability is Applicability.SAFE else "unsafe fix"
        out.append(_text.Text(f"{gutter} = {kind}: {finding.fix.title}", style="cyan"))
    if finding.estimate is not None:
        out.append(_text.Text(f"{gutter} = {describe_estimate(finding.estimate)}", style="green"))
    return out


def finding_lines(
    run: CheckRun, fmt: str, read_source: Callable[[str], Optional[str]]
) -> list[_text.Text]:
    """The text report (``full`` or ``concise``), one _text.Text per output line."""
    out: list[_text.Text] = []
    cache: dict[str, Optional[LineIndex]] = {}
    for finding in run.findings:
        out.append(_headline(finding))
        if fmt == "full":
            if finding.path not in cache:
                text = read_source(finding.path)
                cache[finding.path] = LineIndex(text) if text is not None else None
            index = cache[finding.path]
            if index is not None:
                out.extend(_snippet(finding, index))
            out.append(_text.Text(""))
    return out


def summary_lines(run: CheckRun, *, fixing: bool, unsafe: bool) -> list[_text.Text]:
    out: list[_text.Text] = []
    count = len(run.findings)
    if run.fixed:
        out.append(_text.Text(f"Fixed {run.fixed} finding{'s' if run.fixed != 1 else ''}."))
    if count == 0 and not run.errors:
        if not run.fixed:
            out.append(_text.Text("All checks passed!", style="green"))
        return out
    if count:
        files = len({f.path for f in run.findings})
        text = _text.Text(f"Found {count} finding{'s' if count != 1 else ''}", style="bold")
        text.append(f" in {files} file{'s' if files != 1 else ''}")
        safe = sum(1 for f in run.findings if f.fix and f.fix.applicability is Applicability.SAFE)
        risky = sum(
            1 for f in run.findings if f.fix and f.fix.applicability is Applicability.UNSAFE
        )
        notes = []
        if safe and not fixing:
            notes.append(f"{safe} fixable with `--fix`")
        if risky and not unsafe:
            notes.append(f"{risky} with `--unsafe-fixes`")
        if notes:
            text.append(f" ({', '.join(notes)})")
        text.append(".")
        out.append(text)
        total = sum(
            f.estimate.total_bytes for f in run.findings if f.estimate and f.estimate.total_bytes
        )
        if total:
            saved = format_bytes(total)
            out.append(_text.Text(f"Estimated savings where counts are known: {saved}."))
    if run.errors:
        n = len(run.errors)
        out.append(
            _text.Text(
                f"{n} file{'s' if n != 1 else ''} could not be analysed (see errors above).",
                style="red",
            )
        )
    return out


def statistics_lines(run: CheckRun) -> list[_text.Text]:
    counts = Counter(f.code for f in run.findings)
    names = {rule.code: rule.name for rule in run.rules}
    fixable = {f.code for f in run.findings if f.fix and f.fix.applicability is Applicability.SAFE}
    width = max((len(str(n)) for n in counts.values()), default=1)
    out = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        marker = "[*]" if code in fixable else "[ ]"
        out.append(_text.Text(f"{count:>{width}}\t{code}\t{marker} {names.get(code, '')}"))
    return out


def print_errors(errors: Sequence[FileError]) -> None:
    console = stderr()
    for err in errors:
        line = _text.Text()
        line.append("error", style="bold red")
        where = err.path
        if err.line is not None:
            where += f":{err.line}"
            if err.column is not None:
                where += f":{err.column}"
        line.append(f": {where}: {err.reason}")
        console.print(line)


def emit(lines: Sequence[_text.Text], destination: Optional[IO[str]] = None) -> None:
    """Print lines to stdout, or write them as plain text to ``destination``."""
    if destination is not None:
        for line in lines:
            destination.write(line.plain + "\n")
        return
    console = stdout()
    for line in lines:
        console.print(line)


def emit_raw(text: str, destination: Optional[IO[str]] = None) -> None:
    """Write machine-readable text (JSON, SARIF, diffs) untouched by rich."""
    target = destination or sys.stdout
    target.write(text)
    target.flush()


# -- rules and explain -----------------------------------------------------------------


def rules_table(rules: Sequence[type[Rule]], fixable: dict[str, str]) -> None:
    from rich.table import Table

    console = stdout()
    if not console.is_terminal:
        for rule in rules:
            console.print(
                _text.Text(
                    f"{rule.code}\t{rule.name}\t{rule.severity.value}\t"
                    f"{fixable.get(rule.code, '-')}\t{rule.summary()}"
                )
            )
        return
    table = Table(show_lines=False)
    table.add_column("Code", style="bold")
    table.add_column("Name")
    table.add_column("Severity")
    table.add_column("Fix")
    table.add_column("What it flags")
    for rule in rules:
        table.add_row(
            rule.code, rule.name, rule.severity.value, fixable.get(rule.code, "-"), rule.summary()
        )
    console.print(table)


def explain(rule: type[Rule], cost_table: Optional[CostTable]) -> None:
    from rich.markdown import Markdown
    from rich.table import Table

    console = stdout()
    docs = rule.docs()
    body = f"# {rule.code} {rule.name}\n\n" + docs.markdown()
    if console.is_terminal:
        console.print(Markdown(body))
    else:
        console.print(_text.Text(body))
    if cost_table is None:
        return
    cells = [[_cell(value) for value in row] for row in cost_table.rows]
    if console.is_terminal:
        table = Table(title=cost_table.title, caption=cost_table.note or None)
        for column in cost_table.columns:
            table.add_column(column, justify="right")
        for row in cells:
            table.add_row(*row)
        console.print(table)
        return
    console.print(_text.Text(f"\n{cost_table.title}"))
    console.print(_text.Text("\t".join(cost_table.columns)))
    for row in cells:
        console.print(_text.Text("\t".join(row)))
    if cost_table.note:
        console.print(_text.Text(cost_table.note))


def _cell(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


# -- memlint run -----------------------------------------------------------------------


def runtime_summary_lines(summary: RuntimeSummary) -> list[_text.Text]:
    """The one-screen summary of a ``memlint run``: peak, top lines, savings, collector."""
    out: list[_text.Text] = [_text.Text("")]
    head = _text.Text()
    head.append("memlint run", style="bold")
    head.append(f": {summary.headline()}")
    out.append(head)
    if not summary.observed:
        for note in summary.notes:
            out.append(_text.Text(f"note: {note}", style="yellow"))
        return out
    peak = _text.Text("Traced peak: ")
    peak.append(format_bytes(summary.peak), style="bold")
    peak.append(f" at {summary.peak_time:.2f} s of {summary.duration:.2f} s")
    if summary.census_fraction is not None:
        peak.append(
            f" (heap census at {summary.census_fraction:.0%} of the peak, {summary.censuses} taken)"
        )
    out.append(peak)
    if summary.top_lines:
        out.append(_text.Text("Top lines at the peak:"))
        width = max(len(format_bytes(t.size)) for t in summary.top_lines[:5])
        for top in summary.top_lines[:5]:
            out.append(
                _text.Text(
                    f"  {format_bytes(top.size):>{width}}  {top.path}:{top.line} "
                    f"({top.blocks:,} blocks)"
                )
            )
    if summary.savings:
        out.append(_text.Text("Estimated savings at the peak, by rule:"))
        for saving in summary.savings:
            row = _text.Text("  ")
            row.append(saving.code, style="bold")
            row.append(
                f" {saving.name}: {saving.findings} finding{'s' if saving.findings != 1 else ''}"
                f", {saving.measured} measured, {format_bytes(saving.total_bytes)}"
            )
            if saving.gc_seconds:
                row.append(f" and {saving.gc_seconds:.2f} s of collector time")
            out.append(row)
    if summary.gc_collections:
        counts = "/".join(f"{n:,}" for n in summary.gc_collections)
        seconds = sum(summary.gc_seconds)
        share = seconds / summary.duration if summary.duration else 0.0
        out.append(
            _text.Text(
                f"Collector: {counts} collections of generations 0/1/2, "
                f"{seconds:.2f} s ({share:.0%} of the run)"
            )
        )
    for note in summary.notes:
        out.append(_text.Text(f"note: {note}", style="yellow"))
    return out


def emit_runtime(
    lines: Sequence[_text.Text], destination: Optional[IO[str]] = None, to_stdout: bool = False
) -> None:
    """Like :func:`emit`, but to standard error unless told otherwise: during
    ``memlint run`` standard output belongs to the target."""
    if destination is not None or to_stdout:
        emit(lines, destination)
        return
    console = stderr()
    for line in lines:
        console.print(line)
