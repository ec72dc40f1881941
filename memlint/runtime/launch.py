"""Starting the child interpreter and waiting for it, with signals handled like a shell.

The child inherits memlint's standard streams (nothing is captured or
re-encoded) and its process group, so a Ctrl-C at the terminal reaches the
child directly. While the child runs, memlint itself does not die of that
Ctrl-C: it keeps waiting for the child, which turns the interrupt into a
``KeyboardInterrupt``, writes its observations and dies of ``SIGINT`` as Python
does. A ``SIGTERM`` sent to memlint is passed on to the child.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Optional

from memlint._compat import SLOTS

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")


@dataclass(frozen=True, **SLOTS)
class ChildStatus:
    """How the child ended: ``returncode`` as :mod:`subprocess` reports it (negative:
    killed by that signal)."""

    returncode: int

    @property
    def signal(self) -> Optional[int]:
        return -self.returncode if self.returncode < 0 else None

    @property
    def exit_status(self) -> int:
        """The status a shell would show: the code, or 128 + the signal number."""
        return 128 - self.returncode if self.returncode < 0 else self.returncode

    def describe(self) -> str:
        number = self.signal
        if number is None:
            return f"exited with status {self.returncode}"
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"killed by {name} (status {128 + number})"


def install_bootstrap(work_dir: Path) -> Path:
    """Copy the probe next to the plan: the child's ``sys.path[0]`` starts as the
    script's directory, which then holds nothing a target could import by accident."""
    target = work_dir / "memlint_bootstrap.py"
    shutil.copyfile(BOOTSTRAP, target)
    return target


def run_child(
    python: str, bootstrap: Path, plan: Path, *, env: Optional[dict[str, str]] = None
) -> ChildStatus:
    """Run ``python bootstrap plan`` in the foreground and wait for it."""
    command: Sequence[str] = [python, str(bootstrap), str(plan)]
    process: Optional[subprocess.Popen[bytes]] = None

    def on_interrupt(signum: int, frame: Optional[FrameType]) -> None:
        # The child got the same SIGINT from the terminal; wait for its report.
        return None

    def on_terminate(signum: int, frame: Optional[FrameType]) -> None:
        if process is not None and process.poll() is None:
            process.send_signal(signum)

    # A handler (unlike SIG_IGN) is reset to the default in the child on exec, so
    # the child's Python still turns SIGINT into KeyboardInterrupt.
    previous: dict[int, Any] = {}
    for number, handler in ((signal.SIGINT, on_interrupt), (signal.SIGTERM, on_terminate)):
        try:
            previous[number] = signal.signal(number, handler)
        except (ValueError, OSError):  # not the main thread, or no such signal
            pass
    try:
        process = subprocess.Popen(command, env=env)
        while True:
            try:
                returncode = process.wait()
                break
            except KeyboardInterrupt:  # pragma: no cover - only with a custom handler
                continue
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
    return ChildStatus(returncode)


#: Signals memlint dies of in turn when the target did; for the others (a crash:
#: SIGSEGV, SIGABRT, ...) it exits with 128 + the number instead, so that no core
#: dump or "Segmentation fault" is pinned on memlint itself.
RERAISED = frozenset(
    getattr(signal, name)
    for name in (
        "SIGINT",
        "SIGTERM",
        "SIGHUP",
        "SIGPIPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGUSR2",
        "SIGALRM",
    )
    if hasattr(signal, name)
)


def reraise(status: ChildStatus) -> None:
    """End memlint the way the child ended: by its signal when that is an ordinary
    termination signal, else nothing (the caller exits with ``exit_status``)."""
    number = status.signal
    if number is None or os.name != "posix" or number not in RERAISED:
        return
    try:
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    except (OSError, ValueError):
        return
