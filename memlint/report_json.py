"""The JSON report: one object with a stable, documented schema.

```
{
  "version": "<memlint version>",
  "findings": [
    {"code", "name", "path", "line", "column", "end_line", "end_column",
     "message", "severity", "confidence", "url",
     "fix": null | {"title", "applicability": "safe"|"unsafe",
                    "edits": [{"line", "column", "end_line", "end_column", "content"}]},
     "estimate": null | {"bytes_saved", "resident_bytes_saved", "unit", "count",
                         "total_bytes", "method", "python", ...},
     "details": {...}}
  ],
  "errors": [{"path", "kind", "reason", "line", "column"}],
  "summary": {"files", "findings", "fixable", "errors", "suppressed", "fixed",
              "estimated_bytes_saved"}
}
```

Lines are 1-based; columns are 1-based Unicode code points; ends are exclusive.
"""

from __future__ import annotations

import json
from typing import Any

from memlint import __version__
from memlint.finding import Applicability
from memlint.runner import CheckRun


def report_data(run: CheckRun) -> dict[str, Any]:
    urls = {rule.code: rule.url() for rule in run.rules}
    findings = []
    for finding in run.findings:
        data = finding.to_dict()
        data["url"] = urls.get(finding.code)
        findings.append(data)
    total = sum(
        f.estimate.total_bytes for f in run.findings if f.estimate and f.estimate.total_bytes
    )
    return {
        "version": __version__,
        "findings": findings,
        "errors": [error.to_dict() for error in run.errors],
        "summary": {
            "files": run.files,
            "findings": len(run.findings),
            "fixable": sum(
                1
                for f in run.findings
                if f.fix is not None and f.fix.applicability is Applicability.SAFE
            ),
            "errors": len(run.errors),
            "suppressed": run.suppressed,
            "fixed": run.fixed,
            "estimated_bytes_saved": total,
        },
    }


def render(run: CheckRun) -> str:
    return json.dumps(report_data(run), indent=2, ensure_ascii=False) + "\n"
