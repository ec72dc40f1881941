"""The pre-commit hook, run for real with ``pre-commit try-repo`` against a copy of this repository.

Tests may not use the network, so the hook's environment is installed from a local
wheelhouse: ``MEMLINT_WHEELHOUSE`` names a directory holding wheels of memlint's
dependencies plus setuptools and wheel (``.ci/run`` builds it with ``pip wheel``).
Without it, or without git or pre-commit, the end-to-end tests are skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / ".pre-commit-hooks.yaml"
WHEELHOUSE = os.environ.get("MEMLINT_WHEELHOUSE", "")

#: Never copied into the hook repository: VCS data, environments, caches, build output.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".memlint_cache",
    "build",
    "dist",
    "*.egg-info",
)

CACHED = "import functools\n\n\n@functools.cache\ndef parse(text):\n    return text.split()\n"
BOUNDED = CACHED.replace("functools.cache", "functools.lru_cache(maxsize=256)")


def test_manifest_declares_the_memlint_hooks() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    # load_manifest validates against pre-commit's schema.
    hook, fix_hook = clientlib.load_manifest(str(MANIFEST))
    assert hook["id"] == "memlint"
    assert hook["entry"] == "memlint check --force-exclude"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["python", "pyi"]
    assert hook["require_serial"] is False
    assert hook["pass_filenames"] is True
    # The fixing hook writes files: one process at a time.
    assert fix_hook["id"] == "memlint-fix"
    assert fix_hook["entry"] == "memlint check --fix --force-exclude"
    assert fix_hook["language"] == "python"
    assert fix_hook["types_or"] == ["python", "pyi"]
    assert fix_hook["require_serial"] is True


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=memlint tests",
            "-c",
            "user.email=tests@memlint.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _commit_all(directory: Path) -> None:
    _git(directory, "init", "-q")
    _git(directory, "add", "-A")
    _git(directory, "commit", "-q", "-m", "snapshot")


def _requirements() -> None:
    if not WHEELHOUSE:
        pytest.skip(
            "MEMLINT_WHEELHOUSE is not set (a directory of wheels for memlint's dependencies, "
            "setuptools and wheel, so the hook installs without the network)"
        )
    if not Path(WHEELHOUSE).is_dir():
        pytest.fail(f"MEMLINT_WHEELHOUSE={WHEELHOUSE!r} is not a directory")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's files, committed in a fresh git repository of their own.

    try-repo installs what is committed; the working tree of /work/main (or a
    developer's checkout) may hold uncommitted changes, so the test never uses it
    directly.
    """
    _requirements()
    copy = tmp_path_factory.mktemp("hook") / "memlint"
    shutil.copytree(REPO, copy, ignore=_NOT_SOURCE)
    _commit_all(copy)
    return copy


def _target(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir()
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    _commit_all(directory)
    return directory


def _try_repo(hook_repo: Path, target: Path, home: Path) -> subprocess.CompletedProcess[str]:
    # try-repo installs the hook into a store of its own each time (a minute at most);
    # PRE_COMMIT_HOME only keeps pre-commit's other files out of the user's cache.
    env = dict(os.environ)
    env.update(
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=WHEELHOUSE,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PRE_COMMIT_HOME=str(home),
        PRE_COMMIT_COLOR="never",
    )
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "memlint", "--all-files"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_fails_on_an_unbounded_cache(hook_repo: Path, tmp_path: Path) -> None:
    target = _target(tmp_path / "target", {"app.py": CACHED, "clean.py": BOUNDED})
    done = _try_repo(hook_repo, target, tmp_path / "pre-commit-home")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "memlint" in output and "Failed" in output
    assert "app.py:4:2: MEM002" in output
    assert "clean.py" not in output


def test_hook_passes_on_a_clean_repository(hook_repo: Path, tmp_path: Path) -> None:
    # build/ is excluded by default, and --force-exclude keeps it excluded even though
    # pre-commit names the file on the command line.
    target = _target(
        tmp_path / "target",
        {
            "app.py": BOUNDED,
            "stubs/app.pyi": "def parse(text: str) -> list[str]: ...\n",
            "build/generated.py": CACHED,
            "notes.txt": "@functools.cache\n",
        },
    )
    done = _try_repo(hook_repo, target, tmp_path / "pre-commit-home")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Passed" in output
    assert "MEM002" not in output
