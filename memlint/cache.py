"""A content-addressed cache of per-file results.

An entry is keyed by everything that decides a file's result: its bytes, the
path it is reported under, its module name, the rules enabled for it and their
options, the target version, memlint's version and the running Python (``ast``
differs between versions). A warm run analyses only the changed files, and
reads and hashes only those whose ``stat`` changed (:class:`DigestIndex`);
cached per-file facts keep the project-wide join of MEM004/MEM005 exact when
only some files changed.

Layout: ``.memlint_cache/<memlint version>-<python>/<2 hex>/<sha256>``, with a
``CACHEDIR.TAG`` (backup tools skip it) and a ``.gitignore`` of ``*``. Entries
are written to a temporary file and renamed into place, so concurrent runs
(pre-commit starts several) never see a partial entry; an unreadable entry is a
miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from memlint import __version__
from memlint._compat import SLOTS
from memlint.finding import FileResult

CACHE_DIR_NAME = ".memlint_cache"
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by memlint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)


class ResultCache:
    """Per-file results on disk, safe under concurrent runs."""

    def __init__(self, directory: Path, salt: str) -> None:
        self.root = directory
        python = f"py{sys.version_info[0]}{sys.version_info[1]}"
        self.directory = directory / f"{__version__}-{python}"
        self.salt = salt.encode("utf-8")
        self.hits = 0
        self.misses = 0
        self._ready = False

    def key(self, data: bytes, *parts: str) -> str:
        return self.key_for_digest(hashlib.sha256(data).digest(), *parts)

    def key_for_digest(self, content: bytes, *parts: str) -> str:
        """The key of data whose SHA-256 digest is ``content`` (see :class:`DigestIndex`)."""
        digest = hashlib.sha256(self.salt)
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        digest.update(content)
        return digest.hexdigest()

    def digest_index(self) -> DigestIndex:
        return DigestIndex(self.directory / "file-digests")

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str) -> Optional[FileResult]:
        """The result stored under ``key`` (its facts still packed), or ``None``."""
        value = self.load(key)
        if value is not None and not isinstance(value, FileResult):
            self.hits -= 1  # a foreign entry is a miss
            self.misses += 1
            return None
        return value

    def put(self, key: str, result: FileResult) -> None:
        if result.facts is not None and not isinstance(result.facts, PackedFacts):
            packed = PackedFacts(pickle.dumps(result.facts, protocol=pickle.HIGHEST_PROTOCOL))
            result = dataclasses.replace(result, facts=packed)
        self.store(key, result)

    def load(self, key: str) -> Any:
        """The value stored under ``key``, or ``None`` (a miss)."""
        path = self._path(key)
        try:
            with path.open("rb") as handle:
                value = pickle.load(handle)
        except Exception:  # missing, corrupt or foreign: just a miss
            self.misses += 1
            return None
        self.hits += 1
        return value

    def store(self, key: str, result: Any) -> None:
        try:
            self._prepare()
            target = self._path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, target)
        except OSError:
            pass  # a read-only tree or a full disk must not fail the check

    def _prepare(self) -> None:
        if self._ready:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        tag = self.root / "CACHEDIR.TAG"
        if not tag.exists():
            _write_quietly(tag, _TAG)
        ignore = self.root / ".gitignore"
        if not ignore.exists():
            _write_quietly(ignore, "# Created by memlint.\n*\n")
        self._ready = True


#: What identifies a file's contents without reading them: device, inode, size,
#: modification and status-change times (nanoseconds).
Signature = tuple[int, int, int, int, int]


class DigestIndex:
    """The SHA-256 digests of files, by path and :data:`Signature`: a warm run need
    not read and hash a file whose signature is as when it was hashed.

    Any write to a file changes its status-change time, which no program can set,
    so a changed file never keeps its signature. But those times tick coarsely (a
    few milliseconds), so a file written again within one tick of being hashed
    could: a digest is recorded only once the file has been unchanged for
    :attr:`SETTLE_NS` (as git treats "racily clean" files). One file for the whole
    index, replaced atomically; concurrent runs may each drop the other's new
    entries, which only costs a later run some hashing.
    """

    #: How long a file must have been left alone before its digest is trusted.
    SETTLE_NS = 2_000_000_000
    #: Entries kept beyond the files of the current run (others' subsets, e.g. a
    #: pre-commit hook's); past this the index keeps only this run's files.
    LIMIT = 200_000

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, tuple[Signature, bytes]] = {}
        self._seen: set[str] = set()
        self._changed = False
        try:
            with path.open("rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, dict):
                self._entries = loaded
        except Exception:  # missing, corrupt or foreign: start empty
            pass

    @staticmethod
    def signature(info: os.stat_result) -> Signature:
        return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)

    def get(self, path: str, info: os.stat_result) -> Optional[bytes]:
        """The digest of ``path`` if its signature is the one it was hashed with."""
        self._seen.add(path)
        entry = self._entries.get(path)
        if entry is None or entry[0] != self.signature(info):
            return None
        return entry[1]

    def put(self, path: str, info: os.stat_result, digest: bytes, now_ns: int) -> None:
        """Record ``digest`` for ``path``, whose ``info`` was taken before it was read
        (at ``now_ns``, wall-clock), unless the file changed too recently."""
        self._seen.add(path)
        if now_ns - max(info.st_mtime_ns, info.st_ctime_ns) < self.SETTLE_NS:
            self._changed |= self._entries.pop(path, None) is not None
            return
        self._entries[path] = (self.signature(info), digest)
        self._changed = True

    def save(self) -> None:
        if not self._changed:
            return
        entries = self._entries
        if len(entries) > self.LIMIT:
            entries = {path: entries[path] for path in self._seen if path in entries}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.path)
        except OSError:
            pass  # a read-only tree or a full disk must not fail the check
        self._changed = False


@dataclass(frozen=True, **SLOTS)
class PackedFacts:
    """A file's facts as a cached result holds them: pickled on their own, so a warm
    run whose project join is cached too never pays for unpickling them."""

    data: bytes

    def unpack(self) -> Any:
        return pickle.loads(self.data)


def unpack_facts(result: FileResult) -> FileResult:
    """``result`` with its facts ready for the project join."""
    if isinstance(result.facts, PackedFacts):
        return dataclasses.replace(result, facts=result.facts.unpack())
    return result


def _write_quietly(path: Path, text: str) -> None:
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError:
        pass


def salt_for(*values: Any) -> str:
    """A stable text for the settings (and the code) that decide every file's result."""
    return repr((code_fingerprint(), values))


_FINGERPRINT: Optional[str] = None


def code_fingerprint() -> str:
    """Name, size and modification time of every module of memlint and its rules.

    The version number alone would keep stale results across a development
    install's edits (or a reinstall of the same version with other rules);
    stat-ing a few dozen files costs well under a millisecond.
    """
    global _FINGERPRINT
    if _FINGERPRINT is None:
        import memlint
        import memlint.rules

        digest = hashlib.sha256()
        for package in (memlint, memlint.rules):
            for directory in package.__path__:
                for path in sorted(Path(directory).rglob("*.py")):
                    try:
                        info = path.stat()
                    except OSError:
                        continue
                    digest.update(f"{path.name}:{info.st_size}:{info.st_mtime_ns};".encode())
        _FINGERPRINT = digest.hexdigest()[:16]
    return _FINGERPRINT
