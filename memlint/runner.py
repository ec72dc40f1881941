"""Running a check over many files: reading, workers, fixes, and the combined result.

Data flows one way: paths -> files -> (engine, in worker processes) per-file
results -> findings (+ per-file-ignores) -> estimates -> a :class:`CheckRun`
that reporters render. Nothing here prints; progress is reported through a
callback so the terminal stays the business of :mod:`memlint.output`.
"""

from __future__ import annotations

# concurrent.futures.process (and with it multiprocessing, ~10 ms) is imported by
# the functions that start a pool: a run served from the cache never needs it.
import concurrent.futures
import contextlib
import dataclasses
import difflib
import gc
import hashlib
import json
import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, TypeVar

from memlint._compat import SLOTS
from memlint.cache import CACHE_DIR_NAME, ResultCache, salt_for, unpack_facts
from memlint.config import Settings, ignored_codes_for, select_rules
from memlint.discovery import SourcePath, discover
from memlint.engine import (
    EngineOptions,
    check_project,
    check_source,
    fix_project_findings,
    fix_source,
)
from memlint.finding import Applicability, FileError, FileResult, Finding
from memlint.fixes import apply_edits, parses, split_lines
from memlint.rule import Rule
from memlint.source import SourceError, decode_source

#: Fewer files than this get their project fixes in this process.
_POOL_FIX_THRESHOLD = 4

#: Errors that follow from a file's contents alone, so a cached result may keep them.
_CACHEABLE_ERRORS = frozenset({"syntax", "decode", "parser", "limit"})
#: Below this many files a process pool costs more than it saves.
_POOL_THRESHOLD = 16
#: Files analysed per thread when there is no pool.
_SERIAL_CHUNK = 8
#: LibCST recurses a few frames per tree level; long implicit string
#: concatenations in real code (the stdlib's pydoc_data/topics.py) nest thousands
#: deep. Analysis runs in a thread with a large stack and a high recursion limit.
_STACK_SIZE = 512 * 1024 * 1024
_RECURSION_LIMIT = 100_000

T = TypeVar("T")


@dataclass(frozen=True, **SLOTS)
class Task:
    """One file for a worker."""

    path: str
    display: str
    rules: tuple[type[Rule], ...]
    module: str
    is_package: bool
    relative: str = ""
    #: The file's bytes when the main process already read them (to hash for
    #: the cache): the worker analyses exactly what was hashed.
    data: Optional[bytes] = None


@dataclass(frozen=True, **SLOTS)
class Outcome:
    """What a worker sends back for one file."""

    result: FileResult
    #: SHA-256 of the bytes that were analysed (to detect changes before writing).
    digest: str = ""
    #: New file contents when fixes changed the file.
    fixed: Optional[bytes] = None
    original_text: Optional[str] = None
    fixed_text: Optional[str] = None
    fixes_applied: int = 0


@dataclass(frozen=True, **SLOTS)
class RunOptions:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    jobs: int = 0
    force_exclude: bool = False


@dataclass(**SLOTS)
class CheckRun:
    """The result of a whole run, ready for reporting."""

    settings: Settings
    rules: tuple[type[Rule], ...]
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0
    suppressed: int = 0
    fixed: int = 0
    diffs: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


# -- module names ----------------------------------------------------------------------


class _ModuleNames:
    """Dotted module names from the package structure (``__init__.py`` files)."""

    def __init__(self) -> None:
        self._packages: dict[Path, str] = {}

    def _package(self, directory: Path) -> str:
        if directory not in self._packages:
            name = ""
            if (directory / "__init__.py").is_file() or (directory / "__init__.pyi").is_file():
                parent = self._package(directory.parent) if directory.parent != directory else ""
                name = f"{parent}.{directory.name}" if parent else directory.name
            self._packages[directory] = name
        return self._packages[directory]

    def __call__(self, path: Path) -> tuple[str, bool]:
        package = self._package(path.parent)
        stem = path.name.rsplit(".", 1)[0]
        if stem == "__init__":
            return package, True
        return (f"{package}.{stem}" if package else stem), False


# -- reading files safely --------------------------------------------------------------


def read_file(path: str) -> bytes:
    """Read a regular file without ever blocking on a FIFO or device."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "not a regular file (FIFO, socket or device)")
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# -- the worker ------------------------------------------------------------------------


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic garbage collection while one file is analysed.

    Analysing a file builds its trees (``ast``, LibCST) and drops them at the end:
    hundreds of thousands of objects that live exactly as long as the file's
    analysis. The cyclic collector would traverse them again and again while they
    are alive and never free one (reference counting does, at the end), which was
    12% of a cold run on the stdlib. Collection resumes afterwards, so cyclic garbage
    left by one file is collected before the next grows it (memory stays bounded
    by the largest file).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def check_task(task: Task, options: EngineOptions, run: RunOptions) -> Outcome:
    """Analyse (and maybe fix) one file; every failure becomes a FileError."""
    with collection_paused():
        return _check_task(task, options, run)


def _check_task(task: Task, options: EngineOptions, run: RunOptions) -> Outcome:
    try:
        data = task.data if task.data is not None else read_file(task.path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return Outcome(
            FileResult(task.display, error=FileError(task.display, reason.lower(), "io"))
        )
    digest = hashlib.sha256(data).hexdigest()
    rules = list(task.rules)
    try:
        if not (run.fix or run.diff):
            result = check_source(
                data,
                task.display,
                rules,
                options,
                module=task.module,
                is_package=task.is_package,
                relative=task.relative,
            )
            return Outcome(result, digest)
        return _fix_task(task, data, digest, rules, options, run)
    except Exception as exc:  # an engine bug must not take the run down
        reason = f"internal error: {type(exc).__name__}: {exc} (please report this)"
        return Outcome(
            FileResult(task.display, error=FileError(task.display, reason, "internal")), digest
        )


def _fix_task(
    task: Task,
    data: bytes,
    digest: str,
    rules: list[type[Rule]],
    options: EngineOptions,
    run: RunOptions,
) -> Outcome:
    try:
        source = decode_source(data)
    except SourceError:
        result = check_source(data, task.display, rules, options)
        return Outcome(result, digest)
    new_text, result, applied = fix_source(
        source.text,
        task.display,
        rules,
        options,
        unsafe=run.unsafe_fixes,
        module=task.module,
        is_package=task.is_package,
        relative=task.relative,
    )
    if result.error is not None or new_text == source.text:
        return Outcome(result, digest)
    return Outcome(
        result,
        digest,
        fixed=source.encode(new_text),
        original_text=source.text,
        fixed_text=new_text,
        fixes_applied=applied,
    )


def _check_chunk(tasks: Sequence[Task], options: EngineOptions, run: RunOptions) -> list[Outcome]:
    return run_with_big_stack(lambda: [check_task(task, options, run) for task in tasks])


def run_with_big_stack(function: Callable[[], T]) -> T:
    """Run ``function`` in a thread with a large stack and a high recursion limit."""
    box: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            box.append(function())
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size()
    try:
        threading.stack_size(_STACK_SIZE)
        sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
        thread = threading.Thread(target=target, name="memlint-analysis")
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if failure:
        raise failure[0]
    return box[0]


# -- the run ---------------------------------------------------------------------------


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined,unused-ignore]
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class Workers:
    """The run's worker processes: started on first use, shared by its two phases
    (the per-file analysis, then the project fixes after the join, whose workers
    have libcst and the rules loaded by then), and stopped by :meth:`close`."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: Optional[concurrent.futures.ProcessPoolExecutor] = None

    def pool(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(max_workers=self.jobs)
        return self._pool

    def close(self) -> None:
        """Stop the processes (after a crash too: a broken pool is never reused)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def plan_tasks(
    files: Sequence[SourcePath], settings: Settings, rules: Sequence[type[Rule]]
) -> list[Task]:
    names = _ModuleNames()
    tasks = []
    for source in files:
        ignored = ignored_codes_for(settings, source.relative)
        file_rules = select_rules(rules, ("ALL",), ignored) if ignored else tuple(rules)
        module, is_package = names(source.path)
        tasks.append(
            Task(
                path=str(source.path),
                display=source.display,
                rules=tuple(file_rules),
                module=module,
                is_package=is_package,
                relative=source.relative,
            )
        )
    return tasks


def execute(
    tasks: Sequence[Task],
    options: EngineOptions,
    run: RunOptions,
    *,
    progress: Optional[Callable[[int], None]] = None,
    workers: Optional[Workers] = None,
) -> Iterator[Outcome]:
    """Run ``tasks``, in worker processes when there are enough of them (``workers``'
    when given, else processes of this call's own)."""
    jobs = run.jobs or default_jobs()
    if jobs <= 1 or len(tasks) < _POOL_THRESHOLD:
        # In this process, a few files per big-stack thread (a thread per file
        # costs about a millisecond to start).
        for start in range(0, len(tasks), _SERIAL_CHUNK):
            batch = tasks[start : start + _SERIAL_CHUNK]
            outcomes = _check_chunk(batch, options, run)
            if progress:
                progress(len(batch))
            yield from outcomes
        return
    if workers is not None:
        yield from _execute_pool(_chunks(tasks, jobs), options, run, workers, progress)
        return
    with Workers(jobs) as own:
        yield from _execute_pool(_chunks(tasks, jobs), options, run, own, progress)


def _chunks(tasks: Sequence[Task], jobs: int) -> list[Sequence[Task]]:
    """Tasks in chunks for the pool, largest files first: a big file started last
    would keep one worker busy while the others wait (on the stdlib, the largest
    file takes about 3% of the whole run). A chunk holds up to 16 files and about
    1/(8*jobs) of the bytes, so the small files at the end balance the load."""
    sizes = {}
    for task in tasks:
        try:
            size = len(task.data) if task.data is not None else os.path.getsize(task.path)
        except OSError:
            size = 0
        sizes[task.path] = size
    ordered = sorted(tasks, key=lambda task: sizes[task.path], reverse=True)
    budget = max(1, sum(sizes.values()) // (jobs * 8))
    chunks: list[Sequence[Task]] = []
    current: list[Task] = []
    weight = 0
    for task in ordered:
        current.append(task)
        weight += sizes[task.path]
        if weight >= budget or len(current) >= 16:
            chunks.append(current)
            current, weight = [], 0
    if current:
        chunks.append(current)
    return chunks


def _execute_pool(
    chunks: list[Sequence[Task]],
    options: EngineOptions,
    run: RunOptions,
    workers: Workers,
    progress: Optional[Callable[[int], None]],
) -> Iterator[Outcome]:
    from concurrent.futures.process import BrokenProcessPool

    suspects: list[Task] = []
    pool = workers.pool()
    futures = {pool.submit(_check_chunk, chunk, options, run): chunk for chunk in chunks}
    try:
        for future in concurrent.futures.as_completed(futures):
            chunk = futures[future]
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                # A worker died (a crash in native code); every unfinished chunk
                # fails with it. Their files are retried below.
                suspects.extend(chunk)
                continue
            if progress:
                progress(len(chunk))
            yield from outcomes
    finally:
        if suspects or any(not future.done() for future in futures):
            workers.close()  # broken, or the caller stopped early: never reuse it
    if suspects:
        yield from _isolate(suspects, options, run, progress)


def _isolate(
    tasks: Sequence[Task],
    options: EngineOptions,
    run: RunOptions,
    progress: Optional[Callable[[int], None]],
) -> Iterator[Outcome]:
    """Check ``tasks`` one at a time in a child process, naming any file that crashes it."""
    from concurrent.futures.process import BrokenProcessPool

    pool: Optional[concurrent.futures.ProcessPoolExecutor] = None
    try:
        for task in tasks:
            if pool is None:
                pool = concurrent.futures.ProcessPoolExecutor(max_workers=1)
            try:
                outcome = pool.submit(_check_chunk, [task], options, run).result()[0]
            except BrokenProcessPool:
                pool.shutdown(wait=True)
                pool = None
                reason = "the analysis process crashed on this file (please report this)"
                error = FileError(task.display, reason, "crash")
                outcome = Outcome(FileResult(task.display, error=error))
            if progress:
                progress(1)
            yield outcome
    finally:
        if pool is not None:
            pool.shutdown(wait=True)


def check_paths(
    paths: Sequence[str],
    settings: Settings,
    rules: Sequence[type[Rule]],
    run: RunOptions,
    *,
    cache: Optional[ResultCache] = None,
    on_start: Optional[Callable[[int], None]] = None,
    progress: Optional[Callable[[int], None]] = None,
) -> CheckRun:
    files, errors = discover(paths, settings, force_exclude=run.force_exclude)
    result = CheckRun(settings=settings, rules=tuple(rules), errors=list(errors))
    tasks = plan_tasks(files, settings, rules)
    options = EngineOptions(target_version=settings.python, rule_options=settings.rule_options)
    if on_start:
        on_start(len(tasks))
    join_key: Optional[str] = None
    with Workers(run.jobs or default_jobs()) as workers:
        if cache is None or run.fix or run.diff:
            outcomes = list(execute(tasks, options, run, progress=progress, workers=workers))
        else:
            outcomes, join_key = _execute_cached(tasks, options, run, cache, progress, workers)
        # Workers finish in any order; the join must see the files in one order (the
        # order they were found in) to give the same answer on every run.
        order = {task.display: number for number, task in enumerate(tasks)}
        outcomes.sort(key=lambda outcome: order.get(outcome.result.path, len(order)))
        _collect(result, outcomes)
        _join(result, tasks, outcomes, rules, options, cache if join_key else None, join_key)
        fix_cache = None if run.fix or run.diff else cache
        _finish(result, tasks, outcomes, options, run, workers, fix_cache)
    return result


def open_cache(settings: Settings) -> ResultCache:
    directory = settings.cache_dir or settings.root / CACHE_DIR_NAME
    options = sorted((code, sorted(opts.items())) for code, opts in settings.rule_options.items())
    salt = salt_for(settings.python, options)
    return ResultCache(directory, salt)


def _execute_cached(
    tasks: Sequence[Task],
    options: EngineOptions,
    run: RunOptions,
    cache: ResultCache,
    progress: Optional[Callable[[int], None]],
    workers: Optional[Workers] = None,
) -> tuple[list[Outcome], Optional[str]]:
    """Outcomes from the cache where it has them, analysed otherwise; and the key
    of the project join over all of them (``None`` when a file could not be read)."""
    outcomes: list[Outcome] = []
    pending: list[Task] = []
    keys: dict[str, str] = {}
    every: list[str] = []
    complete = True
    digests = cache.digest_index()
    for task in tasks:
        parts = (
            task.display,
            task.relative,
            task.module,
            str(task.is_package),
            *(rule.code for rule in task.rules),
        )
        data: Optional[bytes] = None
        try:
            # Stat before reading: a digest is recorded with a signature no newer
            # than the bytes it was computed from.
            now = time.time_ns()
            info = os.stat(task.path)
            content = digests.get(task.path, info)
            if content is None:
                data = read_file(task.path)
                content = hashlib.sha256(data).digest()
                digests.put(task.path, info, content, now)
        except OSError:
            pending.append(task)  # the worker reports why
            complete = False
            continue
        key = cache.key_for_digest(content, *parts)
        hit = cache.get(key)
        if hit is None and data is None:
            # Known bytes, but no result for them: the worker analyses exactly the
            # bytes read here, and the key is theirs.
            try:
                data = read_file(task.path)
            except OSError:
                pending.append(task)
                complete = False
                continue
            key = cache.key(data, *parts)
        every.append(key)
        if hit is not None:
            outcomes.append(Outcome(hit))
            if progress:
                progress(1)
            continue
        keys[task.display] = key
        pending.append(dataclasses.replace(task, data=data))
    digests.save()
    for outcome in execute(pending, options, run, progress=progress, workers=workers):
        outcomes.append(outcome)
        entry = keys.get(outcome.result.path)
        error = outcome.result.error
        # Results depend only on the key's inputs; I/O and internal errors do not.
        if entry is not None and (error is None or error.kind in _CACHEABLE_ERRORS):
            cache.put(entry, outcome.result)
        else:
            complete = False  # an uncached result: the join is not cached either
    # The join depends only on every file's cached result (each key covers the
    # file's bytes, path, module, rules and options) and on which files there are.
    join_key = cache.key(b"", "project-join", *every) if complete else None
    return outcomes, join_key


def check_stdin(
    data: bytes,
    filename: str,
    settings: Settings,
    rules: Sequence[type[Rule]],
    run: RunOptions,
) -> tuple[CheckRun, Optional[bytes]]:
    """Check (and maybe fix) source from standard input; returns the fixed bytes."""
    from memlint.discovery import relative_to_root

    source = SourcePath(
        Path(filename).absolute(), filename, relative_to_root(Path(filename), settings.root)
    )
    task = plan_tasks([source], settings, rules)[0]
    options = EngineOptions(target_version=settings.python, rule_options=settings.rule_options)
    result = CheckRun(settings=settings, rules=tuple(rules))

    def analyse() -> Outcome:
        digest = hashlib.sha256(data).hexdigest()
        if run.fix or run.diff:
            return _fix_task(task, data, digest, list(task.rules), options, run)
        found = check_source(
            data,
            filename,
            list(task.rules),
            options,
            module=task.module,
            is_package=task.is_package,
            relative=task.relative,
        )
        return Outcome(found, digest)

    def paused() -> Outcome:
        with collection_paused():
            return analyse()

    outcome = run_with_big_stack(paused)
    _collect(result, [outcome])
    _join(result, [task], [outcome], rules, options)
    fixed = outcome.fixed if run.fix else None
    return result, fixed


def _collect(run_result: CheckRun, outcomes: Sequence[Outcome]) -> None:
    for outcome in outcomes:
        result = outcome.result
        run_result.files += 1
        run_result.suppressed += result.suppressed
        if result.error is not None:
            run_result.errors.append(result.error)
        run_result.findings.extend(result.findings)
        run_result.fixed += outcome.fixes_applied
    run_result.findings.sort(key=lambda f: f.sort_key)
    run_result.errors.sort(key=lambda e: e.path)


def _join(
    run_result: CheckRun,
    tasks: Sequence[Task],
    outcomes: Sequence[Outcome],
    rules: Sequence[type[Rule]],
    options: EngineOptions,
    cache: Optional[ResultCache] = None,
    key: Optional[str] = None,
) -> None:
    """Phase two: project rules over every file's facts, minus per-file ignores
    (from the cache when every file's result came from it or went into it)."""
    if not any(rule.project for rule in rules):
        return
    enabled = {task.display: {rule.code for rule in task.rules} for task in tasks}
    found: Optional[list[Finding]] = None
    if cache is not None and key is not None:
        hit = cache.load(key)
        if isinstance(hit, list) and all(isinstance(f, Finding) for f in hit):
            found = hit
    if found is None:
        found = check_project([unpack_facts(o.result) for o in outcomes], rules, options)
        if cache is not None and key is not None:
            cache.store(key, found)
    run_result.findings.extend(f for f in found if f.code in enabled.get(f.path, ()))
    run_result.findings.sort(key=lambda f: f.sort_key)


@dataclass(**SLOTS)
class _FixJob:
    """One file's project findings, to be given their fixes."""

    text: str
    path: str
    found: list[Finding]
    task: Task
    key: Optional[str] = None


def _fix_jobs(jobs: Sequence[_FixJob], options: EngineOptions) -> list[list[Finding]]:
    return run_with_big_stack(lambda: [_fix_job(job, options) for job in jobs])


def _fix_job(job: _FixJob, options: EngineOptions) -> list[Finding]:
    with collection_paused():
        return fix_project_findings(
            job.text,
            job.path,
            job.found,
            job.task.rules,
            options,
            module=job.task.module,
            is_package=job.task.is_package,
        )


def _project_fixes(
    jobs: Sequence[_FixJob],
    options: EngineOptions,
    workers: Workers,
    cache: Optional[ResultCache],
) -> dict[str, list[Finding]]:
    """Each job's findings with their fixes, by path: from the cache when the file's
    text and the join's findings for it are as in an earlier run, otherwise built
    (in worker processes when there are several files and cores)."""
    done: dict[str, list[Finding]] = {}
    pending: list[_FixJob] = []
    for job in jobs:
        if cache is not None:
            findings = json.dumps([f.to_dict() for f in job.found], sort_keys=True, default=str)
            job.key = cache.key(
                job.text.encode("utf-8", "surrogatepass"),
                "project-fixes",
                job.path,
                job.task.module,
                str(job.task.is_package),
                findings,
                *(rule.code for rule in job.task.rules),
            )
            hit = cache.load(job.key)
            if isinstance(hit, list) and all(isinstance(f, Finding) for f in hit):
                done[job.path] = hit
                continue
        pending.append(job)
    results: list[list[Finding]] = []
    if workers.jobs > 1 and len(pending) >= _POOL_FIX_THRESHOLD:
        from concurrent.futures.process import BrokenProcessPool

        # One file per task, largest first: the workers share the load as they go.
        ordered = sorted(pending, key=lambda job: len(job.text), reverse=True)
        chunks = [[job] for job in ordered]
        try:
            pool = workers.pool()
            parts = list(pool.map(_fix_jobs, chunks, [options] * len(chunks)))
            results = [found for part in parts for found in part]
            pending = ordered
        except BrokenProcessPool:
            # A fix is a convenience: a crash leaves the findings without one.
            workers.close()
            results = [list(job.found) for job in ordered]
            pending = ordered
    elif pending:
        results = _fix_jobs(pending, options)
    for job, fixed in zip(pending, results):
        done[job.path] = fixed
        if cache is not None and job.key is not None:
            cache.store(job.key, fixed)
    return done


def _finish(
    run_result: CheckRun,
    tasks: Sequence[Task],
    outcomes: Sequence[Outcome],
    options: EngineOptions,
    run: RunOptions,
    workers: Workers,
    cache: Optional[ResultCache] = None,
) -> None:
    """Attach fixes to project findings, apply them (``--fix``/``--diff``), write files.

    Per-file fixes were applied in the workers; project findings (MEM004/MEM005)
    are known only after the join, so their fixes are computed here, on top of
    the per-file result, and each changed file is written (or diffed) once.
    """
    by_display = {task.display: task for task in tasks}
    texts = {o.result.path: o for o in outcomes}
    project_codes = {rule.code for rule in run_result.rules if rule.project}
    by_path: dict[str, list[Finding]] = {}
    for finding in run_result.findings:
        if finding.code in project_codes:
            by_path.setdefault(finding.path, []).append(finding)
    final: dict[str, str] = {}
    kept: list[Finding] = [f for f in run_result.findings if f.code not in project_codes]
    jobs: list[_FixJob] = []
    for path, found in by_path.items():
        task = by_display.get(path)
        outcome = texts.get(path)
        text = outcome.fixed_text if outcome is not None and outcome.fixed_text else None
        if text is None and task is not None:
            text = _read_text(task)
        if task is None or text is None:
            kept.extend(found)
            continue
        jobs.append(_FixJob(text, path, found, task))
    fixed_by_path = _project_fixes(jobs, options, workers, cache)
    for job in jobs:
        path, text, fixed = job.path, job.text, fixed_by_path[job.path]
        if not (run.fix or run.diff):
            kept.extend(fixed)
            continue
        wanted = [
            f
            for f in fixed
            if f.fix is not None and (run.unsafe_fixes or f.fix.applicability is Applicability.SAFE)
        ]
        new_text, applied = apply_edits(text, [f.fix for f in wanted if f.fix is not None])
        if applied and new_text != text and parses(new_text):
            final[path] = new_text
            run_result.fixed += applied
            applied_ids = {id(f) for f in wanted}
            # A fix that overlapped another this round stays a finding.
            kept.extend(f for f in fixed if id(f) not in applied_ids or f.fix is None)
        else:
            kept.extend(fixed)
    run_result.findings = sorted(kept, key=lambda f: f.sort_key)
    if not (run.fix or run.diff):
        return
    for outcome in outcomes:
        path = outcome.result.path
        text = final.get(path) or outcome.fixed_text
        if text is None:
            continue
        task = by_display.get(path)
        if task is None:
            continue
        original = outcome.original_text if outcome.original_text is not None else _read_text(task)
        if original is None or text == original:
            continue
        if run.diff:
            run_result.diffs.append(_unified_diff(path, original, text))
            continue
        from memlint.writer import WriteError, write_if_unchanged

        try:
            data = read_file(task.path)
            if hashlib.sha256(data).hexdigest() != outcome.digest:
                raise WriteError("not written: the file changed on disk during the run")
            write_if_unchanged(Path(task.path), decode_source(data).encode(text), outcome.digest)
        except (WriteError, OSError, SourceError) as exc:
            run_result.errors.append(FileError(path, str(exc), "write"))
            continue
        run_result.written.append(path)
    run_result.errors.sort(key=lambda e: e.path)


def _read_text(task: Task) -> Optional[str]:
    try:
        return decode_source(read_file(task.path)).text
    except (OSError, SourceError):
        return None


def _unified_diff(path: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(split_lines(old), split_lines(new), fromfile=path, tofile=path)
    )
