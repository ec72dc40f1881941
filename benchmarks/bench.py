#!/usr/bin/env python3
"""memlint's speed benchmark: memlint against LibCST's parse floor and against peers.

Every tool runs as a subprocess (so each pays its own interpreter start-up) over
one copy of the same corpus, and every row is also shown as a ratio to LibCST
parse-only on the same number of processes. See ``benchmarks/README.md``.

    python benchmarks/bench.py --jobs 2 --repeat 3 --peers-venv /tmp/bench-peers

Only the standard library is needed to drive the benchmark; LibCST must be
importable by the running interpreter (it is the floor being measured).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

T = TypeVar("T")

TOOLS = ("libcst", "memlint", "pylint", "fixit", "flake8", "ruff")
PEERS = ("pylint", "fixit", "flake8", "ruff")
#: Left out of the stdlib corpus: tests are not library code, site-packages is not stdlib.
STDLIB_SKIP = frozenset({"test", "tests", "idle_test", "site-packages", "__pycache__"})
#: Left out of a corpus given with --corpus (hidden directories and virtualenvs too).
DIRECTORY_SKIP = frozenset({"__pycache__", "site-packages", "node_modules"})
DEFAULT_FIXIT_RULE = "fixit.rules:NoRedundantLambda"
#: Warm-up runs see every (100 / WARMUP_SHARE)-th file of the corpus.
WARMUP_SHARE = 5
PYLINT_CHECKS = "W0102,W1518"
RUFF_RULES = "B006,B019,FURB129"
SAMPLE_INTERVAL = 0.02
#: LibCST recurses a few frames per tree level and some stdlib files nest
#: thousands deep (pydoc_data/topics.py); memlint's runner parses the same way.
_STACK_SIZE = 512 * 1024 * 1024
_RECURSION_LIMIT = 100_000
_PARSE_CHUNKSIZE = 4
_TRACEBACK = "Traceback (most recent call last)"
#: What memlint's entry point prints when the whole run died (per-file failures
#: are ordinary "error:" lines and exit 2).
_MEMLINT_CRASH = "set MEMLINT_DEBUG=1"
_RATIO_HEADER = "ratio to LibCST parse-only (same N)"
TABLE_HEADER = (
    "tool",
    "processes",
    "wall s",
    "files/s",
    "peak RSS MB",
    _RATIO_HEADER,
    "CPU s",
)


# -- the corpus -----------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    root: Path
    description: str
    files: tuple[str, ...]
    sizes: tuple[int, ...]

    @property
    def size(self) -> int:
        return sum(self.sizes)

    def subset(self, share: int) -> tuple[str, ...]:
        """Every (100/share)-th file, plus the largest one: nested 25% < 50% < 100%.

        The largest file decides the peak of a process that parses it, so every
        subset holds it: what changes between subsets is only how many files there are.
        """
        chosen = set(self.files[:: 100 // share])
        if self.files:
            largest = max(range(len(self.files)), key=self.sizes.__getitem__)
            chosen.add(self.files[largest])
        return tuple(name for name in self.files if name in chosen)


def stdlib_root() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def find_python_files(root: Path, skip: Iterable[str]) -> list[str]:
    """Relative POSIX paths of the ``.py`` files under ``root``, sorted."""
    skipped = frozenset(skip)
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            name
            for name in dirnames
            if name not in skipped
            and not name.startswith(".")
            and not (here / name / "pyvenv.cfg").exists()
        )
        for name in filenames:
            path = here / name
            if name.endswith(".py") and path.is_file():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def load_corpus(directory: Optional[str]) -> Corpus:
    if directory is None:
        root = stdlib_root()
        description = (
            f"stdlib of the running Python ({root}; without test/, tests/, idle_test/, "
            "site-packages/)"
        )
        files = find_python_files(root, STDLIB_SKIP)
    else:
        root = Path(directory).resolve()
        description = f"{root} (without hidden directories, virtualenvs, site-packages/)"
        files = find_python_files(root, DIRECTORY_SKIP)
    sizes = tuple((root / name).stat().st_size for name in files)
    return Corpus(root, description, tuple(files), sizes)


def copy_files(source: Path, files: Iterable[str], destination: Path) -> None:
    for name in files:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, target)


# -- peak memory of a process tree ----------------------------------------------------

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
HAVE_PROC = os.path.exists("/proc/self/statm") and os.path.exists("/proc/self/stat")


def _read_rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def _read_parent(pid: int) -> Optional[int]:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read()
        # The command name may contain spaces and parentheses; fields resume after the last ")".
        return int(text.rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


class TreeSampler:
    """The peak of the summed resident memory of a process and all its descendants.

    ``/proc/<pid>/task/*/children`` is missing on some kernels, so the tree is
    rebuilt from each process's parent id; a process's parent is read once, when
    it first appears, to keep each sample cheap on a busy machine.
    """

    def __init__(self, root: int, interval: float = SAMPLE_INTERVAL) -> None:
        self.root = root
        self.interval = interval
        self.peak_total = 0
        self.peak_single = 0
        self.samples = 0
        self._parents: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.sample()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        total = 0
        for pid in self.tree():
            rss = _read_rss(pid)
            total += rss
            self.peak_single = max(self.peak_single, rss)
        self.peak_total = max(self.peak_total, total)
        self.samples += 1

    def tree(self) -> list[int]:
        try:
            alive = {int(entry) for entry in os.listdir("/proc") if entry.isdigit()}
        except OSError:
            return [self.root]
        for pid in [pid for pid in self._parents if pid not in alive]:
            del self._parents[pid]
        for pid in alive.difference(self._parents):
            parent = _read_parent(pid)
            if parent is not None:
                self._parents[pid] = parent
        children: dict[int, list[int]] = {}
        for pid, parent in self._parents.items():
            children.setdefault(parent, []).append(pid)
        found: list[int] = []
        pending = [self.root]
        while pending:
            pid = pending.pop()
            found.append(pid)
            pending.extend(children.get(pid, ()))
        return found


def rss_method() -> str:
    if HAVE_PROC:
        return (
            f"sum of resident memory over the process tree, sampled every "
            f"{SAMPLE_INTERVAL * 1000:.0f} ms from /proc"
        )
    return "largest single process of the tree (ru_maxrss; /proc is not available)"


# -- running one measurement ----------------------------------------------------------


@dataclass
class Sample:
    wall: float
    returncode: int
    cpu: Optional[float] = None
    rss: Optional[int] = None
    largest: Optional[int] = None
    stdout: str = ""
    stderr: str = ""


def measure(
    argv: Sequence[str],
    *,
    cwd: Path,
    log: Path,
    env: Optional[dict[str, str]] = None,
) -> Sample:
    """Run ``argv`` to completion; wall time, CPU time and peak RSS of its tree."""
    out_path, err_path = log.with_suffix(".out"), log.with_suffix(".err")
    usage = None
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        sampler = TreeSampler(proc.pid) if HAVE_PROC else None
        try:
            if sampler is not None:
                sampler.start()
            if hasattr(os, "wait4"):
                # wait4 also gives the CPU time and ru_maxrss of the child and
                # every descendant it waited for, which Popen.wait does not.
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
            else:
                proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            wall = time.perf_counter() - start
            if sampler is not None:
                sampler.stop()
    sample = Sample(wall, proc.returncode)
    sample.stdout = out_path.read_text("utf-8", "replace")
    sample.stderr = err_path.read_text("utf-8", "replace")
    if usage is not None:
        sample.cpu = usage.ru_utime + usage.ru_stime
        # ru_maxrss is kilobytes on Linux, bytes on macOS.
        sample.largest = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        sample.rss = sample.largest
    if sampler is not None and sampler.peak_total:
        sample.rss = sampler.peak_total
        sample.largest = max(sampler.peak_single, sample.largest or 0)
    return sample


# -- what to run ----------------------------------------------------------------------


@dataclass
class Job:
    key: str
    tool: str
    label: str
    processes: int
    argv: list[str]
    files: int
    processes_text: str = ""
    env: Optional[dict[str, str]] = None
    ok_codes: frozenset[int] = frozenset({0})
    crash_markers: tuple[str, ...] = ()
    prepare: Optional[Callable[[], None]] = None
    describe: Optional[Callable[[Sample], str]] = None
    warmup_argv: Optional[list[str]] = None
    samples: list[Sample] = field(default_factory=list)
    failure: Optional[str] = None

    def warm_up(self, cwd: Path, logs: Path, env: dict[str, str]) -> None:
        """One unmeasured run on a few files: bytecode compiled, files in the page cache."""
        if self.warmup_argv is None:
            return
        sample = measure(
            self.warmup_argv, cwd=cwd, env={**env, **(self.env or {})}, log=logs / f"{self.key}-0"
        )
        self._check(sample, "warm-up ")

    def run(self, cwd: Path, logs: Path, repetition: int, env: dict[str, str]) -> None:
        if self.failure is not None:
            return
        if self.prepare is not None:
            self.prepare()
        sample = measure(
            self.argv,
            cwd=cwd,
            env={**env, **(self.env or {})},
            log=logs / f"{self.key}-{repetition}",
        )
        self.samples.append(sample)
        self._check(sample)

    def _check(self, sample: Sample, when: str = "") -> None:
        problem = self._problem(sample)
        if problem is not None:
            tail = sample.stderr.strip().splitlines()[-5:]
            self.failure = when + problem + (": " + " / ".join(tail) if tail else "")

    def _problem(self, sample: Sample) -> Optional[str]:
        if sample.returncode < 0:
            return f"killed by signal {-sample.returncode}"
        if sample.returncode not in self.ok_codes:
            return f"exit {sample.returncode}"
        for marker in self.crash_markers:
            if marker in sample.stderr:
                return f"crashed (exit {sample.returncode})"
        return None

    def median(self, pick: Callable[[Sample], Optional[T]]) -> Optional[float]:
        values = [pick(s) for s in self.samples]
        present = [float(v) for v in values if isinstance(v, (int, float))]
        return statistics.median(present) if present else None

    @property
    def wall(self) -> Optional[float]:
        return self.median(lambda s: s.wall) if self.failure is None else None

    def note(self) -> str:
        if not self.samples:
            return "not measured"
        last = self.samples[-1]
        codes = sorted({s.returncode for s in self.samples})
        text = f"exit {', '.join(map(str, codes))}"
        if self.describe is not None:
            extra = self.describe(last)
            if extra:
                text += f"; {extra}"
        if self.failure is None and _TRACEBACK in last.stderr:
            text += "; its stderr holds a traceback (see the logs with --keep)"
        return text


def _lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def describe_parse(sample: Sample) -> str:
    try:
        counts = json.loads(sample.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return ""
    return f"parsed {_count(counts['parsed'], 'file')}, {counts['failed']} failed"


def describe_memlint(sample: Sample) -> str:
    unreadable = sum(1 for line in sample.stderr.splitlines() if line.startswith("error"))
    text = _count(_lines(sample.stdout), "output line")
    if unreadable:
        text += f", {_count(unreadable, 'file')} could not be analysed"
    return text


def describe_output(sample: Sample) -> str:
    return _count(_lines(sample.stdout), "output line")


def describe_fixit(sample: Sample) -> str:
    match = re.search(r"(\d+) files? (?:checked|clean)", sample.stderr)
    seen = f", {match.group(1)} files checked" if match else ""
    return _count(_lines(sample.stdout), "output line") + seen


# -- finding peers --------------------------------------------------------------------


def find_tool(name: str, peers_venv: Optional[Path]) -> tuple[Optional[str], str]:
    """The tool's executable, and where it was looked for (for the skip note)."""
    if peers_venv is not None:
        for candidate in (peers_venv / "bin" / name, peers_venv / "Scripts" / f"{name}.exe"):
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate), str(peers_venv)
        return None, str(peers_venv)
    local = Path.cwd() / ".bench-peers" / "bin" / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local), "./.bench-peers"
    found = shutil.which(name)
    return found, "PATH or ./.bench-peers"


def tool_version(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(
            [*argv, "--version"],
            capture_output=True,
            text=True,
            errors="replace",
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except OSError:
        return "unknown"
    text = " ".join((done.stdout or done.stderr).split())
    return text if done.returncode == 0 and text else "unknown"


def interpreter_of(script: str) -> str:
    """The Python a console script runs under (its shebang), for Fixit's config check."""
    try:
        with open(script, "rb") as handle:
            first = handle.readline().decode("utf-8", "replace").strip()
    except OSError:
        first = ""
    if first.startswith("#!") and "python" in first:
        return shlex.split(first[2:])[0]
    return str(Path(script).with_name("python"))


_FIXIT_RULES_SNIPPET = """
import json, sys
from pathlib import Path
from fixit.config import collect_rules, generate_config
from fixit.ftypes import Options
names = {}
for config in sys.argv[2:]:
    options = Options(config_file=Path(config))
    rules = collect_rules(generate_config(Path(sys.argv[1]), options=options))
    names[config] = sorted(type(rule).__name__ for rule in rules)
print(json.dumps(names))
"""


def fixit_rules(fixit: str, sample_file: Path, configs: Sequence[Path]) -> dict[str, list[str]]:
    """The rules Fixit really enables for each config (empty when it cannot tell)."""
    try:
        done = subprocess.run(
            [
                interpreter_of(fixit),
                "-c",
                _FIXIT_RULES_SNIPPET,
                str(sample_file),
                *map(str, configs),
            ],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        found: dict[str, list[str]] = json.loads(done.stdout)
        return found
    except (OSError, ValueError):
        return {}


def default_pool_size() -> int:
    """What ``ProcessPoolExecutor()`` picks: Fixit's process count (via trailrunner)."""
    count: Callable[[], Optional[int]] = getattr(os, "process_cpu_count", os.cpu_count)
    return count() or 1


# -- the LibCST parse-only worker (this script, re-run as a subprocess) ---------------


def _in_big_stack(function: Callable[[], T]) -> T:
    box: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            box.append(function())
        except BaseException as exc:  # re-raised in the calling thread
            failure.append(exc)

    threading.stack_size(_STACK_SIZE)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), _RECURSION_LIMIT))
    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return box[0]


def _parse_file(path: str) -> bool:
    import libcst

    with open(path, "rb") as handle:
        data = handle.read()
    try:
        libcst.parse_module(data)
    except Exception:  # a file LibCST cannot parse still counts, as a failure
        return False
    return True


def _parse_file_big_stack(path: str) -> bool:
    return _in_big_stack(lambda: _parse_file(path))


def parse_worker(list_file: str, jobs: int) -> int:
    # Imported before the pool forks, as memlint's workers inherit it too.
    import libcst  # noqa: F401

    paths = Path(list_file).read_text("utf-8").splitlines()
    if jobs <= 1:
        results = _in_big_stack(lambda: [_parse_file(path) for path in paths])
    else:
        import multiprocessing

        with multiprocessing.Pool(jobs) as pool:
            results = list(
                pool.imap_unordered(_parse_file_big_stack, paths, chunksize=_PARSE_CHUNKSIZE)
            )
    parsed = sum(results)
    print(json.dumps({"parsed": parsed, "failed": len(results) - parsed}))
    return 0


# -- building the run -----------------------------------------------------------------


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    scaling: list[tuple[int, int, int, Job]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    peers: list[str] = field(default_factory=list)


def _memlint_check(memlint: Sequence[str], target: Path, jobs: int, *extra: str) -> list[str]:
    # --exclude replaces memlint's default excludes, which would drop corpus
    # files (the stdlib has a `venv` package): every tool sees the same files.
    return [
        *memlint,
        "check",
        str(target),
        *extra,
        "--jobs",
        str(jobs),
        "--output-format",
        "concise",
        "--exit-zero",
        "--exclude",
        ".memlint_cache",
    ]


@dataclass
class Setup:
    """What every tool's jobs are built from."""

    args: argparse.Namespace
    corpus: Corpus
    work: Path
    plan: Plan
    peers_venv: Optional[Path]

    @property
    def n(self) -> int:
        jobs: int = self.args.jobs
        return jobs

    @property
    def copy(self) -> Path:
        return self.work / "corpus"

    @property
    def count(self) -> int:
        return len(self.corpus.files)

    def find(self, name: str) -> Optional[str]:
        """The peer's executable, or None after noting that it is skipped."""
        path, where = find_tool(name, self.peers_venv)
        if path is None:
            self.plan.notes.append(f"{name}: skipped (not found in {where}).")
        return path


def plan_jobs(
    args: argparse.Namespace, corpus: Corpus, work: Path, selected: frozenset[str]
) -> Plan:
    """Every measurement, in the order they run: floors, memlint, then peers."""
    plan = Plan()
    peers_venv = Path(args.peers_venv).resolve() if args.peers_venv else None
    setup = Setup(args, corpus, work, plan, peers_venv)
    builders: dict[str, Callable[[Setup], list[Job]]] = {
        "pylint": _pylint_jobs,
        "fixit": _fixit_jobs,
        "flake8": _flake8_jobs,
        "ruff": _ruff_jobs,
    }
    peer_jobs = [job for name in PEERS if name in selected for job in builders[name](setup)]
    if "libcst" in selected:
        # Fixit picks its own process count: it gets a same-N floor too.
        counts = {1, setup.n, *(job.processes for job in peer_jobs)}
        plan.jobs.extend(_libcst_jobs(setup, sorted(counts)))
    if "memlint" in selected:
        plan.jobs.extend(_memlint_jobs(setup))
    plan.jobs.extend(peer_jobs)
    _add_warmups(setup)
    return plan


def _add_warmups(setup: Setup) -> None:
    """Point each job's warm-up run at a small copy (every 20th file) of the corpus."""
    files = setup.corpus.subset(WARMUP_SHARE)
    target = setup.work / "warmup"
    copy_files(setup.corpus.root, files, target)
    swap = {str(setup.copy): str(target)}
    list_file = setup.work / "files.txt"
    if list_file.exists():
        warm_list = setup.work / "warmup-files.txt"
        warm_list.write_text("".join(f"{target / name}\n" for name in files), "utf-8")
        swap[str(list_file)] = str(warm_list)
    for job in setup.plan.jobs:
        job.warmup_argv = [swap.get(arg, arg) for arg in job.argv]


def child_environment(work: Path) -> dict[str, str]:
    """The environment every tool runs in.

    Each Python tool gets its bytecode cached, as a default install has it, but
    in a private directory (PYTHONPYCACHEPREFIX) that the warm-up runs fill: an
    environment with PYTHONDONTWRITEBYTECODE would otherwise make a tool
    installed from source (memlint, editable) recompile itself on every run
    while the peers' wheels came with bytecode.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def _libcst_jobs(setup: Setup, counts: Sequence[int]) -> list[Job]:
    list_file = setup.work / "files.txt"
    list_file.write_text("".join(f"{setup.copy / name}\n" for name in setup.corpus.files), "utf-8")
    script = str(Path(__file__).resolve())
    return [
        Job(
            key=f"libcst-{procs}",
            tool="libcst",
            label="LibCST parse-only",
            processes=procs,
            argv=[sys.executable, script, "--parse-worker", str(list_file), "--jobs", str(procs)],
            files=setup.count,
            describe=describe_parse,
        )
        for procs in counts
    ]


def _memlint_job(setup: Setup, key: str, label: str, argv: list[str], **extra: Any) -> Job:
    extra.setdefault("processes", setup.n)
    extra.setdefault("files", setup.count)
    return Job(
        key=key,
        tool="memlint",
        label=label,
        argv=argv,
        # 1: findings, 2: some file could not be analysed; neither is a failed run.
        ok_codes=frozenset({0, 1, 2}),
        crash_markers=(_TRACEBACK, _MEMLINT_CRASH),
        describe=describe_memlint,
        **extra,
    )


def _memlint_jobs(setup: Setup) -> list[Job]:
    args, n, copy = setup.args, setup.n, setup.copy
    memlint = shlex.split(args.memlint) if args.memlint else [sys.executable, "-m", "memlint"]
    jobs = [
        _memlint_job(
            setup,
            f"memlint-cold-{procs}",
            "memlint check, cold (--no-cache)",
            _memlint_check(memlint, copy, procs, "--no-cache"),
            processes=procs,
        )
        for procs in sorted({1, n})
    ]
    cache_dir = setup.work / "memlint-cache"

    def fresh_cache() -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)

    cached = _memlint_check(memlint, copy, n, "--cache-dir", str(cache_dir))
    jobs.append(
        _memlint_job(
            setup,
            "memlint-fill",
            "memlint check, filling a fresh cache",
            cached,
            prepare=fresh_cache,
        )
    )
    jobs.append(_memlint_job(setup, "memlint-warm", "memlint check, warm (cache)", cached))
    if args.rss_scaling:
        corpus = setup.corpus
        for share in (25, 50, 100):
            files = corpus.subset(share)
            target = copy
            if share != 100:
                target = setup.work / f"corpus-{share}"
                copy_files(corpus.root, files, target)
            size = sum((corpus.root / name).stat().st_size for name in files)
            job = _memlint_job(
                setup,
                f"memlint-scaling-{share}",
                f"memlint check, cold, {share}% of the corpus",
                _memlint_check(memlint, target, n, "--no-cache"),
                files=len(files),
            )
            setup.plan.scaling.append((share, len(files), size, job))
    return jobs


def _pylint_jobs(setup: Setup) -> list[Job]:
    pylint = setup.find("pylint")
    if pylint is None:
        return []
    setup.plan.peers.append(tool_version([pylint]).split(" astroid")[0])
    argv = [
        pylint,
        "--disable=all",
        f"--enable={PYLINT_CHECKS}",
        "-j",
        str(setup.n),
        "--score=n",
        "--persistent=n",
        "--recursive=y",
        str(setup.copy),
    ]
    job = Job(
        key="pylint",
        tool="pylint",
        label=f"pylint ({PYLINT_CHECKS} only)",
        processes=setup.n,
        argv=argv,
        files=setup.count,
        # pylint's exit status is a bit mask of message categories; 32 is a usage error.
        ok_codes=frozenset(range(32)),
        describe=describe_output,
    )
    return [job]


def _flake8_jobs(setup: Setup) -> list[Job]:
    flake8 = setup.find("flake8")
    if flake8 is None:
        return []
    version = tool_version([flake8])
    if "flake8-bugbear" not in version:
        setup.plan.notes.append(f"flake8: skipped (flake8-bugbear is not installed with {flake8}).")
        return []
    bugbear = re.search(r"flake8-bugbear: ([\w.]+)", version)
    bugbear_version = bugbear.group(1) if bugbear else "?"
    setup.plan.peers.append(f"flake8 {version.split()[0]} + flake8-bugbear {bugbear_version}")
    setup.plan.notes.append(
        "flake8 runs every installed plugin (pycodestyle, pyflakes, ...) and only then "
        "filters by --select: that is its real cost for B rules alone."
    )
    argv = [flake8, "--isolated", "--select", "B", "-j", str(setup.n), str(setup.copy)]
    job = Job(
        key="flake8",
        tool="flake8",
        label="flake8 + bugbear (--select B)",
        processes=setup.n,
        argv=argv,
        files=setup.count,
        ok_codes=frozenset({0, 1}),
        describe=describe_output,
    )
    return [job]


def _ruff_jobs(setup: Setup) -> list[Job]:
    ruff = setup.find("ruff")
    if ruff is None:
        return []
    setup.plan.peers.append(tool_version([ruff]))
    # --exclude replaces ruff's default excludes, which name `venv` (a stdlib package).
    argv = [
        ruff,
        "check",
        "--no-cache",
        "--isolated",
        "--select",
        RUFF_RULES,
        "--preview",
        "--exit-zero",
        "--output-format",
        "concise",
        "--exclude",
        ".ruff_cache",
        str(setup.copy),
    ]
    seen = _ruff_file_count(argv, setup.work)
    if seen is not None and seen != setup.count:
        setup.plan.notes.append(
            f"ruff: WARNING: it checks {seen} files, the corpus has {setup.count}."
        )
    setup.plan.notes.append(
        f"ruff is multithreaded: RAYON_NUM_THREADS={setup.n} caps it at N threads."
    )
    job = Job(
        key="ruff",
        tool="ruff",
        label=f"ruff ({RUFF_RULES})",
        processes=setup.n,
        processes_text=f"{setup.n} threads",
        argv=argv,
        env={"RAYON_NUM_THREADS": str(setup.n)},
        files=setup.count,
        ok_codes=frozenset({0, 1}),
        describe=describe_output,
    )
    return [job]


def _ruff_file_count(argv: Sequence[str], cwd: Path) -> Optional[int]:
    try:
        done = subprocess.run(
            [*argv[:2], "--show-files", *argv[2:]],
            capture_output=True,
            text=True,
            errors="replace",
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None
    return sum(1 for line in done.stdout.splitlines() if line.strip().endswith(".py"))


def _fixit_jobs(setup: Setup) -> list[Job]:
    args, plan, work, copy = setup.args, setup.plan, setup.work, setup.copy
    fixit = setup.find("fixit")
    if fixit is None:
        return []
    plan.peers.append(tool_version([fixit]).replace(", version", ""))
    # Explicit config files, so no stray config above the temp dir can change
    # the rule set; Fixit applies a config only to files under its directory,
    # so they sit next to the corpus copy.
    default_config = work / "fixit-default.toml"
    default_config.write_text("[tool.fixit]\nroot = true\n", "utf-8")
    single_config = work / "fixit-single-rule.toml"
    single_config.write_text(
        "[tool.fixit]\nroot = true\n"
        f"enable = [{json.dumps(args.fixit_rule)}]\n"
        'disable = ["fixit.rules"]\n',
        "utf-8",
    )
    procs = default_pool_size()
    note = "" if procs == args.jobs else f"{procs} (all cores)"
    rules = fixit_rules(fixit, copy, [default_config, single_config])
    default_rules = rules.get(str(default_config), [])
    single_rules = rules.get(str(single_config), [])
    rule_name = args.fixit_rule.rpartition(":")[2] or args.fixit_rule
    if rules and len(single_rules) != 1:
        plan.notes.append(
            f"fixit: WARNING: the single-rule config enables {len(single_rules)} rules "
            f"({', '.join(single_rules) or 'none'}), not one."
        )
    elif single_rules:
        rule_name = single_rules[0]
    elif not rules:
        plan.notes.append("fixit: could not verify which rules its configs enable.")
    plan.notes.append(
        f"fixit: uses a process pool over all cores ({procs} processes; it has no option "
        f"to change that); default rules: {len(default_rules) or '?'}; single rule: {rule_name}."
    )
    jobs = []
    for key, label, config in (
        ("fixit-default", "Fixit (default rules)", default_config),
        ("fixit-single", f"Fixit (1 rule: {rule_name})", single_config),
    ):
        jobs.append(
            Job(
                key=key,
                tool="fixit",
                label=label,
                processes=procs,
                processes_text=note,
                argv=[fixit, "--config-file", str(config), "lint", str(copy)],
                files=setup.count,
                # 1: violations found, 2: a file failed, 3: both.
                ok_codes=frozenset({0, 1, 2, 3}),
                describe=describe_fixit,
            )
        )
    return jobs


# -- reporting ------------------------------------------------------------------------


def _mb(value: Optional[float]) -> str:
    return f"{value / 1e6:.0f}" if value else "–"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def baseline_for(jobs: Sequence[Job], processes: int) -> Optional[Job]:
    for job in jobs:
        if job.tool == "libcst" and job.processes == processes and job.wall:
            return job
    return None


def ratio(job: Job, jobs: Sequence[Job]) -> str:
    base = baseline_for(jobs, job.processes)
    wall = job.wall
    if base is None or wall is None or base.wall is None:
        return "n/a"
    return f"{wall / base.wall:.2f}×"


def table(jobs: Sequence[Job]) -> list[str]:
    lines = [_row(TABLE_HEADER), _row(["---"] + ["---:"] * (len(TABLE_HEADER) - 1))]
    for job in jobs:
        procs = job.processes_text or str(job.processes)
        if job.failure is not None:
            cells = [job.label, procs, f"failed ({job.failure.split(':')[0]})"]
            lines.append(_row(cells + ["–"] * (len(TABLE_HEADER) - len(cells))))
            continue
        wall = job.wall
        cpu = job.median(lambda s: s.cpu)
        lines.append(
            _row(
                [
                    job.label,
                    procs,
                    f"{wall:.2f}" if wall else "–",
                    f"{job.files / wall:.1f}" if wall else "–",
                    _mb(job.median(lambda s: s.rss)),
                    ratio(job, jobs),
                    f"{cpu:.2f}" if cpu is not None else "–",
                ]
            )
        )
    return lines


def scaling_table(plan: Plan) -> list[str]:
    header = (
        "corpus share",
        "files",
        "source MB",
        "processes",
        "wall s",
        "peak RSS MB",
        "largest process MB",
    )
    lines = [_row(header), _row(["---"] + ["---:"] * (len(header) - 1))]
    for share, files, size, job in plan.scaling:
        wall = job.wall
        failed = f"failed ({job.failure.split(':')[0]})" if job.failure else "–"
        lines.append(
            _row(
                [
                    f"{share}%",
                    str(files),
                    f"{size / 1e6:.1f}",
                    str(job.processes),
                    f"{wall:.2f}" if wall else failed,
                    _mb(job.median(lambda s: s.rss)) if wall else "–",
                    _mb(job.median(lambda s: s.largest)) if wall else "–",
                ]
            )
        )
    return lines


def targets(jobs: Sequence[Job], n: int) -> list[str]:
    by_key = {job.key: job for job in jobs}

    def wall(key: str) -> Optional[float]:
        job = by_key.get(key)
        return job.wall if job is not None else None

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    out: list[str] = []
    cold, floor = wall(f"memlint-cold-{n}"), wall(f"libcst-{n}")
    if cold and floor:
        value = cold / floor
        out.append(
            f"- memlint cold ÷ LibCST parse-only ({n} processes): {value:.2f}× "
            f"(target ≤ 1.3×: {verdict(value <= 1.3)})"
        )
    cold1, floor1 = wall("memlint-cold-1"), wall("libcst-1")
    if n != 1 and cold1 and floor1:
        out.append(f"- memlint cold ÷ LibCST parse-only (1 process): {cold1 / floor1:.2f}×")
    warm = wall("memlint-warm")
    if warm and cold:
        value = warm / cold
        out.append(f"- memlint warm ÷ cold: {value:.1%} (target ≤ 5%: {verdict(value <= 0.05)})")
    pylint = wall("pylint")
    if pylint and cold:
        value = pylint / cold
        out.append(
            f"- pylint ({PYLINT_CHECKS}) ÷ memlint cold: {value:.2f}× "
            f"(target ≥ 3×: {verdict(value >= 3)})"
        )
    single = by_key.get("fixit-single")
    if single is not None and single.wall:
        memlint_same = wall(f"memlint-cold-{single.processes}")
        if memlint_same:
            value = single.wall / memlint_same
            out.append(
                f"- Fixit single rule ÷ memlint cold ({single.processes} processes): "
                f"{value:.2f}× (target ≥ 5×: {verdict(value >= 5)})"
            )
        else:
            out.append(
                f"- Fixit single rule runs on {single.processes} processes and memlint was "
                f"not measured on as many: compare their ratios to LibCST instead."
            )
    return out


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except (AttributeError, OSError):
        return "unknown"


def _load_values(text: str) -> list[float]:
    try:
        return [float(text.split()[0])]
    except (ValueError, IndexError):
        return []


def _version_of(distribution: str) -> str:
    try:
        from importlib.metadata import version

        return version(distribution)
    except Exception:  # not installed, or metadata unreadable
        return "not installed"


# -- main -----------------------------------------------------------------------------


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark memlint against LibCST parse-only and peer linters.",
        epilog="See benchmarks/README.md for how to read the output.",
    )
    parser.add_argument(
        "--corpus", metavar="DIR", help="directory of Python files (default: this Python's stdlib)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes for every tool that takes a count (default: all cores)",
    )
    parser.add_argument(
        "--only",
        default=",".join(TOOLS),
        help=f"comma-separated subset of {','.join(TOOLS)} (default: all)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="K",
        help="runs per measurement; the median is shown (default 1, 3 recommended)",
    )
    parser.add_argument(
        "--peers-venv",
        metavar="PATH",
        help="virtualenv holding pylint, fixit, flake8 + flake8-bugbear and ruff "
        "(default: ./.bench-peers, then PATH)",
    )
    parser.add_argument(
        "--rss-scaling",
        action="store_true",
        help="also run memlint cold on 25%%, 50%% and 100%% of the corpus",
    )
    parser.add_argument(
        "--memlint",
        metavar="COMMAND",
        help=f"command that runs memlint (default: {sys.executable} -m memlint)",
    )
    parser.add_argument(
        "--fixit-rule",
        default=DEFAULT_FIXIT_RULE,
        metavar="RULE",
        help=f"the rule of the single-rule Fixit run (default: {DEFAULT_FIXIT_RULE})",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory with every tool's output"
    )
    parser.add_argument("--parse-worker", metavar="FILE_LIST", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    selected = {name.strip().lower() for name in args.only.split(",") if name.strip()}
    unknown = selected - set(TOOLS)
    if unknown or not selected:
        parser.error(f"--only takes names from {','.join(TOOLS)}; got {args.only!r}")
    args.selected = frozenset(selected)
    if args.corpus is not None and not Path(args.corpus).is_dir():
        parser.error(f"--corpus {args.corpus!r} is not a directory")
    return args


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.parse_worker:
        return parse_worker(args.parse_worker, args.jobs)
    load_before = _load()
    corpus = load_corpus(args.corpus)
    if not corpus.files:
        progress(f"no Python files under {corpus.root}")
        return 2
    work = Path(tempfile.mkdtemp(prefix="memlint-bench-"))
    try:
        logs = work / "logs"
        logs.mkdir()
        progress(f"copying {len(corpus.files)} files to {work / 'corpus'}")
        copy_files(corpus.root, corpus.files, work / "corpus")
        plan = plan_jobs(args, corpus, work, args.selected)
        measured = plan.jobs + [job for *_, job in plan.scaling]
        env = child_environment(work)
        for job in plan.jobs:
            progress(f"[warm-up] {job.label} ({job.processes} proc.)")
            job.warm_up(work, logs, env)
        for repetition in range(1, args.repeat + 1):
            # Round-robin, so a burst of load elsewhere hits every tool alike.
            for job in measured:
                progress(f"[{repetition}/{args.repeat}] {job.label} ({job.processes} proc.)")
                job.run(work, logs, repetition, env)
        load_after = _load()
        memlint_cmd = args.memlint or f"{sys.executable} -m memlint"
        memlint_version = "not run"
        if "memlint" in args.selected:
            memlint_version = tool_version(shlex.split(memlint_cmd)).replace(", version", "")
        cores = os.cpu_count() or 1
        lines = [
            "# memlint speed benchmark",
            "",
            f"- Machine: {platform.system()} {platform.machine()}, {cores} cores; "
            f"load average {load_before} at start, {load_after} at end",
            f"- Python {platform.python_version()} ({sys.executable}), "
            f"libcst {_version_of('libcst')}, {memlint_version} (`{memlint_cmd}`)",
            f"- Corpus: {corpus.description}: {len(corpus.files)} files, "
            f"{corpus.size / 1e6:.1f} MB, copied once to a temp dir that every tool is pointed at",
            f"- N = {args.jobs} processes; median of {args.repeat} run(s) per row, after one "
            f"unmeasured warm-up run per row on every {100 // WARMUP_SHARE}th file; "
            "wall time includes interpreter start-up; bytecode cached (PYTHONPYCACHEPREFIX)",
            f"- Peak RSS: {rss_method()}",
            f"- Peers: {', '.join(plan.peers) if plan.peers else 'none'}",
        ]
        busiest = max(_load_values(load_before) + _load_values(load_after), default=0.0)
        if busiest > cores:
            lines.append(
                f"- Note: the 1-minute load average reached {busiest:.2f} on {cores} cores: "
                "other work shared the machine, so timings are noisy."
            )
        lines += ["", *table(plan.jobs), ""]
        if plan.scaling:
            lines += ["## memlint peak RSS by corpus size", "", *scaling_table(plan), ""]
        goals = targets(plan.jobs, args.jobs)
        if goals:
            lines += ["## Targets", "", *goals, ""]
        notes = list(plan.notes)
        notes += [f"{job.label} ({job.processes} proc.): {job.note()}" for job in measured]
        notes += [f"{job.label}: FAILED: {job.failure}" for job in measured if job.failure]
        lines += ["## Notes", "", *(f"- {note}" for note in notes)]
        print("\n".join(lines))
        return 1 if any(job.failure for job in measured) else 0
    finally:
        if args.keep:
            progress(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
