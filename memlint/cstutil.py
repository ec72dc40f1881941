"""Small LibCST helpers shared by rules (no rule logic here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional, Sequence, TypeVar, Union, cast

from memlint.index import name_chain

if TYPE_CHECKING:
    import libcst as cst
else:
    from memlint.lazy import libcst as cst


_V = TypeVar("_V")


def cst_visitor(kind: type[_V]) -> type[_V]:
    """``kind`` (a plain class written like a :class:`libcst.CSTVisitor`: ``visit_*``
    may return ``False`` to skip children, ``on_visit``/``on_leave`` see every
    node) made a ``CSTVisitor`` subclass for ``node.visit``, on first use: a
    ``CSTVisitor`` subclass defined at module level would import libcst with the
    module."""
    made = _CST_VISITORS.get(kind)
    if made is None:
        bases = (kind, cst.CSTVisitor)
        made = _CST_VISITORS[kind] = type(kind.__name__, bases, {"__module__": kind.__module__})
    return cast("type[_V]", made)


_CST_VISITORS: dict[type, type] = {}


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
    chain = name_chain(node)
    return ".".join(chain) if chain is not None else None


# -- classes (used by the fixes of MEM004 and MEM005) ------------------------------------


def class_path(qualname: str, module: str) -> Optional[list[str]]:
    """The names of the classes leading to ``qualname`` inside ``module``."""
    if not module:
        return qualname.split(".") if qualname else None
    if not qualname.startswith(module + "."):
        return None
    return qualname[len(module) + 1 :].split(".")


def find_class(module: cst.Module, path: Sequence[str]) -> Optional[cst.ClassDef]:
    """The one class at ``path`` (``["Outer", "Inner"]``), also inside ``if``/``try``
    blocks as the facts count them; ``None`` when missing or defined twice."""
    statements: Sequence[cst.CSTNode] = module.body
    node: Optional[cst.ClassDef] = None
    for name in path:
        found: list[cst.ClassDef] = []
        _collect_classes(statements, name, found)
        if len(found) != 1:
            return None
        node = found[0]
        statements = body_statements(node)
    return node


def _collect_classes(
    statements: Sequence[cst.CSTNode], name: str, found: list[cst.ClassDef]
) -> None:
    for statement in statements:
        if isinstance(statement, cst.ClassDef):
            if statement.name.value == name:
                found.append(statement)
        elif isinstance(statement, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
            for block in _blocks(statement):
                _collect_classes(block, name, found)


def _blocks(statement: cst.CSTNode) -> list[Sequence[cst.CSTNode]]:
    """The statement lists of a compound statement's blocks (not functions')."""
    blocks: list[Sequence[cst.CSTNode]] = []
    parts: list[Optional[cst.CSTNode]] = [getattr(statement, "body", None)]
    if isinstance(statement, cst.If):
        parts.append(statement.orelse)
    elif isinstance(statement, cst.Try):
        parts.extend(handler for handler in statement.handlers)
        parts.extend((statement.orelse, statement.finalbody))
    elif isinstance(statement, (cst.For, cst.While)):
        parts.append(statement.orelse)
    for part in parts:
        if isinstance(part, (cst.If, cst.Else, cst.ExceptHandler, cst.Finally)):
            if isinstance(part, cst.If):
                blocks.extend(_blocks(part))
                continue
            part = part.body
        if isinstance(part, cst.IndentedBlock):
            blocks.append(part.body)
    return blocks


def body_statements(cls: cst.ClassDef) -> Sequence[cst.BaseStatement]:
    body = cls.body
    return body.body if isinstance(body, cst.IndentedBlock) else ()


def quote_of(value: Union[cst.Tuple, cst.List]) -> str:
    for element in value.elements:
        if isinstance(element.value, cst.SimpleString):
            return element.value.quote if len(element.value.quote) == 1 else '"'
    return '"'


_Item = TypeVar("_Item", "cst.Element", "cst.Arg")


def append_items(
    items: Sequence[_Item],
    new: Sequence[_Item],
    opening: Optional[cst.BaseParenthesizableWhitespace],
) -> list[_Item]:
    """``items`` followed by ``new``, with commas that keep the layout: a trailing
    comma (and the line break before the closing bracket) moves to the new last item."""
    if not new:
        return list(items)
    if not items:
        return list(new)
    result: list[_Item] = list(items[:-1])
    last = items[-1]
    comma = last.comma
    if not isinstance(comma, cst.Comma):
        result.append(last)
        result.extend(new)
        return result
    # ``(a,)`` or a trailing comma before a line break: the new items go after it.
    multiline = isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)
    separator = cst.Comma(
        whitespace_before=comma.whitespace_before,
        whitespace_after=opening
        if multiline and opening is not None
        else cst.SimpleWhitespace(" "),
    )
    result.append(last.with_changes(comma=separator))
    result.extend(item.with_changes(comma=separator) for item in new[:-1])
    final = new[-1]
    result.append(final.with_changes(comma=comma) if multiline or len(items) > 1 else final)
    return result
