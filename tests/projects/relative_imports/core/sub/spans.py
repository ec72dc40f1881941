from ..types import Span as S


def spans(pairs):
    return {S(a, b) for a, b in pairs}
