"""libcst is imported only when a tree is needed: never by a warm run. rich only
when something is printed through it, and the process pool's modules only when a
pool starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from memlint.lazy import LazyModule
from memlint.output import _TERMINAL_VARIABLES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _python(code: str, cwd: Path) -> dict[str, object]:
    # Standard error is a pipe here; nothing may tell rich to treat it as a terminal.
    env = {k: v for k, v in os.environ.items() if k not in _TERMINAL_VARIABLES}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


RUN = """
    import json, sys
    from pathlib import Path
    from memlint.config import Settings
    from memlint.estimates import attach_estimates
    from memlint.rules import RULES
    from memlint.runner import RunOptions, check_paths, open_cache
    import memlint.cli, memlint.output  # everything a check run loads up front
    settings = Settings(root=Path({root!r}), cache_dir=Path({cache!r}))
    run = check_paths([{path!r}], settings, settings.enabled_rules(RULES),
                      RunOptions(jobs=1), cache=open_cache(settings))
    attach_estimates(run)
    print(json.dumps({{
        "libcst": "libcst" in sys.modules,
        "findings": [f.to_dict() for f in run.findings],
    }}, default=str))
"""


def test_starting_memlint_does_not_import_libcst(tmp_path: Path) -> None:
    found = _python(
        """
        import json, sys
        import memlint.cli, memlint.rules, memlint.runner, memlint.engine, memlint.output
        print(json.dumps({"libcst": "libcst" in sys.modules}))
        """,
        tmp_path,
    )
    assert found == {"libcst": False}


def test_a_cold_run_that_parses_nothing_with_libcst_does_not_import_it(tmp_path: Path) -> None:
    # Every file gets the facts pass and the gates (on the ast), which name things
    # (`qualified_name`) on every file: that must not load libcst either.
    found = _python(
        """
        import json, sys
        import memlint.rules
        from memlint.engine import EngineOptions, check_source
        code = (
            "import os\\nfrom collections import deque\\n"
            "class P:\\n    q = deque()\\n    def size(self):\\n        return len(self.q)\\n"
            "def f():\\n    return [P() for _ in os.listdir()]\\n"
        )
        result = check_source(code, "m.py", memlint.rules.RULES, EngineOptions((3, 11)))
        print(json.dumps({"libcst": "libcst" in sys.modules,
                          "classes": len(result.facts.classes)}))
        """,
        tmp_path,
    )
    assert found == {"libcst": False, "classes": 1}


def test_a_warm_run_does_not_import_libcst(tmp_path: Path) -> None:
    code = RUN.format(root=str(EXAMPLES), cache=str(tmp_path / "cache"), path=str(EXAMPLES))
    cold = _python(code, tmp_path)
    warm = _python(code, tmp_path)
    assert cold["libcst"] is True  # it analysed the files
    assert warm["libcst"] is False  # every result, the join and the fixes came from the cache
    assert warm["findings"] == cold["findings"] and cold["findings"]


CLI = """
    import contextlib, io, json, sys
    import memlint.cli
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            memlint.cli.main(["check", "--cache-dir", {cache!r}, "--jobs", "1",
                              "--output-format", {fmt!r}, {path!r}])
        except SystemExit:
            pass
    print(json.dumps({{name: name in sys.modules
                      for name in ("libcst", "rich", "concurrent.futures.process")}}))
"""


def test_a_warm_json_run_to_a_pipe_imports_neither_libcst_nor_rich(tmp_path: Path) -> None:
    def run(fmt: str) -> dict[str, object]:
        cache = str(tmp_path / "cache")
        return _python(CLI.format(cache=cache, fmt=fmt, path=str(EXAMPLES)), tmp_path)

    assert run("json")["libcst"] is True  # cold: fills the cache
    warm = run("json")
    assert warm == {"libcst": False, "rich": False, "concurrent.futures.process": False}
    assert run("full")["rich"] is True  # text output is printed through rich


def test_lazy_module_imports_on_first_use() -> None:
    lazy = LazyModule("json.tool")
    assert "lazy module 'json.tool'" in repr(lazy)
    import json.tool

    assert lazy.main is json.tool.main
    assert "main" in vars(lazy)  # copied: the next read is a plain attribute
