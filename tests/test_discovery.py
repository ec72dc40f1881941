"""Discovery builds each entry's paths from its directory's; they must equal the
per-path functions' answers (symbolic links, nested .gitignore files, repositories)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from memlint.config import Settings
from memlint.discovery import discover, display_path, relative_to_root


def _tree(root: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/mod.py": "",
        "pkg/gen/out.py": "",
        "pkg/sub/deep/leaf.py": "",
        "pkg/sub/.gitignore": "ignored_here.py\n/deep/skip.py\n",
        "pkg/sub/ignored_here.py": "",
        "pkg/sub/deep/skip.py": "",
        "pkg/sub/deep/ignored_here.py": "",
        ".gitignore": "gen/\n",
        "vendor/repo/.git/HEAD": "",
        "vendor/repo/kept.py": "",
        "build/out.py": "",
        "outside_target.py": "",
    }
    for name, text in files.items():
        path = root / "project" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "far.py").write_text("")
    project = root / "project"
    (project / "pkg" / "link_out.py").symlink_to(root / "elsewhere" / "far.py")
    (project / "pkg" / "link_in.py").symlink_to(project / "pkg" / "mod.py")
    (project / "pkg" / "linked_dir").symlink_to(project / "pkg" / "sub", target_is_directory=True)


@pytest.mark.parametrize("argument", ["project", "project/pkg", "ABSOLUTE"])
@pytest.mark.parametrize("root_name", ["project", "elsewhere", "/"])
def test_entries_match_the_per_path_functions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argument: str, root_name: str
) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    root = tmp_path / root_name
    target = str(tmp_path / "project") if argument == "ABSOLUTE" else argument
    found, errors = discover([target], Settings(root=root))
    assert errors == []
    names = sorted(source.relative for source in found)
    for source in found:
        assert source.path == Path(source.path).absolute()
        assert source.relative == relative_to_root(source.path, root)
        assert source.display == display_path(source.path) == os.path.relpath(source.path)
    if root_name != "project":
        return  # the files are outside the root (or it is "/"): named as above
    expected = [
        "pkg/link_out.py",  # its real file is outside the root: named where it is
        "pkg/__init__.py",
        "pkg/mod.py",
        "pkg/mod.py",  # pkg/link_in.py: the same real file, named by its real path
        "pkg/sub/deep/leaf.py",
    ]
    if argument != "project/pkg":
        expected.append("vendor/repo/kept.py")  # .gitignore stops at the repository
        expected.append("outside_target.py")
    assert names == sorted(expected)


def test_a_directory_named_explicitly_is_walked_even_when_excluded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path / "project")
    found, _ = discover(["build", "pkg/gen"], Settings(root=tmp_path / "project"))
    assert sorted(source.display for source in found) == ["build/out.py", "pkg/gen/out.py"]
    assert sorted(source.relative for source in found) == ["build/out.py", "pkg/gen/out.py"]


PATTERNS = [
    ("build", "dist/", "src/gen/*.py", "/top.py", "**/cache", "a/**/b", "*.pyi", "# comment", ""),
    ("build", "!build/keep.py"),  # a negation: matched pattern by pattern
    ("[ab]c?.py", "x\\ y.py", "deep/dir/"),
]
PATHS = [
    "build",
    "build/keep.py",
    "pkg/build/x.py",
    "dist",
    "dist/x.py",
    "src/gen/a.py",
    "src/gen/sub/a.py",
    "top.py",
    "pkg/top.py",
    "x/cache/y.py",
    "a/b",
    "a/q/r/b/c.py",
    "stub.pyi",
    "ac1.py",
    "x y.py",
    "deep/dir/file.py",
    "deep/dir",
    "/abs/build/x.py",
    "./build",
    "ok.py",
]


@pytest.mark.parametrize("patterns", PATTERNS)
def test_one_regex_matches_what_the_patterns_match(patterns: tuple[str, ...]) -> None:
    import pathspec

    from memlint.discovery import PatternSet

    spec = pathspec.GitIgnoreSpec.from_lines(list(patterns))
    combined = PatternSet(patterns)
    for path in PATHS:
        for is_dir in (False, True):
            expected = spec.match_file(path + "/" if is_dir else path)
            assert combined.matches(path, is_dir=is_dir) == expected, (path, is_dir)
