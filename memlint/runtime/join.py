"""Joining observations with static findings: measured estimates and runtime-only findings.

Every estimate here answers one question: *how much lower would the traced peak
have been with this fix applied?* The child's timeline gives, for every tick, the
highest traced size since the previous tick (a *segment* peak) and the state of
each probe. For a finding whose fix removes ``a(i)`` bytes in the state of tick
``i``, the peak without those bytes is ``max_i(seg[i] - a(i))`` -- the *counterfactual
peak* -- and the saving is the real peak minus that. This is what a before/after
measurement sees: when the fix shrinks the objects at the peak enough, the peak
moves to another moment, and the saving is capped by that moment's size.

What ``a(i)`` is, per rule (bytes from :mod:`memlint.model` for the child's
CPython, counts from the run):

- **MEM004** live instances at tick ``i`` (a refcount on the class, calibrated
  by exact counts from a census) times the per-instance saving of ``__slots__``
  for the attribute count observed on sampled instances.
- **MEM002** the bytes an unbounded cache holds beyond what ``maxsize=N`` (the
  fix's bound) would keep: the cache dict sized for its entries plus the keys
  and results only the cache references (measured per entry by a census),
  against a dict of ``N`` entries with their recency links.
- **MEM001** the bytes owned by the default object alone (measured by a census,
  scaled with its length at each tick): with ``None`` as default each call's
  object dies with the call.
- **MEM003** the traced bytes allocated at the read's lines and still alive at
  the census closest to the peak (lines are only counted by censuses, so no
  timeline: the saving is taken at that census).
- **MEM005** the cyclic garbage of the flagged classes present at tick ``i``:
  each collection's freed bytes, apportioned to the flagged instances it freed,
  spread back over the time since the previous collection of that generation.
  Its real cost is collector time: collections happen every ``threshold0``
  net GC allocations, and refcounting would free the flagged objects at once,
  so the collections (and seconds) left after the fix are the share of
  allocations that were not flagged garbage.
"""

from __future__ import annotations

import ast
import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any, Optional

from memlint._compat import SLOTS
from memlint.config import ignored_codes_for
from memlint.facts import is_test_path
from memlint.finding import Confidence, Estimate, Finding, Severity
from memlint.model import (
    SUPPORTED_VERSIONS,
    Version,
    dict_keys_bytes,
    dict_table_size,
    format_version,
    gc_objects_per_node,
    instance_layout,
    lru_cache_dict_bytes,
    lru_link_size,
    nearest_supported,
    pymalloc_resident,
    set_table_size,
    weakref_size,
)
from memlint.runner import CheckRun, read_file
from memlint.runtime.observations import Census, Observations
from memlint.runtime.plan import Plan
from memlint.source import LineIndex, SourceError, decode_source
from memlint.suppress import scan, skips_file

#: A class the static pass missed is reported when this many instances are alive at
#: the peak, or when they hold this share of the peak (with at least 100 of them).
RUNTIME_ONLY_COUNT = 10_000
RUNTIME_ONLY_SHARE = 0.05
#: Below this share of the peak, the census closest to the peak is said to be far from it.
NEAR_PEAK = 0.9
DEFAULT_FIX_MAXSIZE = 1024


@dataclass(frozen=True, **SLOTS)
class RuleSavings:
    """Measured savings of one rule's findings."""

    code: str
    name: str
    findings: int
    measured: int
    total_bytes: int
    gc_seconds: float = 0.0


@dataclass(frozen=True, **SLOTS)
class TopLine:
    path: str
    line: int
    size: int
    blocks: int


@dataclass(frozen=True, **SLOTS)
class RuntimeSummary:
    """What ``memlint run`` saw, for the text summary and the JSON ``runtime`` object."""

    target: str
    python: str
    exit_status: int
    exit_description: str
    observed: bool
    duration: float = 0.0
    peak: int = 0
    peak_time: float = 0.0
    top_lines: tuple[TopLine, ...] = ()
    census_fraction: Optional[float] = None
    censuses: int = 0
    savings: tuple[RuleSavings, ...] = ()
    gc_collections: tuple[int, ...] = ()
    gc_seconds: tuple[float, ...] = ()
    gc_collected: tuple[int, ...] = ()
    gc_thresholds: tuple[int, ...] = ()
    spawned: int = 0
    runtime_only: int = 0
    notes: tuple[str, ...] = ()

    def headline(self) -> str:
        where = f" on Python {self.python}" if self.python else ""
        return f"`{self.target}`{where} {self.exit_description}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "python": self.python,
            "observed": self.observed,
            "exit": {"status": self.exit_status, "description": self.exit_description},
            "duration_seconds": round(self.duration, 6),
            "peak_bytes": self.peak,
            "peak_time_seconds": round(self.peak_time, 6),
            "top_lines_at_peak": [
                {"path": t.path, "line": t.line, "bytes": t.size, "blocks": t.blocks}
                for t in self.top_lines
            ],
            "census_fraction_of_peak": None
            if self.census_fraction is None
            else round(self.census_fraction, 4),
            "censuses": self.censuses,
            "savings_by_rule": [
                {
                    "code": s.code,
                    "name": s.name,
                    "findings": s.findings,
                    "measured": s.measured,
                    "estimated_bytes_saved": s.total_bytes,
                    "gc_seconds_saved": round(s.gc_seconds, 6),
                }
                for s in self.savings
            ],
            "gc": {
                "thresholds": list(self.gc_thresholds),
                "collections": list(self.gc_collections),
                "seconds": [round(s, 6) for s in self.gc_seconds],
                "collected": list(self.gc_collected),
            },
            "subprocesses": {"started": self.spawned, "traced": False},
            "runtime_only_findings": self.runtime_only,
            "notes": list(self.notes),
        }


# -- the timeline ----------------------------------------------------------------------


class _Peaks:
    """Counterfactual peaks over a timeline of segments."""

    def __init__(
        self,
        seg: Sequence[float],
        cur: Sequence[float],
        t: Sequence[float],
        clock: Optional[Sequence[float]] = None,
        peak: float = 0.0,
    ) -> None:
        self.n = min(len(seg), len(cur), len(t))
        self.seg = list(seg[: self.n])
        self.cur = list(cur[: self.n])
        self.t = list(t[: self.n])
        self.clock = list(clock[: self.n]) if clock and len(clock) >= self.n else list(self.t)
        self.peak = max(self.seg, default=peak)
        self.peak_index = max(range(self.n), key=self.seg.__getitem__) if self.n else -1

    @classmethod
    def of(cls, obs: Observations) -> _Peaks:
        line = obs.timeline
        return cls(line.seg, line.cur, line.t, line.clock, obs.peak)

    def _at(self, i: int, values: Sequence[float], cap: Optional[float]) -> float:
        """``values`` at the moment of segment ``i``'s peak.

        The end of the segment describes it when the traced size was still near the
        peak there. Otherwise the peak came earlier -- the traced size rose from the
        segment's start to the peak and fell back -- and the value at the start is
        carried up that rise at the rate it rose with memory in the segment before
        (``cap``: at most that many units per byte).
        """
        seg, cur = self.seg, self.cur
        if i == 0 or abs(seg[i] - cur[i]) <= abs(seg[i] - cur[i - 1]):
            return values[i]
        value = values[i - 1]
        rise = seg[i] - cur[i - 1]
        if rise > 0 and i >= 2 and cur[i - 1] > cur[i - 2]:
            slope = max(0.0, (values[i - 1] - values[i - 2]) / (cur[i - 1] - cur[i - 2]))
            if cap is not None:
                slope = min(slope, cap)
            value += slope * rise
        return value

    def without(self, attributable: Sequence[float]) -> float:
        """The peak had ``attributable[i]`` bytes (state of tick i) not been there."""
        if not self.n:
            return self.peak
        return max(self.seg[i] - self._at(i, attributable, 1.0) for i in range(self.n))

    def saving(self, attributable: Sequence[float]) -> float:
        return self.peak - self.without(attributable)

    def at_peak(self, values: Sequence[float]) -> float:
        if self.peak_index < 0 or not values:
            return 0.0
        return self._at(self.peak_index, values, None)


# -- helpers ---------------------------------------------------------------------------


def _version(obs: Observations) -> Version:
    version = obs.version
    if version in SUPPORTED_VERSIONS:
        return version
    return nearest_supported(version)


def _resident(version: Version, k: int, slotted: bool, **kwargs: Any) -> int:
    layout = instance_layout(k, version, slotted=slotted, **kwargs)
    return sum(
        pymalloc_resident(size, version)
        for size in (layout.object_bytes, layout.values_bytes, layout.dict_bytes)
        if size
    )


def _slots_unit(version: Version, k: int, weakref: bool, materialized: bool) -> tuple[int, int]:
    """Bytes (requested, resident) ``__slots__`` saves per instance with ``k`` attributes."""
    before = instance_layout(k, version, dict_materialized=materialized).total
    after = instance_layout(k, version, slotted=True, weakref_slot=weakref).total
    resident = _resident(version, k, False, dict_materialized=materialized) - _resident(
        version, k, True, weakref_slot=weakref
    )
    return before - after, resident


def _class_entry(obs: Observations, probe_id: str) -> Optional[dict[str, Any]]:
    for census in obs.censuses():
        entry = census.classes.get(probe_id)
        if entry:
            return entry
    return None


def _baseline(obs: Observations, probe_id: str) -> tuple[float, bool]:
    """References to a class that are not instances: ``rc - count`` from a census."""
    for census in obs.censuses():
        entry = census.classes.get(probe_id)
        if entry and isinstance(entry.get("rc"), int) and isinstance(entry.get("count"), int):
            return float(entry["rc"] - entry["count"]), True
    first = obs.probe("classes", probe_id).get("first_rc")
    return (float(first) if isinstance(first, int) else 0.0), False


def _counts(obs: Observations, probe_id: str) -> tuple[list[float], bool]:
    column = obs.timeline.columns.get(probe_id, [])
    base, exact = _baseline(obs, probe_id)
    return [max(0.0, value - base) if value >= 0 else 0.0 for value in column], exact


def _k_observed(entry: Optional[dict[str, Any]], static_k: Any) -> Optional[int]:
    samples = entry.get("k") if entry else None
    if isinstance(samples, list) and samples:
        return round(median(int(k) for k in samples))
    return int(static_k) if isinstance(static_k, int) else None


def _resize_transient(kind: str, before: float, after: float, version: Version) -> float:
    """Bytes of the old hash table a dict or set held alongside the new one while
    growing from ``before`` to ``after`` items (0 when it did not resize)."""
    old, new = int(before), int(after)
    if new <= old:
        return 0.0
    if kind == "dict":
        size = dict_table_size(new, version)
        if size > dict_table_size(old, version) and size >= 16:
            return float(dict_keys_bytes(size // 2, version, str_keys=False))
    elif kind == "set":
        size = set_table_size(new, version)
        if size > set_table_size(old, version) and size > 8:
            return float(16 * (size // 2))
    return 0.0


def _fmt(count: float) -> str:
    from memlint.output import format_bytes

    return format_bytes(count)


def _pad(values: list[float], n: int) -> list[float]:
    return values[:n] + [0.0] * max(0, n - len(values))


#: A census this close to the traced peak gives the exact instance count at the peak.
CENSUS_AT_PEAK = 0.995


# -- per rule --------------------------------------------------------------------------


class _Joiner:
    def __init__(self, run: CheckRun, plan: Plan, obs: Observations) -> None:
        self.run = run
        self.plan = plan
        self.obs = obs
        self.version = _version(obs)
        self.python = format_version(self.version)
        self.peaks = _Peaks.of(obs)
        self.peak = self.peaks.peak
        self.notes: list[str] = []
        self.gc_saved: dict[str, float] = {}
        options = run.settings.rule_options.get("MEM002", {})
        maxsize = options.get("fix-maxsize", DEFAULT_FIX_MAXSIZE)
        self.fix_maxsize = maxsize if isinstance(maxsize, int) and maxsize > 0 else 1024
        self.probe_of: dict[int, str] = {}
        for probe_id, indexes in plan.findings.items():
            for index in indexes:
                self.probe_of[index] = probe_id

    def estimate(self, index: int, finding: Finding) -> Optional[Estimate]:
        probe_id = self.probe_of.get(index)
        if probe_id is None:
            return None
        method: Callable[[Finding, str], Optional[Estimate]] = {
            "MEM001": self._default,
            "MEM002": self._cache,
            "MEM003": self._read,
            "MEM004": self._slots,
            "MEM005": self._cycle,
        }.get(finding.code, lambda f, p: None)
        return method(finding, probe_id)

    # MEM004 -----------------------------------------------------------------------------

    def _slots(self, finding: Finding, probe_id: str) -> Optional[Estimate]:
        if not self.obs.probe("classes", probe_id).get("resolved"):
            return None
        counts, exact = _counts(self.obs, probe_id)
        counts = _pad(counts, self.peaks.n)
        entry = _class_entry(self.obs, probe_id)
        k = _k_observed(entry, finding.detail("k"))
        if k is None:
            return None
        partial = not self.peaks.n and entry is not None
        if partial and entry is not None:
            # No timeline (the target ended without letting the probe finish): the
            # census closest to the peak counted the instances.
            counts = [float(int(entry.get("count", 0)))]
        weakref = bool(finding.detail("weakref")) or bool(entry and entry.get("weakly_referenced"))
        sampled = int(entry.get("sampled", 0)) if entry else 0
        materialized = bool(
            entry and sampled and int(entry.get("dict_materialized", 0)) * 2 > sampled
        )
        unit, resident = _slots_unit(self.version, k, weakref, materialized)
        if partial:
            live = int(counts[0])
            saving = float(live * unit)
        else:
            saving = self.peaks.saving([c * unit for c in counts])
            live = int(self.peaks.at_peak(counts))
            nearest = self.obs.nearest()
            if (
                entry is not None
                and nearest is not None
                and nearest.classes.get(probe_id) is entry
                and nearest.traced >= CENSUS_AT_PEAK * self.peak
                and abs(int(entry.get("count", 0)) - live) <= max(16, live // 100)
            ):
                # A refcount read can include a few references the target's own
                # frames hold for a moment; a census taken at the peak counted exactly.
                live = int(entry.get("count", 0))
        note = (
            f"{live:,} live instances at the traced peak of {_fmt(self.peak)}, "
            f"{k} attribute{'s' if k != 1 else ''} each (observed); "
            f"the peak falls by {_fmt(saving)}"
        )
        if not exact:
            note += " (instance count not calibrated by a census: approximate)"
        if materialized:
            note += "; most instances had their `__dict__` materialised"
        return Estimate(
            bytes_saved=unit,
            resident_bytes_saved=resident,
            unit="instance",
            method="measured",
            python=self.python,
            count=live,
            total_bytes=max(0, round(saving)),
            note=note,
            extra=(
                ("live_at_peak", live),
                ("attributes_observed", k),
                ("max_live", int(max(counts, default=0))),
                ("peak_bytes", round(self.peak)),
            ),
        )

    # MEM002 -----------------------------------------------------------------------------

    def _cache(self, finding: Finding, probe_id: str) -> Optional[Estimate]:
        probe = self.obs.probe("caches", probe_id)
        if not probe.get("resolved"):
            return None
        column = _pad(self.obs.timeline.columns.get(probe_id, []), self.peaks.n)
        entries = [max(0.0, n) for n in column]
        at_peak = int(self.peaks.at_peak(entries))
        info_peak = probe.get("info_peak")
        info_exit = probe.get("info_exit")
        per_entry: Optional[float] = None
        for census in self.obs.censuses():
            data = census.caches.get(probe_id)
            if data and int(data.get("len", 0)) > 0:
                owned = float(data.get("owned_bytes", 0)) - float(data.get("dict_bytes", 0))
                per_entry = max(0.0, owned) / int(data["len"])
                break
        extra: list[tuple[str, Any]] = [
            ("entries_at_peak", at_peak),
            ("cache_info_at_peak", _info_dict(info_peak)),
            ("cache_info_at_exit", _info_dict(info_exit)),
        ]
        if finding.detail("maxsize") is not None or per_entry is None:
            # A bounded method cache (its cost is the instances it pins), or no census
            # saw the entries: report what was observed, keep the modelled bytes.
            static = finding.estimate
            if static is None:
                return None
            return dataclasses.replace(
                static,
                count=at_peak,
                total_bytes=static.bytes_saved * at_peak
                if finding.detail("maxsize") is None
                else None,
                extra=(*static.extra, *extra),
            )
        bound = self.fix_maxsize
        link = lru_link_size(self.version)
        version = self.version

        def held(n: float) -> float:
            count = int(n)
            kept = min(count, bound)
            unbounded = lru_cache_dict_bytes(count, version) + count * per_entry
            bounded = lru_cache_dict_bytes(kept, version) + kept * (per_entry + link)
            return unbounded - bounded

        attributable = [held(n) for n in entries]
        for i in range(1, len(entries)):
            if entries[i] > bound:
                # A dict that grew past a resize held both tables for a moment.
                attributable[i] += _resize_transient("dict", entries[i - 1], entries[i], version)
        saving = self.peaks.saving(attributable)
        beyond = max(0, at_peak - bound)
        unit = round(saving / beyond) if beyond else round(per_entry)
        note = (
            f"{at_peak:,} entries at the traced peak, {_fmt(per_entry)} each held only by "
            f"the cache (keys and results, measured) plus the dict; with maxsize={bound} "
            f"the peak falls by {_fmt(max(0.0, saving))}"
        )
        extra.append(("fix_maxsize", bound))
        extra.append(("owned_bytes_per_entry", round(per_entry, 1)))
        return Estimate(
            bytes_saved=unit,
            resident_bytes_saved=pymalloc_resident(max(unit, 0), self.version) if unit > 0 else 0,
            unit="entry",
            method="measured",
            python=self.python,
            count=beyond,
            total_bytes=max(0, round(saving)),
            note=note,
            extra=tuple(extra),
        )

    # MEM001 -----------------------------------------------------------------------------

    def _default(self, finding: Finding, probe_id: str) -> Optional[Estimate]:
        probe = self.obs.probe("defaults", probe_id)
        if not probe.get("resolved"):
            return None
        column = _pad(self.obs.timeline.columns.get(probe_id, []), self.peaks.n)
        lengths = [max(0.0, n) for n in column]
        owned: Optional[float] = None
        length = 0
        for census in self.obs.censuses():
            data = census.defaults.get(probe_id)
            if data and isinstance(data.get("owned_bytes"), int):
                owned = float(data["owned_bytes"])
                length = int(data.get("len", 0))
                break
        if owned is None:
            return None
        if length > 0:
            attributable = [owned * n / length for n in lengths]
        else:
            attributable = [owned] * len(lengths)
        kind = str(probe.get("type") or "")
        for i in range(1, len(lengths)):
            attributable[i] += _resize_transient(kind, lengths[i - 1], lengths[i], self.version)
        saving = self.peaks.saving(attributable)
        at_peak = int(self.peaks.at_peak(lengths))
        first = int(probe.get("len_first", -1))
        last = int(probe.get("len_exit", -1))
        per_item = round(owned / length) if length > 0 else round(owned)
        kind = probe.get("type") or "object"
        growth = (
            f"the default {kind} grew from {first:,} to {max(at_peak, last):,} items across calls"
            if first >= 0 and max(at_peak, last) > first
            else f"the default {kind} held {at_peak:,} items"
        )
        note = (
            f"{growth}; at the traced peak it owned {_fmt(max(0.0, saving))} nobody else references"
        )
        return Estimate(
            bytes_saved=per_item,
            resident_bytes_saved=pymalloc_resident(per_item, self.version) if per_item > 0 else 0,
            unit="item",
            method="measured",
            python=self.python,
            count=at_peak,
            total_bytes=max(0, round(saving)),
            note=note,
            extra=(
                ("items_first_seen", first),
                ("items_at_peak", at_peak),
                ("items_at_exit", last),
                ("owned_bytes_measured", round(owned)),
            ),
        )

    # MEM003 -----------------------------------------------------------------------------

    def _read(self, finding: Finding, probe_id: str) -> Optional[Estimate]:
        best: Optional[tuple[Census, int, int]] = None
        for census in self.obs.censuses():
            held = census.line_bytes(probe_id)
            if held is not None:
                best = (census, held[0], held[1])
                break
        if best is None:
            return None
        census, size, blocks = best
        fraction = census.traced / self.peak if self.peak else 0.0
        if size == 0 and fraction < NEAR_PEAK:
            # Nothing allocated there was alive at a census far from the peak: the
            # read did not run, or its lines were freed before that census. That
            # measures nothing about the peak, so the modelled estimate stands.
            return None
        note = (
            f"{_fmt(size)} in {blocks:,} blocks allocated at this read were alive at the "
            f"census closest to the peak ({fraction:.0%} of it)"
        )
        if fraction < NEAR_PEAK:
            note += "; that census was far from the peak, so the figure is a lower bound"
        return Estimate(
            bytes_saved=size,
            resident_bytes_saved=size + 16 * blocks // 2,
            unit="read",
            method="measured",
            python=self.python,
            count=1 if size else 0,
            total_bytes=size,
            note=note,
            extra=(("blocks", blocks), ("census_fraction_of_peak", round(fraction, 4))),
        )

    # MEM005 -----------------------------------------------------------------------------

    def _cycle(self, finding: Finding, probe_id: str) -> Optional[Estimate]:
        collections = self.obs.collections
        flagged = collections.flagged.get(probe_id)
        if flagged is None or not self._cycle_resolved(probe_id):
            # The classes never existed in the run (their module was not imported).
            return None
        version = self.version
        per_node = gc_objects_per_node(version)
        total = sum(self.obs.gc_collections)
        seconds = self.obs.gc_total_seconds
        threshold = self.obs.gc_thresholds[0] if self.obs.gc_thresholds else 700
        freed_instances = sum(flagged)
        # Collections happen every threshold0 + 1 net GC allocations. The flagged
        # objects the collector freed were net allocations only because they were
        # in cycles: refcounting would free them, so they would not count.
        refcounted = sum(
            min(collected, n * per_node) for collected, n in zip(collections.collected, flagged)
        )
        increments = total * (threshold + 1)
        remaining = max(0.0, increments - refcounted) / increments if increments else 1.0
        collections_saved = round(total * (1 - remaining))
        seconds_saved = seconds * (1 - remaining)
        self.gc_saved[probe_id] = seconds_saved

        peaks, garbage, garbage_nodes, counts = self._cycle_timeline(finding, flagged, per_node)
        saving = peaks.saving(garbage)
        live_children = 0.0
        if counts:
            live_children = max(0.0, peaks.at_peak(counts) - peaks.at_peak(garbage_nodes))
        # With weak parents every live child carries a weakref.ref.
        extra_weakrefs = live_children * weakref_size(version)
        saving_bytes = saving - extra_weakrefs
        share = seconds / self.obs.duration if self.obs.duration else 0.0
        child = finding.detail("child_class") or finding.detail("owner_class")
        note = (
            f"the collector ran {total:,} times for {seconds:.2f} s of CPU ({share:.0%} of the "
            f"run) and freed {freed_instances:,} `{_short(child)}` instances from cycles; with "
            f"weak parent references about {collections_saved:,} collections and "
            f"{seconds_saved:.2f} s of collector time go, and the peak falls by "
            f"{_fmt(max(0.0, saving_bytes))} (the cyclic garbage held at the peak)"
        )
        return Estimate(
            bytes_saved=max(0, round(saving_bytes)),
            resident_bytes_saved=max(0, round(saving_bytes)),
            unit="peak",
            method="measured",
            python=self.python,
            count=1,
            total_bytes=max(0, round(saving_bytes)),
            note=note,
            extra=(
                ("gc_seconds", round(seconds, 6)),
                ("gc_seconds_saved", round(seconds_saved, 6)),
                ("gc_collections", total),
                ("gc_collections_saved", collections_saved),
                ("instances_freed_by_gc", freed_instances),
                ("garbage_bytes_at_peak", round(saving)),
                ("weakref_bytes_added", round(extra_weakrefs)),
            ),
        )

    def _cycle_resolved(self, probe_id: str) -> bool:
        for spec in self.plan.data["probes"]["cycles"]:
            if spec["id"] == probe_id:
                return any(
                    self.obs.probe("classes", spec[side]).get("resolved")
                    for side in ("owner", "child")
                )
        return False

    def _cycle_child_counts(self, finding: Finding) -> Optional[tuple[list[float], float]]:
        """The child class's refcount column and its baseline, if it was watched."""
        child = finding.detail("child_class")
        if not isinstance(child, str):
            return None
        for spec in self.plan.data["probes"]["classes"]:
            module, qualname = spec.get("module", ""), spec.get("qualname", "")
            if f"{module}.{qualname}" == child:
                column = self.obs.timeline.columns.get(spec["id"], [])
                base, _ = _baseline(self.obs, spec["id"])
                return column, base
        return None

    def _cycle_timeline(
        self, finding: Finding, flagged: Sequence[int], per_node: int
    ) -> tuple[_Peaks, list[float], list[float], list[float]]:
        """Segments closed by ticks and by collection starts, in time order, with the
        flagged cyclic garbage (bytes, instances) and live child instances at each end.

        Garbage piles up in each generation ``l`` at its own rate ``r_l`` (per net GC
        allocation) until a collection of generation ``>= l`` empties it, so a
        collection of generation ``g`` frees ``sum(r_l * age_l)`` over ``l <= g``. The
        three rates are fitted (non-negative least squares) to every collection's
        freed bytes; the garbage at any moment is the sum of the three piles then.
        """
        collections = self.obs.collections
        line = self.obs.timeline
        n = len(collections.t)
        freed_bytes = []
        for i in range(n):
            collected = collections.collected[i]
            share = min(1.0, flagged[i] * per_node / collected) if collected else 0.0
            freed_bytes.append(max(0, collections.freed[i]) * share)
        freed_nodes = [float(flagged[i]) for i in range(n)]
        # Nothing piles up before the first flagged instance is made: start the piles
        # at the collection before the first one that freed any (imports and other
        # start-up work advance the clock without making this garbage).
        first = next((i for i in range(n) if flagged[i] > 0), n)
        origin = collections.clock[first - 1] if 0 < first < n else 0.0
        emptied = [origin] * 3
        rows: list[list[float]] = []
        for i in range(n):
            now, gen = collections.clock[i], collections.gen[i]
            rows.append(
                [max(0.0, now - emptied[level]) if level <= gen else 0.0 for level in range(3)]
            )
            for level in range(gen + 1):
                emptied[level] = now
        rates_bytes = _nonnegative_fit(rows, freed_bytes)
        rates_nodes = _nonnegative_fit(rows, freed_nodes)

        child = self._cycle_child_counts(finding)
        ticks = len(line)
        tails = line.tail if len(line.tail) >= ticks else line.seg
        events: list[tuple[float, int, int]] = [(line.t[i], 1, i) for i in range(ticks)]
        events += [(collections.t[i], 0, i) for i in range(n) if i < len(collections.seg)]
        events.sort()
        seg: list[float] = []
        cur: list[float] = []
        t: list[float] = []
        garbage: list[float] = []
        nodes: list[float] = []
        counts: list[float] = []
        emptied = [origin] * 3
        last_count = 0.0
        for when, kind, i in events:
            if kind == 0:  # a collection starts: garbage as it was just before it
                clock = collections.clock[i]
                seg.append(collections.seg[i])
                cur.append(collections.cur[i])
            else:
                clock = line.clock[i] if len(line.clock) > i else when
                seg.append(tails[i])
                cur.append(line.cur[i])
                if child is not None and i < len(child[0]) and child[0][i] >= 0:
                    last_count = max(0.0, child[0][i] - child[1])
            ages = [max(0.0, clock - emptied[level]) for level in range(3)]
            garbage.append(max(0.0, sum(r * a for r, a in zip(rates_bytes, ages))))
            nodes.append(max(0.0, sum(r * a for r, a in zip(rates_nodes, ages))))
            counts.append(last_count)
            t.append(when)
            if kind == 0:
                for level in range(collections.gen[i] + 1):
                    emptied[level] = clock
        peaks = _Peaks(seg, cur, t, peak=self.peak)
        return peaks, garbage, nodes, counts if child is not None else []


def _solve(matrix: list[list[float]], vector: list[float]) -> Optional[list[float]]:
    """Gaussian elimination with partial pivoting; ``None`` when singular."""
    size = len(vector)
    a = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12:
            return None
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(size):
            if r != col:
                factor = a[r][col] / a[col][col]
                for c in range(col, size + 1):
                    a[r][c] -= factor * a[col][c]
    return [a[i][size] / a[i][i] for i in range(size)]


def _nonnegative_fit(rows: Sequence[Sequence[float]], values: Sequence[float]) -> list[float]:
    """Least squares ``rows @ x ~ values`` with ``x >= 0`` (three unknowns: every subset)."""
    width = 3
    best: tuple[float, list[float]] = (float("inf"), [0.0] * width)
    for mask in range(1, 1 << width):
        columns = [c for c in range(width) if mask >> c & 1]
        gram = [[sum(r[a] * r[b] for r in rows) for b in columns] for a in columns]
        rhs = [sum(r[a] * v for r, v in zip(rows, values)) for a in columns]
        solution = _solve(gram, rhs)
        if solution is None or any(x < 0 for x in solution):
            continue
        x = [0.0] * width
        for c, value in zip(columns, solution):
            x[c] = value
        residual = sum(
            (sum(r[c] * x[c] for c in range(width)) - v) ** 2 for r, v in zip(rows, values)
        )
        if residual < best[0]:
            best = (residual, x)
    return best[1]


def _short(qualified: Any) -> str:
    return str(qualified).rpartition(".")[2] if qualified else "object"


def _info_dict(info: Any) -> Optional[dict[str, Any]]:
    if not isinstance(info, list) or len(info) != 4:
        return None
    return {"hits": info[0], "misses": info[1], "maxsize": info[2], "currsize": info[3]}


# -- runtime-only MEM004 ---------------------------------------------------------------


def _class_position(path: str, qualname: str) -> Optional[tuple[int, int, int]]:
    """(line, column, end column) of the name in ``class X`` for ``qualname`` in ``path``."""
    try:
        text = decode_source(read_file(path)).text
        tree = ast.parse(text)
    except (OSError, SourceError, SyntaxError, ValueError):
        return None
    body: list[ast.stmt] = tree.body
    node: Optional[ast.ClassDef] = None
    parts = [p for p in qualname.split(".") if p != "<locals>"]
    for depth, part in enumerate(parts):
        match = None
        for statement in body:
            if isinstance(statement, ast.ClassDef) and statement.name == part:
                match = statement
            elif (
                isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                and statement.name == part
                and depth < len(parts) - 1
            ):
                match = statement  # type: ignore[assignment]
        if match is None:
            return None
        body = match.body
        node = match if isinstance(match, ast.ClassDef) else None
    if node is None:
        return None
    index = LineIndex(text)
    line_text = index.line_text(node.lineno)
    position = line_text.find(node.name, line_text.find("class"))
    column = position + 1 if position >= 0 else index.column_from_utf8(node.lineno, node.col_offset)
    if skips_file(text) or scan(text).suppresses("MEM004", node.lineno):
        return None
    return node.lineno, column, column + len(node.name)


def _runtime_only(joiner: _Joiner, rules_enabled: bool) -> list[Finding]:
    if not rules_enabled:
        return []
    obs = joiner.obs
    census = obs.nearest()
    if census is None:
        return []
    version = joiner.version
    settings = joiner.run.settings
    found = []
    files = {module: path for path, module in joiner.plan.modules.items()}
    for entry in census.runtime_classes:
        count = int(entry.get("count", 0))
        blockers = entry.get("slots_blockers") or []
        module = str(entry.get("module", ""))
        qualname = str(entry.get("qualname", ""))
        if blockers or not qualname or int(entry.get("dict_materialized", 0)):
            continue
        k = _k_observed(entry, None)
        if k is None:
            continue
        size = instance_layout(k, version).total
        if count < RUNTIME_ONLY_COUNT and not (
            count >= 100 and count * size >= RUNTIME_ONLY_SHARE * joiner.peak
        ):
            continue
        path = files.get(module)
        if path is None and module == "__main__":
            path = _main_file(joiner)
        if path is None or is_test_path(path):
            continue
        relative = os.path.relpath(path, settings.root) if settings.root else path
        if "MEM004" in ignored_codes_for(settings, Path(relative).as_posix()):
            continue
        position = _class_position(path, qualname)
        if position is None:
            continue
        line, column, end_column = position
        weakref = bool(entry.get("weakly_referenced"))
        unit, resident = _slots_unit(version, k, weakref, False)
        names = [str(n) for n in entry.get("names", ())][:6]
        shown = ", ".join(f"`{n}`" for n in names)
        dataclass_ = bool(entry.get("dataclass"))
        listed = ", ".join(repr(n) for n in names) + ("," if len(names) == 1 else "")
        advice = (
            "`@dataclass(slots=True)` would remove it"
            if dataclass_
            else f"`__slots__ = ({listed})` would remove it"
        )
        name = qualname.rpartition(".")[2]
        message = (
            f"Runtime evidence: {count:,} instances of `{name}` were alive near the traced peak "
            f"and each carries a `__dict__` for its {k} attribute{'s' if k != 1 else ''}"
            f"{' (' + shown + ')' if shown else ''}; {advice}."
        )
        total = count * unit
        display = _display(path)
        found.append(
            Finding(
                code="MEM004",
                name="missing-slots",
                path=display,
                line=line,
                column=column,
                end_line=line,
                end_column=end_column,
                message=message,
                severity=Severity.LOW,
                confidence=Confidence.MEDIUM,
                estimate=Estimate(
                    bytes_saved=unit,
                    resident_bytes_saved=resident,
                    unit="instance",
                    method="measured",
                    python=joiner.python,
                    count=count,
                    total_bytes=total,
                    note=f"{count:,} live instances at the census closest to the peak",
                    extra=(("runtime_only", True), ("attributes_observed", k)),
                ),
                details=(
                    ("class", f"{joiner.plan.modules.get(path, module)}.{qualname}"),
                    ("attributes", names),
                    ("k", k),
                    ("weakref", weakref),
                    ("dataclass", dataclass_),
                    ("runtime_only", True),
                ),
            )
        )
    return found


def _main_file(joiner: _Joiner) -> Optional[str]:
    target = joiner.plan.data.get("target", {})
    if target.get("kind") == "path":
        return os.path.abspath(str(target.get("name")))
    return None


def _display(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


# -- the whole join --------------------------------------------------------------------


def saving_of(finding: Finding) -> int:
    estimate = finding.estimate
    if estimate is None or estimate.total_bytes is None:
        return 0
    return estimate.total_bytes


def join(run: CheckRun, plan: Plan, obs: Observations) -> tuple[list[Finding], _Joiner]:
    """The findings with measured estimates where observed, plus runtime-only ones,
    sorted by estimated saving (largest first)."""
    joiner = _Joiner(run, plan, obs)
    joined: list[Finding] = []
    for index, finding in enumerate(run.findings):
        estimate = joiner.estimate(index, finding)
        joined.append(dataclasses.replace(finding, estimate=estimate) if estimate else finding)
    enabled = any(rule.code == "MEM004" for rule in run.rules)
    joined.extend(_runtime_only(joiner, enabled))
    joined.sort(key=lambda f: (-saving_of(f), f.sort_key))
    return joined, joiner


def summarize(
    run: CheckRun,
    target: str,
    status: int,
    description: str,
    obs: Optional[Observations],
    joiner: Optional[_Joiner],
) -> RuntimeSummary:
    notes = [
        "Child processes started by the target are not traced; only the target's own "
        "interpreter was observed."
    ]
    if obs is None:
        notes.append("The target left no observations (it may have called os._exit() early).")
        return RuntimeSummary(target, "", status, description, False, notes=tuple(notes))
    names = {rule.code: rule.name for rule in run.rules}
    savings = []
    for code in sorted({f.code for f in run.findings}):
        group = [f for f in run.findings if f.code == code]
        measured = [f for f in group if f.estimate is not None and f.estimate.method == "measured"]
        seconds = 0.0
        if code == "MEM005" and joiner is not None:
            seconds = sum(joiner.gc_saved.values())
        savings.append(
            RuleSavings(
                code,
                names.get(code, ""),
                len(group),
                len(measured),
                sum(saving_of(f) for f in measured),
                seconds,
            )
        )
    savings.sort(key=lambda s: -s.total_bytes)
    census = obs.nearest(with_lines=True)
    top = tuple(
        TopLine(_display(path) if os.path.isabs(path) else path, line, size, blocks)
        for path, line, size, blocks in (census.top_lines() if census else [])
    )
    fraction = census.traced / obs.peak if census is not None and obs.peak else None
    if obs.spawned:
        notes[0] = (
            f"The target started {obs.spawned} child process{'es' if obs.spawned != 1 else ''}; "
            "they were not traced (only the target's own interpreter was observed)."
        )
    if not obs.final:
        notes.append(
            "The target ended without letting memlint finish (os._exit() or a fatal "
            "signal): the figures are those of the last census."
        )
    if obs.tracing_lost:
        notes.append("The target stopped tracemalloc itself; what it did after that is not seen.")
    if obs.threads_left:
        notes.append(
            f"{obs.threads_left} thread{'s' if obs.threads_left != 1 else ''} still ran when "
            "the main program ended; memlint waited for them as Python does."
        )
    if fraction is not None and fraction < NEAR_PEAK:
        notes.append(
            f"The census closest to the peak saw {fraction:.0%} of it; per-line figures are "
            "from that moment."
        )
    if obs.implementation and obs.implementation != "cpython":
        notes.append(f"The target ran on {obs.implementation}; the cost model describes CPython.")
    if joiner is not None:
        notes.extend(joiner.notes)
    notes.extend(obs.census_failures)
    notes.extend(obs.notes)
    runtime_only = sum(1 for f in run.findings if f.detail("runtime_only"))
    return RuntimeSummary(
        target=target,
        python=".".join(str(p) for p in obs.python),
        exit_status=status,
        exit_description=description,
        observed=True,
        duration=obs.duration,
        peak=round(obs.peak),
        peak_time=obs.peak_time,
        top_lines=top,
        census_fraction=fraction,
        censuses=obs.census_count,
        savings=tuple(savings),
        gc_collections=obs.gc_collections,
        gc_seconds=obs.gc_seconds,
        gc_collected=obs.gc_collected,
        gc_thresholds=obs.gc_thresholds,
        spawned=obs.spawned,
        runtime_only=runtime_only,
        notes=tuple(notes),
    )


__all__ = ["RuleSavings", "RuntimeSummary", "TopLine", "join", "saving_of", "summarize"]
