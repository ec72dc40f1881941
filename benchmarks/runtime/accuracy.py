"""How close ``memlint run``'s estimates come to the savings a fix really makes.

    python benchmarks/runtime/accuracy.py [--python PATH]... [--rules mem001,mem004] [--repeat N]

For each rule there is a pair of workloads here: ``<rule>_before.py`` has the
anti-pattern, ``<rule>_after.py`` is the same program fixed by hand. Each
generates its own data. For every pair and every interpreter (default: the
newest pyenv-installed 3.11, 3.12 and 3.13; missing ones are skipped) this script

1. measures the *true* saving: the traced peak of the before program minus that
   of the after program, each run plainly under ``tracemalloc`` by ``measure.py``
   (for MEM005 also the collector seconds and collections, medians of
   ``--repeat`` runs);
2. runs ``memlint run --python <interpreter> --select <RULE> -- <rule>_before.py``
   with this interpreter's memlint and reads the estimate of the rule's findings
   (median of ``--repeat`` runs: collector seconds vary from run to run);
3. prints a Markdown table of estimated vs measured with the relative error.

memlint itself only needs to be installed for the Python running this script:
the target runs under ``--python``, which only needs the standard library.
Exit status: 0 when every estimate is within the tolerance (15%; for MEM005's
peak bytes, see ``--floor``), 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve().parent
RULES = ("mem001", "mem002", "mem003", "mem004", "mem005")
TOLERANCE = 0.15
#: MEM005's peak difference is a few hundred KiB (cyclic garbage lives only until
#: the next collection, DESIGN §5); below this many bytes of absolute error the
#: byte estimate counts as right even when the relative error is larger.
DEFAULT_FLOOR = 256 * 1024


def pyenv_interpreters(minors: tuple[str, ...] = ("3.11", "3.12", "3.13")) -> list[str]:
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    found = []
    for minor in minors:
        candidates = sorted(
            glob.glob(os.path.join(root, "versions", f"{minor}.*", "bin", "python3")),
            key=lambda p: [int(x) for x in Path(p).parents[1].name.split(".") if x.isdigit()],
        )
        if candidates:
            found.append(candidates[-1])
    return found


def version_of(python: str) -> str:
    out = subprocess.run(
        [python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def measure(python: str, script: Path) -> dict[str, Any]:
    done = subprocess.run(
        [python, str(HERE / "measure.py"), str(script)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    data: dict[str, Any] = json.loads(done.stderr.strip().splitlines()[-1])
    return data


def estimate(python: str, rule: str) -> dict[str, Any]:
    script = HERE / f"{rule}_before.py"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            sys.executable,
            "-m",
            "memlint",
            "run",
            "--python",
            python,
            "--select",
            rule.upper(),
            "--source",
            str(script),
            "--output-format",
            "json",
            "-o",
            str(report),
            "--",
            str(script),
        ]
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    findings = [
        f
        for f in data["findings"]
        if f["code"] == rule.upper() and f["estimate"] and f["estimate"]["method"] == "measured"
    ]
    total = sum(f["estimate"]["total_bytes"] or 0 for f in findings)
    out: dict[str, Any] = {"bytes": total, "findings": len(findings), "runtime": data["runtime"]}
    if rule == "mem005" and findings:
        extra = findings[0]["estimate"]
        out["gc_seconds_saved"] = extra.get("gc_seconds_saved", 0.0)
        out["gc_collections_saved"] = extra.get("gc_collections_saved", 0)
    return out


def error(estimated: float, measured: float) -> Optional[float]:
    if measured == 0:
        return None
    return (estimated - measured) / measured


def fmt_bytes(count: float) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.2f} {unit}"
        value /= 1024
    return f"{value:.2f} GiB"  # pragma: no cover


def fmt_error(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:+.1%}"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", action="append", default=[], help="interpreter (repeatable)")
    parser.add_argument("--rules", default=",".join(RULES), help="comma-separated rules")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--floor", type=int, default=DEFAULT_FLOOR, help="MEM005 byte floor")
    args = parser.parse_args(argv)
    rules = [r.strip().lower() for r in args.rules.split(",") if r.strip()]
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        parser.error(f"unknown rules: {', '.join(unknown)}")
    pythons = args.python or pyenv_interpreters()
    if not pythons:
        parser.error("no interpreter found: pass --python")

    rows = []
    gc_rows = []
    ok = True
    for python in pythons:
        version = version_of(python)
        for rule in rules:
            before = [measure(python, HERE / f"{rule}_before.py") for _ in range(args.repeat)]
            after = [measure(python, HERE / f"{rule}_after.py") for _ in range(args.repeat)]
            measured = statistics.median(b["peak"] for b in before) - statistics.median(
                a["peak"] for a in after
            )
            runs = [estimate(python, rule) for _ in range(args.repeat)]
            est = {
                key: statistics.median(run.get(key, 0) for run in runs)
                for key in ("bytes", "gc_seconds_saved", "gc_collections_saved")
            }
            err = error(est["bytes"], measured)
            within = err is not None and abs(err) <= TOLERANCE
            note = ""
            if rule == "mem005" and not within and abs(est["bytes"] - measured) <= args.floor:
                within = True
                note = f" (within the {fmt_bytes(args.floor)} floor)"
            ok = ok and within
            rows.append(
                f"| {rule.upper()} | {version} | {fmt_bytes(est['bytes'])} | {fmt_bytes(measured)} "
                f"| {fmt_error(err)}{note} | {'yes' if within else '**no**'} |"
            )
            if rule == "mem005":
                gc_before = statistics.median(b["gc_seconds"] for b in before)
                gc_after = statistics.median(a["gc_seconds"] for a in after)
                coll_before = statistics.median(sum(b["collections"]) for b in before)
                coll_after = statistics.median(sum(a["collections"]) for a in after)
                seconds = est.get("gc_seconds_saved", 0.0)
                collections = est.get("gc_collections_saved", 0)
                gc_err = error(seconds, gc_before - gc_after)
                coll_err = error(collections, coll_before - coll_after)
                gc_ok = gc_err is not None and abs(gc_err) <= TOLERANCE
                ok = ok and gc_ok
                gc_rows.append(
                    f"| {version} | {seconds:.3f} s | {gc_before - gc_after:.3f} s | "
                    f"{fmt_error(gc_err)} | {collections:,} | {coll_before - coll_after:,.0f} | "
                    f"{fmt_error(coll_err)} | {'yes' if gc_ok else '**no**'} |"
                )
            print(rows[-1], file=sys.stderr, flush=True)

    print("| Rule | Python | Estimated saving | Measured saving | Error | Within ±15% |")
    print("|---|---|---:|---:|---:|---|")
    print("\n".join(rows))
    if gc_rows:
        print()
        print(
            "| MEM005 on | Collector time saved (est.) | (measured) | Error "
            "| Collections saved (est.) | (measured) | Error | Within ±15% |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        print("\n".join(gc_rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
