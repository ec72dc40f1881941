"""Smoke tests of the speed benchmark (benchmarks/bench.py) on a tiny corpus.

They check that the script runs, prints its table with the expected rows and
ratio columns, and copes with missing peers and failing tools. Nothing here
looks at how fast anything was.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"
HEADER = (
    "| tool | processes | wall s | files/s | peak RSS MB "
    "| ratio to LibCST parse-only (same N) | CPU s |"
)
RATIO = re.compile(r"^\d+\.\d\d×$")


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("memlint_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(
        tmp_path_factory.mktemp("corpus"),
        {
            "pkg/__init__.py": "",
            "pkg/cache.py": """\
                import functools


                @functools.lru_cache(maxsize=None)
                def parse(text):
                    return text.split()
            """,
            "pkg/lines.py": """\
                def count(path):
                    with open(path) as handle:
                        return len(handle.readlines())
            """,
            "top.py": "VALUE = 1\n",
            # memlint exits 2 on it: a benchmark run, not a failure.
            "broken.py": "def (:\n",
        },
    )


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def table_rows(output: str, header: str = HEADER) -> list[list[str]]:
    lines = output.splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


# -- the corpus --------------------------------------------------------------------------


def test_stdlib_corpus_leaves_out_tests_caches_and_installed_code(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "os.py": "",
            "json/__init__.py": "",
            "json/decoder.py": "",
            "venv/__init__.py": "",  # the stdlib's own venv package stays
            "test/test_os.py": "",
            "unittest/test/test_case.py": "",
            "lib2to3/tests/data/bad.py": "",
            "idlelib/idle_test/test_run.py": "",
            "site-packages/thirdparty.py": "",
            "__pycache__/os.py": "",
            ".hidden/mod.py": "",
            "json/README.txt": "",
        },
    )
    assert bench.find_python_files(tmp_path, bench.STDLIB_SKIP) == [
        "json/__init__.py",
        "json/decoder.py",
        "os.py",
        "venv/__init__.py",
    ]


def test_directory_corpus_leaves_out_virtualenvs(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "", "env/pyvenv.cfg": "", "env/lib/mod.py": "", "tests/t.py": ""})
    assert bench.find_python_files(tmp_path, bench.DIRECTORY_SKIP) == ["app.py", "tests/t.py"]


def test_scaling_subsets_are_nested_and_all_hold_the_largest_file() -> None:
    files = tuple(f"m{i:02}.py" for i in range(10))
    sizes = (10, 10, 10, 10, 10, 10, 10, 99, 10, 10)
    corpus = bench.Corpus(Path("."), "test", files, sizes)
    quarter, half = corpus.subset(25), corpus.subset(50)
    assert quarter == ("m00.py", "m04.py", "m07.py", "m08.py")
    assert half == ("m00.py", "m02.py", "m04.py", "m06.py", "m07.py", "m08.py")
    assert set(quarter) <= set(half)
    assert corpus.subset(100) == files


# -- peak memory -------------------------------------------------------------------------

#: A parent holding 32 MB that starts a child holding 48 MB; both wait on stdin,
#: so the test samples while they are alive without sleeping.
_TREE = """
import subprocess, sys
child = subprocess.Popen(
    [sys.executable, "-c",
     "import sys; b = b'x' * (48 << 20); print('ready', flush=True); sys.stdin.readline()"],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
child.stdout.readline()
mine = b"y" * (32 << 20)
print("ready", flush=True)
sys.stdin.readline()
child.communicate("")
"""


@pytest.mark.skipif(not bench.HAVE_PROC, reason="needs /proc")
def test_tree_sampler_sums_the_whole_process_tree() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _TREE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        sampler = bench.TreeSampler(proc.pid)
        sampler.sample()
        assert len(sampler.tree()) == 2
        assert sampler.peak_single >= 48 << 20
        assert sampler.peak_total >= (48 + 32) << 20
    finally:
        proc.communicate("")
    assert proc.returncode == 0


# -- whole runs --------------------------------------------------------------------------


def test_runs_with_every_peer_missing(corpus: Path, tmp_path: Path) -> None:
    no_peers = tmp_path / "no-peers"
    no_peers.mkdir()
    result = run_bench(
        "--corpus", str(corpus), "--jobs", "2", "--repeat", "1", "--peers-venv", str(no_peers)
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    rows = table_rows(out)
    assert [(row[0], row[1]) for row in rows] == [
        ("LibCST parse-only", "1"),
        ("LibCST parse-only", "2"),
        ("memlint check, cold (--no-cache)", "1"),
        ("memlint check, cold (--no-cache)", "2"),
        ("memlint check, filling a fresh cache", "2"),
        ("memlint check, warm (cache)", "2"),
    ]
    for row in rows:
        assert len(row) == 7
        assert RATIO.match(row[5]), row
        assert float(row[2]) > 0 and float(row[3]) > 0 and float(row[4]) > 0
    assert [row[5] for row in rows[:2]] == ["1.00×", "1.00×"]
    for peer in ("pylint", "fixit", "flake8", "ruff"):
        assert f"- {peer}: skipped (not found in {no_peers})." in out
    assert "5 files" in out
    assert "parsed 4 files, 1 failed" in out  # LibCST really parsed the copy
    assert "1 file could not be analysed" in out  # memlint's exit 2 is not a failure
    assert "## Targets" in out
    assert "memlint warm ÷ cold:" in out
    assert "pylint" not in "".join(row[0] for row in rows)


def test_only_memlint_with_rss_scaling(corpus: Path) -> None:
    result = run_bench("--corpus", str(corpus), "--jobs", "1", "--only", "memlint", "--rss-scaling")
    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout)
    assert [row[0] for row in rows] == [
        "memlint check, cold (--no-cache)",
        "memlint check, filling a fresh cache",
        "memlint check, warm (cache)",
    ]
    assert all(row[5] == "n/a" for row in rows)  # no LibCST floor was measured
    scaling = table_rows(
        result.stdout,
        "| corpus share | files | source MB | processes | wall s | peak RSS MB "
        "| largest process MB |",
    )
    # every 4th / 2nd file plus the largest (pkg/cache.py)
    assert [(row[0], row[1]) for row in scaling] == [("25%", "3"), ("50%", "3"), ("100%", "5")]
    assert all(float(row[5]) > 0 for row in scaling)


def test_a_crashing_tool_is_reported_and_the_rest_still_runs(corpus: Path) -> None:
    crash = f"{sys.executable} -c 'import sys; sys.exit(3)'"
    result = run_bench(
        "--corpus", str(corpus), "--jobs", "1", "--only", "libcst,memlint", "--memlint", crash
    )
    assert result.returncode == 1
    rows = table_rows(result.stdout)
    assert rows[0][0] == "LibCST parse-only" and rows[0][5] == "1.00×"
    memlint_rows = [row for row in rows if row[0].startswith("memlint")]
    assert memlint_rows
    assert all(row[2] == "failed (warm-up exit 3)" for row in memlint_rows)
    assert "FAILED: warm-up exit 3" in result.stdout


def test_unknown_tool_is_a_usage_error(corpus: Path) -> None:
    result = run_bench("--corpus", str(corpus), "--only", "memlint,mypy")
    assert result.returncode == 2
    assert "--only" in result.stderr
