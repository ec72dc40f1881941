"""Every rule's VALID/INVALID examples and documented examples, run as tests."""

from __future__ import annotations

import pytest

from memlint.rule import DOC_SECTIONS, Invalid, Rule, Valid
from memlint.testing import expected_markers, fix, lint

from .conftest import rules_under_test

RULES = rules_under_test()


def _examples(kind: str) -> list[object]:
    params = []
    for rule in RULES:
        for number, example in enumerate(getattr(rule, kind)):
            params.append(pytest.param(rule, example, id=f"{rule.code}-{kind.lower()}-{number}"))
    return params


@pytest.mark.parametrize(("rule", "example"), _examples("VALID"))
def test_valid_example_has_no_finding(rule: type[Rule], example: Valid) -> None:
    result = lint(
        example.code,
        [rule],
        path=example.path,
        target_version=example.target_version,
        rule_options={rule.code: example.options},
    )
    assert result.error is None, result.error
    assert [(f.line, f.message) for f in result.findings] == []


@pytest.mark.parametrize(("rule", "example"), _examples("INVALID"))
def test_invalid_example_findings_match_markers(rule: type[Rule], example: Invalid) -> None:
    result = lint(
        example.code,
        [rule],
        path=example.path,
        target_version=example.target_version,
        rule_options={rule.code: example.options},
    )
    assert result.error is None, result.error
    expected = expected_markers(example.code)
    assert expected, "an INVALID example must mark at least one expected finding"
    assert all(code == rule.code for _, code, _ in expected)
    got = sorted((f.line, f.code) for f in result.findings)
    assert got == sorted((line, code) for line, code, _ in expected)
    for line, _, column in expected:
        if column is not None:
            assert any(f.line == line and f.column == column for f in result.findings)
    for finding in result.findings:
        assert finding.message.endswith("."), "a message is one complete sentence"
        assert finding.message[0].isupper()
        assert (finding.line, finding.column) <= (finding.end_line, finding.end_column)


@pytest.mark.parametrize(("rule", "example"), _examples("INVALID"))
def test_invalid_example_fixes(rule: type[Rule], example: Invalid) -> None:
    kwargs = dict(
        path=example.path,
        target_version=example.target_version,
        rule_options={rule.code: example.options},
    )
    safe = fix(example.code, [rule], **kwargs)  # type: ignore[arg-type]
    assert safe == (example.fixed if example.fixed is not None else example.code)
    unsafe = fix(example.code, [rule], unsafe=True, **kwargs)  # type: ignore[arg-type]
    expected_unsafe = example.unsafe_fixed
    if expected_unsafe is None:
        expected_unsafe = example.fixed if example.fixed is not None else example.code
    assert unsafe == expected_unsafe
    # Idempotent: fixing the fixed code changes nothing.
    assert fix(unsafe, [rule], unsafe=True, **kwargs) == unsafe  # type: ignore[arg-type]


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_docs_have_every_section(rule: type[Rule]) -> None:
    docs = rule.docs()
    assert list(docs.sections) == list(DOC_SECTIONS)
    for title in DOC_SECTIONS:
        assert docs.section(title).strip(), f"{rule.code}: empty section {title!r}"
    assert docs.summary.endswith(".")


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_documented_example_fires_and_use_instead_does_not(rule: type[Rule]) -> None:
    docs = rule.docs()
    example = docs.code_block("Example")
    instead = docs.code_block("Use instead")
    assert example and instead
    assert any(f.code == rule.code for f in lint(example, [rule]).findings)
    assert not lint(instead, [rule]).findings


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_identity(rule: type[Rule]) -> None:
    assert rule.code.startswith("MEM") and len(rule.code) == 6
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.VALID and rule.INVALID


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    assert [r.code for r in RULES] == sorted(r.code for r in RULES)
