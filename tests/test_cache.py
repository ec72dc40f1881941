"""The result cache: invalidation, concurrency and corruption (never timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from memlint.cache import DigestIndex, PackedFacts, ResultCache, unpack_facts
from memlint.config import Settings
from memlint.engine import EngineOptions, check_source
from memlint.finding import FileResult
from memlint.rules import RULES
from memlint.runner import RunOptions, check_paths, open_cache

UNBOUNDED = "import functools\n@functools.lru_cache(maxsize=None)\ndef f(x):\n    return x\n"
BOUNDED = "import functools\n@functools.lru_cache(maxsize=8)\ndef f(x):\n    return x\n"


def _check(root: Path, settings: Settings | None = None) -> tuple[int, ResultCache]:
    settings = settings or Settings(root=root, cache_dir=root / ".memlint_cache")
    cache = open_cache(settings)
    run = check_paths(
        [str(root)], settings, settings.enabled_rules(RULES), RunOptions(jobs=1), cache=cache
    )
    return len(run.findings), cache


def test_second_run_is_served_from_the_cache(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(UNBOUNDED)
    (tmp_path / "b.py").write_text(BOUNDED)
    # Entries: one per file, and one for the project join over all of them.
    found, cache = _check(tmp_path)
    assert (found, cache.hits, cache.misses) == (1, 0, 3)
    found, cache = _check(tmp_path)
    assert (found, cache.hits, cache.misses) == (1, 3, 0)
    root = tmp_path / ".memlint_cache"
    assert (
        (root / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert (root / ".gitignore").read_text().strip().endswith("*")


def test_content_change_invalidates(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(UNBOUNDED)
    assert _check(tmp_path)[0] == 1
    path.write_text(BOUNDED)
    found, cache = _check(tmp_path)
    assert (found, cache.misses) == (0, 2)  # the file, and the join over it


def test_config_change_invalidates(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(UNBOUNDED)
    base = Settings(root=tmp_path, cache_dir=tmp_path / ".memlint_cache")
    _check(tmp_path, base)
    # Different rules for the file, different options, a different target version.
    for changed in (
        Settings(root=tmp_path, cache_dir=base.cache_dir, ignore=("MEM002",)),
        Settings(
            root=tmp_path, cache_dir=base.cache_dir, rule_options={"MEM002": {"fix-maxsize": 7}}
        ),
        Settings(root=tmp_path, cache_dir=base.cache_dir, target_version=(3, 9)),
    ):
        _, cache = _check(tmp_path, changed)
        assert cache.misses == 2, changed  # the file and the join


def test_version_change_invalidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.py").write_text(UNBOUNDED)
    _check(tmp_path)
    import memlint.cache

    monkeypatch.setattr(memlint.cache, "__version__", "999.0")
    _, cache = _check(tmp_path)
    assert cache.misses == 2


def test_corrupt_entries_are_misses(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(UNBOUNDED)
    _check(tmp_path)
    for entry in (tmp_path / ".memlint_cache").rglob("*"):
        if entry.is_file() and len(entry.name) == 64:
            entry.write_bytes(b"not a pickle")
    found, cache = _check(tmp_path)
    assert (found, cache.misses) == (1, 2)
    found, cache = _check(tmp_path)
    assert cache.hits == 2


def test_unwritable_cache_directory_does_not_fail_the_check(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(UNBOUNDED)
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache directory should be")
    settings = Settings(root=tmp_path, cache_dir=blocker / "cache")
    assert _check(tmp_path, settings)[0] == 1


def test_cache_entries_are_what_the_engine_returns(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c", salt="x")
    result = FileResult("a.py")
    cache.put("ab" * 32, result)
    assert cache.get("ab" * 32) == result
    assert cache.get("cd" * 32) is None


def test_facts_are_stored_packed_and_unpacked_for_the_join(tmp_path: Path) -> None:
    # A warm run whose join is cached never unpickles the facts; a join does.
    result = check_source(HOT, "model.py", RULES, EngineOptions((3, 11)), module="model")
    assert result.facts is not None
    cache = ResultCache(tmp_path / "c", salt="x")
    cache.put("ab" * 32, result)
    hit = cache.get("ab" * 32)
    assert hit is not None and isinstance(hit.facts, PackedFacts)
    assert unpack_facts(hit) == result
    assert unpack_facts(result) is result


def test_concurrent_runs_do_not_corrupt_the_cache(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for i in range(40):
        path = project / f"pkg{i % 4}" / f"m{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(UNBOUNDED if i % 3 == 0 else BOUNDED)
    command = [
        sys.executable,
        "-m",
        "memlint",
        "check",
        str(project),
        "--output-format",
        "json",
        "--jobs",
        "1",
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    procs = [
        subprocess.Popen(
            command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        for _ in range(4)
    ]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    reports = [json.loads(out) for out, _ in outputs]
    assert all(proc.returncode == 1 for proc in procs), [err for _, err in outputs]
    counts = {len(report["findings"]) for report in reports}
    assert counts == {14}
    # And a run after them, served from the cache, agrees.
    again = subprocess.run(command, cwd=tmp_path, capture_output=True, env=env, timeout=300)
    assert len(json.loads(again.stdout)["findings"]) == 14
    entries = [
        p for p in (tmp_path / ".memlint_cache").rglob("*") if p.is_file() and len(p.name) == 64
    ]
    assert len(entries) == 41  # 40 files and the join
    assert not [p for p in (tmp_path / ".memlint_cache").rglob(".tmp-*")]


HOT = "class Point:\n    def __init__(self, x):\n        self.x = x\n"
LOOP = "from model import Point\n\ndef build(rows):\n    return [Point(r) for r in rows]\n"


def test_project_fixes_are_cached_and_follow_the_join(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(HOT)
    (tmp_path / "use.py").write_text(LOOP)
    settings = Settings(root=tmp_path, cache_dir=tmp_path / ".memlint_cache")

    def fixes() -> tuple[list[object], ResultCache]:
        cache = open_cache(settings)
        run = check_paths(
            [str(tmp_path)],
            settings,
            settings.enabled_rules(RULES),
            RunOptions(jobs=1),
            cache=cache,
        )
        return [f.fix for f in run.findings], cache

    cold, cache = fixes()
    assert cold and cold[0] is not None  # MEM004 on Point, with its __slots__ fix
    assert cache.misses == 4  # two files, the join, and one file's project fixes
    warm, cache = fixes()
    assert warm == cold
    assert (cache.hits, cache.misses) == (4, 0)
    # Another file changes what the join finds: the fix is computed again.
    (tmp_path / "use.py").write_text("from model import Point\n")
    after, cache = fixes()
    assert after == []


def test_the_join_is_cached_and_follows_every_file(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(HOT)
    (tmp_path / "use.py").write_text(LOOP)
    settings = Settings(root=tmp_path, cache_dir=tmp_path / ".memlint_cache")

    def run() -> list[str]:
        done = check_paths(
            [str(tmp_path)],
            settings,
            settings.enabled_rules(RULES),
            RunOptions(jobs=1),
            cache=open_cache(settings),
        )
        return [f"{Path(f.path).name}:{f.code}" for f in done.findings]

    assert run() == ["model.py:MEM004"]
    assert run() == ["model.py:MEM004"]  # from the cached join
    # A new file that instantiates nothing, and one that stops the loop: each is a
    # new set of files for the join, which is computed again.
    (tmp_path / "other.py").write_text("x = 1\n")
    assert run() == ["model.py:MEM004"]
    (tmp_path / "use.py").write_text("from model import Point\n")
    assert run() == []
    (tmp_path / "use.py").write_text(LOOP)
    assert run() == ["model.py:MEM004"]


def test_the_join_sees_files_in_the_order_they_were_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers finish in any order; which owner MEM005 names when several fit
    # depended on it (matplotlib's Axes, seen once with a pool split by size).
    import memlint.runner as runner

    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_text(HOT if name == "a.py" else LOOP)
    real_execute, real_join = runner.execute, runner.check_project
    seen: list[list[str]] = []

    def backwards(*args: object, **kwargs: object) -> object:
        return reversed(list(real_execute(*args, **kwargs)))  # type: ignore[arg-type]

    def join(results: list[FileResult], *args: object) -> object:
        seen.append([Path(r.path).name for r in results])
        return real_join(results, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "execute", backwards)
    monkeypatch.setattr(runner, "check_project", join)
    settings = Settings(root=tmp_path)
    check_paths([str(tmp_path)], settings, settings.enabled_rules(RULES), RunOptions(jobs=1))
    assert seen == [["a.py", "b.py", "c.py"]]


# -- file digests by stat -----------------------------------------------------------


class _Stat:
    """What DigestIndex reads of an os.stat_result."""

    def __init__(self, size: int = 10, mtime: int = 1, ctime: int = 1, ino: int = 7) -> None:
        self.st_dev, self.st_ino, self.st_size = 1, ino, size
        self.st_mtime_ns, self.st_ctime_ns = mtime, ctime


SETTLED = DigestIndex.SETTLE_NS + 10


def test_digest_index_trusts_only_an_unchanged_settled_signature(tmp_path: Path) -> None:
    index = DigestIndex(tmp_path / "digests")
    index.put("a.py", _Stat(), b"A", now_ns=SETTLED)  # type: ignore[arg-type]
    assert index.get("a.py", _Stat()) == b"A"  # type: ignore[arg-type]
    for changed in (_Stat(size=11), _Stat(mtime=2), _Stat(ctime=2), _Stat(ino=8)):
        assert index.get("a.py", changed) is None  # type: ignore[arg-type]
    assert index.get("b.py", _Stat()) is None  # type: ignore[arg-type]
    # Changed less than SETTLE_NS before it was stat-ed: a write in the same clock
    # tick could follow unseen, so the digest is not recorded (and an old one goes).
    recent = _Stat(mtime=SETTLED, ctime=SETTLED)
    index.put("a.py", recent, b"B", now_ns=SETTLED + 1)  # type: ignore[arg-type]
    assert index.get("a.py", recent) is None  # type: ignore[arg-type]
    assert index.get("a.py", _Stat()) is None  # type: ignore[arg-type]


def test_digest_index_is_saved_and_survives_corruption(tmp_path: Path) -> None:
    path = tmp_path / "digests"
    index = DigestIndex(path)
    index.put("a.py", _Stat(), b"A", now_ns=SETTLED)  # type: ignore[arg-type]
    index.save()
    assert DigestIndex(path).get("a.py", _Stat()) == b"A"  # type: ignore[arg-type]
    path.write_bytes(b"not a pickle")
    assert DigestIndex(path).get("a.py", _Stat()) is None  # type: ignore[arg-type]


def test_digest_index_keeps_only_this_runs_files_past_its_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DigestIndex, "LIMIT", 2)
    path = tmp_path / "digests"
    index = DigestIndex(path)
    for name in ("a.py", "b.py"):
        index.put(name, _Stat(), name.encode(), now_ns=SETTLED)  # type: ignore[arg-type]
    index.save()
    index = DigestIndex(path)  # a run that sees only c.py
    index.put("c.py", _Stat(), b"c", now_ns=SETTLED)  # type: ignore[arg-type]
    index.save()
    again = DigestIndex(path)
    assert again.get("c.py", _Stat()) == b"c"  # type: ignore[arg-type]
    assert again.get("a.py", _Stat()) is None  # type: ignore[arg-type]


def test_a_warm_run_reads_only_the_files_whose_stat_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import memlint.runner as runner

    monkeypatch.setattr(DigestIndex, "SETTLE_NS", 0)  # these files were just written
    (tmp_path / "a.py").write_text(UNBOUNDED)
    (tmp_path / "b.py").write_text(BOUNDED)
    read: list[str] = []
    real_read = runner.read_file

    def counting(path: str) -> bytes:
        read.append(Path(path).name)
        return real_read(path)

    monkeypatch.setattr(runner, "read_file", counting)
    assert _check(tmp_path)[0] == 1
    assert sorted(read) == ["a.py", "b.py"]
    read.clear()
    found, cache = _check(tmp_path)
    assert (found, cache.hits, read) == (1, 3, [])  # nothing read, nothing analysed
    (tmp_path / "b.py").write_text(UNBOUNDED + "\n")
    assert _check(tmp_path)[0] == 2
    assert read == ["b.py"]
