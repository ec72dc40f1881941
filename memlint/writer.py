"""Writing fixed files: atomically, and only if nobody changed them meanwhile.

The new contents go to a temporary file in the same directory (same file
system), get the original's permission bits, are flushed to disk and then
renamed over the original. A reader sees the old file or the new one, never a
half-written mix, and a crash leaves the original intact. Symbolic links are
followed, so the link stays a link.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path


class WriteError(Exception):
    """The fixed file was not written (the message says why)."""


def write_if_unchanged(path: Path, data: bytes, digest: str) -> None:
    """Replace ``path`` with ``data`` if its contents still hash to ``digest``."""
    target = Path(os.path.realpath(path))
    try:
        current = target.read_bytes()
        info = target.stat()
    except OSError as exc:
        raise WriteError(f"not written: cannot read it again ({exc.strerror})") from None
    if hashlib.sha256(current).hexdigest() != digest:
        raise WriteError("not written: the file changed on disk during the run")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".memlint", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, stat.S_IMODE(info.st_mode))
        os.replace(temp, target)
    except OSError as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise WriteError(f"not written: {exc.strerror or exc}") from None
