"""What the child should watch: probes derived from the static findings.

The parent never imports the target. It names what to watch the way the child
will find it: a class, cached function or defaulted function by the absolute
path of its file and its ``__qualname__`` there (the child maps loaded modules
to their files, so a script that runs as ``__main__`` is found as well as a
module imported under its package name), and a whole-file read by file and
line range. Each probe keeps the indexes of the findings it serves.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from memlint._compat import SLOTS
from memlint.finding import Finding
from memlint.runner import _ModuleNames


@dataclass(frozen=True, **SLOTS)
class Target:
    """What to run: a script path or a module (``-m``), and its arguments."""

    kind: str  # "path" or "module"
    name: str
    args: tuple[str, ...] = ()

    @classmethod
    def parse(cls, argv: Sequence[str]) -> Target:
        """``script.py args...`` or ``-m module args...`` (also ``-mmodule``)."""
        if not argv:
            raise ValueError("nothing to run: give a script or -m MODULE after `--`")
        first = argv[0]
        if first == "-m":
            if len(argv) < 2:
                raise ValueError("-m needs a module name")
            return cls("module", argv[1], tuple(argv[2:]))
        if first.startswith("-m") and len(first) > 2:
            return cls("module", first[2:], tuple(argv[1:]))
        if first.startswith("-"):
            raise ValueError(
                f"unsupported interpreter option {first!r}: give a script or -m MODULE"
            )
        return cls("path", first, tuple(argv[1:]))

    def display(self) -> str:
        head = f"-m {self.name}" if self.kind == "module" else self.name
        return " ".join((head, *self.args))


@dataclass(**SLOTS)
class Plan:
    """The JSON plan and, per probe id, the findings it measures."""

    data: dict[str, Any]
    findings: dict[str, list[int]] = field(default_factory=dict)
    #: Absolute file -> dotted module name for every checked file.
    modules: dict[str, str] = field(default_factory=dict)


class _Builder:
    def __init__(self, files: Sequence[Path]) -> None:
        self.names = _ModuleNames()
        self.by_module: dict[str, str] = {}
        self.by_file: dict[str, str] = {}
        for path in files:
            absolute = os.path.abspath(path)
            module, _ = self.names(Path(absolute))
            self.by_file[absolute] = module
            self.by_module.setdefault(module, absolute)
        self.classes: dict[tuple[str, str], dict[str, Any]] = {}
        self.findings: dict[str, list[int]] = {}
        self.probes: dict[str, list[dict[str, Any]]] = {
            "classes": [],
            "caches": [],
            "defaults": [],
            "lines": [],
            "cycles": [],
        }

    def module_of(self, path: str) -> str:
        absolute = os.path.abspath(path)
        if absolute not in self.by_file:
            module, _ = self.names(Path(absolute))
            self.by_file[absolute] = module
            self.by_module.setdefault(module, absolute)
        return self.by_file[absolute]

    def split(self, qualified: str) -> Optional[tuple[str, str, str]]:
        """``pkg.mod.Outer.Inner`` -> (file, module, ``Outer.Inner``), longest module first."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if module in self.by_module:
                return self.by_module[module], module, ".".join(parts[cut:])
        return None

    def link(self, probe_id: str, index: int) -> None:
        self.findings.setdefault(probe_id, []).append(index)

    def class_probe(self, file: str, module: str, qualname: str) -> str:
        key = (file, qualname)
        if key not in self.classes:
            spec = {
                "id": f"class{len(self.classes)}",
                "file": file,
                "module": module,
                "qualname": qualname,
            }
            self.classes[key] = spec
            self.probes["classes"].append(spec)
        return str(self.classes[key]["id"])

    def add(self, index: int, finding: Finding) -> None:
        code = finding.code
        if code == "MEM004":
            self._missing_slots(index, finding)
        elif code == "MEM002":
            self._function_probe(index, finding, "caches", "cache")
        elif code == "MEM001":
            self._function_probe(index, finding, "defaults", "default")
        elif code == "MEM003":
            spec: dict[str, Any] = {
                "id": f"read{len(self.probes['lines'])}",
                "file": os.path.abspath(finding.path),
                "line": finding.line,
                "end_line": finding.end_line,
            }
            self.probes["lines"].append(spec)
            self.link(spec["id"], index)
        elif code == "MEM005":
            self._cycle(index, finding)

    def _missing_slots(self, index: int, finding: Finding) -> None:
        qualified = finding.detail("class")
        if not isinstance(qualified, str):
            return
        file = os.path.abspath(finding.path)
        module = self.module_of(finding.path)
        if qualified.startswith(module + "."):
            qualname = qualified[len(module) + 1 :]
        else:
            split = self.split(qualified)
            if split is None:
                return
            file, module, qualname = split
        self.link(self.class_probe(file, module, qualname), index)

    def _function_probe(self, index: int, finding: Finding, kind: str, prefix: str) -> None:
        function = finding.detail("function")
        if not isinstance(function, str) or "<" in function:
            return  # a lambda or a nested function: not reachable from its module
        spec: dict[str, Any] = {
            "id": f"{prefix}{len(self.probes[kind])}",
            "file": os.path.abspath(finding.path),
            "module": self.module_of(finding.path),
            "qualname": function,
        }
        if kind == "defaults":
            parameter = finding.detail("parameter")
            if not isinstance(parameter, str):
                return
            spec["parameter"] = parameter
        self.probes[kind].append(spec)
        self.link(spec["id"], index)

    def _cycle(self, index: int, finding: Finding) -> None:
        ids = []
        for key in ("owner_class", "child_class"):
            qualified = finding.detail(key)
            if not isinstance(qualified, str) or not qualified:
                continue
            split = self.split(qualified)
            if split is None:
                continue
            ids.append(self.class_probe(*split))
        if not ids:
            return
        spec = {
            "id": f"cycle{len(self.probes['cycles'])}",
            "owner": ids[0],
            "child": ids[-1],
        }
        self.probes["cycles"].append(spec)
        self.link(spec["id"], index)


def build_plan(
    findings: Sequence[Finding],
    target: Target,
    files: Sequence[Path],
    *,
    observations: str,
    work_dir: str,
    interval: float = 0.005,
    fork: bool = True,
) -> Plan:
    """The plan for ``target``: probes for ``findings``, and ``files`` as the project's
    source (classes defined there may be reported from runtime evidence alone)."""
    builder = _Builder(files)
    for index, finding in enumerate(findings):
        builder.add(index, finding)
    data = {
        "version": 1,
        "target": {"kind": target.kind, "name": target.name, "args": list(target.args)},
        "observations": observations,
        "work_dir": work_dir,
        "interval": interval,
        "fork": fork,
        "sources": sorted(builder.by_file),
        "probes": builder.probes,
    }
    return Plan(data, builder.findings, dict(builder.by_file))
