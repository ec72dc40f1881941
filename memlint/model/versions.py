"""Which CPython versions the model describes, and how users name them.

A version is a ``(major, minor)`` tuple such as ``(3, 12)``. Patch releases only
matter to the garbage-collector model (3.14.5 swapped collectors back), so they are
passed separately where needed rather than widening every signature.
"""

from __future__ import annotations

import re
import sys
from typing import Tuple

#: ``(major, minor)``, e.g. ``(3, 12)``.
Version = Tuple[int, int]

MIN_VERSION: Version = (3, 8)
MAX_VERSION: Version = (3, 14)
SUPPORTED_VERSIONS: tuple[Version, ...] = tuple(
    (3, minor) for minor in range(MIN_VERSION[1], MAX_VERSION[1] + 1)
)

# "3.12", "3.12.1", "py312", "cp312", "python3.12", "312", "py3.12"
_DOTTED = re.compile(r"^(?:py|cp|python)?(\d+)\.(\d+)(?:\.(\d+))?(?:[a-z]+\d*)?$")
_PACKED = re.compile(r"^(?:py|cp|python)?(\d)(\d{1,2})$")


def _supported_text() -> str:
    low, high = SUPPORTED_VERSIONS[0], SUPPORTED_VERSIONS[-1]
    return f"{low[0]}.{low[1]}-{high[0]}.{high[1]}"


def check_version(version: Version) -> Version:
    """Return ``version`` unchanged if the model covers it, else raise ``ValueError``."""
    if (
        not isinstance(version, tuple)
        or len(version) != 2
        or not all(isinstance(part, int) for part in version)
    ):
        raise ValueError(f"a version is a (major, minor) tuple such as (3, 12), not {version!r}")
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(
            f"CPython {version[0]}.{version[1]} is not covered by the memory model "
            f"(supported: {_supported_text()})"
        )
    return version


def parse_version_and_patch(text: str) -> tuple[Version, int | None]:
    """Parse ``"3.12"``, ``"3.14.5"``, ``"py312"``, ``"312"`` into ``((3, 12), patch)``.

    ``patch`` is ``None`` when the text does not name one.
    """
    cleaned = text.strip().lower()
    dotted = _DOTTED.match(cleaned)
    if dotted:
        major, minor = int(dotted.group(1)), int(dotted.group(2))
        patch = int(dotted.group(3)) if dotted.group(3) is not None else None
    else:
        packed = _PACKED.match(cleaned)
        if not packed:
            raise ValueError(
                f"cannot read a Python version from {text!r}; "
                f"write it as 3.12, 3.12.1, py312 or 312 (supported: {_supported_text()})"
            )
        major, minor, patch = int(packed.group(1)), int(packed.group(2)), None
    return check_version((major, minor)), patch


def parse_version(text: str) -> Version:
    """Parse ``"3.12"``, ``"py312"``, ``"312"`` or ``"3.12.1"`` into ``(3, 12)``.

    Raises ``ValueError`` naming the supported range for anything else.
    """
    return parse_version_and_patch(text)[0]


def running_version() -> Version:
    """The ``(major, minor)`` of the interpreter running memlint, if the model covers it."""
    return check_version((sys.version_info[0], sys.version_info[1]))


def running_patch() -> int:
    """The micro (patch) number of the running interpreter."""
    return sys.version_info[2]


def nearest_supported(version: Version) -> Version:
    """Clamp a version into the covered range (for callers that prefer a guess to an error)."""
    if version < SUPPORTED_VERSIONS[0]:
        return SUPPORTED_VERSIONS[0]
    if version > SUPPORTED_VERSIONS[-1]:
        return SUPPORTED_VERSIONS[-1]
    return check_version(version)


def format_version(version: Version) -> str:
    """``(3, 12)`` -> ``"3.12"``."""
    return f"{version[0]}.{version[1]}"
