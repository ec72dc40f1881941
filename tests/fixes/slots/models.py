"""Records built in bulk by app.py; MEM004's safe fix must not change what it prints."""

from __future__ import annotations

from dataclasses import dataclass


class Reading:
    """One sensor reading."""

    def __init__(self, sensor: str, value: int) -> None:
        self.sensor = sensor
        self.value = value
        self.flags: list[str] = []

    def scaled(self, factor: int) -> Reading:
        return Reading(self.sensor, self.value * factor)

    def __repr__(self) -> str:
        return f"Reading({self.sensor!r}, {self.value!r}, {self.flags!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reading):
            return NotImplemented
        return (self.sensor, self.value, self.flags) == (other.sensor, other.value, other.flags)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Point:
    x: int
    y: int

    def norm1(self) -> int:
        return abs(self.x) + abs(self.y)
