"""Measure one program the plain way: traced peak and collector time, nothing else.

    python measure.py SCRIPT [ARGS...]

Runs SCRIPT as ``__main__`` the way ``python SCRIPT`` and ``memlint run`` do (compiled
first, then executed in a fresh ``__main__`` module) with ``tracemalloc`` (one frame)
started between the two, and a ``gc.callbacks`` hook that times collections (CPU
time of the collecting thread). Prints one JSON line to standard error: ``peak`` (bytes),
``wall`` (s), ``gc_seconds``, ``collections`` (per generation). The script's own
output goes where it always goes. Standard library only: it runs under every
interpreter ``accuracy.py`` and ``overhead.py`` compare.
"""

from __future__ import annotations

import array  # noqa: F401
import atexit  # noqa: F401
import gc
import json
import os
import signal  # noqa: F401
import sys
import threading  # noqa: F401
import time
import tracemalloc
import types
from collections import Counter  # noqa: F401

# The modules memlint's probe has loaded before the target starts are imported here
# too: a module the target imports costs traced bytes only if it was not loaded yet,
# and the two ways of running a program should not differ in that.


def main() -> None:
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    seconds = [0.0]
    counts = [0, 0, 0]
    started = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.thread_time()
        else:
            seconds[0] += time.thread_time() - started[0]
            counts[info["generation"]] += 1

    gc.callbacks.append(on_gc)
    trace = "--no-trace" not in sys.argv
    if not trace:
        sys.argv.remove("--no-trace")
    with open(script, "rb") as handle:
        code = compile(handle.read(), script, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__dict__.update({"__file__": script, "__builtins__": __builtins__})
    sys.modules["__main__"] = main
    sys.path[0] = os.path.dirname(os.path.realpath(script))
    if trace:
        tracemalloc.start(1)
    t0 = time.perf_counter()
    try:
        exec(code, main.__dict__)
    except SystemExit:
        pass
    wall = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    report = {"peak": peak, "wall": wall, "gc_seconds": seconds[0], "collections": counts}
    sys.stderr.write(json.dumps(report) + "\n")


if __name__ == "__main__":
    main()
