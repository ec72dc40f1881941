"""``memlint run``: watch a program run, and price each finding with what was measured.

The parent (this package, in memlint's interpreter) never imports the target.
It checks the target's source statically, writes a plan of what to watch
(:mod:`memlint.runtime.plan`), runs ``bootstrap.py`` -- stdlib-only, copied to a
temporary directory -- under the chosen interpreter with the target's
arguments (:mod:`memlint.runtime.launch`), reads the observations it leaves
(:mod:`memlint.runtime.observations`), and joins them with the findings
(:mod:`memlint.runtime.join`): measured estimates, runtime-only MEM004
findings, and a summary of the run.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from memlint._compat import SLOTS
from memlint.config import SUPPORTED_VERSIONS, Settings
from memlint.discovery import discover
from memlint.estimates import attach_estimates
from memlint.rule import Rule
from memlint.runner import CheckRun, RunOptions, check_paths
from memlint.runtime.join import RuntimeSummary, join, summarize
from memlint.runtime.launch import ChildStatus, install_bootstrap, run_child
from memlint.runtime.observations import Observations, load
from memlint.runtime.plan import Target, build_plan

__all__ = ["RunResult", "Target", "default_sources", "run_target"]


@dataclass(**SLOTS)
class RunResult:
    """A finished ``memlint run``: the findings (with measured estimates where the run
    observed them), the summary, and how the target ended."""

    run: CheckRun
    summary: RuntimeSummary
    status: ChildStatus
    observations: Optional[Observations]


class LaunchError(Exception):
    """The target could not be started (memlint's problem, not the target's)."""


def default_sources(target: Target) -> list[str]:
    """What to check statically: the script's directory, or for ``-m`` the current
    directory (where ``python -m`` finds the module)."""
    if target.kind == "path":
        return [os.path.dirname(os.path.abspath(target.name)) or "."]
    return ["."]


def run_target(
    target: Target,
    settings: Settings,
    rules: Sequence[type[Rule]],
    *,
    python: Optional[str] = None,
    sources: Sequence[str] = (),
    jobs: int = 0,
    interval: float = 0.005,
    fork: bool = True,
    observations_file: Optional[Path] = None,
) -> RunResult:
    """Check ``sources``, run ``target`` under the probe, and join the two."""
    paths = list(sources) or default_sources(target)
    run = check_paths(paths, settings, rules, RunOptions(jobs=jobs))
    files, _ = discover(paths, settings)
    work = Path(tempfile.mkdtemp(prefix="memlint-run-"))
    try:
        bootstrap = install_bootstrap(work)
        obs_path = work / "observations.json"
        plan = build_plan(
            run.findings,
            target,
            [f.path for f in files],
            observations=str(obs_path),
            work_dir=str(work),
            interval=interval,
            fork=fork,
        )
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan.data), encoding="utf-8")
        try:
            status = run_child(python or sys.executable, bootstrap, plan_path)
        except OSError as exc:
            interpreter = python or sys.executable
            raise LaunchError(f"cannot start {interpreter}: {exc.strerror or exc}") from exc
        observations = load(obs_path)
        if observations_file is not None and obs_path.is_file():
            shutil.copyfile(obs_path, observations_file)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if observations is not None and observations.version in SUPPORTED_VERSIONS:
        # Modelled estimates for what the run did not observe use the child's CPython.
        run.settings = dataclasses.replace(run.settings, target_version=observations.version)
    attach_estimates(run)
    joiner = None
    if observations is not None:
        run.findings, joiner = join(run, plan, observations)
    summary = summarize(
        run,
        target.display(),
        status.exit_status,
        status.describe(),
        observations,
        joiner,
    )
    return RunResult(run, summary, status, observations)
