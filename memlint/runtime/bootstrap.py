"""The probe ``memlint run`` starts in the target's interpreter: ``python bootstrap.py PLAN``.

This file runs *inside the child interpreter*, which may be another Python than
memlint's own (``--python``), so it imports nothing but the standard library and
stays compatible with Python 3.8. It reads a JSON plan, runs the target the way
``python script.py`` / ``python -m module`` would, watches it, and writes a JSON
observations file for the parent to join with the static findings.

What it watches, and what each probe costs the target:

- **The traced peak.** ``tracemalloc`` with one frame starts right before the
  target does. A sampling thread wakes every few milliseconds, reads
  ``get_traced_memory()`` and resets the peak, so each tick closes a *segment*
  whose peak and end state are recorded: a timeline from which the parent can
  tell what the peak would have been without a finding's objects.
- **Light probes, every tick, O(number of probes):** live instances of each
  flagged class (every instance holds a reference to its heap type, so
  ``sys.getrefcount(cls)`` minus a baseline is the live count, no heap walk),
  the length of each flagged cache's dict and each flagged default.
- **Censuses, a few per run, O(heap) but off the target's clock.** When the
  traced size reaches a new high by a margin, levels off after growing, or
  starts to fall after a high, the sampler ``fork()``s: the child is a frozen
  copy of the process, and it walks that copy at leisure -- exact instance counts
  (which also calibrate the refcount baselines), attribute counts of sampled
  instances, the bytes each cache entry and each default owns, the traced bytes
  per source line (the top lines and the flagged whole-file reads) -- writes them
  to a file and exits. The target only pays for the ``fork()`` and copy-on-write
  faults. Without ``fork`` (or if it fails) only the census at exit is taken.
- **The collector.** A ``gc.callbacks`` hook times every collection and, for
  flagged parent/child classes, counts the instances each collection frees and
  the traced bytes it returns.
- **Child processes** the target starts (``subprocess``, ``os.fork``,
  ``os.system``, ``os.exec*``, ``os.spawn*``) are counted through an audit hook;
  they are not traced.

The target keeps its file descriptors (stdin, stdout and stderr are inherited,
never captured), its ``sys.argv`` and a ``sys.path[0]`` like Python's own. Its
exit status is reproduced: ``SystemExit`` codes as Python handles them, 1 with
the traceback printed through ``sys.excepthook`` for an uncaught exception, and
death by ``SIGINT`` after a ``KeyboardInterrupt`` (the shell sees 130). The
observations are written in every one of those cases, and on ``SIGTERM`` (then
the signal is re-raised). ``os._exit()`` cannot be intercepted: the
observations then are those of the last census, which is written as it lands.
"""

from __future__ import annotations

import array
import atexit
import gc
import json
import os
import signal
import sys
import threading
import time
import tracemalloc
import types
import weakref
from collections import Counter
from typing import Any, Dict, List, Optional, Tuple

FORMAT = 1
#: Traced growth since the last census that triggers another (10%).
GROWTH_MARGIN = 1.10
#: Traced size below which no census is worth a fork.
MIN_CENSUS_BYTES = 4 << 20
#: Ticks with the traced size within ``PLATEAU_BAND`` that make a plateau.
PLATEAU_TICKS = 20
PLATEAU_BAND = 0.005
#: A fall of this fraction from the high since the last census triggers a census.
DESCENT = 0.97
#: Source lines reported per census (the flagged ones always are).
TOP_LINES = 15
#: Elements of a big container priced one by one (the rest by proportion).
OWNED_SAMPLE = 5_000
#: Instances sampled per class for attribute counts.
SAMPLES = 24
#: Classes reported per census that the static pass did not flag.
RUNTIME_CLASSES = 40
#: Seconds a census child may take before the kernel kills it (SIGALRM).
CENSUS_TIMEOUT = 120
#: Audit events that start another process.
SPAWN_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.fork",
        "os.forkpty",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.startfile",
        "pty.spawn",
    }
)
_HEAPTYPE = 1 << 9
_PEAK_RESET = getattr(tracemalloc, "reset_peak", None)  # 3.9+
_MISSING = -1.0


# -- small helpers ----------------------------------------------------------------------


_CWD = os.getcwd()


def _norm(path: str) -> str:
    """An absolute, normalised path, by string operations alone: every system call
    releases the GIL, and the sampler then waits a whole switch interval for it."""
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(_CWD, path))


def _real(path: str) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return path


def _module_file(module: Any) -> Optional[str]:
    try:
        name = module.__dict__.get("__file__")
    except Exception:
        return None
    return _norm(name) if isinstance(name, str) else None


def _lookup(root: Any, qualname: str) -> Any:
    """``root.<qualname>`` through ``__dict__`` lookups only (no descriptors run)."""
    obj = root
    for part in qualname.split("."):
        if part == "<locals>":
            return None
        try:
            namespace = object.__getattribute__(obj, "__dict__")
        except Exception:
            return None
        if part not in namespace:
            return None
        obj = namespace[part]
    return obj


def _unwrap(obj: Any) -> Any:
    """The function under staticmethod/classmethod and ``functools.wraps`` layers."""
    for _ in range(20):
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
            continue
        if hasattr(obj, "cache_info"):
            return obj
        inner = getattr(obj, "__wrapped__", None)
        if inner is None:
            return obj
        obj = inner
    return obj


def _find_cache(obj: Any) -> Any:
    for _ in range(20):
        if obj is None:
            return None
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
            continue
        if callable(getattr(obj, "cache_info", None)):
            return obj
        obj = getattr(obj, "__wrapped__", None)
    return None


def _cache_dict(wrapper: Any) -> Optional[Dict[Any, Any]]:
    """The C ``lru_cache`` wrapper's cache dict (its ``tp_traverse`` visits it)."""
    own = getattr(wrapper, "__dict__", None)
    for ref in gc.get_referents(wrapper):
        if type(ref) is dict and ref is not own:
            return ref
    return None


def _default_of(function: Any, parameter: str) -> Tuple[bool, Any]:
    function = _unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None:
        return False, None
    kwdefaults = getattr(function, "__kwdefaults__", None) or {}
    if parameter in kwdefaults:
        return True, kwdefaults[parameter]
    defaults = getattr(function, "__defaults__", None) or ()
    positional = code.co_varnames[: code.co_argcount]
    if parameter in positional:
        index = positional.index(parameter) - (len(positional) - len(defaults))
        if 0 <= index < len(defaults):
            return True, defaults[index]
    return False, None


def _sizeof(obj: Any) -> int:
    try:
        return sys.getsizeof(obj)
    except Exception:
        return 0


def _children(obj: Any) -> List[Any]:
    kind = type(obj)
    if kind in (list, tuple, set, frozenset) or kind.__name__ == "deque":
        return list(obj)
    if kind is dict:
        out: List[Any] = []
        for key, value in obj.items():
            out.append(key)
            out.append(value)
        return out
    namespace = getattr(obj, "__dict__", None)
    if type(namespace) is dict and not isinstance(obj, (type, types.ModuleType)):
        return [namespace]
    return []


def _calibrate_owned() -> int:
    """The refcount a child that only its container holds shows inside :func:`_owned`."""
    seen = []
    for container in ([object()], {object(): None}, (object(),)):
        children = _children(container)
        for child in children:
            seen.append(sys.getrefcount(child))
            break
    return min(seen)


class _Owner:
    """Bytes an object owns: itself and what only it references, recursively."""

    def __init__(self) -> None:
        self.base = _calibrate_owned()

    def size(self, root: Any, limit: int = 2_000_000) -> int:
        """``root``'s own size plus what only it references. A container with more
        than ``OWNED_SAMPLE`` elements is priced from an even sample of them (a walk
        of every element of a big cache costs seconds at exit)."""
        children = _children(root)
        pair = 2 if type(root) is dict else 1
        units = len(children) // pair
        if units <= OWNED_SAMPLE:
            return _sizeof(root) + self._walk(children, {id(root)}, limit)
        step = units / OWNED_SAMPLE
        sample: List[Any] = []
        for i in range(OWNED_SAMPLE):
            start = int(i * step) * pair
            sample.extend(children[start : start + pair])
        del children
        walked = self._walk(sample, {id(root)}, limit)
        return _sizeof(root) + round(walked * units / OWNED_SAMPLE)

    def _walk(self, children: List[Any], seen: Any, limit: int) -> int:
        total = 0
        stack: List[Any] = []
        visited = 0
        while True:
            for child in children:
                if id(child) in seen:
                    continue
                if sys.getrefcount(child) > self.base:
                    continue
                seen.add(id(child))
                total += _sizeof(child)
                stack.append(child)
            del children
            if not stack or visited >= limit:
                return total
            visited += 1
            children = _children(stack.pop())


# -- the probe --------------------------------------------------------------------------


class _ClassProbe:
    def __init__(self, spec: Dict[str, Any]) -> None:
        self.id: str = spec["id"]
        self.file: Optional[str] = _norm(spec["file"]) if spec.get("file") else None
        self.module: str = spec.get("module", "")
        self.qualname: str = spec["qualname"]
        self.cls: Any = None
        self.first_rc = 0

    def references(self) -> int:
        """References to the class: one per live instance plus a constant (its module,
        its MRO, descriptors...). Always read through here, so that the temporary
        references of the reading code are the same at every reading."""
        return sys.getrefcount(self.cls)


class _CacheProbe:
    def __init__(self, spec: Dict[str, Any]) -> None:
        self.id: str = spec["id"]
        self.file: Optional[str] = _norm(spec["file"]) if spec.get("file") else None
        self.module: str = spec.get("module", "")
        self.qualname: str = spec["qualname"]
        self.wrapper: Any = None
        self.cache: Optional[Dict[Any, Any]] = None
        self.info_peak: Optional[List[Any]] = None


class _DefaultProbe:
    def __init__(self, spec: Dict[str, Any]) -> None:
        self.id: str = spec["id"]
        self.file: Optional[str] = _norm(spec["file"]) if spec.get("file") else None
        self.module: str = spec.get("module", "")
        self.qualname: str = spec["qualname"]
        self.parameter: str = spec["parameter"]
        self.found = False
        self.value: Any = None
        self.first_len = -1
        self.len_peak = -1
        self.max_len = -1


class Probe:
    """All state of one observed run; methods run in the main thread, the sampler
    thread, gc callbacks and census children (each says which)."""

    def __init__(self, plan: Dict[str, Any]) -> None:
        self.plan = plan
        self.out_path: str = plan["observations"]
        self.work_dir: str = plan["work_dir"]
        self.interval: float = float(plan.get("interval", 0.005))
        self.use_fork: bool = bool(plan.get("fork", True)) and hasattr(os, "fork")
        self.sources = frozenset(_norm(p) for p in plan.get("sources", ()))
        #: This file, as tracemalloc names it: its own allocations are not the target's.
        self.own_files = frozenset({__file__, os.path.abspath(__file__)})
        probes = plan.get("probes", {})
        self.classes = [_ClassProbe(s) for s in probes.get("classes", ())]
        self.caches = [_CacheProbe(s) for s in probes.get("caches", ())]
        self.defaults = [_DefaultProbe(s) for s in probes.get("defaults", ())]
        self.lines: List[Dict[str, Any]] = [
            {
                "id": s["id"],
                "file": _norm(s["file"]),
                "line": int(s["line"]),
                "end_line": int(s.get("end_line", s["line"])),
            }
            for s in probes.get("lines", ())
        ]
        by_id = {c.id: c for c in self.classes}
        self.cycles: List[Tuple[str, List[_ClassProbe]]] = []
        for spec in probes.get("cycles", ()):
            members = [by_id[c] for c in (spec.get("owner"), spec.get("child")) if c in by_id]
            unique = list({id(m): m for m in members}.values())
            self.cycles.append((spec["id"], unique))

        self.main_module: Optional[types.ModuleType] = None
        self.modules_seen = 0
        self.module_names: Dict[str, Any] = {}
        self.files: Dict[str, Any] = {}

        # timeline (one entry per tick)
        self.t = array.array("d")
        self.seg = array.array("d")
        #: The part of each tick's segment after the last collection start.
        self.tail = array.array("d")
        self.cur = array.array("d")
        #: Net GC allocations so far (collections advance it by what they reset):
        #: the clock cyclic garbage piles up by, immune to pauses of the main thread.
        self.clock = array.array("d")
        self.gc_clock = 0
        self.columns: Dict[str, array.array] = {}  # type: ignore[type-arg]
        for probe in self.classes:
            self.columns[probe.id] = array.array("d")
        for cache in self.caches:
            self.columns[cache.id] = array.array("d")
        for default in self.defaults:
            self.columns[default.id] = array.array("d")

        # collections
        self.gc_t = array.array("d")
        self.gc_at = array.array("d")
        self.gc_gen = array.array("b")
        self.gc_dur = array.array("d")
        self.gc_collected = array.array("q")
        self.gc_freed = array.array("q")
        self.gc_flagged: Dict[str, array.array] = {  # type: ignore[type-arg]
            cycle_id: array.array("q") for cycle_id, _ in self.cycles
        }
        self._gc_start = 0.0
        self._gc_t0 = 0.0
        self._gc_seg = 0.0
        self.gc_seg = array.array("d")
        self.gc_cur = array.array("d")
        self.in_gc = False
        #: The highest segment peak closed by a collection since the last tick.
        self.pending_peak = 0.0
        #: The probe's own buffers at the last tick (subtracted from traced sizes).
        self.own = 0
        self._gc_cur = 0
        self._gc_rc: List[int] = []
        self.gc_seconds = [0.0, 0.0, 0.0]
        self.gc_counts = [0, 0, 0]
        self.gc_collected_total = [0, 0, 0]

        self.t0 = 0.0
        self.peak = 0.0
        self.peak_tick = -1
        self.peak_time = 0.0
        self.max_cur_since_census = 0.0
        self.last_census_cur = 0.0
        self.plateau = 0
        self.prev_cur = 0.0
        self.census_seq = 0
        self.census_running: Optional[Tuple[int, str, float, float]] = None
        self.census_last_duration = 0.0
        self.ended: Optional[float] = None
        self.census_last_end = 0.0
        # Census results stay on disk until the end: parsing them here would put
        # memlint's own objects into the traced heap it is measuring.
        self.census_best: Optional[Tuple[float, str]] = None  # (traced, path)
        self.census_last: Optional[str] = None
        self.census_count = 0
        self.census_failures: List[str] = []
        self.census_exit: Optional[Dict[str, Any]] = None
        self.spawned = 0
        self.forking = False
        self.threads_left = 0
        self.notes: List[str] = []
        self.stop_event = threading.Event()
        self.sampler: Optional[threading.Thread] = None
        self.finished = False
        self.exit: Dict[str, Any] = {"kind": "running"}
        self.owner = _Owner()
        self.tracing_lost = False
        self.pid = os.getpid()

    def after_fork_in_child(self) -> None:
        """A process the target forks is not traced (and must not write our report)."""
        if self.forking:
            return  # our own census child: it needs the traces
        self.finished = True
        try:
            gc.callbacks.remove(self.on_gc)
        except ValueError:
            pass
        if tracemalloc.is_tracing():
            tracemalloc.stop()

    # -- resolution (sampler thread) ---------------------------------------------------

    def _refresh_modules(self) -> None:
        modules = sys.modules
        if len(modules) == self.modules_seen:
            return
        self.modules_seen = len(modules)
        for name, module in list(modules.items()):
            if self.module_names.get(name) is module:
                continue
            self.module_names[name] = module
            path = _module_file(module)
            if path is not None and path not in self.files:
                self.files[path] = module

    def _module_for(self, file: Optional[str], name: str) -> Any:
        if file is not None:
            for main in (self.main_module, sys.modules.get("__main__")):
                if main is not None and _module_file(main) == file:
                    return main
        if file is not None and file in self.files:
            return self.files[file]
        return sys.modules.get(name) if name else None

    def resolve(self) -> None:
        pending = (
            any(p.cls is None for p in self.classes)
            or any(c.wrapper is None for c in self.caches)
            or any(not d.found for d in self.defaults)
        )
        if not pending:
            return
        self._refresh_modules()
        for probe in self.classes:
            if probe.cls is None:
                module = self._module_for(probe.file, probe.module)
                found = _lookup(module, probe.qualname) if module is not None else None
                if isinstance(found, type):
                    probe.cls = found
                    probe.first_rc = probe.references()
        for cache in self.caches:
            if cache.wrapper is None:
                module = self._module_for(cache.file, cache.module)
                found = _lookup(module, cache.qualname) if module is not None else None
                wrapper = _find_cache(found)
                if wrapper is not None:
                    cache.wrapper = wrapper
                    cache.cache = _cache_dict(wrapper)
        for default in self.defaults:
            if not default.found:
                module = self._module_for(default.file, default.module)
                found = _lookup(module, default.qualname) if module is not None else None
                if found is not None:
                    ok, value = _default_of(found, default.parameter)
                    if ok:
                        default.found = True
                        default.value = value
                        default.first_len = _length(value)

    # -- ticks (sampler thread) ----------------------------------------------------------

    def own_bytes(self) -> int:
        total = _sizeof(self.t) + _sizeof(self.seg) + _sizeof(self.cur) + _sizeof(self.tail)
        for column in self.columns.values():
            total += _sizeof(column)
        total += _sizeof(self.gc_t) + _sizeof(self.gc_gen) + _sizeof(self.gc_dur)
        total += _sizeof(self.clock) + _sizeof(self.gc_at)
        total += _sizeof(self.gc_seg) + _sizeof(self.gc_cur)
        total += _sizeof(self.gc_collected) + _sizeof(self.gc_freed)
        for column in self.gc_flagged.values():
            total += _sizeof(column)
        return total

    def tick(self) -> bool:
        """Take one sample; ``False`` when a collection is under way (try again)."""
        if self.in_gc:
            # The main thread often hands over the GIL while it runs our gc callback;
            # a sample taken inside a collection would pair its clock with memory the
            # collection has not freed yet.
            return False
        if not tracemalloc.is_tracing():
            self.tracing_lost = True
            return True
        current, peak = tracemalloc.get_traced_memory()
        if _PEAK_RESET is not None:
            _PEAK_RESET()
        now = time.perf_counter() - self.t0
        own = self.own = self.own_bytes()
        tail = float(peak - own)
        seg = max(tail, self.pending_peak)
        self.pending_peak = 0.0
        cur = float(current - own)
        self.resolve()
        self.t.append(now)
        self.clock.append(float(self.gc_clock + gc.get_count()[0]))
        self.seg.append(seg)
        self.tail.append(tail)
        self.cur.append(cur)
        for probe in self.classes:
            value = float(probe.references()) if probe.cls is not None else _MISSING
            self.columns[probe.id].append(value)
        for cache in self.caches:
            self.columns[cache.id].append(float(self._cache_len(cache)))
        for default in self.defaults:
            length = _length(default.value) if default.found else -1
            default.max_len = max(default.max_len, length)
            self.columns[default.id].append(float(length))
        if seg > self.peak:
            self.peak = seg
            self.peak_tick = len(self.t) - 1
            self.peak_time = now
            for cache in self.caches:
                if cache.wrapper is not None:
                    cache.info_peak = _info(cache.wrapper)
            for default in self.defaults:
                if default.found:
                    default.len_peak = _length(default.value)
        self._maybe_census(cur, now)
        return True

    def _cache_len(self, cache: _CacheProbe) -> int:
        if cache.cache is not None:
            return len(cache.cache)
        if cache.wrapper is not None:
            info = _info(cache.wrapper)
            return int(info[3]) if info else -1
        return -1

    def run_sampler(self) -> None:
        wait = self.stop_event.wait
        interval = self.interval
        while not wait(interval):
            try:
                for _ in range(100):
                    if self.tick():
                        break
                    time.sleep(0.0002)  # let the collection finish
                self._poll_census()
            except Exception as exc:  # a probe bug must not kill the sampler silently
                self.notes.append(f"sampler error: {type(exc).__name__}: {exc}")
                return

    # -- censuses (sampler thread / census child) -------------------------------------

    def _maybe_census(self, cur: float, now: float) -> None:
        self.max_cur_since_census = max(self.max_cur_since_census, cur)
        if abs(cur - self.prev_cur) <= PLATEAU_BAND * max(cur, 1.0):
            self.plateau += 1
        else:
            self.plateau = 0
        self.prev_cur = cur
        if not self.use_fork or self.census_running is not None or cur < MIN_CENSUS_BYTES:
            return
        reason = None
        last = self.last_census_cur
        throttle = now - self.census_last_end < 2 * self.census_last_duration
        if cur >= last * GROWTH_MARGIN and not throttle:
            reason = "growth"
        elif self.plateau >= PLATEAU_TICKS and cur >= last * 1.02:
            reason = "plateau"
        elif (
            self.max_cur_since_census >= last * 1.03 and cur <= self.max_cur_since_census * DESCENT
        ):
            reason = "descent"
        if reason is not None:
            self.start_census(reason, cur, now)

    def start_census(self, reason: str, cur: float, now: float) -> None:
        self.census_seq += 1
        path = os.path.join(self.work_dir, f"census-{self.census_seq}.json")
        meta = {"seq": self.census_seq, "reason": reason, "t": now, "traced": cur}
        self.forking = True
        try:
            pid = os.fork()
        except Exception as exc:  # fork refused (limits, -W error, platform)
            self.forking = False
            self.use_fork = False
            self.census_failures.append(f"fork failed: {type(exc).__name__}: {exc}")
            return
        if pid == 0:  # pragma: no cover - runs in the census child
            code = 0
            try:
                gc.disable()  # a collection here would run the target's finalizers again
                signal.signal(signal.SIGALRM, signal.SIG_DFL)
                signal.alarm(CENSUS_TIMEOUT)
                data = self.census(meta, traces=True)
                _write_json(path, data)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        self.forking = False
        self.census_running = (pid, path, now, cur)
        self.last_census_cur = cur
        self.max_cur_since_census = cur
        self.plateau = 0

    def _poll_census(self, block: bool = False) -> None:
        running = self.census_running
        if running is None:
            return
        pid, path, started, traced = running
        try:
            done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            done, status = pid, 1  # someone else (the target) reaped it
        if done == 0:
            return
        self.census_running = None
        now = time.perf_counter() - self.t0
        self.census_last_duration = now - started
        self.census_last_end = now
        if status != 0 or not os.path.exists(path):
            self.census_failures.append(f"a census child exited with status {status}")
            return
        self.census_count += 1
        stale = {self.census_last, self.census_best[1] if self.census_best else None}
        if self.census_best is None or traced >= self.census_best[0]:
            self.census_best = (traced, path)
        self.census_last = path
        for old in stale - {self.census_last, self.census_best[1], None}:
            try:
                os.unlink(old)  # type: ignore[arg-type]
            except OSError:
                pass
        if self.out_path and not self.finished:
            # Lands on disk as it arrives, so even os._exit() leaves a report.
            _write_json(self.out_path, self.observations(final=False))

    def census(self, meta: Dict[str, Any], traces: bool) -> Dict[str, Any]:
        """Walk the heap (a census child's frozen copy, or the process at exit)."""
        started = time.perf_counter()
        rcs = {p.id: p.references() for p in self.classes if p.cls is not None}
        data: Dict[str, Any] = dict(meta)
        raw: Any = []
        if traces and tracemalloc.is_tracing():
            import _tracemalloc

            raw = _tracemalloc._get_traces()
        if tracemalloc.is_tracing():
            tracemalloc.stop()  # everything below runs faster untraced
        data["lines"] = self._lines(raw) if raw else None
        del raw
        objects = gc.get_objects()
        counts = Counter(map(type, objects))
        wanted = {p.cls: p for p in self.classes if p.cls is not None}
        samples: Dict[Any, List[Any]] = {cls: [] for cls in wanted}
        candidates = self._candidate_types(counts)
        for cls in candidates:
            samples.setdefault(cls, [])
        if samples:
            for obj in objects:
                bucket = samples.get(type(obj))
                if bucket is not None and len(bucket) < SAMPLES:
                    bucket.append(obj)
        del objects
        classes = {}
        for cls, probe in wanted.items():
            entry = _describe_instances(samples[cls])
            entry["count"] = counts.get(cls, 0)
            entry["rc"] = rcs.get(probe.id, 0)
            classes[probe.id] = entry
        data["classes"] = classes
        runtime = []
        for cls in candidates:
            entry = _describe_instances(samples.get(cls, []))
            entry.update(_describe_class(cls))
            entry["count"] = counts.get(cls, 0)
            runtime.append(entry)
        data["runtime_classes"] = runtime
        caches = {}
        for cache in self.caches:
            if cache.wrapper is None:
                continue
            entry = {"info": _info(cache.wrapper)}
            if cache.cache is not None:
                entry["len"] = len(cache.cache)
                entry["dict_bytes"] = _sizeof(cache.cache)
                entry["owned_bytes"] = self.owner.size(cache.cache)
            caches[cache.id] = entry
        data["caches"] = caches
        defaults = {}
        for default in self.defaults:
            if default.found:
                defaults[default.id] = {
                    "len": _length(default.value),
                    "owned_bytes": self.owner.size(default.value),
                    "type": type(default.value).__name__,
                }
        data["defaults"] = defaults
        data["duration"] = time.perf_counter() - started
        return data

    def _lines(self, raw: List[Any]) -> Dict[str, Any]:
        sums: Dict[Any, List[int]] = {}
        for trace in raw:
            frames = trace[2]
            key = frames[0] if frames else ("<unknown>", 0)
            entry = sums.get(key)
            if entry is None:
                sums[key] = [trace[1], 1]
            else:
                entry[0] += trace[1]
                entry[1] += 1
        own = self.own_files
        ranked = sorted(
            (item for item in sums.items() if item[0][0] not in own),
            key=lambda item: -item[1][0],
        )
        top = [[f, line, size, count] for (f, line), (size, count) in ranked[:TOP_LINES]]
        flagged = {}
        by_location: Dict[Tuple[str, int], List[int]] = {}
        reals: Dict[str, str] = {}
        for (f, line), value in sums.items():
            if f not in reals:
                reals[f] = _norm(f)
            by_location[(reals[f], line)] = value
        for spec in self.lines:
            size = count = 0
            for line in range(spec["line"], spec["end_line"] + 1):
                held = by_location.get((spec["file"], line))
                if held is not None:
                    size += held[0]
                    count += held[1]
            flagged[spec["id"]] = [size, count]
        return {"top": top, "flagged": flagged, "total": sum(v[0] for v in sums.values())}

    def _candidate_types(self, counts: Counter) -> List[Any]:  # type: ignore[type-arg]
        """Classes of the target's own source with the most live instances."""
        if not self.sources:
            return []
        flagged = {p.cls for p in self.classes}
        found = []
        files: Dict[str, Optional[str]] = {}
        for cls, count in counts.most_common():
            if count < 100:
                break
            if not isinstance(cls, type) or cls in flagged or not cls.__flags__ & _HEAPTYPE:
                continue
            name = getattr(cls, "__module__", None)
            if not isinstance(name, str):
                continue
            if name not in files:
                module = sys.modules.get(name)
                if name == "__main__" and self.main_module is not None:
                    module = self.main_module
                files[name] = _module_file(module) if module is not None else None
            if files[name] in self.sources:
                found.append(cls)
                if len(found) >= RUNTIME_CLASSES:
                    break
        return found

    # -- the collector (gc callback: whichever thread triggered the collection) --------

    def on_gc(self, phase: str, info: Dict[str, Any]) -> None:
        if phase == "start":
            self.in_gc = True
            if self.cycles:
                self._gc_rc = [
                    sum(m.references() for m in members if m.cls is not None)
                    for _, members in self.cycles
                ]
                # A collection start closes a segment too: right before it is when
                # cyclic garbage is at its highest, which ticks alone would miss.
                current, peak = tracemalloc.get_traced_memory()
                if _PEAK_RESET is not None:
                    _PEAK_RESET()
                self._gc_cur = current
                self._gc_seg = float(peak - self.own)
                self.pending_peak = max(self.pending_peak, self._gc_seg)
                self._gc_t0 = time.perf_counter() - self.t0
            # CPU time of this thread: what the collection costs, not how long the
            # scheduler kept a loaded machine's core from us meanwhile.
            self.gc_clock += gc.get_count()[0]
            self._gc_start = time.thread_time()
            return
        elapsed = time.thread_time() - self._gc_start
        self.in_gc = False
        generation = int(info.get("generation", 0))
        if 0 <= generation <= 2:
            self.gc_seconds[generation] += elapsed
            self.gc_counts[generation] += 1
            self.gc_collected_total[generation] += int(info.get("collected", 0))
        if not self.cycles:
            return
        after = [
            sum(m.references() for m in members if m.cls is not None) for _, members in self.cycles
        ]
        freed = self._gc_cur - tracemalloc.get_traced_memory()[0]
        self.gc_t.append(self._gc_t0)
        self.gc_at.append(float(self.gc_clock))
        self.gc_seg.append(self._gc_seg)
        self.gc_cur.append(float(self._gc_cur - self.own))
        self.gc_gen.append(generation)
        self.gc_dur.append(elapsed)
        self.gc_collected.append(int(info.get("collected", 0)))
        self.gc_freed.append(freed)
        for (cycle_id, _), before, now in zip(self.cycles, self._gc_rc, after):
            self.gc_flagged[cycle_id].append(max(0, before - now))

    # -- child processes (audit hook: any thread) ---------------------------------------

    def on_audit(self, event: str, args: Tuple[Any, ...]) -> None:
        if event in SPAWN_EVENTS and not (self.forking and event == "os.fork"):
            self.spawned += 1

    # -- the end ------------------------------------------------------------------------

    def finish(self, exit_info: Dict[str, Any], *, calibrate: bool = True) -> None:
        """Stop watching, take the exit census and write the observations."""
        if self.finished or os.getpid() != self.pid:
            return
        self.exit = exit_info
        self.ended = time.perf_counter() - self.t0
        self.stop_event.set()
        sampler = self.sampler
        if sampler is not None and sampler is not threading.current_thread():
            sampler.join()
        try:
            self.tick()
        except Exception as exc:
            self.notes.append(f"final tick failed: {type(exc).__name__}: {exc}")
        if self.census_running is not None:
            self._poll_census(block=True)
        self.finished = True
        try:
            gc.callbacks.remove(self.on_gc)
        except ValueError:
            pass
        if calibrate:
            try:
                near = self.census_best is not None and self.census_best[0] >= 0.9 * self.peak
                meta = {
                    "seq": 0,
                    "reason": "exit",
                    "t": time.perf_counter() - self.t0,
                    "traced": float(self.cur[-1]) if self.cur else 0.0,
                }
                traces = not near and bool(self.cur) and self.cur[-1] >= 0.9 * self.peak
                data = self.census(meta, traces=traces)
                data["exit"] = True
                self.census_count += 1
                self.census_exit = data
            except Exception as exc:
                self.notes.append(f"exit census failed: {type(exc).__name__}: {exc}")
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        _write_json(self.out_path, self.observations(final=True))

    def _census_data(self, path: Optional[str], final: bool) -> Any:
        """A census, inline at the end; before that, the file that holds it."""
        if path is None:
            return None
        if final:
            return _read_json(path)
        return {"file": path}

    def observations(self, final: bool) -> Dict[str, Any]:
        version = sys.version_info
        data: Dict[str, Any] = {
            "format": FORMAT,
            "final": final,
            "python": [version[0], version[1], version[2]],
            "implementation": sys.implementation.name,
            "executable": sys.executable,
            "exit": self.exit,
            # The target's own run; the exit census and the writing come after.
            "duration": self.ended if self.ended is not None else time.perf_counter() - self.t0,
            "peak": self.peak,
            "peak_time": self.peak_time,
            "peak_tick": self.peak_tick,
            "interval": self.interval,
            "gc": {
                "thresholds": list(gc.get_threshold()),
                "collections": self.gc_counts,
                "seconds": self.gc_seconds,
                "collected": self.gc_collected_total,
            },
            "timeline": None
            if not final
            else {
                "t": self.t.tolist(),
                "clock": self.clock.tolist(),
                "seg": self.seg.tolist(),
                "tail": self.tail.tolist(),
                "cur": self.cur.tolist(),
                "columns": {key: column.tolist() for key, column in self.columns.items()},
            },
            "collections": None
            if not final
            else {
                "t": self.gc_t.tolist(),
                "clock": self.gc_at.tolist(),
                "seg": self.gc_seg.tolist(),
                "cur": self.gc_cur.tolist(),
                "gen": self.gc_gen.tolist(),
                "duration": self.gc_dur.tolist(),
                "collected": self.gc_collected.tolist(),
                "freed": self.gc_freed.tolist(),
                "flagged": {key: column.tolist() for key, column in self.gc_flagged.items()},
            },
            "probes": {
                "classes": {
                    p.id: {"resolved": p.cls is not None, "first_rc": p.first_rc}
                    for p in self.classes
                },
                "caches": {
                    c.id: {
                        "resolved": c.wrapper is not None,
                        "dict": c.cache is not None,
                        "info_peak": c.info_peak,
                        "info_exit": _info(c.wrapper) if c.wrapper is not None else None,
                    }
                    for c in self.caches
                },
                "defaults": {
                    d.id: {
                        "resolved": d.found,
                        "type": type(d.value).__name__ if d.found else None,
                        "len_first": d.first_len,
                        "len_peak": d.len_peak,
                        "len_max": d.max_len,
                        "len_exit": _length(d.value) if d.found else -1,
                    }
                    for d in self.defaults
                },
            },
            "census": {
                "count": self.census_count,
                "best": self._census_data(self.census_best[1] if self.census_best else None, final),
                "last": self._census_data(self.census_last, final),
                "exit": self.census_exit,
                "failures": self.census_failures,
                "fork": self.use_fork,
            },
            "spawned": self.spawned,
            "threads_left": self.threads_left,
            "tracing_lost": self.tracing_lost,
            "notes": self.notes,
        }
        return data


def _length(value: Any) -> int:
    try:
        return len(value)
    except Exception:
        return -1


def _info(wrapper: Any) -> Optional[List[Any]]:
    try:
        info = wrapper.cache_info()
    except Exception:
        return None
    return [info.hits, info.misses, info.maxsize, info.currsize]


def _describe_instances(sample: List[Any]) -> Dict[str, Any]:
    """Attribute counts and names of sampled instances (census only: may touch
    ``__dict__``, which on 3.11+ materialises it in this copy of the heap)."""
    ks: List[int] = []
    names: Dict[str, int] = {}
    weak = 0
    materialized = 0
    for obj in sample:
        if sys.version_info >= (3, 11):
            refs = [r for r in gc.get_referents(obj) if r is not type(obj)]
            if len(refs) == 1 and type(refs[0]) is dict:
                try:
                    if object.__getattribute__(obj, "__dict__") is refs[0]:
                        materialized += 1
                except Exception:
                    pass
        try:
            namespace = object.__getattribute__(obj, "__dict__")
        except Exception:
            namespace = None
        if type(namespace) is dict:
            ks.append(len(namespace))
            for key in namespace:
                if isinstance(key, str):
                    names[key] = names.get(key, 0) + 1
        try:
            if weakref.getweakrefcount(obj):
                weak += 1
        except TypeError:
            pass
    ordered = sorted(names, key=lambda name: -names[name])
    return {
        "k": ks,
        "names": ordered[:40],
        "sampled": len(sample),
        "weakly_referenced": weak,
        "dict_materialized": materialized,
    }


def _describe_class(cls: type) -> Dict[str, Any]:
    """Where ``cls`` is defined and whether ``__slots__`` could be added to it."""
    module = getattr(cls, "__module__", "")
    reasons = []
    namespace = cls.__dict__
    if "__slots__" in namespace:
        reasons.append("already declares __slots__ (a base adds the __dict__)")
    for base in cls.__mro__[1:]:
        if base is object:
            continue
        if not base.__flags__ & _HEAPTYPE:
            reasons.append(f"built-in base {base.__name__}")
        elif "__slots__" not in base.__dict__:
            reasons.append(f"base {base.__qualname__} has no __slots__")
    metaclass = type(cls)
    if metaclass is not type and metaclass.__name__ != "ABCMeta":
        reasons.append(f"metaclass {metaclass.__name__}")
    for klass in cls.__mro__:
        if klass is object:
            continue
        for name in ("__getattr__", "__getstate__", "__setstate__", "__reduce__", "__reduce_ex__"):
            if name in klass.__dict__:
                reasons.append(f"defines {name}")
        for value in list(klass.__dict__.values()):
            if type(value).__name__ == "cached_property":
                reasons.append("uses functools.cached_property")
                break
    return {
        "module": module,
        "qualname": getattr(cls, "__qualname__", cls.__name__),
        "dataclass": "__dataclass_fields__" in namespace,
        "slots_blockers": sorted(set(reasons)),
    }


def _write_json(path: str, data: Dict[str, Any]) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, default=repr)
    os.replace(tmp, path)


def _read_json(path: str) -> Optional[Dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# -- running the target -----------------------------------------------------------------


def _strip_traceback(tb: Any, files: Tuple[str, ...]) -> Any:
    """Drop this file's and runpy's frames from the top of a traceback, as Python
    shows only the target's own frames."""
    while tb is not None and tb.tb_frame.f_code.co_filename in files:
        tb = tb.tb_next
    return tb


def _print_exception(files: Tuple[str, ...]) -> str:
    """Print the exception being handled as Python would for an uncaught one."""
    etype, value, tb = sys.exc_info()
    if etype is None or value is None:
        return ""
    # sys.excepthook shows value.__traceback__, so trim that one.
    value = value.with_traceback(_strip_traceback(tb, files))
    try:
        sys.excepthook(etype, value, value.__traceback__)
    except Exception:
        pass
    return etype.__name__


def _exit_code(code: Any) -> int:
    """What the interpreter exits with for ``SystemExit(code)`` (printing as it does)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(f"{code}\n")
        sys.stderr.flush()
    except Exception:
        pass
    return 1


def _compile_script(path: str) -> Any:
    """Compiled before tracing starts: Python compiles a script before running it."""
    with open(path, "rb") as handle:
        source = handle.read()
    return compile(source, path, "exec", dont_inherit=True)


def _run_script(path: str, code: Any, probe: Probe) -> None:
    """What ``python path`` does: run the code in a fresh ``__main__`` module."""
    from importlib.machinery import SourceFileLoader

    main = types.ModuleType("__main__")
    main.__dict__.update(
        {
            "__file__": path,
            "__cached__": None,
            "__loader__": SourceFileLoader("__main__", path),
            "__package__": None,
            "__spec__": None,
            "__builtins__": __builtins__,
        }
    )
    sys.modules["__main__"] = main
    probe.main_module = main
    exec(code, main.__dict__)


def _run_module(name: str) -> None:
    import runpy

    runpy.run_module(name, run_name="__main__", alter_sys=True)


def main(argv: List[str]) -> None:
    if len(argv) != 2:
        sys.stderr.write("usage: bootstrap.py PLAN.json\n")
        sys.exit(2)
    with open(argv[1], encoding="utf-8") as handle:
        plan = json.load(handle)
    target = plan["target"]
    kind, name, args = target["kind"], target["name"], list(target.get("args", ()))
    here = os.path.abspath(__file__)

    if kind == "path":
        if not os.path.exists(name):
            sys.stderr.write(
                f"{os.path.basename(sys.executable)}: can't open file {os.path.abspath(name)!r}: "
                "[Errno 2] No such file or directory\n"
            )
            sys.exit(2)
        sys.argv = [name, *args]
        sys.path[0] = os.path.dirname(_real(os.path.abspath(name)))
    else:
        sys.argv = [name, *args]  # runpy replaces argv[0] with the module's file
        sys.path[0] = os.getcwd()

    probe = Probe(plan)
    files = (here, argv[0], *_runpy_files())

    interrupted: List[bool] = []

    def at_exit() -> None:
        # Registered before the target's own handlers, so it runs after them: the
        # same place where Python re-raises SIGINT after a KeyboardInterrupt.
        if interrupted:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except Exception:
                pass
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)

    atexit.register(at_exit)

    def on_term(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            probe.finish({"kind": "signal", "signal": signum, "status": -signum}, calibrate=False)
        finally:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, on_term)
    if hasattr(sys, "addaudithook"):
        sys.addaudithook(probe.on_audit)
    gc.callbacks.append(probe.on_gc)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=probe.after_fork_in_child)

    code = None
    if kind == "path":
        # Python 3.9+ runs a script under its absolute path (__file__, tracebacks).
        script = os.path.abspath(name) if sys.version_info >= (3, 9) else name
        try:
            code = _compile_script(script)
        except SyntaxError:
            etype, value, _ = sys.exc_info()
            sys.excepthook(etype, value, None)  # type: ignore[arg-type]
            probe.finish({"kind": "exception", "status": 1, "type": "SyntaxError"}, calibrate=False)
            sys.exit(1)

    probe.t0 = time.perf_counter()
    tracemalloc.start(1)
    sampler = threading.Thread(target=probe.run_sampler, name="memlint-sampler", daemon=True)
    probe.sampler = sampler
    sampler.start()

    status = 0
    exit_info: Dict[str, Any]
    try:
        if kind == "path":
            _run_script(script, code, probe)
        else:
            _run_module(name)
        exit_info = {"kind": "return", "status": 0}
    except SystemExit as exc:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        status = _exit_code(exc.code)
        exit_info = {"kind": "exit", "status": status, "code": repr(exc.code)}
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _print_exception(files)
        interrupted.append(True)
        status = 130
        exit_info = {"kind": "interrupt", "status": -int(signal.SIGINT)}
    except BaseException:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        error_type = _print_exception(files)
        status = 1
        exit_info = {"kind": "exception", "status": 1, "type": error_type}
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threads = [
        t
        for t in threading.enumerate()
        if t is not threading.main_thread() and not t.daemon and t is not sampler
    ]
    probe.threads_left = len(threads)
    for thread in threads:  # Python waits for them before exiting too
        thread.join()
    try:
        probe.finish(exit_info)
    except BaseException as exc:  # the target's status matters more than our report
        try:
            sys.stderr.write(f"memlint: could not write observations: {exc}\n")
        except Exception:
            pass
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        sys.stdout.flush()
    except Exception:
        pass
    if interrupted:
        sys.exit(130)  # at_exit turns this into death by SIGINT
    sys.exit(status)


def _runpy_files() -> Tuple[str, ...]:
    import runpy

    return (getattr(runpy, "__file__", "") or "", "<frozen runpy>")


if __name__ == "__main__":
    # The target gets a __main__ of its own; warnings raised here (os.fork's, on
    # 3.12+) are attributed to this name, which the default filters ignore.
    sys.modules["_memlint_probe"] = sys.modules["__main__"]
    __name__ = "_memlint_probe"
    main(sys.argv)
