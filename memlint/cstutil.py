"""Small LibCST helpers shared by rules (no rule logic here)."""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst


def all_params(params: cst.Parameters) -> Iterator[cst.Param]:
    """Every named parameter: positional-only, regular, ``*args``, keyword-only, ``**kw``."""
    yield from params.posonly_params
    yield from params.params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    yield from params.kwonly_params
    if params.star_kwarg is not None:
        yield params.star_kwarg


def defaulted_params(params: cst.Parameters) -> Iterator[cst.Param]:
    """Parameters that have a default value."""
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.default is not None:
            yield param


def param_count(params: cst.Parameters) -> int:
    return sum(1 for _ in all_params(params))


def module_bindings(module: cst.Module) -> dict[str, cst.BaseExpression]:
    """Values of names assigned by top-level ``NAME = value`` / ``NAME: T = value``.

    Callers must check the module index that the name is not rebound elsewhere.
    """
    values: dict[str, cst.BaseExpression] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        values[target.target.value] = small.value
            elif (
                isinstance(small, cst.AnnAssign)
                and small.value is not None
                and isinstance(small.target, cst.Name)
            ):
                values[small.target.value] = small.value
    return values


def module_functions(module: cst.Module) -> dict[str, cst.FunctionDef]:
    """Top-level function definitions by name."""
    return {
        statement.name.value: statement
        for statement in module.body
        if isinstance(statement, cst.FunctionDef)
    }


def call_argument(
    call: cst.Call, position: Optional[int], keyword: Optional[str]
) -> Optional[cst.Arg]:
    """The argument passed at ``position`` or as ``keyword``, if any."""
    positional = 0
    for arg in call.args:
        if arg.keyword is not None:
            if keyword is not None and arg.keyword.value == keyword:
                return arg
            continue
        if arg.star:
            return None  # *args: cannot tell which position is which
        if position is not None and positional == position:
            return arg
        positional += 1
    return None


def is_none(node: Optional[cst.CSTNode]) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def docstring_statement(body: cst.BaseSuite) -> Optional[cst.SimpleStatementLine]:
    """The docstring statement of an indented block, if it has one."""
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return None
    # Plain isinstance checks: importing libcst.matchers costs ~0.5 s per process.
    first = body.body[0]
    if (
        isinstance(first, cst.SimpleStatementLine)
        and len(first.body) == 1
        and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    ):
        return first
    return None


def dotted_name(node: cst.CSTNode) -> Optional[str]:
    """``a.b.c`` for a Name/Attribute chain, without resolving imports."""
    parts: list[str] = []
    current: cst.CSTNode = node
    while isinstance(current, cst.Attribute):
        parts.append(current.attr.value)
        current = current.value
    if not isinstance(current, cst.Name):
        return None
    parts.append(current.value)
    return ".".join(reversed(parts))
