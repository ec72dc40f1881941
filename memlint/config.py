"""``[tool.memlint]`` configuration and rule selection.

Configuration comes from the nearest ``pyproject.toml`` with a ``[tool.memlint]``
table, searched upwards from the paths being checked (or ``--config FILE``).
Selection works like ruff's: selectors are codes (``MEM001``), prefixes
(``MEM00``) or ``ALL``; within one layer the most specific matching selector
decides for each rule, and ``ignore`` wins a tie. The command line is a second
layer over the file: ``--select`` starts again from scratch, ``--extend-select``
adds rules (even ones the file ignores) and ``--ignore`` removes rules.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

from memlint._compat import SLOTS, tomllib
from memlint.rule import Rule

DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".memlint_cache",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)

SUPPORTED_VERSIONS = tuple((3, minor) for minor in range(9, 15))

_LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")
_KNOWN_KEYS = frozenset((*_LIST_KEYS, "per-file-ignores", "target-version", "cache-dir"))


class ConfigError(Exception):
    """A configuration or usage problem, with a one-line message for the user."""


@dataclass(frozen=True, **SLOTS)
class Settings:
    """Everything a check run is configured with, after merging file and flags."""

    root: Path
    config_file: Optional[Path] = None
    select: tuple[str, ...] = ("ALL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    target_version: Optional[tuple[int, int]] = None
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    cache_dir: Optional[Path] = None
    #: The command-line layer (``None``: flag not given).
    cli_select: Optional[tuple[str, ...]] = None
    cli_extend_select: tuple[str, ...] = ()
    cli_ignore: tuple[str, ...] = ()

    @property
    def python(self) -> tuple[int, int]:
        """The CPython version the cost model describes."""
        if self.target_version is not None:
            return self.target_version
        return (sys.version_info[0], sys.version_info[1])

    def enabled_rules(self, rules: Sequence[type[Rule]]) -> tuple[type[Rule], ...]:
        if self.cli_select is not None:
            base = select_rules(rules, (*self.cli_select, *self.cli_extend_select), ())
        else:
            base = select_rules(rules, (*self.select, *self.extend_select), self.ignore)
            extra = select_rules(rules, self.cli_extend_select, ())
            base = tuple(rule for rule in rules if rule in base or rule in extra)
        removed = set(select_rules(rules, ("ALL",), self.cli_ignore)) if self.cli_ignore else None
        if removed is None:
            return base
        # ``--ignore`` loses to a more specific ``--select``/``--extend-select``.
        kept = select_rules(
            rules, (*(self.cli_select or ()), *self.cli_extend_select), self.cli_ignore
        )
        return tuple(rule for rule in base if rule in removed or rule in kept)


def parse_version(text: str) -> tuple[int, int]:
    """``py312``, ``3.12`` or ``312`` -> ``(3, 12)``; a clear error otherwise."""
    raw = text.strip().lower()
    digits = raw[2:] if raw.startswith("py") else raw.replace(".", "", 1)
    if not digits.isdigit() or len(digits) < 2 or digits[0] != "3":
        raise ConfigError(f"invalid target version {text!r}: use py39 ... py314")
    version = (3, int(digits[1:]))
    if version not in SUPPORTED_VERSIONS:
        raise ConfigError(f"unsupported target version {text!r}: use py39 ... py314")
    return version


def _matches(selector: str, code: str) -> int:
    """Specificity of ``selector`` for ``code`` (-1: no match; ALL is 0)."""
    if selector == "ALL":
        return 0
    return len(selector) if code.startswith(selector) else -1


def check_selectors(selectors: Iterable[str], rules: Sequence[type[Rule]], origin: str) -> None:
    codes = [rule.code for rule in rules]
    for selector in selectors:
        if selector != "ALL" and not any(code.startswith(selector) for code in codes):
            known = ", ".join(codes)
            raise ConfigError(
                f"unknown rule selector {selector!r} in {origin} (known: {known}, ALL)"
            )


def select_rules(
    rules: Sequence[type[Rule]], select: Iterable[str], ignore: Iterable[str]
) -> tuple[type[Rule], ...]:
    chosen = []
    select = tuple(select)
    ignore = tuple(ignore)
    for rule in rules:
        best_select = max((_matches(s, rule.code) for s in select), default=-1)
        best_ignore = max((_matches(s, rule.code) for s in ignore), default=-1)
        if best_select >= 0 and best_select > best_ignore:
            chosen.append(rule)
    return tuple(chosen)


def ignored_codes_for(settings: Settings, relative_path: str) -> tuple[str, ...]:
    """Selectors that ``per-file-ignores`` applies to a root-relative POSIX path."""
    if not settings.per_file_ignores:
        return ()
    from memlint.discovery import PatternSet

    codes: list[str] = []
    for pattern, selectors in settings.per_file_ignores:
        if PatternSet((pattern,)).matches(relative_path, is_dir=False):
            codes.extend(selectors)
    return tuple(codes)


# -- finding and reading the file ------------------------------------------------------


def find_config(start: Path) -> Optional[Path]:
    """The nearest ``pyproject.toml`` with ``[tool.memlint]`` at or above ``start``."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / "pyproject.toml"
        if candidate.is_file():
            try:
                data = _read_toml(candidate)
            except ConfigError:
                raise
            if isinstance(data.get("tool"), dict) and "memlint" in data["tool"]:
                return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def load_settings(
    paths: Sequence[str], config_file: Optional[str], rules: Sequence[type[Rule]]
) -> Settings:
    """Settings from ``--config`` or the nearest ``pyproject.toml``."""
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"config file {config_file!r} does not exist")
        data = _read_toml(path)
        table = data.get("tool", {}).get("memlint") if "tool" in data else None
        if table is None:
            table = data  # a standalone memlint.toml with top-level keys
        return _settings_from_table(table, path.resolve(), rules)
    anchors = [Path(p) for p in paths if p != "-"] or [Path.cwd()]
    existing = [a for a in anchors if a.exists()] or [Path.cwd()]
    common = Path(os.path.commonpath([str(a.resolve()) for a in existing]))
    found = find_config(common)
    if found is None:
        return Settings(root=_project_root(common))
    table = _read_toml(found)["tool"]["memlint"]
    return _settings_from_table(table, found.resolve(), rules)


def _project_root(start: Path) -> Path:
    """Without a memlint config: the nearest directory with pyproject.toml or .git."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if (candidate / "pyproject.toml").is_file() or (candidate / ".git").exists():
            return candidate
    return Path.cwd().resolve()


def _settings_from_table(
    table: Mapping[str, Any], path: Path, rules: Sequence[type[Rule]]
) -> Settings:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [tool.memlint] must be a table")
    codes = {rule.code: rule for rule in rules}
    settings = Settings(root=path.parent, config_file=path)
    changes: dict[str, Any] = {}
    rule_options: dict[str, dict[str, Any]] = {}
    for key, value in table.items():
        if key in _LIST_KEYS:
            changes[key.replace("-", "_")] = _string_list(value, key, path)
        elif key == "per-file-ignores":
            changes["per_file_ignores"] = _per_file_ignores(value, path, rules)
        elif key == "target-version":
            if not isinstance(value, str):
                raise ConfigError(f"{path}: target-version must be a string like 'py312'")
            try:
                changes["target_version"] = parse_version(value)
            except ConfigError as exc:
                raise ConfigError(f"{path}: {exc}") from None
        elif key == "cache-dir":
            if not isinstance(value, str):
                raise ConfigError(f"{path}: cache-dir must be a string")
            changes["cache_dir"] = (path.parent / value).resolve()
        elif key in codes:
            rule_options[key] = _rule_options(codes[key], value, path)
        else:
            known = ", ".join(sorted(_KNOWN_KEYS | set(codes)))
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.memlint] (known: {known})")
    for key in ("select", "extend_select", "ignore"):
        if key in changes:
            check_selectors(changes[key], rules, f"{path} ({key.replace('_', '-')})")
    if rule_options:
        changes["rule_options"] = rule_options
    return replace(settings, **changes)


def _string_list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return tuple(value)


def _per_file_ignores(
    value: Any, path: Path, rules: Sequence[type[Rule]]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{path}: per-file-ignores must be a table of pattern = [codes]")
    result = []
    for pattern, codes in value.items():
        selectors = _string_list(codes, f"per-file-ignores.{pattern}", path)
        check_selectors(selectors, rules, f"{path} (per-file-ignores)")
        result.append((pattern, selectors))
    return tuple(result)


def _rule_options(rule: type[Rule], value: Any, path: Path) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{path}: [tool.memlint.{rule.code}] must be a table")
    options: dict[str, Any] = {}
    for key, option in value.items():
        if key not in rule.options:
            known = ", ".join(sorted(rule.options)) or "none"
            raise ConfigError(f"{path}: unknown option {key!r} for {rule.code} (known: {known})")
        default = rule.options[key]
        if type(option) is not type(default):
            raise ConfigError(
                f"{path}: {rule.code}.{key} must be {type(default).__name__}, "
                f"not {type(option).__name__}"
            )
        options[key] = option
    return options


def merge_cli(
    settings: Settings,
    rules: Sequence[type[Rule]],
    *,
    select: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    target_version: Optional[str] = None,
    cache_dir: Optional[str] = None,
    exclude: Sequence[str] = (),
    extend_exclude: Sequence[str] = (),
) -> Settings:
    """Apply command-line flags on top of the file's settings."""
    check_selectors(select, rules, "--select")
    check_selectors(extend_select, rules, "--extend-select")
    check_selectors(ignore, rules, "--ignore")
    changes: dict[str, Any] = {
        "cli_select": tuple(select) if select else None,
        "cli_extend_select": tuple(extend_select),
        "cli_ignore": tuple(ignore),
    }
    if target_version is not None:
        changes["target_version"] = parse_version(target_version)
    if cache_dir is not None:
        changes["cache_dir"] = Path(cache_dir).resolve()
    if exclude:
        changes["exclude"] = tuple(exclude)
    if extend_exclude:
        changes["extend_exclude"] = (*settings.extend_exclude, *extend_exclude)
    return replace(settings, **changes)
