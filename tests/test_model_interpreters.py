"""The memory model against the real interpreters pyenv has installed.

``tests/model_probe.py`` runs once per interpreter per session (all in parallel, on first
use), builds each shape and reports what tracemalloc measured; every test here compares
one shape on one version with the model. Fixed-size objects must match to the byte,
aggregates within the tolerance the case names. Versions pyenv does not have are skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

from memlint.model import (
    SUPPORTED_VERSIONS,
    Version,
    arena_size,
    bytes_size,
    dict_size,
    float_size,
    format_version,
    gc_thresholds,
    instance_size,
    int_size,
    list_size,
    lru_cache_size,
    pool_size,
    read_splitlines_cost,
    readlines_cost,
    set_size,
    simulate_cyclic_garbage,
    slots_saving,
    str_size,
    tuple_size,
    weakref_size,
)

PROBE = Path(__file__).with_name("model_probe.py")
PROBE_TIMEOUT = 300
LRU_ENTRIES = 2000
MEASURED_VERSIONS = [v for v in SUPPORTED_VERSIONS if v < (3, 14)]


def _pyenv_root() -> Optional[Path]:
    env = os.environ.get("PYENV_ROOT")
    if env:
        return Path(env)
    exe = shutil.which("pyenv")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "root"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    text = out.stdout.strip()
    return Path(text) if out.returncode == 0 and text else None


def installed_interpreters() -> Dict[Version, Path]:
    """The newest pyenv-installed CPython of each supported minor version."""
    root = _pyenv_root()
    found: Dict[Version, Tuple[int, Path]] = {}
    if root is None or not (root / "versions").is_dir():
        return {}
    for entry in (root / "versions").iterdir():
        match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", entry.name)
        exe = entry / "bin" / "python3"
        if not match or not exe.exists():
            continue
        version = (int(match.group(1)), int(match.group(2)))
        patch = int(match.group(3))
        if version in SUPPORTED_VERSIONS and patch >= found.get(version, (-1, exe))[0]:
            found[version] = (patch, exe)
    return {version: exe for version, (_, exe) in found.items()}


INTERPRETERS = installed_interpreters()


@dataclass(frozen=True)
class ProbeRun:
    version: Version
    data: Optional[Dict[str, Any]]
    error: str = ""


_RESULTS: Dict[Version, ProbeRun] = {}


def _run_all(workdir: Path) -> None:
    """Start every missing probe at once, then collect them (one run per session)."""
    started = []
    for version, exe in INTERPRETERS.items():
        if version in _RESULTS:
            continue
        folder = workdir / format_version(version)
        folder.mkdir(parents=True, exist_ok=True)
        proc = subprocess.Popen(
            [str(exe), "-I", str(PROBE), str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append((version, proc))
    for version, proc in started:
        try:
            out, err = proc.communicate(timeout=PROBE_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            _RESULTS[version] = ProbeRun(version, None, "probe timed out")
            continue
        if proc.returncode != 0:
            _RESULTS[version] = ProbeRun(version, None, err[-2000:])
        else:
            _RESULTS[version] = ProbeRun(version, json.loads(out))


@pytest.fixture(scope="module")
def probes(tmp_path_factory: pytest.TempPathFactory) -> Dict[Version, ProbeRun]:
    _run_all(tmp_path_factory.mktemp("model-probe"))
    return _RESULTS


def probe(probes: Dict[Version, ProbeRun], version: Version) -> Dict[str, Any]:
    if version not in INTERPRETERS:
        pytest.skip(f"no CPython {format_version(version)} installed by pyenv")
    run = probes[version]
    assert run.data is not None, f"probe failed on {format_version(version)}: {run.error}"
    assert tuple(run.data["version"][:2]) == version
    return run.data


# --- the shape table -------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """One probe measurement and the model function that should predict it."""

    key: str
    model: Callable[[Version], float]
    rel: float = 0.0  # 0 -> exact to the byte


def _at(fn: Callable[..., float], *args: Any, **kwargs: Any) -> Callable[[Version], float]:
    """``fn(*args, version, **kwargs)`` as a function of the version alone."""

    def model(version: Version) -> float:
        return fn(*args, version, **kwargs)

    return model


def _lru_per_entry(
    bounded: bool, typed: bool, nargs: int, kwargs: int, str_keys: bool
) -> Callable[[Version], float]:
    def model(version: Version) -> float:
        total = lru_cache_size(
            LRU_ENTRIES, version, bounded, typed, nargs, kwargs, str_keys=str_keys
        )
        return (total - 64) / LRU_ENTRIES  # the empty cache dict exists before the calls

    return model


def _shapes() -> Iterator[Shape]:
    for k in [*range(13), 20, 28, 29, 35]:
        yield Shape(f"instance-k{k}", _at(instance_size, k))
        yield Shape(f"slotted-k{k}", _at(instance_size, k, slotted=True))
        yield Shape(f"slotted_weakref-k{k}", _at(instance_size, k, slotted=True, weakref_slot=True))
        yield Shape(f"instance_dict-k{k}", _at(instance_size, k, dict_materialized=True))
    for k in (3, 6):
        # Key sharing breaks on 3.8-3.10 only; 3.11+ store the insertion order per instance.
        yield Shape(f"instance_mixed_order-k{k}", _at(instance_size, k, key_sharing=False))
    for n in (0, 1, 5, 6, 10, 11, 21, 22, 42, 43, 85, 86):
        yield Shape(f"dict_str-{n}", _at(dict_size, n))
        yield Shape(f"dict_int-{n}", _at(dict_size, n, str_keys=False))
    for n in (6, 11, 21, 22, 28):
        yield Shape(f"dict_presized-{n}", _at(dict_size, n, presized=True))
    for n in (0, 1, 2, 3, 4, 5, 8, 9, 16, 17, 25, 100, 1000):
        for how, key in (
            ("append", "list_append"),
            ("sized", "list_sized"),
            ("literal", "list_literal"),
            ("iterator", "list_iter"),
        ):
            yield Shape(f"{key}-{n}", _at(list_size, n, how=how))
    for n in (1, 2, 5, 10, 20, 25, 50):
        yield Shape(f"tuple-{n}", _at(tuple_size, n))
    for n in (0, 4, 5, 18, 19, 76, 77):
        yield Shape(f"set-{n}", _at(set_size, n))
    for kind in ("ascii", "latin1", "ucs2", "ucs4"):
        for n in (2, 10, 100):
            yield Shape(f"str_{kind}-{n}", _at(str_size, n, kind=kind))
    for n in (2, 10, 100):
        yield Shape(f"bytes-{n}", _at(bytes_size, n))
    for value in (1000, 2**31 - 1, 2**61 - 1, 2**90):
        yield Shape(f"int-{value}", _at(int_size, value))
    yield Shape("float", _at(float_size))
    yield Shape("weakref", _at(weakref_size))
    for bounded in (False, True):
        for typed in (False, True):
            for mode, nargs, kwargs in (
                ("1int", 1, 0),
                ("2int", 2, 0),
                ("1kw", 0, 1),
                ("1str", 1, 0),
            ):
                key = f"lru-{'bounded' if bounded else 'unbounded'}-{typed}-{mode}"
                model = _lru_per_entry(bounded, typed, nargs, kwargs, mode == "1str")
                yield Shape(key, model, rel=0.05)


SHAPES = list(_shapes())
SHAPE_CASES = [
    pytest.param(shape, version, id=f"{shape.key}-{format_version(version)}")
    for shape in SHAPES
    for version in MEASURED_VERSIONS
]


@pytest.mark.parametrize(("shape", "version"), SHAPE_CASES)
def test_shape_matches_model(
    probes: Dict[Version, ProbeRun], shape: Shape, version: Version
) -> None:
    measured = probe(probes, version)["values"][shape.key]
    modelled = shape.model(version)
    if shape.rel:
        assert measured == pytest.approx(modelled, rel=shape.rel), (measured, modelled)
    else:
        assert round(measured) == modelled, (measured, modelled)


SAVING_CASES = [
    pytest.param(k, version, id=f"slots-saving-k{k}-{format_version(version)}")
    for k in range(1, 11)
    for version in MEASURED_VERSIONS
]


@pytest.mark.parametrize(("nattrs", "version"), SAVING_CASES)
def test_slots_saving_matches_measured_saving(
    probes: Dict[Version, ProbeRun], nattrs: int, version: Version
) -> None:
    values = probe(probes, version)["values"]
    measured = values[f"instance-k{nattrs}"] - values[f"slotted-k{nattrs}"]
    assert slots_saving(nattrs, version) == pytest.approx(measured, rel=0.10)


FILE_CASES = [
    pytest.param(kind, line, version, id=f"{kind}-{line}-{format_version(version)}")
    for kind in ("readlines", "splitlines")
    for line in (20, 80, 200)
    for version in MEASURED_VERSIONS
]


@pytest.mark.parametrize(("kind", "line", "version"), FILE_CASES)
def test_whole_file_read_peak(
    probes: Dict[Version, ProbeRun], kind: str, line: int, version: Version
) -> None:
    files = probe(probes, version)["files"]
    size = files[f"size-{line}"]
    model = readlines_cost if kind == "readlines" else read_splitlines_cost
    assert files[f"{kind}-{line}"] == pytest.approx(model(size, line, version), rel=0.10)


VERSION_CASES = [pytest.param(v, id=format_version(v)) for v in MEASURED_VERSIONS]


@pytest.mark.parametrize("version", VERSION_CASES)
def test_gc_thresholds(probes: Dict[Version, ProbeRun], version: Version) -> None:
    data = probe(probes, version)
    patch = data["version"][2]
    assert tuple(data["gc"]["thresholds"]) == gc_thresholds(version, patch)


@pytest.mark.parametrize("version", VERSION_CASES)
def test_pymalloc_pool_and_arena_sizes(probes: Dict[Version, ProbeRun], version: Version) -> None:
    stats = probe(probes, version)["pymalloc"]
    assert stats["threshold"] == 512
    assert stats["pool"] == pool_size(version)
    assert stats["arena"] == arena_size(version)


GC_RUNS = [("Node", 2000, 10), ("Node", 600, 100)]
GC_CASES = [
    pytest.param(trees, nodes, version, id=f"trees{trees}x{nodes}-{format_version(version)}")
    for _, trees, nodes in GC_RUNS
    for version in MEASURED_VERSIONS
]


@pytest.mark.parametrize(("trees", "nodes", "version"), GC_CASES)
def test_gc_simulation_matches_collector(
    probes: Dict[Version, ProbeRun], trees: int, nodes: int, version: Version
) -> None:
    runs = probe(probes, version)["gc"]["runs"]
    strong = runs[f"Node-{trees}-{nodes}"]
    weak = runs[f"WeakNode-{trees}-{nodes}"]
    sim = simulate_cyclic_garbage(version, nodes, trees, long_lived_objects=strong["long_lived"])
    weak_sim = simulate_cyclic_garbage(
        version, nodes, trees, weak_parents=True, long_lived_objects=weak["long_lived"]
    )
    gen0, gen1, gen2 = strong["collections"]
    # Young collections within 3% (or 2), middle ones within 1, full ones within 1.
    assert abs(sim.collections[0] - gen0) <= max(2, 0.03 * gen0)
    assert abs(sim.collections[1] - gen1) <= 1
    assert abs(sim.collections[2] - gen2) <= 1
    assert sim.objects_collected == pytest.approx(strong["collected"], rel=0.05)
    # Acyclic trees never reach the collector in either the model or CPython.
    assert weak_sim.total_collections == sum(weak["collections"]) == 0
    # Peak garbage = traced peak with strong parents minus the weak-parent run's peak
    # (one live tree and temporaries), corrected for the weakrefs it also held.
    garbage = strong["peak"] - weak["peak"] + (weak_sim.tree_bytes - sim.tree_bytes)
    assert sim.peak_garbage_bytes == pytest.approx(garbage, rel=0.15)


def test_probe_discovery_never_fails_without_pyenv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYENV_ROOT", raising=False)
    monkeypatch.setenv("PATH", "")
    assert _pyenv_root() is None


def test_probe_script_is_python38_syntax() -> None:
    # The probe must run on the oldest interpreter; feature_version catches 3.9+ syntax.
    import ast

    tree = ast.parse(PROBE.read_text(), feature_version=(3, 8))
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert {"main", "per_object", "measure_gc", "measure_files"} <= functions


def _listed(values: List[str]) -> List[str]:
    return sorted(values)


def test_every_probe_measurement_is_checked(probes: Dict[Version, ProbeRun]) -> None:
    available = [v for v in MEASURED_VERSIONS if v in INTERPRETERS]
    if not available:
        pytest.skip("no pyenv interpreters installed")
    data = probe(probes, available[0])
    assert _listed(list(data["values"])) == _listed([s.key for s in SHAPES])
