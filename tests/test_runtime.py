"""``memlint run``: pass-through of the target's streams and status, and measured estimates.

Every test runs the real thing -- ``python -m memlint run`` in a subprocess, which
starts the target in a child interpreter -- because what is under test is process
behaviour: exit statuses, signals, inherited file descriptors. Targets live in
``tests/runtime_targets`` (or are written to a temporary directory) and are kept
small; nothing here depends on timing.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Optional

import pytest

from memlint.model import slots_saving
from memlint.runtime.join import _nonnegative_fit, _Peaks
from memlint.runtime.launch import BOOTSTRAP, ChildStatus
from memlint.runtime.observations import Observations
from memlint.runtime.plan import Target

TARGETS = Path(__file__).parent / "runtime_targets"
VERSION = (sys.version_info[0], sys.version_info[1])


def memlint_run(
    *args: str,
    cwd: Path,
    input: Optional[str] = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("MEMLINT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "memlint", "run", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def copy_target(tmp_path: Path, name: str) -> Path:
    shutil.copy(TARGETS / name, tmp_path / name)
    return tmp_path / name


def json_report(
    tmp_path: Path, *args: str, cwd: Optional[Path] = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    report = tmp_path / "report.json"
    done = memlint_run("--output-format", "json", "-o", str(report), *args, cwd=cwd or tmp_path)
    return done, json.loads(report.read_text(encoding="utf-8"))


def finding(report: dict[str, Any], code: str) -> dict[str, Any]:
    found = [f for f in report["findings"] if f["code"] == code]
    assert found, f"no {code} finding in {[f['code'] for f in report['findings']]}"
    return found[0]


# -- exit status and streams ---------------------------------------------------------


def test_clean_exit_passes_stdout_through_untouched(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    done = memlint_run("--", "exits.py", "ok", cwd=tmp_path)
    assert done.returncode == 0
    # The target owns standard output: the report goes to standard error.
    assert done.stdout == "out: ok 20000\n"
    assert done.stderr.startswith("err: ok\n")
    assert "memlint run: `exits.py ok` on Python" in done.stderr
    assert "exited with status 0" in done.stderr


@pytest.mark.parametrize(("code", "expected"), [("3", 3), ("0", 0), ("300", 300 & 0xFF)])
def test_sys_exit_status_passes_through(tmp_path: Path, code: str, expected: int) -> None:
    copy_target(tmp_path, "exits.py")
    done = memlint_run("--", "exits.py", "exit", code, cwd=tmp_path)
    assert done.returncode == expected
    assert done.stdout == "out: exit 20000\n"
    assert f"exited with status {expected}" in done.stderr


def test_sys_exit_with_a_message_prints_it_and_exits_1(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    done = memlint_run("--", "exits.py", "message", cwd=tmp_path)
    assert done.returncode == 1
    assert "fatal: bad input\n" in done.stderr


def test_uncaught_exception_exits_1_with_the_targets_traceback(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    done, report = json_report(tmp_path, "--", "exits.py", "raise")
    assert done.returncode == 1
    assert done.stdout == "out: raise 20000\n"
    lines = done.stderr.splitlines()
    start = lines.index("Traceback (most recent call last):")
    assert lines[-1] == "ValueError: boom from the target"
    frames = [line for line in lines[start:] if line.lstrip().startswith("File ")]
    # As Python shows it: the target's frames only, no memlint bootstrap or runpy.
    assert frames and all("exits.py" in frame for frame in frames)
    assert "bootstrap" not in done.stderr and "runpy" not in done.stderr
    # The crash still yields a report of what was observed.
    assert report["runtime"]["observed"] is True
    assert report["runtime"]["exit"]["status"] == 1
    assert report["runtime"]["peak_bytes"] > 0


def test_keyboard_interrupt_dies_of_sigint_after_reporting(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    for mode in ("interrupt", "sigint"):
        done = memlint_run("--", "exits.py", mode, cwd=tmp_path)
        # Like Python itself: the traceback, then death by SIGINT (a shell shows 130).
        assert done.returncode == -signal.SIGINT, done.stderr
        assert "KeyboardInterrupt" in done.stderr
        assert "killed by SIGINT (status 130)" in done.stderr
        assert "Traced peak:" in done.stderr


@pytest.mark.skipif(os.name != "posix", reason="process groups and killpg")
def test_ctrl_c_at_the_terminal_reaches_the_target_and_memlint_waits(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    process = subprocess.Popen(
        [sys.executable, "-m", "memlint", "run", "--", "exits.py", "wait"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    try:
        assert process.stdout is not None
        lines = []
        while True:
            line = process.stdout.readline()
            assert line, "the target ended before it was ready"
            lines.append(line)
            if line == "ready\n":
                break
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole group
        _, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGINT
    assert "KeyboardInterrupt" in err
    assert "Traced peak:" in err


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_writes_observations_and_dies_of_the_signal(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    done = memlint_run("--", "exits.py", "sigterm", cwd=tmp_path)
    assert done.returncode == -signal.SIGTERM
    assert "killed by SIGTERM (status 143)" in done.stderr
    assert "Traced peak:" in done.stderr


def test_os_exit_keeps_the_status_and_says_nothing_was_observed(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    done = memlint_run("--", "exits.py", "hard", cwd=tmp_path)
    assert done.returncode == 7
    assert done.stdout == "out: hard 20000\n"
    # os._exit() skips every handler; the heap was too small for a census to land.
    assert "left no observations" in done.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_a_crash_of_the_interpreter_keeps_its_status_and_still_reports(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    done = memlint_run("--", "exits.py", "segfault", cwd=tmp_path)
    # memlint does not die of SIGSEGV itself (no core dump pinned on it): 128 + 11.
    assert done.returncode == 128 + signal.SIGSEGV
    assert done.stdout == "out: segfault 20000\n"
    assert "killed by SIGSEGV (status 139)" in done.stderr
    assert "memlint run: `exits.py segfault`" in done.stderr


def test_stdin_is_inherited(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    done = memlint_run("--", "exits.py", "stdin", cwd=tmp_path, input="hello there\n")
    assert done.returncode == 0
    assert "read 12 characters: hello there" in done.stdout


def test_script_sees_argv_path_and_main_like_python(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    done = memlint_run("--", "exits.py", "argv", "x", cwd=tmp_path)
    plain = subprocess.run(
        [sys.executable, "exits.py", "argv", "x"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.returncode == 0
    assert done.stdout == plain.stdout
    assert "name=__main__" in done.stdout


def test_missing_script_is_a_usage_error(tmp_path: Path) -> None:
    done = memlint_run("--", "nowhere.py", cwd=tmp_path)
    assert done.returncode == 2  # as python's own "can't open file"
    assert done.stderr == "error: cannot run nowhere.py: no such file\n"
    (tmp_path / "pkg.py").mkdir()
    done = memlint_run("--", "pkg.py", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "error: cannot run pkg.py: is a directory\n"


def test_module_never_imported_gets_no_measured_estimates(tmp_path: Path) -> None:
    copy_target(tmp_path, "all_rules.py")
    done, report = json_report(tmp_path, "--", "-m", "no_such_module_here")
    assert done.returncode == 1
    assert "No module named no_such_module_here" in done.stderr
    assert {f["code"] for f in report["findings"]} >= {"MEM001", "MEM002", "MEM005"}
    for item in report["findings"]:
        assert item["estimate"]["method"] == "modelled", item


def test_target_that_cannot_start_is_memlints_error(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    done = memlint_run("--python", str(tmp_path / "no-python"), "--", "exits.py", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("error: cannot start")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert memlint_run("--", "-c", "print(1)", cwd=tmp_path).returncode == 2
    assert memlint_run("--", "-m", cwd=tmp_path).returncode == 2


# -- modules and pytest ----------------------------------------------------------------


def write_package(root: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/model.py": """
            class Item:
                def __init__(self, name, size):
                    self.name = name
                    self.size = size


            def items(count):
                return [Item(f"item-{i}", i) for i in range(count)]
        """,
        "app/tool.py": """
            import sys

            from .model import items


            def main():
                made = items(int(sys.argv[1]))
                print(f"{len(made)} items argv={sys.argv[1:]} main={__name__}")


            if __name__ == "__main__":
                main()
        """,
        "tests/test_app.py": """
            from app.model import items


            def test_count():
                assert len(items(30_000)) == 30_000


            def test_names():
                assert items(2)[1].name == "item-1"
        """,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def test_dash_m_runs_a_package_module_with_relative_imports(tmp_path: Path) -> None:
    write_package(tmp_path)
    done, report = json_report(tmp_path, "--", "-m", "app.tool", "25000")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "25000 items argv=['25000'] main=__main__\n"
    item = finding(report, "MEM004")
    assert item["path"] == os.path.join("app", "model.py")
    estimate = item["estimate"]
    assert estimate["method"] == "measured"
    # The list dies as main() returns, a few milliseconds after the peak: the count
    # at the peak is carried from the last sample before it.
    assert estimate["count"] == pytest.approx(25_000, rel=0.02)
    assert report["runtime"]["target"] == "-m app.tool 25000"


@pytest.mark.parametrize(("failing", "status"), [(False, 0), (True, 1)])
def test_dash_m_pytest(tmp_path: Path, failing: bool, status: int) -> None:
    write_package(tmp_path)
    if failing:
        extra = "\n\ndef test_fails():\n    assert items(1) == []\n"
        with open(tmp_path / "tests" / "test_app.py", "a", encoding="utf-8") as out:
            out.write(extra)
    done, report = json_report(
        tmp_path, "--", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"
    )
    assert done.returncode == status, done.stdout + done.stderr
    assert ("1 failed" in done.stdout) is failing
    assert "2 passed" in done.stdout
    assert report["runtime"]["exit"]["status"] == status
    assert report["runtime"]["peak_bytes"] > 0
    # Classes used by the tests are measured like any other.
    item = finding(report, "MEM004")
    assert item["path"] == os.path.join("app", "model.py")


# -- what is measured ------------------------------------------------------------------


def test_mem004_estimate_counts_every_live_instance(tmp_path: Path) -> None:
    copy_target(tmp_path, "hot_slots.py")
    count = 40_000
    done, report = json_report(tmp_path, "--", "hot_slots.py", str(count))
    assert done.returncode == 0
    point = finding(report, "MEM004")
    estimate = point["estimate"]
    assert estimate["method"] == "measured"
    assert estimate["python"] == f"{VERSION[0]}.{VERSION[1]}"
    assert estimate["count"] == count
    assert estimate["attributes_observed"] == 3
    unit = slots_saving(3, VERSION)
    assert estimate["bytes_saved"] == unit
    # The peak falls by about count x unit (other allocations move it a little).
    assert estimate["total_bytes"] == pytest.approx(count * unit, rel=0.1)


def test_mem004_runtime_only_finding_at_the_class_definition(tmp_path: Path) -> None:
    copy_target(tmp_path, "runtime_only.py")
    static = subprocess.run(
        [sys.executable, "-m", "memlint", "check", "runtime_only.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert static.returncode == 0, "the static pass should not flag this class"
    done, report = json_report(tmp_path, "--", "runtime_only.py", "30000")
    assert done.returncode == 0
    record = finding(report, "MEM004")
    tree = ast.parse((tmp_path / "runtime_only.py").read_text(encoding="utf-8"))
    line = next(n.lineno for n in tree.body if isinstance(n, ast.ClassDef))
    assert record["line"] == line
    assert record["message"].startswith("Runtime evidence: 30,000 instances of `Record`")
    assert record["details"]["runtime_only"] is True
    assert record["estimate"]["count"] == 30_000
    assert record["estimate"]["method"] == "measured"
    assert report["runtime"]["runtime_only_findings"] == 1


def test_every_rule_gets_a_measured_estimate(tmp_path: Path) -> None:
    copy_target(tmp_path, "all_rules.py")
    done, report = json_report(tmp_path, "--", "all_rules.py", "20000")
    assert done.returncode == 0, done.stderr
    by_code = {f["code"]: f for f in report["findings"]}
    default = by_code["MEM001"]["estimate"]
    assert default["method"] == "measured"
    assert default["items_at_exit"] == 20_000
    cache = by_code["MEM002"]["estimate"]
    assert cache["method"] == "measured"
    assert cache["cache_info_at_exit"]["currsize"] == 20_000
    # The read's lines live briefly, between the censuses: measured only if one saw
    # them (test_mem003_read_alive_at_the_peak_is_measured pins that down).
    read = by_code["MEM003"]["estimate"]
    assert read["method"] == "modelled" or read["bytes_saved"] > 0
    savings = {s["code"]: s for s in report["runtime"]["savings_by_rule"]}
    assert savings["MEM001"]["measured"] == 1
    assert savings["MEM002"]["estimated_bytes_saved"] > 0


def test_mem003_read_alive_at_the_peak_is_measured(tmp_path: Path) -> None:
    target = tmp_path / "reader.py"
    target.write_text(
        textwrap.dedent(
            """\
            import os
            import sys
            import tempfile

            directory = tempfile.mkdtemp()
            path = os.path.join(directory, "data.txt")
            with open(path, "w", encoding="utf-8") as out:
                for i in range(int(sys.argv[1])):
                    out.write(f"line {i} " + "x" * 60 + "\\n")
            with open(path, encoding="utf-8") as handle:
                LINES = handle.readlines()
            os.remove(path)
            os.rmdir(directory)
            print(len(LINES))
            """
        ),
        encoding="utf-8",
    )
    done, report = json_report(tmp_path, "--", "reader.py", "60000")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "60000\n"
    read = finding(report, "MEM003")["estimate"]
    # The lines are alive until the exit census, at the traced peak: 60,000 str
    # objects of ~70 characters (~120 B each) and the list holding them.
    assert read["method"] == "measured"
    assert 60_000 * 100 < read["bytes_saved"] < 60_000 * 200


def test_mem005_reports_collector_time(tmp_path: Path) -> None:
    target = tmp_path / "trees.py"
    source = (Path(__file__).parents[1] / "benchmarks" / "runtime" / "mem005_before.py").read_text(
        encoding="utf-8"
    )
    target.write_text(source, encoding="utf-8")
    done, report = json_report(tmp_path, "--", "trees.py", "1500")
    assert done.returncode == 0, done.stderr
    cycle = finding(report, "MEM005")["estimate"]
    assert cycle["method"] == "measured"
    assert cycle["gc_collections"] > 0
    assert 0 < cycle["gc_collections_saved"] <= cycle["gc_collections"]
    assert 0 <= cycle["gc_seconds_saved"] <= cycle["gc_seconds"]
    assert cycle["instances_freed_by_gc"] > 0
    assert "collector" in cycle["note"]
    gc_report = report["runtime"]["gc"]
    assert sum(gc_report["collections"]) == cycle["gc_collections"]


def test_json_report_has_the_runtime_object(tmp_path: Path) -> None:
    copy_target(tmp_path, "hot_slots.py")
    done, report = json_report(tmp_path, "--", "hot_slots.py", "5000")
    assert done.returncode == 0
    assert done.stdout == "5000\n"
    runtime = report["runtime"]
    assert set(runtime) >= {
        "target",
        "python",
        "observed",
        "exit",
        "duration_seconds",
        "peak_bytes",
        "peak_time_seconds",
        "top_lines_at_peak",
        "savings_by_rule",
        "gc",
        "subprocesses",
        "notes",
    }
    assert runtime["python"].startswith(f"{VERSION[0]}.{VERSION[1]}.")
    assert runtime["subprocesses"] == {"started": 0, "traced": False}
    assert runtime["top_lines_at_peak"][0]["path"] == "hot_slots.py"
    assert report["summary"]["findings"] == len(report["findings"])


def test_sarif_and_github_formats_carry_the_run(tmp_path: Path) -> None:
    copy_target(tmp_path, "hot_slots.py")
    sarif = tmp_path / "out.sarif"
    done = memlint_run(
        "--output-format", "sarif", "-o", str(sarif), "--", "hot_slots.py", "5000", cwd=tmp_path
    )
    assert done.returncode == 0
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert log["runs"][0]["properties"]["memlint-runtime"]["observed"] is True
    assert log["runs"][0]["results"][0]["properties"]["estimate"]["method"] == "measured"
    done = memlint_run("--output-format", "github", "--", "hot_slots.py", "5000", cwd=tmp_path)
    assert "::notice title=memlint run::" in done.stderr


def test_subprocesses_are_not_traced_and_the_report_says_so(tmp_path: Path) -> None:
    copy_target(tmp_path, "spawner.py")
    done, report = json_report(tmp_path, "--", "spawner.py")
    assert done.returncode == 0
    assert done.stdout == "child says hi\nchild exited with 0\n"
    assert report["runtime"]["subprocesses"] == {"started": 1, "traced": False}
    assert any("were not traced" in note for note in report["runtime"]["notes"])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork")
def test_a_process_the_target_forks_is_neither_traced_nor_reporting(tmp_path: Path) -> None:
    copy_target(tmp_path, "exits.py")
    done, report = json_report(tmp_path, "--", "exits.py", "fork")
    assert done.returncode == 0, done.stderr
    assert "in the forked child\n" in done.stdout
    assert "forked child exited with 5\n" in done.stdout
    # The report is the parent's: its status, one child process not traced.
    assert report["runtime"]["exit"]["status"] == 0
    assert report["runtime"]["subprocesses"] == {"started": 1, "traced": False}


def test_report_to_a_file_and_to_stdout(tmp_path: Path) -> None:
    copy_target(tmp_path, "hot_slots.py")
    done = memlint_run(
        "-o", "-", "--output-format", "concise", "--", "hot_slots.py", "100", cwd=tmp_path
    )
    assert done.returncode == 0
    assert done.stdout.startswith("100\n")
    assert "memlint run:" in done.stdout
    out = tmp_path / "report.txt"
    done = memlint_run("-o", str(out), "--", "hot_slots.py", "100", cwd=tmp_path)
    assert done.stdout == "100\n"
    assert "memlint run:" in out.read_text(encoding="utf-8")


# -- another interpreter and the bootstrap ---------------------------------------------


def pyenv_python(minor: str) -> Optional[str]:
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for candidate in sorted(root.glob(f"{minor}.*"), reverse=True):
        python = candidate / "bin" / "python3"
        if python.is_file():
            return str(python)
    return None


@pytest.mark.parametrize("minor", ["3.8", "3.12", "3.13"])
def test_python_option_runs_the_target_under_another_interpreter(
    tmp_path: Path, minor: str
) -> None:
    python = pyenv_python(minor)
    if python is None:
        pytest.skip(f"no CPython {minor} installed through pyenv")
    copy_target(tmp_path, "hot_slots.py")
    done, report = json_report(tmp_path, "--python", python, "--", "hot_slots.py", "20000")
    assert done.returncode == 0, done.stderr
    assert report["runtime"]["python"].startswith(minor + ".")
    estimate = finding(report, "MEM004")["estimate"]
    assert estimate["python"] == minor
    assert estimate["count"] == 20_000
    version = tuple(int(p) for p in minor.split("."))
    assert estimate["bytes_saved"] == slots_saving(3, (version[0], version[1]))


def test_bootstrap_imports_only_the_standard_library() -> None:
    tree = ast.parse(BOOTSTRAP.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module.split(".")[0])
    stdlib = set(getattr(sys, "stdlib_module_names", ())) | {"__future__", "_tracemalloc"}
    if stdlib == {"__future__", "_tracemalloc"}:
        pytest.skip("sys.stdlib_module_names needs Python 3.10")
    assert modules <= stdlib, modules - stdlib


# -- pieces ----------------------------------------------------------------------------


def test_target_parsing() -> None:
    assert Target.parse(["app.py", "-v"]) == Target("path", "app.py", ("-v",))
    assert Target.parse(["-m", "pytest", "tests/"]) == Target("module", "pytest", ("tests/",))
    assert Target.parse(["-mpytest"]) == Target("module", "pytest", ())
    assert Target.parse(["-m", "pkg.tool", "a"]).display() == "-m pkg.tool a"
    for bad in ([], ["-m"], ["-c", "pass"]):
        with pytest.raises(ValueError):
            Target.parse(bad)


def test_child_status() -> None:
    assert ChildStatus(3).exit_status == 3
    assert ChildStatus(-2).exit_status == 130
    assert ChildStatus(-2).describe() == "killed by SIGINT (status 130)"
    assert ChildStatus(0).describe() == "exited with status 0"


def peaks_of(seg: list[float], cur: list[float]) -> _Peaks:
    observed = Observations.read(
        {
            "python": [3, 11, 0],
            "peak": max(seg),
            "timeline": {"t": [float(i) for i in range(len(seg))], "seg": seg, "cur": cur},
        }
    )
    return _Peaks.of(observed)


def test_counterfactual_peak_moves_to_the_next_highest_moment() -> None:
    # A build-up to 100 (of which 60 is the finding's), then another phase at 70.
    seg = [10.0, 50.0, 100.0, 70.0, 70.0]
    cur = [10.0, 50.0, 100.0, 70.0, 20.0]
    attributable = [0.0, 30.0, 60.0, 0.0, 0.0]
    peaks = peaks_of(seg, cur)
    assert peaks.peak == 100.0
    assert peaks.without(attributable) == 70.0  # the second phase is now the peak
    assert peaks.saving(attributable) == 30.0
    # A segment whose peak came before its end (memory rose, then fell back): the
    # state at its start, carried up the rise at the rate of the segment before.
    seg = [10.0, 50.0, 100.0]
    cur = [10.0, 50.0, 0.0]
    counts = [0.0, 400.0, 0.0]  # 10 instances per byte of growth
    peaks = peaks_of(seg, cur)
    assert peaks.at_peak(counts) == 900.0
    assert peaks.without([0.0, 40.0, 0.0]) == 10.0  # 40 + 50 * (40 / 40) removed from 100


def test_nonnegative_fit_recovers_rates() -> None:
    rows = [[1.0, 0.0, 0.0], [2.0, 5.0, 0.0], [1.0, 1.0, 9.0], [3.0, 2.0, 1.0]]
    rates = [4.0, 2.0, 0.5]
    values = [sum(r * x for r, x in zip(row, rates)) for row in rows]
    assert _nonnegative_fit(rows, values) == pytest.approx(rates)
    # A negative rate is not garbage piling up: it is clamped to zero.
    values = [sum(r * x for r, x in zip(row, [4.0, -1.0, 0.0])) for row in rows]
    assert min(_nonnegative_fit(rows, values)) >= 0.0
