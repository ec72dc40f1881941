"""The ``memlint`` command line (click).

Exit codes: 0 clean, 1 findings remain, 2 usage or configuration error, a file
that could not be analysed, or an internal error. Tracebacks are never shown
to users (set ``MEMLINT_DEBUG=1`` to see them).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import IO, Any, Callable, Optional, TypeVar

import click

from memlint import __version__, output
from memlint.config import ConfigError, Settings, load_settings, merge_cli, parse_version
from memlint.estimates import attach_estimates
from memlint.rules import RULES
from memlint.runner import (
    CheckRun,
    RunOptions,
    check_paths,
    check_stdin,
    open_cache,
    read_file,
)

FORMATS = ("full", "concise", "json", "sarif", "github")
F = TypeVar("F", bound=Callable[..., Any])
#: Machine-readable formats: a module with ``render(run: CheckRun) -> str`` each.
RENDERERS = {
    "json": "memlint.report_json",
    "sarif": "memlint.report_sarif",
    "github": "memlint.report_github",
}


def _codes(ctx: click.Context, param: click.Parameter, value: Sequence[str]) -> tuple[str, ...]:
    codes: list[str] = []
    for item in value:
        codes.extend(code.strip().upper() for code in item.split(",") if code.strip())
    return tuple(codes)


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(p.strip() for value in values for p in value.split(",") if p.strip())


def _stack(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying ``decorators`` in order (the first is outermost)."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


#: Options ``check`` and ``run`` share: rule selection and the output format.
_selection_options = _stack(
    click.option(
        "--select",
        multiple=True,
        callback=_codes,
        help="Rules to enable (codes, prefixes or ALL), replacing the configured selection.",
    ),
    click.option(
        "--extend-select",
        multiple=True,
        callback=_codes,
        help="Rules to enable on top of the selection.",
    ),
    click.option("--ignore", multiple=True, callback=_codes, help="Rules to disable."),
    click.option(
        "--output-format",
        type=click.Choice(FORMATS),
        default="full",
        show_default=True,
        help="How to report findings.",
    ),
)
_exclude_options = _stack(
    click.option(
        "--exclude",
        multiple=True,
        help="Patterns to exclude (gitignore style), replacing the configured and default "
        "excludes.",
    ),
    click.option(
        "--extend-exclude",
        multiple=True,
        help="Patterns to exclude on top of the configured ones.",
    ),
)
_config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Use this pyproject.toml (or memlint.toml) instead of searching.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="memlint")
def cli() -> None:
    """Find memory anti-patterns in Python code, price them, and fix them."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@_selection_options
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to a file instead of standard output.",
)
@click.option(
    "--exit-zero", is_flag=True, help="Exit 0 even when findings remain (errors still exit 2)."
)
@click.option("--statistics", is_flag=True, help="Show counts per rule instead of each finding.")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option(
    "--unsafe-fixes", is_flag=True, help="Also apply (or offer) fixes that may change behaviour."
)
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@_exclude_options
@click.option(
    "--force-exclude", is_flag=True, help="Apply excludes even to files named on the command line."
)
@click.option(
    "--stdin-filename",
    help="The path to report (and match config against) when reading source from '-'.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option(
    "--cache-dir", type=click.Path(file_okay=False), help="Where to keep the result cache."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes (0: one per core).",
)
@click.option(
    "--target-version",
    help="CPython version for cost estimates (py39 ... py314); default: the running one.",
)
@_config_option
def check(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    output_file: Optional[str],
    exit_zero: bool,
    statistics: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    force_exclude: bool,
    stdin_filename: Optional[str],
    no_cache: bool,
    cache_dir: Optional[str],
    jobs: int,
    target_version: Optional[str],
    config_file: Optional[str],
) -> None:
    """Check PATHS (default: the current directory) for memory anti-patterns."""
    use_stdin = paths == ("-",) or (not paths and stdin_filename is not None)
    if "-" in paths and not use_stdin:
        _usage("'-' (standard input) cannot be mixed with other paths")
    if not paths:
        paths = (".",)
    try:
        settings = load_settings(() if use_stdin else paths, config_file, RULES)
        settings = merge_cli(
            settings,
            RULES,
            select=select,
            extend_select=extend_select,
            ignore=ignore,
            target_version=target_version,
            cache_dir=cache_dir,
            exclude=_split(exclude),
            extend_exclude=_split(extend_exclude),
        )
    except ConfigError as exc:
        _usage(str(exc))
    rules = settings.enabled_rules(RULES)
    run_options = RunOptions(
        fix=fix and not diff,  # --diff never writes
        unsafe_fixes=unsafe_fixes,
        diff=diff,
        jobs=jobs,
        force_exclude=force_exclude,
    )

    stdin_data = b""
    fixed_stdin: Optional[bytes] = None
    if use_stdin:
        stdin_data = sys.stdin.buffer.read()
        run, fixed_stdin = check_stdin(
            stdin_data, stdin_filename or "-", settings, rules, run_options
        )
    else:
        cache = None if no_cache else open_cache(settings)
        with output.progress_bar() as (on_start, advance):
            run = check_paths(
                paths,
                settings,
                rules,
                run_options,
                cache=cache,
                on_start=on_start,
                progress=advance,
            )
    attach_estimates(run)
    _report(run, settings, output_format, output_file, statistics, fix, unsafe_fixes, diff)
    if use_stdin and run_options.fix:
        # Like ruff: with --fix on standard input, the (fixed) source goes to stdout.
        sys.stdout.buffer.write(fixed_stdin if fixed_stdin is not None else stdin_data)
        sys.stdout.flush()
    sys.exit(_exit_code(run, exit_zero=exit_zero, diff=diff))


def _report(
    run: CheckRun,
    settings: Settings,
    output_format: str,
    output_file: Optional[str],
    statistics: bool,
    fix: bool,
    unsafe: bool,
    diff: bool,
) -> None:
    if output_format not in RENDERERS:
        output.print_errors(run.errors)
    handle: Optional[IO[str]] = None
    try:
        if output_file is not None:
            handle = open(output_file, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        if diff:
            output.emit_raw("".join(run.diffs), handle)
            if run.fixed:
                output.stderr().print(
                    f"Would fix {run.fixed} finding{'s' if run.fixed != 1 else ''}."
                )
            return
        if output_format in RENDERERS:
            renderer = importlib.import_module(RENDERERS[output_format])
            output.emit_raw(renderer.render(run), handle)
            return
        if statistics:
            output.emit(output.statistics_lines(run), handle)
            return
        lines = output.finding_lines(run, output_format, _read_text)
        lines.extend(output.summary_lines(run, fixing=fix, unsafe=unsafe))
        output.emit(lines, handle)
    except OSError as exc:
        _fail(f"cannot write {output_file}: {exc.strerror or exc}")
    finally:
        if handle is not None:
            handle.close()


def _read_text(path: str) -> Optional[str]:
    try:
        from memlint.source import decode_source

        return decode_source(read_file(path)).text
    except Exception:  # the snippet is a convenience; the finding stands without it
        return None


def _exit_code(run: CheckRun, *, exit_zero: bool, diff: bool) -> int:
    if run.errors:
        return 2
    if diff:
        return 1 if run.diffs else 0
    if run.findings and not exit_zero:
        return 1
    return 0


def _usage(message: str) -> None:
    output.error(message)
    sys.exit(2)


def _fail(message: str) -> None:
    output.error(message)
    sys.exit(2)


@cli.command(
    "run",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@_selection_options
@click.option(
    "-o",
    "--output-file",
    help="Write the report to FILE ('-' for standard output). Default: standard error, "
    "since the target's output owns standard output.",
)
@click.option(
    "--python",
    "python_path",
    help="Run the target under this interpreter (default: the one running memlint).",
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Path(path_type=str),
    help="Files or directories to check statically and join with the run (repeatable). "
    "Default: the script's directory, or the current directory for -m.",
)
@click.option(
    "--observations",
    "observations_file",
    type=click.Path(dir_okay=False, writable=True),
    help="Also save the raw observations (JSON) the probe wrote.",
)
@_exclude_options
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes for the static check (0: one per core).",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.0005, max=1.0),
    default=0.005,
    show_default=True,
    help="Seconds between two samples of the traced size.",
)
@click.option(
    "--no-fork",
    is_flag=True,
    help="Take no census while the target runs (only at exit); for targets that cannot "
    "tolerate a fork().",
)
@_config_option
@click.argument("target", nargs=-1, type=click.UNPROCESSED, required=True)
def run_command(
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    output_file: Optional[str],
    python_path: Optional[str],
    sources: tuple[str, ...],
    observations_file: Optional[str],
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    jobs: int,
    interval: float,
    no_fork: bool,
    config_file: Optional[str],
    target: tuple[str, ...],
) -> None:
    """Run a program and price its findings with what the run measured.

    \b
      memlint run [OPTIONS] -- script.py [ARGS]...
      memlint run [OPTIONS] -- -m module [ARGS]...     (e.g. -m pytest tests/)

    The target runs in a child interpreter under tracemalloc with light probes;
    its standard streams and exit status pass through untouched. Child processes
    it starts are not traced. memlint exits with the target's status (dying of the
    same signal if the target did); only when the target could not be started at
    all does memlint report an error and exit 2.
    """
    from pathlib import Path

    from memlint.runtime import LaunchError, Target, default_sources, run_target
    from memlint.runtime.launch import reraise

    try:
        parsed = Target.parse(target)
    except ValueError as exc:
        _usage(str(exc))
        return
    if parsed.kind == "path" and not os.path.isfile(parsed.name):
        reason = "is a directory" if os.path.isdir(parsed.name) else "no such file"
        _usage(f"cannot run {parsed.name}: {reason}")
        return
    paths = sources or tuple(default_sources(parsed))
    try:
        settings = load_settings(paths, config_file, RULES)
        settings = merge_cli(
            settings,
            RULES,
            select=select,
            extend_select=extend_select,
            ignore=ignore,
            exclude=_split(exclude),
            extend_exclude=_split(extend_exclude),
        )
    except ConfigError as exc:
        _usage(str(exc))
        return
    rules = settings.enabled_rules(RULES)
    try:
        result = run_target(
            parsed,
            settings,
            rules,
            python=python_path,
            sources=paths,
            jobs=jobs,
            interval=interval,
            fork=not no_fork,
            observations_file=Path(observations_file) if observations_file else None,
        )
    except LaunchError as exc:
        _fail(str(exc))
        return
    try:
        _report_runtime(result, output_format, output_file)
    except Exception as exc:  # the target ran: its status wins over our report
        if os.environ.get("MEMLINT_DEBUG"):
            raise
        output.error(f"could not write the report: {type(exc).__name__}: {exc}")
    reraise(result.status)
    sys.exit(result.status.exit_status)


def _report_runtime(result: Any, output_format: str, output_file: Optional[str]) -> None:
    run = result.run
    summary = result.summary
    to_stdout = output_file == "-"
    handle: Optional[IO[str]] = None
    try:
        if output_file is not None and not to_stdout:
            handle = open(output_file, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        if output_format in RENDERERS:
            text = _render_runtime(run, summary, output_format)
            output.emit_raw(text, handle or (None if to_stdout else sys.stderr))
            return
        if handle is None and not to_stdout:
            output.print_errors(run.errors)
        lines = output.finding_lines(run, output_format, _read_text)
        lines.extend(output.summary_lines(run, fixing=False, unsafe=True))
        lines.extend(output.runtime_summary_lines(summary))
        output.emit_runtime(lines, handle, to_stdout)
    except OSError as exc:
        output.error(f"cannot write {output_file}: {exc.strerror or exc}")
    finally:
        if handle is not None:
            handle.close()


def _render_runtime(run: CheckRun, summary: Any, output_format: str) -> str:
    import json as _json

    if output_format == "json":
        from memlint.report_json import report_data

        data = report_data(run)
        data["runtime"] = summary.to_dict()
        return _json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output_format == "sarif":
        from memlint import report_sarif

        log = _json.loads(report_sarif.render(run))
        for sarif_run in log.get("runs", []):
            sarif_run.setdefault("properties", {})["memlint-runtime"] = summary.to_dict()
        return _json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    from memlint import report_github

    notice = report_github.command("notice", {"title": "memlint run"}, summary.headline())
    return report_github.render(run) + notice + "\n"


@cli.command("rules")
def rules_command() -> None:
    """List every rule with its code, name, default severity and fix."""
    from memlint.docgen import fix_kind

    output.rules_table(RULES, {rule.code: fix_kind(rule) for rule in RULES})


@cli.command("explain")
@click.argument("code")
@click.option(
    "--python",
    "python_version",
    help="CPython version for the cost table (e.g. 3.12); default: the running one.",
)
def explain_command(code: str, python_version: Optional[str]) -> None:
    """Show the documentation of rule CODE (e.g. MEM004) with its memory costs."""
    wanted = code.strip().upper()
    rule = next((r for r in RULES if wanted in (r.code, r.name.upper())), None)
    if rule is None:
        known = ", ".join(r.code for r in RULES)
        _usage(f"unknown rule {code!r} (known: {known})")
        return
    try:
        python = (
            parse_version(python_version)
            if python_version
            else (
                sys.version_info[0],
                sys.version_info[1],
            )
        )
    except ConfigError as exc:
        _usage(str(exc))
        return
    output.explain(rule, rule.cost_table(python))


def main(argv: Optional[Sequence[str]] = None) -> Any:
    """Console-script entry point: click, minus tracebacks for users."""
    try:
        return cli.main(args=list(argv) if argv is not None else None, prog_name="memlint")
    except KeyboardInterrupt:
        output.error("interrupted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get("MEMLINT_DEBUG"):
            raise
        output.error(
            f"internal error: {type(exc).__name__}: {exc} "
            "(please report this; set MEMLINT_DEBUG=1 for the traceback)"
        )
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
