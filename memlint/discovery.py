"""Finding the files to check: directory walking, excludes and ``.gitignore``.

* Directories are walked for ``*.py`` and ``*.pyi`` files; symbolic links to
  directories are not followed (no loops), links to files are.
* ``exclude``/``extend-exclude`` patterns and ``.gitignore`` files use gitignore
  semantics (``build`` matches anywhere, ``src/gen/*.py`` is root-relative).
* Files named explicitly on the command line are checked even if excluded,
  unless ``--force-exclude`` is given (what pre-commit hooks want).
* Anything that is not a regular file (a FIFO, a device, a dangling link) is
  reported, never opened.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

import pathspec

from memlint._compat import SLOTS
from memlint.config import Settings
from memlint.finding import FileError

PYTHON_SUFFIXES = (".py", ".pyi")


class PatternSet:
    """Gitignore-style patterns, matched against root-relative POSIX paths."""

    __slots__ = ("_spec",)

    def __init__(self, patterns: Iterable[str]) -> None:
        self._spec = pathspec.GitIgnoreSpec.from_lines(list(patterns))

    def matches(self, relative: str, *, is_dir: bool) -> bool:
        if not relative or relative == ".":
            return False
        return self._spec.match_file(relative + "/" if is_dir else relative)


@dataclass(frozen=True, **SLOTS)
class SourcePath:
    """A file to check: where it is and how to show it."""

    path: Path
    display: str
    #: Root-relative POSIX path (for per-file-ignores and SARIF URIs).
    relative: str


def display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def relative_to_root(path: Path, root: Path) -> str:
    # os.path.realpath, unlike Path.resolve on 3.9-3.12, does not raise on a
    # symbolic link loop (the loop itself is reported when the file is read).
    real = Path(os.path.realpath(path))
    try:
        return real.relative_to(root).as_posix()
    except ValueError:
        try:
            return path.absolute().relative_to(root).as_posix()
        except ValueError:
            return path.as_posix()


class _Walker:
    def __init__(self, settings: Settings) -> None:
        self.root = settings.root
        self.exclude = PatternSet((*settings.exclude, *settings.extend_exclude))
        self._gitignores: dict[Path, Optional[PatternSet]] = {}

    def _gitignore(self, directory: Path) -> Optional[PatternSet]:
        if directory not in self._gitignores:
            spec = None
            candidate = directory / ".gitignore"
            try:
                with candidate.open(encoding="utf-8", errors="replace") as handle:
                    spec = PatternSet(handle.read().splitlines())
            except OSError:
                pass
            self._gitignores[directory] = spec
        return self._gitignores[directory]

    def excluded(
        self,
        path: Path,
        *,
        is_dir: bool,
        floor: Optional[Path] = None,
        base: Optional[Path] = None,
    ) -> bool:
        absolute = path.absolute()
        relative = relative_to_root(absolute, base or self.root)
        if self.exclude.matches(relative, is_dir=is_dir):
            return True
        # Plain names in exclude ("build") match anywhere, even outside the root.
        if self.exclude.matches(absolute.name, is_dir=is_dir):
            return True
        return self.gitignored(absolute, is_dir=is_dir, floor=floor)

    def gitignored(self, path: Path, *, is_dir: bool, floor: Optional[Path] = None) -> bool:
        # Every .gitignore from the path's directory up to the repository (or
        # project) root applies, relative to the directory that holds it; none
        # above ``floor``, a directory the user asked for explicitly.
        directory = path.parent
        while True:
            spec = self._gitignore(directory)
            if spec is not None:
                relative = path.relative_to(directory).as_posix()
                if spec.matches(relative, is_dir=is_dir):
                    return True
            if directory == floor or directory == self.root or (directory / ".git").exists():
                return False
            if directory.parent == directory:
                return False
            directory = directory.parent


def discover(
    paths: Iterable[str], settings: Settings, *, force_exclude: bool = False
) -> tuple[list[SourcePath], list[FileError]]:
    """The files to check under ``paths`` and the paths that could not be used."""
    walker = _Walker(settings)
    found: list[SourcePath] = []
    errors: list[FileError] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.absolute()
        if key in seen:
            return
        seen.add(key)
        found.append(SourcePath(key, display_path(path), relative_to_root(key, settings.root)))

    for raw in paths:
        path = Path(raw)
        try:
            info = path.stat()
        except OSError as exc:
            errors.append(FileError(raw, _os_reason(exc), "io"))
            continue
        if stat.S_ISDIR(info.st_mode):
            if force_exclude and walker.excluded(path, is_dir=True):
                continue
            # A directory named on the command line is checked even when a
            # .gitignore above it ignores it (e.g. a Python install inside a
            # git-managed tool directory); .gitignore files inside it still apply.
            # Likewise for excludes: inside an excluded directory named explicitly,
            # patterns are matched relative to that directory.
            top = path.absolute()
            floor = top if walker.gitignored(top, is_dir=True) else None
            base = top if walker.excluded(top, is_dir=True) else None
            _walk(path, walker, add, errors, floor, base)
        elif stat.S_ISREG(info.st_mode):
            if force_exclude and walker.excluded(path, is_dir=False):
                continue
            add(path)
        else:
            errors.append(FileError(raw, "not a regular file (FIFO, socket or device)", "io"))
    return found, errors


def _walk(
    top: Path,
    walker: _Walker,
    add: Callable[[Path], None],
    errors: list[FileError],
    floor: Optional[Path],
    base: Optional[Path],
) -> None:
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            errors.append(FileError(display_path(directory), _os_reason(exc), "io"))
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not walker.excluded(path, is_dir=True, floor=floor, base=base):
                        subdirs.append(path)
                    continue
                if not entry.name.endswith(PYTHON_SUFFIXES):
                    continue
                if walker.excluded(path, is_dir=False, floor=floor, base=base):
                    continue
                mode = entry.stat(follow_symlinks=True).st_mode
            except OSError as exc:
                errors.append(FileError(display_path(path), _os_reason(exc), "io"))
                continue
            if stat.S_ISREG(mode):
                add(path)
            elif stat.S_ISDIR(mode):
                continue  # a link to a directory named *.py: not followed
            else:
                errors.append(
                    FileError(
                        display_path(path), "not a regular file (FIFO, socket or device)", "io"
                    )
                )
        pending.extend(reversed(subdirs))


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT:
        return "no such file or directory"
    if exc.errno == errno.EACCES:
        return "permission denied"
    return (exc.strerror or str(exc)).lower()
