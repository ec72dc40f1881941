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
from typing import IO, Any, Optional

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="memlint")
def cli() -> None:
    """Find memory anti-patterns in Python code, price them, and fix them."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--select",
    multiple=True,
    callback=_codes,
    help="Rules to enable (codes, prefixes or ALL), replacing the configured selection.",
)
@click.option(
    "--extend-select",
    multiple=True,
    callback=_codes,
    help="Rules to enable on top of the selection.",
)
@click.option("--ignore", multiple=True, callback=_codes, help="Rules to disable.")
@click.option(
    "--output-format",
    type=click.Choice(FORMATS),
    default="full",
    show_default=True,
    help="How to report findings.",
)
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
@click.option(
    "--exclude",
    multiple=True,
    help="Patterns to exclude (gitignore style), replacing the configured and default excludes.",
)
@click.option(
    "--extend-exclude", multiple=True, help="Patterns to exclude on top of the configured ones."
)
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
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Use this pyproject.toml (or memlint.toml) instead of searching.",
)
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
