"""Attaching estimates to findings: the step between finding and reporting.

Each rule prices its own findings (``Rule.estimate``) from the cost model for the
target CPython; ``memlint run`` replaces these modelled figures with measured
ones. Keeping this a separate step keeps the engine (and its cache) independent
of the target version.
"""

from __future__ import annotations

import dataclasses

from memlint.runner import CheckRun


def attach_estimates(run: CheckRun) -> None:
    """Give every finding the estimate its rule computes for the target version."""
    by_code = {rule.code: rule for rule in run.rules}
    python = run.settings.python
    priced = []
    for finding in run.findings:
        rule = by_code.get(finding.code)
        estimate = rule.estimate(finding, python) if rule is not None else None
        priced.append(
            dataclasses.replace(finding, estimate=estimate) if estimate is not None else finding
        )
    run.findings = priced
