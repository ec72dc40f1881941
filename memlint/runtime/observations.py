"""The observations file the child writes, read back into typed objects.

The file is JSON (``bootstrap.FORMAT`` 1). Everything the child could not
measure is absent or ``null``; readers here turn that into ``None`` or empty
values instead of failing, because a partial report (a crash, ``os._exit``) is
still worth showing.

Top-level keys: ``python`` ([major, minor, micro]), ``exit`` (``kind``: return,
exit, exception, interrupt or signal; ``status``), ``duration`` (s), ``peak``
(traced bytes, the probe's own buffers excluded), ``peak_time``, ``peak_tick``,
``interval``, ``gc`` (thresholds, collections/seconds/collected per
generation), ``timeline`` (per tick: ``t``, ``seg`` -- the traced peak since the
previous tick --, ``cur`` and one column per probe), ``collections`` (per
collection while parent/child classes were watched: ``t``, ``gen``,
``duration``, ``collected``, ``freed`` bytes and ``flagged`` instances freed per
cycle probe), ``probes`` (per probe: resolved or not, cache_info at peak and
exit, default lengths), ``census`` (``best``: the census taken closest to the
peak, ``last``, ``exit``; each with per-line traced bytes, per-class counts and
attribute samples, per-cache and per-default owned bytes, classes of the
project not flagged statically), ``spawned`` (child processes started),
``notes``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from memlint._compat import SLOTS


def _floats(value: Any) -> list[float]:
    if not isinstance(value, list):
        return []
    return [float(v) if isinstance(v, (int, float)) else -1.0 for v in value]


def _ints(value: Any) -> list[int]:
    if not isinstance(value, list):
        return []
    return [int(v) if isinstance(v, (int, float)) else 0 for v in value]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True, **SLOTS)
class Timeline:
    t: list[float] = field(default_factory=list)
    seg: list[float] = field(default_factory=list)
    cur: list[float] = field(default_factory=list)
    columns: dict[str, list[float]] = field(default_factory=dict)
    #: Net GC allocations at each tick (see ``Collections.clock``).
    clock: list[float] = field(default_factory=list)
    #: Each tick's segment peak after the last collection start (``seg`` covers
    #: the whole time since the previous tick).
    tail: list[float] = field(default_factory=list)

    @classmethod
    def read(cls, data: Any) -> Timeline:
        raw = _dict(data)
        columns = {str(k): _floats(v) for k, v in _dict(raw.get("columns")).items()}
        return cls(
            _floats(raw.get("t")),
            _floats(raw.get("seg")),
            _floats(raw.get("cur")),
            columns,
            _floats(raw.get("clock")),
            _floats(raw.get("tail")),
        )

    def __len__(self) -> int:
        return min(len(self.t), len(self.seg), len(self.cur))


@dataclass(frozen=True, **SLOTS)
class Collections:
    """One entry per collection while MEM005 classes were watched."""

    t: list[float] = field(default_factory=list)
    #: Net GC allocations when each collection started: collections happen every
    #: ``threshold0`` of them, and cyclic garbage piles up with them.
    clock: list[float] = field(default_factory=list)
    #: Traced peak since the previous tick or collection, and the traced size, at
    #: the start of each collection (the probe's own buffers excluded).
    seg: list[float] = field(default_factory=list)
    cur: list[float] = field(default_factory=list)
    gen: list[int] = field(default_factory=list)
    duration: list[float] = field(default_factory=list)
    collected: list[int] = field(default_factory=list)
    freed: list[int] = field(default_factory=list)
    flagged: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def read(cls, data: Any) -> Collections:
        raw = _dict(data)
        flagged = {str(k): _ints(v) for k, v in _dict(raw.get("flagged")).items()}
        return cls(
            _floats(raw.get("t")),
            _floats(raw.get("clock")),
            _floats(raw.get("seg")),
            _floats(raw.get("cur")),
            _ints(raw.get("gen")),
            _floats(raw.get("duration")),
            _ints(raw.get("collected")),
            _ints(raw.get("freed")),
            flagged,
        )


@dataclass(frozen=True, **SLOTS)
class Census:
    """What one walk of the heap saw (see :meth:`bootstrap.Probe.census`)."""

    seq: int
    reason: str
    time: float
    traced: float
    lines: Optional[dict[str, Any]]
    classes: dict[str, dict[str, Any]]
    runtime_classes: list[dict[str, Any]]
    caches: dict[str, dict[str, Any]]
    defaults: dict[str, dict[str, Any]]
    duration: float

    @classmethod
    def read(cls, data: Any) -> Optional[Census]:
        raw = _dict(data)
        if set(raw) == {"file"}:
            # Written before the target ended (os._exit): the census is in its own file.
            try:
                raw = _dict(json.loads(Path(str(raw["file"])).read_text(encoding="utf-8")))
            except (OSError, ValueError):
                return None
        if not raw:
            return None
        lines = raw.get("lines")
        runtime = raw.get("runtime_classes")
        return cls(
            seq=int(raw.get("seq", 0)),
            reason=str(raw.get("reason", "")),
            time=float(raw.get("t", 0.0)),
            traced=float(raw.get("traced", 0.0)),
            lines=lines if isinstance(lines, dict) else None,
            classes={str(k): _dict(v) for k, v in _dict(raw.get("classes")).items()},
            runtime_classes=[r for r in runtime if isinstance(r, dict)]
            if isinstance(runtime, list)
            else [],
            caches={str(k): _dict(v) for k, v in _dict(raw.get("caches")).items()},
            defaults={str(k): _dict(v) for k, v in _dict(raw.get("defaults")).items()},
            duration=float(raw.get("duration", 0.0)),
        )

    def line_bytes(self, probe_id: str) -> Optional[tuple[int, int]]:
        """Traced (bytes, blocks) allocated at a flagged read's lines, if traces were taken."""
        if self.lines is None:
            return None
        held = _dict(self.lines.get("flagged")).get(probe_id)
        if not isinstance(held, list) or len(held) != 2:
            return None
        return int(held[0]), int(held[1])

    def top_lines(self) -> list[tuple[str, int, int, int]]:
        if self.lines is None:
            return []
        out = []
        for row in self.lines.get("top", ()):
            if isinstance(row, list) and len(row) == 4:
                out.append((str(row[0]), int(row[1]), int(row[2]), int(row[3])))
        return out


@dataclass(frozen=True, **SLOTS)
class Observations:
    """Everything the child reported about one run."""

    python: tuple[int, int, int]
    implementation: str
    final: bool
    exit_kind: str
    exit_status: Optional[int]
    duration: float
    peak: float
    peak_time: float
    peak_tick: int
    interval: float
    gc_thresholds: tuple[int, ...]
    gc_collections: tuple[int, ...]
    gc_seconds: tuple[float, ...]
    gc_collected: tuple[int, ...]
    timeline: Timeline
    collections: Collections
    probes: dict[str, dict[str, dict[str, Any]]]
    best: Optional[Census]
    last: Optional[Census]
    exit_census: Optional[Census]
    census_count: int
    census_failures: tuple[str, ...]
    forked: bool
    spawned: int
    threads_left: int
    tracing_lost: bool
    notes: tuple[str, ...]

    @property
    def version(self) -> tuple[int, int]:
        return (self.python[0], self.python[1])

    @property
    def gc_total_seconds(self) -> float:
        return sum(self.gc_seconds)

    def probe(self, kind: str, probe_id: str) -> dict[str, Any]:
        return _dict(self.probes.get(kind, {}).get(probe_id))

    def censuses(self) -> list[Census]:
        """Distinct censuses, the one closest to the peak (the largest traced size) first."""
        seen: set[tuple[int, str]] = set()
        out = []
        for census in (self.best, self.exit_census, self.last):
            if census is not None and (census.seq, census.reason) not in seen:
                seen.add((census.seq, census.reason))
                out.append(census)
        out.sort(key=lambda census: -census.traced)
        return out

    def nearest(self, with_lines: bool = False) -> Optional[Census]:
        """The census closest to the peak (with per-line bytes, if asked)."""
        for census in self.censuses():
            if not with_lines or census.lines is not None:
                return census
        return None

    @classmethod
    def read(cls, data: Any) -> Observations:
        raw = _dict(data)
        python = [*_ints(raw.get("python")), 0, 0, 0]
        exit_info = _dict(raw.get("exit"))
        gc_info = _dict(raw.get("gc"))
        census = _dict(raw.get("census"))
        status = exit_info.get("status")
        probes = {
            str(kind): {str(k): _dict(v) for k, v in _dict(entries).items()}
            for kind, entries in _dict(raw.get("probes")).items()
        }
        return cls(
            python=(python[0], python[1], python[2]),
            implementation=str(raw.get("implementation", "")),
            final=bool(raw.get("final", False)),
            exit_kind=str(exit_info.get("kind", "unknown")),
            exit_status=int(status) if isinstance(status, int) else None,
            duration=float(raw.get("duration", 0.0)),
            peak=float(raw.get("peak", 0.0)),
            peak_time=float(raw.get("peak_time", 0.0)),
            peak_tick=int(raw.get("peak_tick", -1)),
            interval=float(raw.get("interval", 0.0)),
            gc_thresholds=tuple(_ints(gc_info.get("thresholds"))),
            gc_collections=tuple(_ints(gc_info.get("collections"))),
            gc_seconds=tuple(_floats(gc_info.get("seconds"))),
            gc_collected=tuple(_ints(gc_info.get("collected"))),
            timeline=Timeline.read(raw.get("timeline")),
            collections=Collections.read(raw.get("collections")),
            probes=probes,
            best=Census.read(census.get("best")),
            last=Census.read(census.get("last")),
            exit_census=Census.read(census.get("exit")),
            census_count=int(census.get("count", 0)),
            census_failures=tuple(str(f) for f in census.get("failures", ()) or ()),
            forked=bool(census.get("fork", False)),
            spawned=int(raw.get("spawned", 0)),
            threads_left=int(raw.get("threads_left", 0)),
            tracing_lost=bool(raw.get("tracing_lost", False)),
            notes=tuple(str(n) for n in raw.get("notes", ()) or ()),
        )


def load(path: Path) -> Optional[Observations]:
    """The observations at ``path``, or ``None`` when the child wrote none (or garbage)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "python" not in data:
        return None
    return Observations.read(data)
