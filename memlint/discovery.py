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
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

import pathspec
import pathspec.util

from memlint._compat import SLOTS
from memlint.config import Settings
from memlint.finding import FileError

PYTHON_SUFFIXES = (".py", ".pyi")


class PatternSet:
    """Gitignore-style patterns, matched against root-relative POSIX paths."""

    __slots__ = ("_any", "_spec")

    def __init__(self, patterns: Iterable[str]) -> None:
        self._spec = pathspec.GitIgnoreSpec.from_lines(list(patterns))
        self._any = _one_regex(self._spec)

    def matches(self, relative: str, *, is_dir: bool) -> bool:
        if not relative or relative == ".":
            return False
        path = relative + "/" if is_dir else relative
        if self._any is not None:
            return self._any.search(pathspec.util.normalize_file(path)) is not None
        return self._spec.match_file(path)


def _one_regex(spec: pathspec.GitIgnoreSpec) -> Optional[re.Pattern[str]]:
    """All of ``spec``'s patterns as one regular expression, when no pattern negates
    (``!name``): then a path is matched exactly when some pattern matches it, and
    one search replaces a search per pattern (most files are checked against the
    default excludes twice). ``None`` when that does not hold."""
    sources = []
    for pattern in spec.patterns:
        if pattern.include is None:
            continue  # a comment or a blank line
        regex = getattr(pattern, "regex", None)
        if pattern.include is not True or not isinstance(regex, re.Pattern):
            return None
        if (
            not isinstance(regex.pattern, str)
            or regex.flags & ~re.UNICODE
            or "(?P=" in regex.pattern
        ):
            return None
        # Named groups (pathspec marks directory matches) may not repeat.
        sources.append(_NAMED_GROUP.sub("(?:", regex.pattern))
    if not sources:
        return None
    try:
        return re.compile("|".join(f"(?:{source})" for source in sources))
    except re.error:  # pragma: no cover - each part compiled on its own
        return None


_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")


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
        self._gitignores: dict[str, Optional[PatternSet]] = {}
        # The .gitignore files that apply below a directory (nearest first), per
        # directory and floor: every file of a directory shares its chain.
        self._chains: dict[tuple[str, Optional[str]], tuple[tuple[str, PatternSet], ...]] = {}

    def _gitignore(self, directory: str) -> Optional[PatternSet]:
        if directory not in self._gitignores:
            spec = None
            try:
                with open(
                    os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace"
                ) as handle:
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
        return self.excluded_entry(str(absolute), absolute.name, relative, is_dir, floor)

    def excluded_entry(
        self, absolute: str, name: str, relative: str, is_dir: bool, floor: Optional[Path]
    ) -> bool:
        if self.exclude.matches(relative, is_dir=is_dir):
            return True
        # Plain names in exclude ("build") match anywhere, even outside the root.
        if self.exclude.matches(name, is_dir=is_dir):
            return True
        return self._gitignored(absolute, is_dir, floor)

    def gitignored(self, path: Path, *, is_dir: bool, floor: Optional[Path] = None) -> bool:
        return self._gitignored(str(path.absolute()), is_dir, floor)

    def _gitignored(self, path: str, is_dir: bool, floor: Optional[Path]) -> bool:
        # Every .gitignore from the path's directory up to the repository (or
        # project) root applies, relative to the directory that holds it; none
        # above ``floor``, a directory the user asked for explicitly.
        chain = self._chain(os.path.dirname(path), None if floor is None else str(floor))
        for directory, spec in chain:
            relative = path[len(directory) :].lstrip(os.sep)
            if os.sep != "/":
                relative = relative.replace(os.sep, "/")
            if spec.matches(relative, is_dir=is_dir):
                return True
        return False

    def _chain(self, directory: str, floor: Optional[str]) -> tuple[tuple[str, PatternSet], ...]:
        key = (directory, floor)
        chain = self._chains.get(key)
        if chain is None:
            spec = self._gitignore(directory)
            own = ((directory, spec),) if spec is not None else ()
            parent = os.path.dirname(directory)
            if (
                directory == floor
                or directory == str(self.root)
                or parent == directory
                or os.path.exists(os.path.join(directory, ".git"))
            ):
                chain = own
            else:
                chain = own + self._chain(parent, floor)
            self._chains[key] = chain
        return chain


def discover(
    paths: Iterable[str], settings: Settings, *, force_exclude: bool = False
) -> tuple[list[SourcePath], list[FileError]]:
    """The files to check under ``paths`` and the paths that could not be used."""
    walker = _Walker(settings)
    found: list[SourcePath] = []
    errors: list[FileError] = []
    seen: set[str] = set()

    def add(absolute: str, display: str, relative: Optional[str]) -> None:
        if absolute in seen:
            return
        seen.add(absolute)
        path = Path(absolute)
        if relative is None:
            relative = relative_to_root(path, settings.root)
        found.append(SourcePath(path, display, relative))

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
            add(str(path.absolute()), display_path(path), None)
        else:
            errors.append(FileError(raw, "not a regular file (FIFO, socket or device)", "io"))
    return found, errors


@dataclass(frozen=True, **SLOTS)
class _Entry:
    """A directory or file the walk met, with the paths its own entries are built from."""

    path: str
    absolute: str
    display: str
    #: Its real path (``os.path.realpath``): a directory's, plus a name, is the real
    #: path of each entry in it that is not a symbolic link.
    real: str

    def child(self, name: str, link: bool) -> _Entry:
        absolute = os.path.join(self.absolute, name)
        return _Entry(
            os.path.join(self.path, name),
            absolute,
            self.display_of(name),
            os.path.realpath(absolute) if link else os.path.join(self.real, name),
        )

    def display_of(self, name: str) -> str:
        return name if self.display == "." else os.path.join(self.display, name)

    def relative_to(self, root: Path) -> str:
        """What :func:`relative_to_root` answers, from strings alone (POSIX paths are
        compared part by part, which for normalized paths is comparing text)."""
        if os.name != "posix":
            return relative_to_root(Path(self.absolute), root)
        base = str(root)
        for candidate in (self.real, self.absolute):
            if candidate == base:
                return "."
            prefix = base if base.endswith("/") else base + "/"
            if candidate.startswith(prefix):
                return candidate[len(prefix) :]
        return self.absolute


def _walk(
    top: Path,
    walker: _Walker,
    add: Callable[[str, str, Optional[str]], None],
    errors: list[FileError],
    floor: Optional[Path],
    base: Optional[Path],
) -> None:
    absolute = str(top.absolute())
    pending = [_Entry(str(top), absolute, display_path(top), os.path.realpath(absolute))]
    against = base or walker.root
    while pending:
        directory = pending.pop()
        try:
            entries = sorted(os.scandir(directory.path), key=lambda e: e.name)
        except OSError as exc:
            errors.append(FileError(directory.display, _os_reason(exc), "io"))
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    child = directory.child(name, link=False)
                    relative = child.relative_to(against)
                    if not walker.excluded_entry(child.absolute, name, relative, True, floor):
                        subdirs.append(child)
                    continue
                if not name.endswith(PYTHON_SUFFIXES):
                    continue
                child = directory.child(name, link=entry.is_symlink())
                relative = child.relative_to(against)
                if walker.excluded_entry(child.absolute, name, relative, False, floor):
                    continue
                mode = entry.stat(follow_symlinks=True).st_mode
            except OSError as exc:
                errors.append(FileError(directory.display_of(name), _os_reason(exc), "io"))
                continue
            if stat.S_ISREG(mode):
                add(child.absolute, child.display, child.relative_to(walker.root))
            elif stat.S_ISDIR(mode):
                continue  # a link to a directory named *.py: not followed
            else:
                errors.append(
                    FileError(child.display, "not a regular file (FIFO, socket or device)", "io")
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
