"""What ``memlint run`` costs: wall time against a plain run and ``python -X tracemalloc=1``.

    python benchmarks/runtime/overhead.py [--python PATH] [--repeat N] [--only mem001,mem004]

For every workload here (the ``<rule>_before.py`` programs: each is the same
program ``accuracy.py`` measures) it times, as subprocesses of the same
interpreter, the median of ``--repeat`` runs of:

- ``plain``: ``python script.py``;
- ``tracemalloc``: ``python -X tracemalloc=1 script.py`` (one frame per trace,
  like ``memlint run``);
- ``memlint run``: the whole command (``python -m memlint run --python python -- script.py``,
  static check and report included), and the target's own run inside it (the
  ``duration`` the probe measured from the first to the last line of the target).

It prints a Markdown table of the times and the ratios ``memlint run`` / plain and
``memlint run`` / tracemalloc, for the target's run and for the whole command. The
goal is a target run under the probes that costs no more than ``-X tracemalloc=1``.
Timings on a shared machine are noisy: use ``--repeat 5`` or more for numbers you
publish, and compare runs made in the same invocation only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
WORKLOADS = ("mem001", "mem002", "mem003", "mem004", "mem005")


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def memlint_run(python: str, script: Path) -> tuple[float, float]:
    """(whole command, target under the probes) in seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        observations = Path(tmp) / "observations.json"
        command = [
            sys.executable,
            "-m",
            "memlint",
            "run",
            "--python",
            python,
            "--source",
            str(script),
            "--observations",
            str(observations),
            "-o",
            os.devnull,
            "--",
            str(script),
        ]
        total = timed(command)
        data = json.loads(observations.read_text(encoding="utf-8"))
    return total, float(data["duration"])


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter of the target")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--only", default=",".join(WORKLOADS), help="comma-separated workloads")
    args = parser.parse_args(argv)
    chosen = [w.strip() for w in args.only.split(",") if w.strip()]
    unknown = [w for w in chosen if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workloads: {', '.join(unknown)}")
    version = subprocess.run(
        [args.python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    rows = []
    for name in chosen:
        script = HERE / f"{name}_before.py"
        plain, traced, whole, target = [], [], [], []
        for _ in range(args.repeat):  # interleaved, so that load changes hit all three alike
            plain.append(timed([args.python, str(script)]))
            traced.append(timed([args.python, "-X", "tracemalloc=1", str(script)]))
            total, inside = memlint_run(args.python, script)
            whole.append(total)
            target.append(inside)
        p, t, w, g = (statistics.median(x) for x in (plain, traced, whole, target))
        rows.append(
            f"| {name}_before.py | {p:.2f} s | {t:.2f} s | {g:.2f} s | {w:.2f} s | "
            f"{t / p:.2f}x | {g / p:.2f}x | {g / t:.2f}x | {w / t:.2f}x |"
        )
        print(rows[-1], file=sys.stderr, flush=True)
    print(f"CPython {version}, median of {args.repeat} interleaved runs each.\n")
    print(
        "| Workload | plain | -X tracemalloc=1 | target under memlint run | memlint run (whole) "
        "| tracemalloc / plain | memlint target / plain | memlint target / tracemalloc "
        "| memlint whole / tracemalloc |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
